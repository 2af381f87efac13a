/**
 * The AWS facts of variables/aws-catalog.ts are read twice: by the validation of the
 * environment files and by the modules that build the resources (which check their props
 * again, for callers that skip validation). Both must draw the line at the same value:
 * a value the validation lets through must build, and a value one step past the limit
 * must be refused by both, each naming the limit.
 */
import { Testing } from "cdktf";
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { EnvironmentStack } from "../../environments/environment-stack";
import type { EnvironmentConfig } from "../../environments/types";
import type { S3StateSettings } from "../../providers/state";
import {
  BACKUP_RETENTION,
  CLOUDWATCH_RETENTION_DAYS,
  EKS_LIMITS,
  ELASTICACHE_NODES,
  ELASTICACHE_SNAPSHOT_RETENTION,
  GLOBAL_REGION,
  RDS_POSTGRES_INSTANCE_CLASSES,
  SECRETS_MANAGER_ROTATION_DAYS,
  VALKEY_VERSIONS,
  rdsInstanceMemoryGib,
} from "../../variables/aws-catalog";
import { ConfigError } from "../../variables/validation";
import { Json, loadableAlone, resource, resourcesOf } from "../helpers";

const S3: S3StateSettings = { kind: "s3", bucket: "authorworks-terraform-state", lockTable: "authorworks-terraform-locks", region: "us-east-1" };

const cache =
  (patch: Partial<EnvironmentConfig["cache"]>): ((cfg: EnvironmentConfig) => EnvironmentConfig) =>
  (cfg) => ({ ...cfg, cache: { ...cfg.cache, ...patch } });
const applicationGroup =
  (patch: Partial<EnvironmentConfig["kubernetes"]["nodeGroups"]["application"]>) =>
  (cfg: EnvironmentConfig): EnvironmentConfig => ({
    ...cfg,
    kubernetes: { ...cfg.kubernetes, nodeGroups: { ...cfg.kubernetes.nodeGroups, application: { ...cfg.kubernetes.nodeGroups.application, ...patch } } },
  });

interface LimitCase {
  readonly fact: string;
  /** The environment with the value AWS accepts at the limit. */
  readonly atLimit: (cfg: EnvironmentConfig) => EnvironmentConfig;
  /** The same field one step past the limit. */
  readonly beyond: (cfg: EnvironmentConfig) => EnvironmentConfig;
  /** What validation says about `beyond`. */
  readonly validation: RegExp;
  /** What the module says about `beyond` when validation is skipped. */
  readonly moduleError: RegExp;
}

const applicationSizes = { minSize: 1, desiredSize: 2 };

const CASES: readonly LimitCase[] = [
  {
    fact: "ELASTICACHE_NODES",
    atLimit: cache({ nodes: ELASTICACHE_NODES.max }),
    beyond: cache({ nodes: ELASTICACHE_NODES.max + 1 }),
    validation: /cache\.nodes: got 7; accepted: a whole number from 1 to 6 \(a primary and up to 5 replicas\)/,
    moduleError: /nodes 7: expected 1-6 \(a primary and up to 5 replicas\)/,
  },
  {
    fact: "ELASTICACHE_SNAPSHOT_RETENTION",
    atLimit: cache({ snapshotRetentionDays: ELASTICACHE_SNAPSHOT_RETENTION.max }),
    beyond: cache({ snapshotRetentionDays: ELASTICACHE_SNAPSHOT_RETENTION.max + 1 }),
    validation: /cache\.snapshotRetentionDays: got 36; accepted: a whole number from 0 to 35 days/,
    moduleError: /snapshotRetentionDays 36: expected 0-35/,
  },
  {
    fact: "VALKEY_VERSIONS",
    atLimit: cache({ engineVersion: Object.keys(VALKEY_VERSIONS).at(-1)! }),
    beyond: cache({ engineVersion: "9.9" }),
    validation: /cache\.engineVersion: got "9\.9"; accepted: a Valkey version ElastiCache offers: 7\.2, 8\.0, 8\.1/,
    moduleError: /engineVersion "9\.9": expected one of 7\.2, 8\.0, 8\.1/,
  },
  {
    fact: "CLOUDWATCH_RETENTION_DAYS",
    atLimit: (cfg) => ({ ...cfg, logRetentionDays: CLOUDWATCH_RETENTION_DAYS.at(-1)! }),
    beyond: (cfg) => ({ ...cfg, logRetentionDays: CLOUDWATCH_RETENTION_DAYS.at(-1)! - 1 }),
    validation: /logRetentionDays: got 3652; accepted: a retention CloudWatch Logs accepts: 1, 3, 5, .*, 3653 \(days\)/,
    moduleError: /logRetentionDays 3652: expected one of 1, 3, 5, .*, 3653/,
  },
  {
    fact: "EKS_LIMITS.maxNodesPerGroup",
    atLimit: applicationGroup({ ...applicationSizes, maxSize: EKS_LIMITS.maxNodesPerGroup }),
    beyond: applicationGroup({ ...applicationSizes, maxSize: EKS_LIMITS.maxNodesPerGroup + 1 }),
    validation: /kubernetes\.nodeGroups\.application\.maxSize: got 451; accepted: a whole number from 1 to 450 \(EKS managed node group quota\)/,
    moduleError: /node group "application": sizes must be .*1 <= max <= 450 \(got min 1, desired 2, max 451\)/,
  },
  {
    fact: "EKS_LIMITS.maxRootVolumeGb (EBS_GP3_SIZE_GIB.max)",
    atLimit: applicationGroup({ diskSizeGb: EKS_LIMITS.maxRootVolumeGb }),
    beyond: applicationGroup({ diskSizeGb: EKS_LIMITS.maxRootVolumeGb + 1 }),
    validation: /kubernetes\.nodeGroups\.application\.diskSizeGb: got 16385; accepted: a whole number from 20 to 16384 GiB/,
    moduleError: /node group "application": diskSizeGb 16385 must be 20-16384 GiB/,
  },
  {
    fact: "EKS_LIMITS.minRootVolumeGb",
    atLimit: applicationGroup({ diskSizeGb: EKS_LIMITS.minRootVolumeGb }),
    beyond: applicationGroup({ diskSizeGb: EKS_LIMITS.minRootVolumeGb - 1 }),
    validation: /kubernetes\.nodeGroups\.application\.diskSizeGb: got 19; accepted: a whole number from 20 to 16384 GiB \(gp3; the AL2023 AMI needs 20\)/,
    moduleError: /node group "application": diskSizeGb 19 must be 20-16384 GiB/,
  },
  {
    fact: "SECRETS_MANAGER_ROTATION_DAYS",
    atLimit: (cfg) => ({ ...cfg, security: { ...cfg.security, secretRotationDays: SECRETS_MANAGER_ROTATION_DAYS.max } }),
    beyond: (cfg) => ({ ...cfg, security: { ...cfg.security, secretRotationDays: SECRETS_MANAGER_ROTATION_DAYS.max + 1 } }),
    validation: /security\.secretRotationDays: got 1001; accepted: a whole number from 1 to 1000 days/,
    moduleError: /rotationDays 1001: Secrets Manager accepts a whole number from 1 to 1000/,
  },
  {
    fact: "BACKUP_RETENTION",
    atLimit: (cfg) => ({ ...cfg, backup: { ...cfg.backup, retentionDays: BACKUP_RETENTION.max } }),
    beyond: (cfg) => ({ ...cfg, backup: { ...cfg.backup, retentionDays: BACKUP_RETENTION.max + 1 } }),
    validation: /backup\.retentionDays: got 36501; accepted: a whole number from 1 to 36500 days \(AWS Backup lifecycle\)/,
    moduleError: /Backup: retentionDays 36501 outside 1-36500/,
  },
];

function problemsOf(cfg: EnvironmentConfig): string {
  try {
    resolveEnvironment(cfg);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return "";
}

const base = loadableAlone(dev);

describe("validation and modules draw the line at the same AWS limit", () => {
  test.each(CASES)("$fact: one past the limit is refused by validation, naming the limit", ({ beyond, validation }) => {
    expect(problemsOf(beyond(base))).toMatch(validation);
  });

  test.each(CASES)("$fact: one past the limit is refused by the module when validation is skipped", ({ atLimit, beyond, moduleError }) => {
    // Resolve the valid environment, then put the out-of-range value into the resolved one.
    const resolved = resolveEnvironment(atLimit(base));
    const tampered = { ...resolved, ...beyond(resolved) } as typeof resolved;
    expect(() => new EnvironmentStack(Testing.app(), tampered, S3)).toThrow(moduleError);
  });

  test("every value at its limit passes validation and reaches the synthesized resources", () => {
    const cfg = CASES.filter((c) => c.fact !== "EKS_LIMITS.minRootVolumeGb").reduce((acc, c) => c.atLimit(acc), base);
    expect(problemsOf(cfg)).toBe("");
    const json: Json = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), resolveEnvironment(cfg), S3), true));

    const group = resource(json, "aws_elasticache_replication_group", "cache_replication_group");
    expect(group).toMatchObject({
      num_cache_clusters: ELASTICACHE_NODES.max,
      snapshot_retention_limit: ELASTICACHE_SNAPSHOT_RETENTION.max,
      engine_version: Object.keys(VALKEY_VERSIONS).at(-1),
    });
    for (const id of ["cache_engine_log", "cache_slow_log"]) {
      expect(resource(json, "aws_cloudwatch_log_group", id).retention_in_days).toBe(CLOUDWATCH_RETENTION_DAYS.at(-1));
    }
    expect(resource(json, "aws_eks_node_group", "eks_application_node_group").scaling_config.max_size).toBe(EKS_LIMITS.maxNodesPerGroup);
    const disk = resource(json, "aws_launch_template", "eks_application_launch_template").block_device_mappings[0].ebs;
    expect(disk).toMatchObject({ volume_size: EKS_LIMITS.maxRootVolumeGb, volume_type: "gp3" });

    // The database master secrets' rotation (modules/rds MasterSecretRotation), one per secret.
    const rotations = Object.values(resourcesOf(json, "aws_secretsmanager_secret_rotation"));
    expect(rotations).toHaveLength(4);
    for (const r of rotations) expect(r.rotation_rules).toEqual({ automatically_after_days: SECRETS_MANAGER_ROTATION_DAYS.max });

    // The daily rule keeps what was asked; the continuous (PITR) rule stops at AWS Backup's own maximum.
    expect(resource(json, "aws_backup_plan", "backup_daily_plan").rule[0].lifecycle.delete_after).toBe(BACKUP_RETENTION.max);
    expect(resource(json, "aws_backup_plan", "backup_continuous_plan").rule[0].lifecycle.delete_after).toBe(BACKUP_RETENTION.continuousMax);
  });
});

describe("what AWS keeps in us-east-1 is one region for every consumer", () => {
  test("outside us-east-1: the global provider, the CloudFront dashboard widget and the log delivery source agree", () => {
    const json: Json = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), resolveEnvironment({ ...base, region: "eu-west-1" }), S3), true));
    const providers = json.provider.aws as Json[];
    expect(providers.find((p) => p.alias === "global")?.region).toBe(GLOBAL_REGION);
    expect(providers.find((p) => p.alias === undefined)?.region).toBe("eu-west-1");

    const widgets = JSON.parse(Object.values(resourcesOf(json, "aws_cloudwatch_dashboard"))[0].dashboard_body).widgets as Json[];
    const cloudFront = widgets.find((w) => w.properties.title.startsWith("CloudFront"));
    expect(cloudFront?.properties.region).toBe(GLOBAL_REGION);
    expect(widgets.filter((w) => w !== cloudFront).every((w) => w.properties.region === "eu-west-1")).toBe(true);

    const source = Object.values(resourcesOf(json, "aws_cloudwatch_log_delivery_source"));
    expect(source.map((s) => s.provider)).toEqual(["aws.global"]);
    const sourceArns = JSON.stringify(json.data.aws_iam_policy_document).match(/arn:aws:logs:[a-z0-9-]+:[^"]*:delivery-source:[^"]+/g);
    expect(sourceArns).not.toBeNull();
    for (const arn of sourceArns!) expect(arn.split(":")[3]).toBe(GLOBAL_REGION);
  });
});

describe("rdsInstanceMemoryGib (RDS User Guide, Hardware specifications for DB instance classes)", () => {
  test.each([
    ["db.t4g.micro", 1],
    ["db.t3.small", 2],
    ["db.t4g.medium", 4],
    ["db.t4g.2xlarge", 32],
    ["db.m7g.large", 8],
    ["db.m6i.xlarge", 16],
    ["db.r6g.large", 16],
    ["db.r6g.xlarge", 32],
    ["db.r7g.16xlarge", 512],
    ["db.r6i.32xlarge", 1024],
  ])("%s: %d GiB", (cls, gib) => {
    expect(rdsInstanceMemoryGib(cls)).toBe(gib);
  });

  test("every class of the catalogue has a memory; one outside it has none", () => {
    for (const cls of RDS_POSTGRES_INSTANCE_CLASSES) expect([cls, Number.isInteger(rdsInstanceMemoryGib(cls))]).toEqual([cls, true]);
    expect(rdsInstanceMemoryGib("db.x9.huge")).toBeUndefined();
    expect(rdsInstanceMemoryGib("db.r6g.medium")).toBeUndefined();
  });
});
