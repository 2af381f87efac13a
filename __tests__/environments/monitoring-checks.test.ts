import { checkMonthlyBudget } from "../../environments/checks/environment";
import { checkObservability, isHttpsUrl } from "../../environments/checks/observability";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { AlertThresholds, EnvironmentConfig, ObservabilityConfig } from "../../environments/types";
import { Checker } from "../../variables/validation";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

function devWith(o: Partial<ObservabilityConfig>, thresholds?: Partial<AlertThresholds>): EnvironmentConfig {
  return { ...dev, observability: { ...dev.observability, ...o, thresholds: { ...dev.observability.thresholds, ...thresholds } } };
}

/** The observability section and the budget, as synth runs them. */
function checkMonitoring(c: Checker, cfg: EnvironmentConfig): void {
  checkMonthlyBudget(c, cfg);
  checkObservability(c, cfg);
}

const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkMonitoring, cfg);

describe("the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (cfg) => {
    expectCheckPasses(checkMonitoring, cfg);
  });
});

describe("thresholds", () => {
  test.each([
    ["cpuPercent", 0],
    ["cpuPercent", 100],
    ["memoryPercent", 120],
    ["diskPercent", -5],
    ["errorRatePercent", 101],
  ] as const)("%s = %s is refused", (field, value) => {
    const msg = errorOf(devWith({}, { [field]: value }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`observability.thresholds.${field}: got ${value}`);
    expect(msg).toContain("accepted: a percentage greater than 0 and less than 100");
  });

  test.each([0, -1])("p99LatencyMs = %s is refused", (value) => {
    const msg = errorOf(devWith({}, { p99LatencyMs: value }));
    expect(msg).toContain(`observability.thresholds.p99LatencyMs: got ${value}; accepted: a latency in milliseconds greater than 0`);
  });
});

describe("monthlyBudgetUsd", () => {
  test.each([0, -10])("%s is refused", (value) => {
    const msg = errorOf({ ...dev, monthlyBudgetUsd: value });
    expect(msg).toContain(`monthlyBudgetUsd: got ${value}; accepted: a positive amount in USD`);
  });
});

describe("retentions", () => {
  test.each([
    ["lokiRetentionDays", 0],
    ["lokiRetentionDays", 1.5],
    ["lokiRetentionDays", 4000],
    ["prometheusRetentionDays", 0],
    ["prometheusRetentionDays", -7],
  ] as const)("%s = %s is refused", (field, value) => {
    const msg = errorOf(devWith({ [field]: value }));
    expect(msg).toContain(`observability.${field}: got ${value}; accepted: a whole number from 1 to 3650 days`);
  });
});

describe("traceSamplingRatio", () => {
  test.each([-0.1, 1.5])("%s is refused", (value) => {
    const msg = errorOf(devWith({ traceSamplingRatio: value }));
    expect(msg).toContain(`observability.traceSamplingRatio: got ${value}; accepted: a number from 0 to 1`);
  });
  test.each([0, 0.25, 1])("%s is accepted", (value) => {
    const c = new Checker("dev");
    checkMonitoring(c, devWith({ traceSamplingRatio: value }));
    expect(c.ok).toBe(true);
  });
});

describe("alertEmails", () => {
  test.each(["platform-alerts", "a@b", "two words@authorworks.io", "Ops <ops@authorworks.io>", "@authorworks.io"])("%s is refused", (email) => {
    const msg = errorOf(devWith({ alertEmails: ["ok@authorworks.io", email] }));
    expect(msg).toContain(`observability.alertEmails[1]: got ${JSON.stringify(email)}; accepted: an e-mail address`);
  });
  test("none, duplicates and more than 10 are refused", () => {
    expect(errorOf(devWith({ alertEmails: [] }))).toContain("observability.alertEmails: got []; accepted: 1 to 10 e-mail addresses");
    const eleven = [...Array(11).keys()].map((i) => `a${i}@authorworks.io`);
    expect(errorOf(devWith({ alertEmails: eleven }))).toContain("accepted: 1 to 10 e-mail addresses");
    expect(errorOf(devWith({ alertEmails: ["a@authorworks.io", "a@authorworks.io"] }))).toContain("accepted: distinct addresses");
  });
});

describe("pagingWebhookUrl", () => {
  test.each(["http://hooks.authorworks.io/x", "hooks.authorworks.io/x", "ftp://hooks.authorworks.io", "https://", ""])("%s is refused", (url) => {
    const msg = errorOf(devWith({ pagingWebhookUrl: url }));
    expect(msg).toContain(`observability.pagingWebhookUrl: got ${JSON.stringify(url)}; accepted: an https:// URL`);
  });
  test("https URLs are accepted", () => {
    expect(isHttpsUrl("https://hooks.authorworks.io/alerts/critical")).toBe(true);
    expect(isHttpsUrl("http://hooks.authorworks.io")).toBe(false);
  });
});
