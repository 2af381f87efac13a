/**
 * Validation of the chart entries the observability add-ons install
 * (modules/addons/observability). Thresholds, e-mails, retention and sampling are
 * validated by the monitoring check; here: the catalogue entries exist, are well formed
 * (checkCharts) and are the channels the add-ons are written for.
 */
import { CHARTS, ChartCatalog } from "../../variables/charts";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";
import { checkCharts } from "./platform";

/** Catalogue keys the observability add-ons read. */
export const OBSERVABILITY_CHARTS = ["kubePrometheusStack", "loki", "alloy", "opentelemetryOperator", "jaeger"] as const;

export function checkObservability(c: Checker, _cfg: EnvironmentConfig, charts: ChartCatalog = CHARTS): void {
  const subset: Record<string, ChartCatalog[string]> = {};
  for (const key of OBSERVABILITY_CHARTS) {
    if (!charts[key]) c.fail(`charts.${key}`, undefined, "a catalogue entry in variables/charts.ts (the observability add-ons install it)");
    else subset[key] = charts[key];
  }
  checkCharts(c, subset);
  const jaeger = charts.jaeger?.version;
  // Chart 4.x is Jaeger v2 (values `config:`/`jaeger:`); 3.x is the v1 chart.
  if (jaeger && !/^v?([4-9]|\d{2,})\./.test(jaeger)) c.fail("charts.jaeger.version", jaeger, "a 4.x or later chart (Jaeger v2 all-in-one)");
  const loki = charts.loki?.repository;
  if (loki && !loki.includes("grafana-community")) c.fail("charts.loki.repository", loki, "the grafana-community Helm repository (the OSS Loki chart moved there on 2026-03-16)");
}
