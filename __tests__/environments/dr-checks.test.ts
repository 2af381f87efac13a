/**
 * Bad input in the `dr` section (environments/checks/dr.ts): each stops synth with one
 * ConfigError line naming the environment, the field, what it got and what is accepted.
 * Run through resolveEnvironment, as synth does.
 */
import { loadEnvironments, resolveEnvironment } from "../../environments/config";
import { MAX_RPO_MINUTES, REPLICABLE_PURPOSES, databaseRecovery, objectStorageRecovery } from "../../environments/checks/dr";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { productionDr } from "../../environments/production-dr";
import { staging } from "../../environments/staging";
import type { DisasterRecoveryConfig, EnvironmentConfig } from "../../environments/types";
import { DAILY_COPY_RPO_MINUTES } from "../../modules/backup";
import { ConfigError } from "../../variables/validation";
import { DATABASE_SERVICES } from "../../variables/services";

const DR = production.dr!;

/** Production with parts of `dr` replaced (`undefined` values remove a field). */
function prodWith(dr: Partial<DisasterRecoveryConfig>, top: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return { ...production, ...top, dr: { ...DR, ...dr } };
}

/** The problem lines of the ConfigError `cfg` gives (fails the test if none), after checking the environment is named. */
function problemsOf(cfg: EnvironmentConfig): string[] {
  try {
    resolveEnvironment(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain(`Invalid configuration for environment "${cfg.name}"`);
    return [...(e as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

/** The environment named by the ConfigError of loading `envs`, and its problem lines. */
function loadErrorOf(envs: readonly EnvironmentConfig[]): [string, string[]] {
  try {
    loadEnvironments(envs);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [(e as ConfigError).environment, [...(e as ConfigError).problems]];
  }
  throw new Error("expected a ConfigError");
}

describe("the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (env) => {
    expect(() => resolveEnvironment(env)).not.toThrow();
  });

  test("only production replicates; its mechanisms and what they may lose", () => {
    expect([dev.dr, staging.dr]).toEqual([undefined, undefined]);
    expect(databaseRecovery(production)).toEqual({
      mechanism: "RDS automated backups replication (dr.databaseBackups)",
      rpo: { minutes: 30, source: "transaction logs copied asynchronously, 5-30 minutes behind per AWS" },
    });
    expect(objectStorageRecovery(production).rpo?.minutes).toBe(15);
    expect(DR.rpoMinutes).toEqual({ database: 5, objectStorage: 60 });
  });

  test("production's 5 minutes are held by production-dr's read replicas, whose lag alarm pages above 300 s for 2 minutes", () => {
    expect(databaseRecovery(production, productionDr)).toEqual({
      mechanism: "cross-region read replicas (production-dr's standby.readReplicas)",
      rpo: {
        minutes: 5,
        source:
          "asynchronous, no AWS bound: their ReplicaLag alarm pages once the lag stays above the objective for 2 minutes, " +
          "never below 300 s, the lag an idle source shows (modules/monitoring REPLICA_LAG_ALARM, REPLICA_IDLE_LAG_SECONDS)",
      },
    });
    expect(() => loadEnvironments([production, productionDr])).not.toThrow();
    expect(loadEnvironments([production, productionDr])[1].primary).toEqual({ name: "production", region: "us-east-1", databaseRpoMinutes: 5 });
  });
});

describe("a database objective only a standby's read replicas hold (a relation of two environments, loadEnvironments)", () => {
  const REFUSED =
    "dr.rpoMinutes.database: got 5; accepted: at least 30 minutes, what RDS automated backups replication (dr.databaseBackups) may lose " +
    "(transaction logs copied asynchronously, 5-30 minutes behind per AWS); dr.databaseBackups bounds it at 30 minutes; down to 5, " +
    'an environment standing by for production (standby.primary "production") with standby.readReplicas, loaded with it: ' +
    "a cross-region read replica per database (modules/dr/README.md)";
  // A pilot light without replicas: production's SECONDARY alarm off with it, and the database user Jobs back (nothing else creates the users).
  const noReplicas: EnvironmentConfig = { ...productionDr, workloads: production.workloads, standby: { primary: "production", pilotLight: true } };
  const productionOfPilotLight: EnvironmentConfig = {
    ...production,
    dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryAlarm: false } },
  };

  test("seed 003's 5 minutes with a standby that has no read replicas is refused, naming production's field", () => {
    expect(loadErrorOf([productionOfPilotLight, noReplicas])).toEqual(["production", [REFUSED]]);
  });

  test("the same without any standby loaded", () => {
    expect(loadErrorOf([production])).toEqual(["production", [REFUSED]]);
  });

  test("alone, production's file passes its own checks: the relation is decided when both are loaded", () => {
    expect(() => resolveEnvironment(production)).not.toThrow();
  });

  test("promoted replicas still count (they held the objective up to the failover that promoted them)", () => {
    const promoted = { ...productionDr, standby: { ...productionDr.standby!, readReplicas: { ...productionDr.standby!.readReplicas!, promoted: true } } };
    expect(() => loadEnvironments([production, promoted])).not.toThrow();
  });

  test("below what any mechanism here holds (4 minutes: an idle source's replica reports up to 5), refused even with the read replicas", () => {
    expect(problemsOf(prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: 4 } }))).toEqual([
      expect.stringMatching(/^dr\.rpoMinutes\.database: got 4; accepted: at least 30 minutes/),
    ]);
    expect(loadErrorOf([prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: 4 } }), productionDr])[1]).toEqual([
      expect.stringMatching(/^dr\.rpoMinutes\.database: got 4; accepted: at least 30 minutes/),
    ]);
  });

  test("5 minutes, the least the lag alarm guards without paging on an idle source (a threshold of 300 s), passes with the replicas", () => {
    expect(() => loadEnvironments([prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: 5 } }), productionDr])).not.toThrow();
  });
});

describe("an objective the configured mechanism cannot meet", () => {
  test("30 minutes (the bound itself) passes, without a standby", () => {
    expect(() => loadEnvironments([prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: 30 } })])).not.toThrow();
  });

  test("with the daily AWS Backup copies only, anything below a day and the job windows", () => {
    expect(DAILY_COPY_RPO_MINUTES).toBe(24 * 60 + 60 + 360);
    const [, [line, ...rest]] = loadErrorOf([prodWith({ databaseBackups: undefined, rpoMinutes: { ...DR.rpoMinutes, database: 30 } })]);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^dr\.rpoMinutes\.database: got 30; accepted: at least 1860 minutes, what AWS Backup's daily copies \(backup\.copyToRegion\) may lose/,
    );
    expect(() => loadEnvironments([prodWith({ databaseBackups: undefined, rpoMinutes: { ...DR.rpoMinutes, database: 1860 } })])).not.toThrow();
  });

  test("with nothing copying the databases to the DR region, any objective", () => {
    const cfg = prodWith(
      { databaseBackups: undefined, rpoMinutes: { ...DR.rpoMinutes, database: 30 } },
      { backup: { ...production.backup, copyToRegion: undefined } },
    );
    expect(loadErrorOf([cfg])[1]).toEqual([
      "dr.rpoMinutes.database: got 30; accepted: an objective only with a bounded mechanism: nothing copied to drRegion " +
        "(neither dr.databaseBackups nor backup.copyToRegion) guarantees no recovery point; dr.databaseBackups bounds it at 30 minutes; " +
        'down to 5, an environment standing by for production (standby.primary "production") with standby.readReplicas, loaded with it: ' +
        "a cross-region read replica per database (modules/dr/README.md)",
    ]);
    // Production-dr's read replicas would hold it, but they are encrypted with the DR database
    // key that production makes only with its replicated backups: refused, naming the standby.
    const [name, problems] = loadErrorOf([cfg, productionDr]);
    expect(name).toBe("production-dr");
    expect(problems).toEqual([
      `standby.readReplicas: got ${JSON.stringify(productionDr.standby!.readReplicas)}; accepted: none unless production sets dr.databaseBackups ` +
        "(its DR database key, alias/authorworks-production-database-dr in us-west-2, encrypts the standby's databases)",
    ]);
    // The same for a restore from backups the primary does not replicate.
    const restoreFrom = Object.fromEntries(
      DATABASE_SERVICES.map((d) => [d.name, `arn:aws:rds:us-west-2:${production.accountId}:auto-backup:ab-${d.name}0123456789`]),
    );
    const restoring = { ...productionDr, standby: { ...productionDr.standby!, pilotLight: false, readReplicas: undefined, restoreFrom } };
    expect(loadErrorOf([cfg, restoring])).toEqual([
      "production-dr",
      [
        `standby.restoreFrom: got ${JSON.stringify(restoreFrom)}; accepted: none unless production sets dr.databaseBackups ` +
          "(its DR database key, alias/authorworks-production-database-dr in us-west-2, encrypts the standby's databases)",
      ],
    ]);
    // With its backups replicated, the replicas are accepted.
    expect(() => loadEnvironments([prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: 5 } }), productionDr])).not.toThrow();
  });

  test("a file storage objective below Replication Time Control's 15 minutes", () => {
    expect(problemsOf(prodWith({ rpoMinutes: { ...DR.rpoMinutes, objectStorage: 10 } }))).toEqual([
      "dr.rpoMinutes.objectStorage: got 10; accepted: at least 15 minutes, what S3 replication with Replication Time Control may lose " +
        "(SLA: 99.99 % of objects within 15 minutes); dr.buckets with replicationTimeControl true bounds it at 15 minutes; no S3 mechanism has a lower bound",
    ]);
  });

  test("plain S3 replication (no Replication Time Control) meets no objective, not even the seed's hour", () => {
    expect(problemsOf(prodWith({ buckets: { ...DR.buckets!, replicationTimeControl: false } }))).toEqual([
      "dr.rpoMinutes.objectStorage: got 60; accepted: an objective only with a bounded mechanism: S3 replication without Replication Time Control " +
        "(most objects within 15 minutes, some hours later) guarantees no recovery point; dr.buckets with replicationTimeControl true bounds it at 15 minutes; no S3 mechanism has a lower bound",
    ]);
  });

  test("media origin failover without the media replica", () => {
    expect(problemsOf(prodWith({ buckets: { ...DR.buckets!, purposes: ["content", "exports"] } }))).toEqual([
      'dr.buckets.mediaOriginFailover: got true; accepted: false unless "media" is among dr.buckets.purposes: the failover origin is the media replica',
    ]);
  });

  test("a media origin failover that is not a boolean", () => {
    expect(problemsOf(prodWith({ buckets: { ...DR.buckets!, mediaOriginFailover: "yes" as never } }))).toEqual([
      'dr.buckets.mediaOriginFailover: got "yes"; accepted: true or false',
    ]);
  });

  test("no bucket replicated meets no objective", () => {
    expect(problemsOf(prodWith({ buckets: undefined }))).toEqual([
      expect.stringMatching(
        /^dr\.rpoMinutes\.objectStorage: got 60; accepted: an objective only with a bounded mechanism: nothing replicated \(no dr\.buckets\)/,
      ),
    ]);
  });

  test.each([0, -5, 7.5, MAX_RPO_MINUTES + 1])("an objective of %p minutes is not a whole number in range", (minutes) => {
    expect(problemsOf(prodWith({ rpoMinutes: { ...DR.rpoMinutes, database: minutes } }))).toEqual([
      `dr.rpoMinutes.database: got ${minutes}; accepted: a whole number from 1 to ${MAX_RPO_MINUTES} minutes`,
    ]);
  });
});

describe("the DR region", () => {
  const devWithDr = (top: Partial<EnvironmentConfig>): EnvironmentConfig => ({ ...dev, ...top, dr: { ...DR, databaseBackups: { retentionDays: 7 } } });

  test("equal to the primary region", () => {
    expect(problemsOf(devWithDr({ drRegion: "us-east-1" }))).toEqual([`drRegion: got "us-east-1"; accepted: a region other than region (us-east-1)`]);
  });

  test("missing while dr is set", () => {
    expect(problemsOf(devWithDr({ drRegion: undefined }))).toEqual([
      "drRegion: got nothing; accepted: a region other than region (us-east-1) when dr is set: every replica is made there, through the aws.dr provider",
    ]);
  });

  test("set, with dr, passes in an environment without AWS Backup copies", () => {
    expect(() => resolveEnvironment(devWithDr({ drRegion: "us-west-2" }))).not.toThrow();
  });
});

describe("what is replicated", () => {
  const accepted = `a versioned bucket of variables/storage.ts other than backups (backup.replicateBackupsBucket replicates it): ${REPLICABLE_PURPOSES.join(", ")}`;

  test("the replicable buckets are the versioned ones (media: when replicated) but backups", () => {
    expect(REPLICABLE_PURPOSES).toEqual(["content", "media", "exports", "artifacts"]);
  });

  test.each([
    ["logs", "unversioned, SSE-S3"],
    ["backups", "replicated by backup.replicateBackupsBucket"],
    ["uploads", "not in the catalogue"],
  ])("bucket %p (%s) is refused", (purpose) => {
    const buckets = { ...DR.buckets!, purposes: ["content", purpose] as never, mediaOriginFailover: false };
    expect(problemsOf(prodWith({ buckets }))).toEqual([`dr.buckets.purposes[1]: got "${purpose}"; accepted: ${accepted}`]);
  });

  test("a bucket listed twice, and an empty list", () => {
    expect(problemsOf(prodWith({ buckets: { ...DR.buckets!, purposes: ["media", "media"] } }))).toEqual([
      'dr.buckets.purposes[1]: got "media"; accepted: each at most once (it is listed twice)',
    ]);
    expect(problemsOf(prodWith({ buckets: { ...DR.buckets!, purposes: [], mediaOriginFailover: false } }))).toEqual([
      `dr.buckets.purposes: got []; accepted: at least one of ${REPLICABLE_PURPOSES.join(", ")}, or no dr.buckets`,
    ]);
  });

  test("a secret the catalogue does not have", () => {
    const [line, ...rest] = problemsOf(prodWith({ secrets: ["payments/paypal-api-key"] }));
    expect(rest).toEqual([]);
    expect(line).toMatch(/^dr\.secrets\[0\]: got "payments\/paypal-api-key"; accepted: a secret path of variables\/secrets\.ts: payments\/stripe-api-key, /);
  });

  test.each([0, 36, 2.5])("replicated backups kept %p days", (retentionDays) => {
    expect(problemsOf(prodWith({ databaseBackups: { retentionDays } }))).toEqual([
      `dr.databaseBackups.retentionDays: got ${retentionDays}; accepted: a whole number from 1 to 35 days (RDS's automated backup retention)`,
    ]);
  });

  test('switches that are strings ("false" is true to JavaScript)', () => {
    expect(problemsOf(prodWith({ images: "false" as never }))).toEqual(['dr.images: got "false"; accepted: true or false']);
  });
});
