import { ENVIRONMENT_CHECKS } from "../../environments/checks";
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import type { EnvironmentConfig } from "../../environments/types";
import { ConfigError } from "../../variables/validation";
import { FIXTURE, FIXTURE_STANDBY } from "../fixtures/environment";

// Typecheck (`npm run typecheck` covers the tests) fails if a field may lack its check:
// @ts-expect-error every field of EnvironmentConfig needs an entry
const incomplete: typeof ENVIRONMENT_CHECKS = { name: ENVIRONMENT_CHECKS.name };

describe("ENVIRONMENT_CHECKS", () => {
  test("has a check for every top-level field of a complete environment, and nothing else", () => {
    expect(incomplete).toBeDefined();
    // A standby's section and a primary's DR fields exclude each other: the two fixtures hold every field between them.
    const fields = new Set([
      ...Object.keys(FIXTURE),
      ...Object.keys(FIXTURE_STANDBY).filter((k) => FIXTURE_STANDBY[k as keyof typeof FIXTURE_STANDBY] !== undefined),
    ]);
    expect(Object.keys(ENVIRONMENT_CHECKS).sort()).toEqual([...fields].sort());
  });

  test("resolveEnvironment runs every check: each section's bad value is reported in one ConfigError", () => {
    const bad = {
      ...dev,
      cache: { ...dev.cache, nodes: 0 },
      dns: { ...dev.dns, dnssec: "yes" },
      durability: { ...dev.durability, keyDeletionWindowDays: 3 },
      monthlyBudgetUsd: -1,
    } as unknown as EnvironmentConfig;
    let problems: readonly string[] = [];
    try {
      resolveEnvironment(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      problems = (e as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(":")[0])).toEqual(["cache.nodes", "dns.dnssec", "monthlyBudgetUsd", "durability.keyDeletionWindowDays"]);
  });
});
