import { Testing, TerraformStack } from "cdktf";
import { existsSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildApp } from "../../environments/app";
import { loadEnvironments, resolveEnvironment } from "../../environments/config";
import { deriveSubnets } from "../../environments/checks/network";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { productionDr } from "../../environments/production-dr";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig } from "../../environments/types";
import { ConfigError } from "../../variables/validation";
import { loadableAlone } from "../helpers";

type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** dev with some fields replaced (deep merge; arrays replace). */
function devWith(patch: DeepPartial<EnvironmentConfig>): EnvironmentConfig {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined) return a;
    if (Array.isArray(b) || typeof b !== "object" || b === null || typeof a !== "object" || a === null) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  };
  return merge(dev, patch) as EnvironmentConfig;
}

/** The ConfigError message that `config` produces (fails if none). */
function errorOf(config: EnvironmentConfig | EnvironmentConfig[]): string {
  try {
    if (Array.isArray(config)) loadEnvironments(config);
    else resolveEnvironment(config);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("the committed environments", () => {
  test("all four validate and resolve", () => {
    const envs = loadEnvironments([dev, staging, production, productionDr]);
    expect(envs.map((e) => e.name)).toEqual(["dev", "staging", "production", "production-dr"]);
    expect(envs.map((e) => e.azIds.length)).toEqual([2, 3, 3, 3]);
    expect(envs.map((e) => e.network.cidr)).toEqual(["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16", "10.31.0.0/16"]);
  });

  test("the derived layout gives pod-sized private subnets and small public/database ones", () => {
    expect(deriveSubnets("10.30.0.0/16", 3)).toEqual({
      private: ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"],
      public: ["10.30.192.0/24", "10.30.193.0/24", "10.30.194.0/24"],
      database: ["10.30.200.0/24", "10.30.201.0/24", "10.30.202.0/24"],
    });
  });

  test("one database per data-owning service, with per-service overrides applied", () => {
    const env = resolveEnvironment(devWith({ database: { overrides: [{ service: "content", instanceClass: "db.t4g.small", allocatedStorageGb: 40 }] } }));
    const content = env.databases.find((d) => d.service === "content");
    const user = env.databases.find((d) => d.service === "user");
    expect(content).toEqual({ service: "content", instanceClass: "db.t4g.small", allocatedStorageGb: 40, maxAllocatedStorageGb: 100 });
    expect(user).toEqual({ service: "user", instanceClass: "db.t4g.micro", allocatedStorageGb: 20, maxAllocatedStorageGb: 100 });
  });
});

describe("bad input stops synth with one message naming environment, field and what is accepted", () => {
  const cases: Array<[string, DeepPartial<EnvironmentConfig> | EnvironmentConfig[], RegExp[], number?]> = [
    ["malformed VPC CIDR", { network: { cidr: "10.10.0.0/33" } }, [/network\.cidr: got "10\.10\.0\.0\/33"/, /accepted: an IPv4 network address in CIDR form/]],
    ["VPC CIDR with host bits", { network: { cidr: "10.10.1.0/16" } }, [/network\.cidr/, /CIDR form a\.b\.c\.d\/n with n from 16 to 24/]],
    [
      "overlapping subnets",
      {
        network: {
          subnets: { public: ["10.10.192.0/24", "10.10.193.0/24"], private: ["10.10.0.0/18", "10.10.64.0/18"], database: ["10.10.192.0/25", "10.10.201.0/24"] },
        },
      },
      [/network\.subnets\.database\[0\]: 10\.10\.192\.0\/25 overlaps network\.subnets\.public\[0\]/, /accepted: subnets that do not overlap/],
    ],
    [
      "subnet outside the VPC",
      {
        network: {
          subnets: { public: ["10.10.192.0/24", "10.99.0.0/24"], private: ["10.10.0.0/18", "10.10.64.0/18"], database: ["10.10.200.0/24", "10.10.201.0/24"] },
        },
      },
      [/network\.subnets\.public\[1\]: got "10\.99\.0\.0\/24"; accepted: a block inside the VPC 10\.10\.0\.0\/16/],
    ],
    [
      "more AZs than the region has",
      { network: { azCount: 6 } },
      [/network\.azCount: got 6; accepted: a whole number from 2 to 5 \(the usable AZs of us-east-1\)/],
    ],
    [
      "min > max (autoscaling)",
      { workloads: { autoscaling: { minReplicas: 2, maxReplicas: 1 } } },
      [
        /workloads\.autoscaling\.minReplicas \(2\) is greater than workloads\.autoscaling\.maxReplicas \(1\); accepted: workloads\.autoscaling\.minReplicas <= workloads\.autoscaling\.maxReplicas/,
        /workloads\.defaults\.replicas \(2\) is greater than workloads\.autoscaling\.maxReplicas \(1\)/,
      ],
      2,
    ],
    [
      "scale-up policy with a zero period",
      { workloads: { autoscaling: { scaleUp: { periodSeconds: 0 } } } },
      [/workloads\.autoscaling\.scaleUp\.periodSeconds: got 0; accepted: a whole number from 1 to 1800 seconds \(Kubernetes HPAScalingPolicy\)/],
    ],
    [
      "scale-down policy with a zero period",
      { workloads: { autoscaling: { scaleDown: { periodSeconds: 0 } } } },
      [/workloads\.autoscaling\.scaleDown\.periodSeconds: got 0; accepted: a whole number from 1 to 1800 seconds \(Kubernetes HPAScalingPolicy\)/],
    ],
    [
      "scale-up period longer than Kubernetes allows",
      { workloads: { autoscaling: { scaleUp: { periodSeconds: 1801 } } } },
      [/workloads\.autoscaling\.scaleUp\.periodSeconds: got 1801; accepted: a whole number from 1 to 1800 seconds/],
    ],
    [
      "scale-down stabilization window longer than an hour",
      { workloads: { autoscaling: { scaleDown: { stabilizationWindowSeconds: 3601 } } } },
      [
        /workloads\.autoscaling\.scaleDown\.stabilizationWindowSeconds: got 3601; accepted: a whole number from 0 to 3600 seconds \(Kubernetes HPAScalingRules\)/,
      ],
    ],
    [
      "negative scale-up stabilization window",
      { workloads: { autoscaling: { scaleUp: { stabilizationWindowSeconds: -1 } } } },
      [/workloads\.autoscaling\.scaleUp\.stabilizationWindowSeconds: got -1; accepted: a whole number from 0 to 3600 seconds/],
    ],
    [
      "scale-down policy removing no pods",
      { workloads: { autoscaling: { scaleDown: { pods: 0 } } } },
      [/workloads\.autoscaling\.scaleDown\.pods: got 0; accepted: a whole number from 1 to 1000 pods per period/],
    ],
    [
      "request-rate target of zero",
      { workloads: { autoscaling: { requestsPerSecond: 0 } } },
      [/workloads\.autoscaling\.requestsPerSecond: got 0; accepted: a whole number from 1 to 1000000 requests per second per pod/],
    ],
    [
      "negative request-rate target",
      { workloads: { autoscaling: { requestsPerSecond: -1000 } } },
      [/workloads\.autoscaling\.requestsPerSecond: got -1000; accepted: a whole number from 1 to 1000000 requests per second per pod/],
    ],
    [
      "min > max (storage)",
      { database: { allocatedStorageGb: 200, maxAllocatedStorageGb: 100 } },
      [
        /database\.allocatedStorageGb \(200\) is greater than database\.maxAllocatedStorageGb \(100\); accepted: database\.allocatedStorageGb <= database\.maxAllocatedStorageGb/,
      ],
    ],
    [
      "min > max (override above the default ceiling)",
      { database: { overrides: [{ service: "editor", allocatedStorageGb: 500 }] } },
      [/database\.overrides\[0\]\.allocatedStorageGb \(500\) is greater than database\.overrides\[0\]\.maxAllocatedStorageGb \(100\)/],
    ],
    [
      "instance class RDS does not offer for PostgreSQL",
      { database: { instanceClass: "db.t2.micro" } },
      [/database\.instanceClass: got "db\.t2\.micro"; accepted: an RDS for PostgreSQL instance class/],
    ],
    [
      "cache node type ElastiCache does not offer",
      { cache: { nodeType: "cache.t1.micro" } },
      [/cache\.nodeType: got "cache\.t1\.micro"; accepted: an ElastiCache node type/],
    ],
    [
      "backup retention RDS does not accept",
      { database: { backupRetentionDays: 90 } },
      [/database\.backupRetentionDays: got 90; accepted: a whole number from 1 to 35 days/],
    ],
    [
      "master password version 0",
      { database: { masterPasswordVersion: 0 } },
      [/database\.masterPasswordVersion: got 0; accepted: a whole number of at least 1 \(raise it by one to rotate the master passwords\)/],
    ],
    [
      "master password version not whole",
      { database: { masterPasswordVersion: 2.5 } },
      [/database\.masterPasswordVersion: got 2\.5; accepted: a whole number of at least 1/],
    ],
    [
      "log retention CloudWatch does not accept",
      { logRetentionDays: 45 },
      [/logRetentionDays: got 45; accepted: a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60/],
    ],
    [
      "snapshot retention ElastiCache does not accept",
      { cache: { snapshotRetentionDays: 40 } },
      [/cache\.snapshotRetentionDays: got 40; accepted: a whole number from 0 to 35 days/],
    ],
    [
      "unknown service name",
      { database: { overrides: [{ service: "billing" }] } },
      [
        /database\.overrides\[0\]\.service: got "billing"; accepted: a service from variables\/services\.ts that owns a database: user, content, editor, subscription/,
      ],
    ],
    [
      "duplicate service name",
      { database: { overrides: [{ service: "content" }, { service: "content" }] } },
      [/database\.overrides\[1\]\.service: got "content"; accepted: each service at most once/],
    ],
    [
      "service without a database",
      { database: { overrides: [{ service: "gateway" }] } },
      [/database\.overrides\[0\]\.service: got "gateway"; accepted: a service that owns a database/],
    ],
    [
      "requests above limits",
      { workloads: { defaults: { limits: { memory: "128Mi" } } } },
      [/workloads\.defaults\.requests\.memory \(256Mi\) exceeds workloads\.defaults\.limits\.memory \(128Mi\); accepted: requests <= limits/],
    ],
    [
      "a service override whose requests exceed its limits",
      { workloads: { overrides: { editor: { requests: { memory: "2Gi" } } } } },
      [/workloads\.overrides\.editor\.requests\.memory \(2Gi\) exceeds workloads\.overrides\.editor\.limits\.memory \(512Mi\)/],
    ],
    [
      "an override for an unknown service",
      { workloads: { overrides: { billing: { replicas: 3 } } } },
      [/workloads\.overrides: got "billing"; accepted: service names from variables\/services\.ts/],
    ],
    [
      "a malformed CPU quantity",
      { workloads: { defaults: { limits: { cpu: "lots" } } } },
      [/workloads\.defaults\.limits\.cpu: got "lots"; accepted: a Kubernetes CPU quantity/],
    ],
    ["DR region equal to the primary", { drRegion: "us-east-1" }, [/drRegion: got "us-east-1"; accepted: a region other than region/]],
    [
      "unknown region",
      { region: "mars-north-1" },
      [/region: got "mars-north-1"; accepted: a commercial region of variables\/aws-catalog.ts \(REGIONS\): us-east-1, us-east-2, /],
    ],
    ["account id not 12 digits", { accountId: "1234" }, [/accountId: got "1234"; accepted: a 12-digit AWS account id/]],
    ["a budget of zero", { monthlyBudgetUsd: 0 }, [/monthlyBudgetUsd: got 0; accepted: a positive amount in USD/]],
    [
      "engine version not offered",
      { cache: { engineVersion: "6.2" } },
      [/cache\.engineVersion: got "6\.2"; accepted: a Valkey version ElastiCache offers: 7\.2, 8\.0/],
    ],
    [
      "VPCs of two environments overlap",
      [dev, { ...staging, network: { ...staging.network, cidr: "10.10.0.0/16" } }],
      [/environment "staging"/, /network\.cidr: 10\.10\.0\.0\/16 overlaps environment "dev"/],
    ],
  ];

  test.each(cases)("%s", (_name, input, expected, lines = 1) => {
    const message = errorOf(Array.isArray(input) ? input : devWith(input));
    const env = Array.isArray(input) ? "staging" : "dev";
    expect(message).toContain(`Invalid configuration for environment "${env}"`);
    for (const re of expected) expect(message).toMatch(re);
    // One problem, one line: each case breaks exactly the rules it names.
    expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(lines);
  });

  test("every problem in a file is reported in the one message", () => {
    const message = errorOf(devWith({ logRetentionDays: 45, cache: { nodes: 9 } }));
    expect(message).toMatch(/logRetentionDays: got 45/);
    expect(message).toMatch(/cache\.nodes: got 9; accepted: a whole number from 1 to 6/);
  });

  test("nothing is written when an environment is invalid", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "aw-")), "out");
    try {
      expect(() => buildApp({ environments: [devWith({ network: { cidr: "nonsense" } })], outdir }).synth()).toThrow(ConfigError);
      expect(existsSync(outdir)).toBe(false);
    } finally {
      rmSync(join(outdir, ".."), { recursive: true, force: true });
    }
  });
});

describe("bad state settings", () => {
  test("stop synth before the output directory is created", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "aw-")), "out");
    try {
      expect(() => buildApp({ environments: [loadableAlone(dev)], processEnv: { AUTHORWORKS_STATE_BUCKET: "Not A Bucket" }, outdir })).toThrow(
        /AUTHORWORKS_STATE_BUCKET/,
      );
      expect(existsSync(outdir)).toBe(false);
    } finally {
      rmSync(join(outdir, ".."), { recursive: true, force: true });
    }
  });

  test("cdktf context (cdktf.json or --context) is read through CDKTF_CONTEXT_JSON", () => {
    const outdir = mkdtempSync(join(tmpdir(), "aw-"));
    try {
      const app = buildApp({ environments: [loadableAlone(dev)], processEnv: { CDKTF_CONTEXT_JSON: JSON.stringify({ stateBucket: "ctx-state" }) }, outdir });
      const json = JSON.parse(Testing.synth(app.node.findChild("dev") as TerraformStack));
      expect(json.terraform.backend.s3.bucket).toBe("ctx-state");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("accounts and parent zones across environments", () => {
  const ROLE = "arn:aws:iam::999999999999:role/zone-owner-delegation";

  test("the committed files: dev and staging write into production's zone through production's per-environment role", () => {
    const [d, s, p] = loadEnvironments([dev, staging, production, productionDr]);
    expect(d.parentZone).toEqual({
      zoneName: "authorworks.io",
      accountId: production.accountId,
      roleArn: `arn:aws:iam::${production.accountId}:role/authorworks-production-dns-delegation-dev`,
      ownerEnvironment: "production",
    });
    expect(s.parentZone?.roleArn).toBe(`arn:aws:iam::${production.accountId}:role/authorworks-production-dns-delegation-staging`);
    expect(p.parentZone).toBeUndefined();
    expect(p.delegatedZones).toEqual([
      { zoneName: "dev.authorworks.io", environment: "dev", accountId: dev.accountId },
      { zoneName: "staging.authorworks.io", environment: "staging", accountId: staging.accountId },
    ]);
    expect([d.delegatedZones, s.delegatedZones]).toEqual([[], []]);
  });

  test("an account override moves the role ARN with it", () => {
    const [d] = loadEnvironments([dev, staging, loadableAlone({ ...production, accountId: "123123123123" })]);
    expect(d.parentZone?.roleArn).toBe("arn:aws:iam::123123123123:role/authorworks-production-dns-delegation-dev");
  });

  test("an outside parent zone uses the given role, in its account", () => {
    expect(loadEnvironments([devWith({ dns: { parentZoneRoleArn: ROLE } })])[0].parentZone).toEqual({
      zoneName: "authorworks.io",
      accountId: "999999999999",
      roleArn: ROLE,
    });
  });

  test.each([
    [
      "two environments in one account",
      [dev, { ...staging, accountId: dev.accountId }],
      /staging[\s\S]*accountId: 111111111111 is also environment "dev"'s; accepted: an account of its own/,
    ],
    [
      "a parent zone nobody loaded owns, without a role",
      [dev],
      /dev[\s\S]*dns\.parentZoneName: authorworks\.io is no loaded environment's dns\.zoneName \(dev\.authorworks\.io\) and dns\.parentZoneRoleArn is not set; accepted:/,
    ],
    [
      "a role for a parent zone another environment owns",
      [devWith({ dns: { parentZoneRoleArn: ROLE } }), staging, production],
      /dns\.parentZoneRoleArn: .* is set although environment "production" owns authorworks\.io; accepted: no role ARN/,
    ],
  ])("refused: %s", (_name, configs, message) => {
    expect(errorOf(configs as EnvironmentConfig[])).toMatch(message);
  });

  test.each([
    ["accountId 12345", devWith({ accountId: "12345" }), /accountId: got "12345"; accepted: a 12-digit AWS account id/],
    ["no accountId", { ...dev, accountId: undefined as unknown as string }, /accountId: got nothing; accepted: a 12-digit AWS account id/],
    ["a role that is no ARN", devWith({ dns: { parentZoneRoleArn: "zone-owner" } }), /dns\.parentZoneRoleArn: got "zone-owner"; accepted: an IAM role ARN/],
    [
      "a role without a parent zone",
      { ...dev, dns: { ...dev.dns, parentZoneName: undefined, parentZoneRoleArn: ROLE } },
      /dns\.parentZoneRoleArn: got ".*"; accepted: only together with dns\.parentZoneName/,
    ],
    [
      "a role in the environment's own account",
      devWith({ dns: { parentZoneRoleArn: `arn:aws:iam::${dev.accountId}:role/same-account` } }),
      /dns\.parentZoneRoleArn: got ".*"; accepted: a role in another account than this environment's \(111111111111\)/,
    ],
  ])("refused in one file: %s", (_name, cfg, message) => {
    expect(errorOf(cfg)).toMatch(message);
  });
});
