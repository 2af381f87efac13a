import { parseCpuMillis, parseMemoryBytes } from "../../variables/quantities";
import {
  HPA_SCALING_LIMITS,
  checkLimitRange,
  checkNamespaceNames,
  checkPlatformWorkloads,
  checkQuota,
  checkScalingPolicy,
  checkWorkloadNames,
} from "../../environments/checks/workloads";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import { EnvironmentConfig, SEED_SCALING, WorkloadConfig } from "../../environments/types";
import type { ContainerLimitRange, NamespaceQuota } from "../../modules/tenancy";
import { NAMESPACES, NamespaceDefinition } from "../../variables/platform";
import { SERVICES } from "../../variables/services";
import { Checker } from "../../variables/validation";
import { configErrorOf } from "./check-helpers";

/** The quota and LimitRange proposed for the environment files (modules/tenancy/README.md). */
const LIMIT_RANGE: ContainerLimitRange = {
  defaultRequest: { cpu: "100m", memory: "128Mi" },
  default: { cpu: "500m", memory: "512Mi" },
  max: { cpu: "2", memory: "2Gi" },
};
const PROPOSED: Record<string, { quota: NamespaceQuota; limitRange: ContainerLimitRange }> = {
  dev: {
    quota: { requests: { cpu: "8", memory: "16Gi" }, limits: { cpu: "40", memory: "32Gi" }, pods: 60, services: 20, persistentVolumeClaims: 5 },
    limitRange: LIMIT_RANGE,
  },
  staging: {
    quota: { requests: { cpu: "12", memory: "24Gi" }, limits: { cpu: "48", memory: "48Gi" }, pods: 80, services: 20, persistentVolumeClaims: 10 },
    limitRange: LIMIT_RANGE,
  },
  production: {
    quota: { requests: { cpu: "32", memory: "48Gi" }, limits: { cpu: "128", memory: "96Gi" }, pods: 150, services: 20, persistentVolumeClaims: 10 },
    limitRange: LIMIT_RANGE,
  },
};

function withWorkloads(cfg: EnvironmentConfig, workloads: Partial<WorkloadConfig> & Record<string, unknown>): EnvironmentConfig {
  return { ...cfg, workloads: { ...cfg.workloads, ...workloads } as WorkloadConfig };
}

const errorOf = configErrorOf;

function passes(check: (c: Checker) => void): void {
  const c = new Checker("dev");
  check(c);
  expect(() => c.done()).not.toThrow();
}

const ns = (name: string, tier: NamespaceDefinition["tier"] = "applications"): NamespaceDefinition => ({ name, tier, description: "test" });

describe("checkPlatformWorkloads", () => {
  test.each([dev, staging, production])("the committed $name environment passes", (cfg) => {
    passes((c) => checkPlatformWorkloads(c, cfg));
  });

  test.each([dev, staging, production])("the proposed quota and LimitRange fit the $name services", (cfg) => {
    passes((c) => checkPlatformWorkloads(c, withWorkloads(cfg, PROPOSED[cfg.name])));
  });

  test("an override with more replicas than the autoscaling ceiling", () => {
    // Production's ceiling is seed 003's max_instances, 20.
    const cfg = withWorkloads(production, { overrides: { gateway: { replicas: 21 } } });
    const msg = errorOf((c) => checkPlatformWorkloads(c, cfg), "production");
    expect(msg).toContain('environment "production"');
    expect(msg).toContain(
      "workloads.overrides.gateway.replicas (21) is greater than workloads.autoscaling.maxReplicas (20); accepted: workloads.overrides.gateway.replicas <= workloads.autoscaling.maxReplicas",
    );
  });
});

describe("scaling rates (checkScalingPolicy)", () => {
  const policy = { pods: 2, periodSeconds: 60, stabilizationWindowSeconds: 180 };
  const problems = (p: typeof policy) => {
    const c = new Checker("staging");
    checkScalingPolicy(c, "workloads.autoscaling.scaleUp", p);
    return c.ok
      ? []
      : errorOf((x) => checkScalingPolicy(x, "workloads.autoscaling.scaleUp", p), "staging")
          .split("\n")
          .slice(1);
  };

  test("Kubernetes' bounds are accepted: period 1 and 1800 s, window 0 and 3600 s", () => {
    expect(HPA_SCALING_LIMITS).toEqual({ periodSeconds: { min: 1, max: 1800 }, stabilizationWindowSeconds: { min: 0, max: 3600 } });
    for (const p of [
      { ...policy, periodSeconds: 1, stabilizationWindowSeconds: 0 },
      { ...policy, periodSeconds: 1800, stabilizationWindowSeconds: 3600 },
    ])
      expect(problems(p)).toEqual([]);
  });

  test("one line per field out of range, naming the field, what it got and what is accepted", () => {
    expect(problems({ pods: 0, periodSeconds: 0, stabilizationWindowSeconds: 3601 })).toEqual([
      "  - workloads.autoscaling.scaleUp.pods: got 0; accepted: a whole number from 1 to 1000 pods per period",
      "  - workloads.autoscaling.scaleUp.periodSeconds: got 0; accepted: a whole number from 1 to 1800 seconds (Kubernetes HPAScalingPolicy)",
      "  - workloads.autoscaling.scaleUp.stabilizationWindowSeconds: got 3601; accepted: a whole number from 0 to 3600 seconds (Kubernetes HPAScalingRules)",
    ]);
    expect(problems({ ...policy, periodSeconds: 1.5 })).toEqual([
      "  - workloads.autoscaling.scaleUp.periodSeconds: got 1.5; accepted: a whole number from 1 to 1800 seconds (Kubernetes HPAScalingPolicy)",
    ]);
  });

  test("the committed environments: seed 003's rates and target, min 2, max 10 (production 20)", () => {
    for (const cfg of [dev, staging, production]) {
      expect({ env: cfg.name, ...cfg.workloads.autoscaling }).toEqual({
        env: cfg.name,
        minReplicas: 2,
        maxReplicas: cfg.name === "production" ? 20 : 10,
        cpuUtilizationPercent: 70,
        memoryUtilizationPercent: 80,
        requestsPerSecond: 1000,
        scaleUp: { pods: 2, periodSeconds: 60, stabilizationWindowSeconds: 180 },
        scaleDown: { pods: 1, periodSeconds: 300, stabilizationWindowSeconds: 600 },
      });
    }
    expect(SEED_SCALING).toEqual({
      requestsPerSecond: 1000,
      scaleUp: { pods: 2, periodSeconds: 60, stabilizationWindowSeconds: 180 },
      scaleDown: { pods: 1, periodSeconds: 300, stabilizationWindowSeconds: 600 },
    });
  });
});

describe("namespace names (variables/platform.ts)", () => {
  test("the committed list passes", () => passes((c) => checkNamespaceNames(c, NAMESPACES)));

  test.each([
    ["upper case", "AuthorWorks"],
    ["underscore", "author_works"],
    ["leading hyphen", "-authorworks"],
    ["trailing hyphen", "authorworks-"],
    ["longer than 63", "a".repeat(64)],
    ["empty", ""],
  ])("%s: %s is not a DNS label", (_, name) => {
    const msg = errorOf((c) => checkNamespaceNames(c, [ns(name), ns("monitoring", "monitoring")]));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(
      `namespaces[0].name: got ${JSON.stringify(name)}; accepted: a DNS label (lower-case letters, digits and inner hyphens, 1-63 characters)`,
    );
  });

  test("reserved names", () => {
    const msg = errorOf((c) => checkNamespaceNames(c, [ns("authorworks"), ns("kube-system", "system"), ns("linkerd", "system"), ns("kube-tools", "system")]));
    expect(msg).toContain('namespaces[1].name: got "kube-system"; accepted: a name not reserved by Kubernetes or the platform');
    expect(msg).toContain('namespaces[2].name: got "linkerd"');
    expect(msg).toContain('namespaces[3].name: got "kube-tools"');
  });

  test("duplicates, no application namespace, two monitoring namespaces", () => {
    expect(errorOf((c) => checkNamespaceNames(c, [ns("authorworks"), ns("authorworks")]))).toContain(
      'namespaces[1].name: got "authorworks"; accepted: each namespace once',
    );
    expect(errorOf((c) => checkNamespaceNames(c, [ns("monitoring", "monitoring")]))).toContain(
      'namespaces: got ["monitoring"]; accepted: at least one namespace of tier "applications"',
    );
    expect(errorOf((c) => checkNamespaceNames(c, [ns("authorworks"), ns("m1", "monitoring"), ns("m2", "monitoring")]))).toContain(
      'accepted: at most one namespace of tier "monitoring"',
    );
  });

  test("checkPlatformWorkloads reports a bad list under the file it comes from", () => {
    const msg = errorOf((c) => checkPlatformWorkloads(c, dev, [ns("Bad_Name")]));
    expect(msg).toContain('namespaces (variables/platform.ts)[0].name: got "Bad_Name"');
  });
});

describe("workload names (variables/services.ts)", () => {
  test("the catalogue passes", () => passes((c) => checkWorkloadNames(c, SERVICES)));

  test("a Service name must start with a letter", () => {
    const msg = errorOf((c) => checkWorkloadNames(c, [{ ...SERVICES[0], workload: "1-gateway" }]));
    expect(msg).toContain('services[0].workload: got "1-gateway"; accepted: an RFC 1035 label (starts with a lower-case letter');
  });
});

describe("quota", () => {
  const base = PROPOSED.production.quota;

  test("too few pods for a rolling update at the autoscaling floor", () => {
    // production: gateway 5 + 1 surge, six services at 2 + 1: 24 pods.
    const msg = errorOf((c) => checkQuota(c, { ...base, pods: 20 }, production.workloads), "production");
    expect(msg).toContain(
      "workloads.quota.pods (20) is below the 24 pods the services need during a rolling update at their autoscaling floor; accepted: at least 24",
    );
  });

  test("too little CPU and memory, Linkerd proxies included", () => {
    // requests.cpu: gateway 6 x (500m + 100m) + 18 x (200m + 100m) = 9000m
    const msg = errorOf((c) => checkQuota(c, { ...base, requests: { cpu: "8", memory: "8000Mi" } }, production.workloads), "production");
    expect(msg).toContain("workloads.quota.requests.cpu (8) is below the 9000m the services need");
    // requests.memory: 6 x (512Mi + 20Mi) + 18 x (256Mi + 20Mi) = 8160Mi
    expect(msg).toContain("workloads.quota.requests.memory (8000Mi) is below the 8160Mi the services need");
    passes((c) => checkQuota(c, { ...base, requests: { cpu: "9", memory: "8160Mi" } }, production.workloads));
  });

  test("fewer Service objects than services, malformed quantities", () => {
    const msg = errorOf((c) => checkQuota(c, { ...base, services: 5, limits: { cpu: "lots", memory: "96GB" } }, production.workloads), "production");
    expect(msg).toContain("workloads.quota.services (5) is below the 7 services of the catalogue; accepted: at least 7");
    expect(msg).toContain('workloads.quota.limits.cpu: got "lots"; accepted: a Kubernetes CPU quantity such as "500m" or "4"');
    expect(msg).toContain('workloads.quota.limits.memory: got "96GB"; accepted: a Kubernetes memory quantity such as "512Mi" or "16Gi"');
  });

  test("reached through checkPlatformWorkloads when the environment has a quota", () => {
    const cfg = withWorkloads(dev, { ...PROPOSED.dev, quota: { ...PROPOSED.dev.quota, pods: 10 } });
    expect(errorOf((c) => checkPlatformWorkloads(c, cfg))).toContain("workloads.quota.pods (10) is below the 21 pods");
  });
});

describe("LimitRange", () => {
  test("a max below the production gateway's limits", () => {
    const l = { ...LIMIT_RANGE, max: { cpu: "800m", memory: "768Mi" }, default: { cpu: "500m", memory: "512Mi" } };
    const msg = errorOf((c) => checkLimitRange(c, l, production.workloads), "production");
    expect(msg).toContain('environment "production"');
    expect(msg).toContain(
      "workloads.limitRange.max.cpu (800m) is below workloads.overrides.gateway.limits.cpu (1000m); accepted: a max that admits every container",
    );
    expect(msg).toContain("workloads.limitRange.max.memory (768Mi) is below workloads.overrides.gateway.limits.memory (1Gi)");
    // The Linkerd proxy's 1 CPU limit is also over 800m.
    expect(msg).toContain("workloads.limitRange.max.cpu (800m) is below the Linkerd proxy limit");
    // dev has no gateway overlay: the same max only trips on the proxy.
    expect(errorOf((c) => checkLimitRange(c, l, dev.workloads))).not.toContain("workloads.overrides.gateway");
  });

  test("defaults out of order", () => {
    const l = { defaultRequest: { cpu: "1", memory: "128Mi" }, default: { cpu: "500m", memory: "4Gi" }, max: { cpu: "2", memory: "2Gi" } };
    const msg = errorOf((c) => checkLimitRange(c, l, dev.workloads));
    expect(msg).toContain("workloads.limitRange.defaultRequest.cpu (1) exceeds workloads.limitRange.default.cpu (500m); accepted: defaultRequest <= default");
    expect(msg).toContain("workloads.limitRange.default.memory (4Gi) exceeds workloads.limitRange.max.memory (2Gi); accepted: default <= max");
  });
});

test("quantity parsing", () => {
  expect([parseCpuMillis("500m"), parseCpuMillis("2"), parseCpuMillis("0.5"), parseCpuMillis("1k")]).toEqual([500, 2000, 500, undefined]);
  expect([parseMemoryBytes("1Gi"), parseMemoryBytes("512Mi"), parseMemoryBytes("1G"), parseMemoryBytes("1GB")]).toEqual([
    2 ** 30,
    512 * 2 ** 20,
    1e9,
    undefined,
  ]);
});
