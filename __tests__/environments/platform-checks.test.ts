import { checkCharts, checkPlatform } from "../../environments/checks/platform";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig } from "../../environments/types";
import { CHARTS, ChartCatalog } from "../../variables/charts";
import { Checker, ConfigError } from "../../variables/validation";
import { expectCheckPasses } from "./check-helpers";

/** Runs the check and returns the ConfigError it raised (fails the test if none). */
function problems(cfg: EnvironmentConfig, charts: ChartCatalog = CHARTS): ConfigError {
  const c = new Checker(cfg.name);
  checkPlatform(c, cfg, charts);
  try {
    c.done();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

function passes(cfg: EnvironmentConfig, charts: ChartCatalog = CHARTS): void {
  expectCheckPasses((c, env) => checkPlatform(c, env, charts), cfg);
}

describe("checkPlatform", () => {
  test.each([dev, staging, production])("the committed $name environment and chart catalogue pass", (cfg) => {
    passes(cfg);
  });

  test("an empty chart version names the environment, the chart and what is accepted", () => {
    const e = problems(dev, { ...CHARTS, certManager: { ...CHARTS.certManager, version: "" } });
    expect(e.message).toContain('Invalid configuration for environment "dev"');
    expect(e.problems).toEqual([
      'charts.certManager.version: got ""; accepted: an exact chart version such as "1.2.3" or "v1.2.3" (variables/charts.ts; never empty, never a range)',
    ]);
  });

  test.each(["latest", "^1.2.0", "1.2", "~3.5.0", " 3.5.0"])("a chart version %j that is not an exact version is refused", (version) => {
    const e = problems(staging, { ...CHARTS, externalDns: { ...CHARTS.externalDns, version } });
    expect(e.environment).toBe("staging");
    expect(e.problems[0]).toMatch(/^charts\.externalDns\.version: got .*; accepted: an exact chart version/);
  });

  test.each(["1.22.0", "v1.21.2", "2026.8.4", "1.0.0-rc.1"])("a chart version %j is accepted", (version) => {
    passes(dev, { ...CHARTS, metricsServer: { ...CHARTS.metricsServer, version } });
  });

  test("a chart repository that is not https:// or oci:// is refused", () => {
    const e = problems(dev, { ...CHARTS, raw: { ...CHARTS.raw, repository: "http://bedag.github.io/helm-charts/" } });
    expect(e.problems).toEqual([
      'charts.raw.repository: got "http://bedag.github.io/helm-charts/"; accepted: a Helm repository URL (https://...) or an OCI registry path (oci://...) (variables/charts.ts)',
    ]);
  });

  test("Linkerd CRDs and control plane must come from the same release", () => {
    const e = problems(dev, { ...CHARTS, linkerdCrds: { ...CHARTS.linkerdCrds, version: "2026.7.1" } });
    expect(e.problems).toEqual([
      `charts.linkerdControlPlane.version: got "${CHARTS.linkerdControlPlane.version}" while charts.linkerdCrds.version is "2026.7.1"; accepted: the same Linkerd release for both`,
    ]);
  });

  test.each(["", "platform", "platform@", "@authorworks.io", "platform at authorworks.io", "platform@authorworks", "plat form@authorworks.io"])(
    "an invalid ACME email %j is refused",
    (acmeEmail) => {
      const e = problems({ ...production, platform: { ...production.platform, acmeEmail } });
      expect(e.message).toContain('environment "production"');
      expect(e.problems).toEqual([
        `platform.acmeEmail: got ${JSON.stringify(acmeEmail)}; accepted: an e-mail address such as platform@authorworks.io (the Let's Encrypt account contact)`,
      ]);
    },
  );

  test.each(["ops@example.com", "ops@mail.example.org", "root@localhost.localhost", "ops@cluster.local"])(
    "an address Let's Encrypt refuses (%s) is refused",
    (acmeEmail) => {
      const e = problems({ ...dev, platform: { ...dev.platform, acmeEmail } });
      expect(e.problems).toEqual([
        `platform.acmeEmail: got ${JSON.stringify(acmeEmail)}; accepted: an address in a real domain (Let's Encrypt refuses example.*, .test, .invalid, .local and localhost)`,
      ]);
    },
  );

  test("ingressNginx must be a boolean", () => {
    const e = problems({ ...dev, platform: { ...dev.platform, ingressNginx: "yes" as unknown as boolean } });
    expect(e.problems).toEqual(['platform.ingressNginx: got "yes"; accepted: true or false (false: ingress-nginx is retired)']);
  });

  test("a Kubernetes version without a Cluster Autoscaler image is refused", () => {
    const e = problems({ ...dev, kubernetes: { ...dev.kubernetes, version: "1.29" } });
    expect(e.problems).toEqual([
      'kubernetes.version: got "1.29"; accepted: a version with a Cluster Autoscaler image in variables/charts.ts: 1.33, 1.34, 1.35',
    ]);
  });

  test("several problems are reported together", () => {
    const e = problems({ ...dev, platform: { ...dev.platform, acmeEmail: "nope" } }, { ...CHARTS, certManager: { ...CHARTS.certManager, version: "" } });
    expect(e.problems.map((p) => p.split(":")[0])).toEqual(["platform.acmeEmail", "charts.certManager.version"]);
  });
});

describe("checkCharts", () => {
  test("the committed catalogue is valid and every version is exact", () => {
    const c = new Checker("charts");
    checkCharts(c);
    expect(c.ok).toBe(true);
    for (const spec of Object.values(CHARTS)) expect(spec.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });
});
