/**
 * Validation of what the `<env>-platform` stack reads: `platform.*` of the environment
 * file and the chart catalogue (variables/charts.ts), so a half-edited upgrade (an
 * empty or malformed version) stops synth with a message instead of reaching Helm.
 * Registered for `platform` in ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { CHARTS, CHART_REPOSITORY, CHART_VERSION, CLUSTER_AUTOSCALER_IMAGE_TAGS, ChartCatalog } from "../../variables/charts";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/** An address Let's Encrypt accepts as ACME contact: user@domain.tld, no spaces. */
export const ACME_EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Domains Let's Encrypt refuses as contact (RFC 2606 examples and local names). */
export const ACME_FORBIDDEN_DOMAINS = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost|local)$/i;

/** Every chart: repository is https:// or oci://, name set, version an exact semantic version. */
export function checkCharts(c: Checker, charts: ChartCatalog = CHARTS): void {
  for (const [key, spec] of Object.entries(charts)) {
    c.matches(
      `charts.${key}.version`,
      spec.version,
      CHART_VERSION,
      'an exact chart version such as "1.2.3" or "v1.2.3" (variables/charts.ts; never empty, never a range)',
    );
    c.matches(
      `charts.${key}.repository`,
      spec.repository,
      CHART_REPOSITORY,
      "a Helm repository URL (https://...) or an OCI registry path (oci://...) (variables/charts.ts)",
    );
    c.matches(`charts.${key}.chart`, spec.chart, /^[a-z0-9][a-z0-9-]*$/, "a chart name (lower-case letters, digits, hyphens) (variables/charts.ts)");
  }
  const crds = charts.linkerdCrds?.version;
  const controlPlane = charts.linkerdControlPlane?.version;
  if (crds !== undefined && controlPlane !== undefined && crds !== controlPlane) {
    c.problem(
      `charts.linkerdControlPlane.version: got "${controlPlane}" while charts.linkerdCrds.version is "${crds}"; accepted: the same Linkerd release for both`,
    );
  }
}

export function checkPlatform(c: Checker, cfg: EnvironmentConfig, charts: ChartCatalog = CHARTS): void {
  const p = cfg.platform;
  c.boolean("platform.ingressNginx", p?.ingressNginx, "true or false (false: ingress-nginx is retired)");
  if (c.matches("platform.acmeEmail", p?.acmeEmail, ACME_EMAIL, "an e-mail address such as platform@authorworks.io (the Let's Encrypt account contact)")) {
    const domain = p.acmeEmail.split("@")[1];
    if (ACME_FORBIDDEN_DOMAINS.test(domain))
      c.fail("platform.acmeEmail", p.acmeEmail, "an address in a real domain (Let's Encrypt refuses example.*, .test, .invalid, .local and localhost)");
  }
  const version = cfg.kubernetes?.version;
  if (version !== undefined && !CLUSTER_AUTOSCALER_IMAGE_TAGS[version]) {
    c.fail(
      "kubernetes.version",
      version,
      `a version with a Cluster Autoscaler image in variables/charts.ts: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")}`,
    );
  }
  checkCharts(c, charts);
  checkObservabilityCharts(c, charts);
}

/** Catalogue keys the observability add-ons read. */
export const OBSERVABILITY_CHARTS = ["kubePrometheusStack", "prometheusAdapter", "loki", "alloy", "opentelemetryOperator", "jaeger"] as const;

/** The chart entries the observability add-ons install exist, are well formed, and are the channels the add-ons are written for. */
export function checkObservabilityCharts(c: Checker, charts: ChartCatalog = CHARTS): void {
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
  if (loki && !loki.includes("grafana-community"))
    c.fail("charts.loki.repository", loki, "the grafana-community Helm repository (the OSS Loki chart moved there on 2026-03-16)");
}
