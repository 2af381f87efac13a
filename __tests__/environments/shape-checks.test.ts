import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { DURABILITY } from "../../environments/presets";
import { production } from "../../environments/production";
import type { EnvironmentConfig } from "../../environments/types";
import { REQUIRED_SECTIONS } from "../../environments/checks/shape";
import { ConfigError } from "../../variables/validation";
import { FIXTURE } from "../fixtures/environment";

/** The problems resolveEnvironment reports for `cfg` (a ConfigError naming the environment), or []. */
function problemsOf(cfg: unknown): readonly string[] {
  try {
    resolveEnvironment(cfg as EnvironmentConfig);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain(`environment "${(cfg as EnvironmentConfig).name}"`);
    return (e as ConfigError).problems;
  }
}

describe("the shape of an environment file, checked before its values", () => {
  test("a field the type does not have is refused, naming the fields there are", () => {
    const problems = problemsOf({ ...dev, ownr: "platform" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ownr: got "platform"; accepted: no such field; the fields are: name, accountId, region, drRegion, owner,/);
  });

  test("the retired protectData says what replaced it", () => {
    const retired: Record<string, unknown> = { ...dev, protectData: false };
    delete retired.durability;
    delete retired.availability;
    expect(problemsOf(retired)).toEqual([
      "protectData: got false; accepted: durability and availability (presets in environments/presets.ts, e.g. DURABILITY.retained and AVAILABILITY.high)",
      "durability: got nothing; accepted: the durability section (see environments/types.ts)",
      "availability: got nothing; accepted: the availability section (see environments/types.ts)",
    ]);
  });

  test("a preset name that does not exist (DURABILITY.retain) is a missing section, not a TypeError", () => {
    const misspelt = (DURABILITY as unknown as Record<string, unknown>).retain;
    expect(problemsOf({ ...dev, durability: misspelt })).toEqual(["durability: got nothing; accepted: the durability section (see environments/types.ts)"]);
  });

  test("a missing section is named once, its inner sections not again", () => {
    const kubernetes: Record<string, unknown> = { ...dev.kubernetes };
    delete kubernetes.nodeGroups;
    expect(problemsOf({ ...dev, kubernetes })).toEqual([
      "kubernetes.nodeGroups: got nothing; accepted: the kubernetes.nodeGroups section (see environments/types.ts)",
    ]);
    const noCache: Record<string, unknown> = { ...dev };
    delete noCache.cache;
    expect(problemsOf(noCache)).toEqual(["cache: got nothing; accepted: the cache section (see environments/types.ts)"]);
    expect(problemsOf({ ...dev, database: { ...dev.database, proxy: "on" } })).toEqual([
      'database.proxy: got "on"; accepted: the database.proxy section (see environments/types.ts)',
    ]);
  });

  test("a misspelt preset field is refused, listing the preset's fields", () => {
    const problems = problemsOf({ ...production, durability: { ...DURABILITY.retained, deletionProtecton: false } });
    expect(problems).toEqual([
      "durability.deletionProtecton: got false; accepted: no such field; a preset such as DURABILITY.retained or DURABILITY.disposable (environments/presets.ts) has: name, deletionProtection, finalSnapshots, forceDestroy, keyDeletionWindowDays, secretRecoveryWindowDays, volumeReclaimPolicy, traceStorage",
    ]);
  });

  test.each([
    ["database.multiAz", { ...dev, database: { ...dev.database, multiAz: "false" } }],
    ["database.proxy.enabled", { ...dev, database: { ...dev.database, proxy: { ...dev.database.proxy, enabled: "false" } } }],
    ["delivery.autoSync", { ...production, delivery: { ...production.delivery, autoSync: "false" } }],
  ])('%s "false" (a string, true to JavaScript) is refused', (field, cfg) => {
    expect(problemsOf(cfg)).toEqual([`${field}: got "false"; accepted: true or false`]);
  });

  test("a wrong type in a value is one message, not one per check that reads it", () => {
    expect(problemsOf({ ...dev, workloads: { ...dev.workloads, defaults: { ...dev.workloads.defaults, replicas: "2" } } })).toEqual([
      'workloads.defaults.replicas: got "2"; accepted: a whole number from 1 to 100',
    ]);
  });

  test("REQUIRED_SECTIONS lists every object section of a complete environment, except the optional ones", () => {
    // Optional in EnvironmentConfig (environments/types.ts): a file may leave them out.
    const optional = ["network.subnets", "workloads.overrides", "workloads.overrides.export", "dr", "dns.failover", "edge.gatewayHold"];
    const sections: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return;
      if (path) sections.push(path);
      for (const [k, item] of Object.entries(v)) walk(item, path ? `${path}.${k}` : k);
    };
    walk(FIXTURE, "");
    const inner = sections.filter((s) => !optional.some((o) => s === o || s.startsWith(`${o}.`)));
    expect([...REQUIRED_SECTIONS].sort()).toEqual(inner.sort());
  });
});
