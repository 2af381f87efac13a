import { Testing } from "cdktf";
import { checkAvailability } from "../../environments/checks/availability";
import { checkDurability } from "../../environments/checks/durability";
import { checkObservability } from "../../environments/checks/observability";
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { PlatformStack } from "../../environments/platform-stack";
import { AVAILABILITY, DURABILITY, HA_MIN_SYSTEM_NODES } from "../../environments/presets";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig } from "../../environments/types";
import { ConfigError } from "../../variables/validation";
import type { S3StateSettings } from "../../providers/state";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

const S3: S3StateSettings = { kind: "s3", bucket: "authorworks-terraform-state", lockTable: "authorworks-terraform-locks", region: "us-east-1" };
const withDurability = (cfg: EnvironmentConfig, change: object): EnvironmentConfig => ({ ...cfg, durability: { ...cfg.durability, ...change } });
const withAvailability = (cfg: EnvironmentConfig, change: object): EnvironmentConfig => ({ ...cfg, availability: { ...cfg.availability, ...change } });
const withSystemMin = (cfg: EnvironmentConfig, minSize: number): EnvironmentConfig => ({
  ...cfg,
  kubernetes: {
    ...cfg.kubernetes,
    nodeGroups: { ...cfg.kubernetes.nodeGroups, system: { ...cfg.kubernetes.nodeGroups.system, minSize, desiredSize: Math.max(minSize, 1) } },
  },
});

describe("durability", () => {
  test.each([dev, staging, production])("the committed $name environment passes", (cfg) => {
    expectCheckPasses(checkDurability, cfg);
  });

  test.each(Object.values(DURABILITY))("the $name preset passes on an environment without a vault lock", (preset) => {
    expectCheckPasses(checkDurability, { ...dev, durability: preset, backup: { ...dev.backup, vaultLock: false } });
  });

  test.each([
    ["keyDeletionWindowDays", 6, "durability.keyDeletionWindowDays: got 6; accepted: a whole number from 7 to 30 days (KMS ScheduleKeyDeletion)"],
    ["keyDeletionWindowDays", 31, "durability.keyDeletionWindowDays: got 31; accepted: a whole number from 7 to 30"],
    ["secretRecoveryWindowDays", 0, "durability.secretRecoveryWindowDays: got 0; accepted: a whole number from 7 to 30 days (Secrets Manager DeleteSecret)"],
    ["secretRecoveryWindowDays", 7.5, "durability.secretRecoveryWindowDays: got 7.5; accepted: a whole number from 7 to 30"],
    ["volumeReclaimPolicy", "Recycle", 'durability.volumeReclaimPolicy: got "Recycle"; accepted: one of "Delete", "Retain"'],
    ["traceStorage", "cassandra", 'durability.traceStorage: got "cassandra"; accepted: one of "memory", "badger"'],
    ["deletionProtection", "yes", 'durability.deletionProtection: got "yes"; accepted: true or false'],
    ["finalSnapshots", undefined, "durability.finalSnapshots: got nothing; accepted: true or false"],
    ["forceDestroy", 1, "durability.forceDestroy: got 1; accepted: true or false"],
  ])("%s %p is refused", (field, value, message) => {
    expect(checkErrorOf(checkDurability, withDurability(dev, { [field]: value }))).toContain(message);
  });

  test("force destroy contradicts a vault lock", () => {
    const msg = checkErrorOf(checkDurability, withDurability(production, { forceDestroy: true }));
    expect(msg).toContain('environment "production"');
    expect(msg).toContain("durability.forceDestroy (true) contradicts backup.vaultLock (true)");
    expectCheckPasses(checkDurability, {
      ...production,
      durability: { ...production.durability, forceDestroy: true },
      backup: { ...production.backup, vaultLock: false },
    });
  });
});

describe("availability", () => {
  test.each([dev, staging, production])("the committed $name environment passes", (cfg) => {
    expectCheckPasses(checkAvailability, cfg);
  });

  test("high availability needs the system group's minimum at the HA floor", () => {
    const msg = checkErrorOf(checkAvailability, withSystemMin(production, HA_MIN_SYSTEM_NODES - 1));
    expect(msg).toContain(
      `availability.highAvailability (true) needs kubernetes.nodeGroups.system.minSize >= ${HA_MIN_SYSTEM_NODES} (got ${HA_MIN_SYSTEM_NODES - 1})`,
    );
    expectCheckPasses(checkAvailability, withSystemMin(production, HA_MIN_SYSTEM_NODES));
    // Without HA, two system nodes are fine.
    expectCheckPasses(checkAvailability, withSystemMin({ ...production, availability: AVAILABILITY.zonal }, 2));
  });

  test("the platform stack takes HA from availability, not from the node count", () => {
    const bigger = withSystemMin(
      {
        ...staging,
        kubernetes: {
          ...staging.kubernetes,
          nodeGroups: { ...staging.kubernetes.nodeGroups, system: { ...staging.kubernetes.nodeGroups.system, maxSize: 5 } },
        },
      },
      4,
    );
    const context = (cfg: EnvironmentConfig) => new PlatformStack(Testing.app(), resolveEnvironment(cfg), S3).addonContext.highAvailability;
    expect(context(bigger)).toBe(false);
    expect(context({ ...bigger, availability: AVAILABILITY.high })).toBe(true);
  });

  test.each(["highAvailability", "zonalShift", "applyDatabaseChangesImmediately"])("%s must be a boolean", (field) => {
    expect(checkErrorOf(checkAvailability, withAvailability(dev, { [field]: "true" }))).toContain(`availability.${field}: got "true"; accepted: true or false`);
  });
});

describe("Loki retention and the logs bucket's expiration", () => {
  test("a retention beyond the bucket's expiration is refused, naming both fields", () => {
    const cfg = { ...dev, observability: { ...dev.observability, lokiRetentionDays: 60 } };
    const msg = checkErrorOf(checkObservability, cfg);
    expect(msg).toContain("observability.lokiRetentionDays (60) exceeds storage.logExpirationDays (30)");
  });

  test("equal is accepted", () => {
    expectCheckPasses(checkObservability, { ...dev, observability: { ...dev.observability, lokiRetentionDays: 30 } });
  });

  test("synth stops with one ConfigError before any stack is built", () => {
    expect(() => resolveEnvironment({ ...dev, observability: { ...dev.observability, lokiRetentionDays: 60 } })).toThrow(ConfigError);
  });
});
