/**
 * Validation of the `observability` section of an environment file (modules/monitoring
 * and the in-cluster observability stack): thresholds, alert addresses, webhook,
 * retentions and trace sampling.
 */
import { BUDGETS_MAX_EMAIL_SUBSCRIBERS, EBS_GP3_SIZE_GIB } from "../../variables/aws-catalog";
import { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/** A plain e-mail address (local@domain.tld), no display name, no spaces. */
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** An https URL with a host (SNS `https` subscriptions). */
export function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const u = new URL(value);
    return u.protocol === "https:" && u.hostname.length > 0 && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** The alert addresses are also the budget notifications' subscribers: at most what AWS Budgets accepts. */
export const MAX_ALERT_EMAILS = BUDGETS_MAX_EMAIL_SUBSCRIBERS;
/** Loki retention (days): at least a day, at most ten years. */
export const LOKI_RETENTION_DAYS = { min: 1, max: 3650 } as const;
/** Prometheus TSDB retention (days) on its volume. */
export const PROMETHEUS_RETENTION_DAYS = { min: 1, max: 3650 } as const;

/** Checks `cfg.observability`; records every problem on `c`. */
export function checkObservability(c: Checker, cfg: EnvironmentConfig): void {
  const o = cfg.observability;
  if (!o) {
    c.fail("observability", o, "an observability section (alertEmails, thresholds, retentions, traceSamplingRatio)");
    return;
  }
  const t = o.thresholds;
  if (!t) {
    c.fail("observability.thresholds", t, "cpuPercent, memoryPercent, diskPercent, errorRatePercent (0-100) and p99LatencyMs (> 0)");
  } else {
    for (const field of ["cpuPercent", "memoryPercent", "diskPercent", "errorRatePercent"] as const) {
      const v = t[field];
      if (!(typeof v === "number" && Number.isFinite(v) && v > 0 && v < 100)) {
        c.fail(`observability.thresholds.${field}`, v, "a percentage greater than 0 and less than 100");
      }
    }
    if (!(typeof t.p99LatencyMs === "number" && Number.isFinite(t.p99LatencyMs) && t.p99LatencyMs > 0)) {
      c.fail("observability.thresholds.p99LatencyMs", t.p99LatencyMs, "a latency in milliseconds greater than 0");
    }
  }

  const emails = o.alertEmails;
  if (!Array.isArray(emails) || emails.length === 0 || emails.length > MAX_ALERT_EMAILS) {
    c.fail("observability.alertEmails", emails, `1 to ${MAX_ALERT_EMAILS} e-mail addresses (AWS Budgets notifies at most ${MAX_ALERT_EMAILS})`);
  } else {
    emails.forEach((e, i) => c.matches(`observability.alertEmails[${i}]`, e, EMAIL_ADDRESS, "an e-mail address such as alerts@example.com"));
    if (new Set(emails).size !== emails.length) c.fail("observability.alertEmails", emails, "distinct addresses (each is one subscription)");
  }
  if (o.pagingWebhookUrl !== undefined && !isHttpsUrl(o.pagingWebhookUrl)) {
    c.fail("observability.pagingWebhookUrl", o.pagingWebhookUrl, "an https:// URL (SNS https subscription), or no field");
  }

  c.intRange("observability.prometheusRetentionDays", o.prometheusRetentionDays, PROMETHEUS_RETENTION_DAYS.min, PROMETHEUS_RETENTION_DAYS.max, "days");
  c.intRange("observability.prometheusStorageGb", o.prometheusStorageGb, EBS_GP3_SIZE_GIB.min, EBS_GP3_SIZE_GIB.max, "GiB (gp3 volume)");
  if (c.intRange("observability.lokiRetentionDays", o.lokiRetentionDays, LOKI_RETENTION_DAYS.min, LOKI_RETENTION_DAYS.max, "days")) {
    // Loki keeps its chunks in the logs bucket, whose lifecycle rule deletes them regardless.
    const expiration = cfg.storage.logExpirationDays;
    if (Number.isInteger(expiration) && o.lokiRetentionDays > expiration) {
      c.problem(
        `observability.lokiRetentionDays (${o.lokiRetentionDays}) exceeds storage.logExpirationDays (${expiration}): Loki's chunks live in the logs bucket, which expires them first; ` +
          "accepted: lokiRetentionDays <= logExpirationDays",
      );
    }
  }
  c.numberRange("observability.traceSamplingRatio", o.traceSamplingRatio, 0, 1, "(share of traces kept)");
}
