/**
 * Prometheus alerting and recording rules, as the `additionalPrometheusRulesMap` value
 * of kube-prometheus-stack (the chart turns each entry into a PrometheusRule in the
 * same release as the CRD, so there is no CRD ordering problem).
 *
 * - Key metrics of the spec (CPU, memory, disk, p99 latency, error rate) at the
 *   environment's thresholds.
 * - Per-service SLOs (availability, latency, error rate) with the multiwindow,
 *   multi-burn-rate alerts of the Google SRE workbook: page when 1h and 5m both burn the
 *   budget 14.4x (2 % of a 30-day budget in an hour), ticket when 6h and 30m burn it 6x.
 */
import { LABELS, prometheusLabel } from "../../../variables/platform";
import type { ServiceDefinition } from "../../../variables/services";

/** The spec's key-metric thresholds (environments/types.ts `AlertThresholds`). */
export interface KeyMetricThresholds {
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  readonly diskPercent: number;
  readonly p99LatencyMs: number;
  readonly errorRatePercent: number;
}

export interface PrometheusRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRule[];
}

/**
 * Label the pod label `authorworks.io/service` becomes after the scrape job's labelmap
 * (Prometheus replaces every character outside [a-zA-Z0-9_] with `_`).
 */
export const SERVICE_LABEL = prometheusLabel(LABELS.service);

/** Burn-rate alert windows (SRE workbook, table 5-8). */
export const BURN_RATE_WINDOWS = [
  { severity: "critical", long: "1h", short: "5m", factor: 14.4 },
  { severity: "warning", long: "6h", short: "30m", factor: 6 },
] as const;

/** SLO targets (share of good events over 30 days). */
export interface SloObjectives {
  /** Share of scrapes where the service's pods are up. @default 0.999 */
  readonly availability: number;
  /** Share of requests faster than the p99 threshold. @default 0.99 */
  readonly latency: number;
  /** Share of requests that are not 5xx. @default 1 - errorRatePercent / 100 */
  readonly errorRate: number;
}

export type SloKind = keyof SloObjectives;

const WINDOWS = ["5m", "30m", "1h", "6h"] as const;

/** Recording rule name of an SLI error ratio: `slo:<kind>_errors:ratio_rate<window>`. */
export function sloRecord(kind: SloKind, window: string): string {
  return `slo:${kind === "errorRate" ? "error_rate" : kind}_errors:ratio_rate${window}`;
}

/** PromQL of the bad-event ratio of one SLI over one window, for one service. */
export function sliErrorRatio(kind: SloKind, svc: ServiceDefinition, window: string, latencySeconds: number): string {
  const sel = `${SERVICE_LABEL}="${svc.name}"`;
  switch (kind) {
    case "availability":
      return `1 - avg(avg_over_time(up{${sel}}[${window}]))`;
    case "latency":
      return (
        `1 - (sum(rate(http_request_duration_seconds_bucket{${sel},le="${latencySeconds}"}[${window}]))` +
        ` / sum(rate(http_request_duration_seconds_count{${sel}}[${window}])))`
      );
    case "errorRate":
      return `sum(rate(http_requests_total{${sel},status=~"5.."}[${window}])) / sum(rate(http_requests_total{${sel}}[${window}]))`;
  }
}

/** The spec's key metrics at the environment's thresholds. */
export function keyMetricRules(t: KeyMetricThresholds): PrometheusRuleGroup {
  const fs = `fstype!~"tmpfs|overlay|squashfs"`;
  return {
    name: "authorworks-key-metrics",
    rules: [
      {
        alert: "NodeHighCpu",
        expr: `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > ${t.cpuPercent}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: { summary: `Node {{ $labels.instance }} CPU above ${t.cpuPercent}%`, description: "CPU utilisation is {{ $value | humanize }}%." },
      },
      {
        alert: "NodeHighMemory",
        expr: `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > ${t.memoryPercent}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: `Node {{ $labels.instance }} memory above ${t.memoryPercent}%`,
          description: "Memory utilisation is {{ $value | humanize }}%.",
        },
      },
      {
        alert: "NodeDiskFull",
        expr: `100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}) > ${t.diskPercent}`,
        for: "15m",
        labels: { severity: "critical" },
        annotations: {
          summary: `Disk {{ $labels.mountpoint }} on {{ $labels.instance }} above ${t.diskPercent}%`,
          description: "Disk utilisation is {{ $value | humanize }}%.",
        },
      },
      {
        alert: "ServiceHighP99Latency",
        expr: `1000 * histogram_quantile(0.99, sum by (le, ${SERVICE_LABEL}) (rate(http_request_duration_seconds_bucket[5m]))) > ${t.p99LatencyMs}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: { summary: `{{ $labels.${SERVICE_LABEL} }} p99 latency above ${t.p99LatencyMs} ms`, description: "p99 is {{ $value | humanize }} ms." },
      },
      {
        alert: "ServiceHighErrorRate",
        expr:
          `100 * sum by (${SERVICE_LABEL}) (rate(http_requests_total{status=~"5.."}[5m]))` +
          ` / sum by (${SERVICE_LABEL}) (rate(http_requests_total[5m])) > ${t.errorRatePercent}`,
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
          summary: `{{ $labels.${SERVICE_LABEL} }} error rate above ${t.errorRatePercent}%`,
          description: "5xx share is {{ $value | humanize }}%.",
        },
      },
    ],
  };
}

/** Default objectives from the thresholds. */
export function defaultObjectives(t: KeyMetricThresholds): SloObjectives {
  return { availability: 0.999, latency: 0.99, errorRate: 1 - t.errorRatePercent / 100 };
}

/** Recording rules and burn-rate alerts of one service's three SLOs. */
export function serviceSloRules(svc: ServiceDefinition, t: KeyMetricThresholds, objectives: SloObjectives = defaultObjectives(t)): PrometheusRuleGroup {
  const latencySeconds = t.p99LatencyMs / 1000;
  const rules: PrometheusRule[] = [];
  const kinds: SloKind[] = ["availability", "latency", "errorRate"];
  for (const kind of kinds) {
    for (const w of WINDOWS) {
      rules.push({ record: sloRecord(kind, w), expr: sliErrorRatio(kind, svc, w, latencySeconds), labels: { [SERVICE_LABEL]: svc.name, slo: kind } });
    }
  }
  for (const kind of kinds) {
    // Round away floating-point noise (1 - 0.999 = 0.0010000000000000009).
    const budget = Number((1 - objectives[kind]).toFixed(6));
    const name = `${kind[0].toUpperCase()}${kind.slice(1)}`;
    for (const b of BURN_RATE_WINDOWS) {
      const threshold = Number((b.factor * budget).toFixed(6));
      const sel = `{${SERVICE_LABEL}="${svc.name}",slo="${kind}"}`;
      rules.push({
        alert: `SLO${name}BurnRate`,
        expr: `${sloRecord(kind, b.long)}${sel} > ${threshold} and ${sloRecord(kind, b.short)}${sel} > ${threshold}`,
        for: b.severity === "critical" ? "2m" : "15m",
        labels: { severity: b.severity, [SERVICE_LABEL]: svc.name, slo: kind, window: `${b.long}/${b.short}` },
        annotations: {
          summary: `${svc.name}: ${kind} SLO (${objectives[kind] * 100}%) budget burning ${b.factor}x over ${b.long} and ${b.short}`,
          description: `Error ratio above ${threshold} (${b.factor} x budget ${budget}).`,
        },
      });
    }
  }
  return { name: `slo-${svc.name}`, interval: "30s", rules };
}

/** Everything for `additionalPrometheusRulesMap`: one PrometheusRule per key, with its groups. */
export function prometheusRulesMap(t: KeyMetricThresholds, services: readonly ServiceDefinition[]): Record<string, { groups: PrometheusRuleGroup[] }> {
  return {
    "authorworks-key-metrics": { groups: [keyMetricRules(t)] },
    "authorworks-slos": { groups: services.map((s) => serviceSloRules(s, t)) },
  };
}
