/**
 * The synthetic environment (__tests__/fixtures/environment.ts) is what module and wiring
 * tests rely on: valid, and with values no real environment or seed has, so a field wired
 * to a constant or to the wrong attribute shows in the output.
 */
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { productionDr } from "../../environments/production-dr";
import { AVAILABILITY, DURABILITY } from "../../environments/presets";
import { staging } from "../../environments/staging";
import { SEED_ALERT_THRESHOLDS } from "../../environments/types";
import { FIXTURE, FIXTURE_EQUAL_BY_RELATION, FIXTURE_SHARED_WITH_REAL_ENVIRONMENTS } from "../fixtures/environment";
import { at, leaves } from "../fixtures/leaves";
import { ENVIRONMENT_NAMES } from "../../variables/project";

const REAL = { dev, staging, production, productionDr };
const fixtureLeaves = leaves(FIXTURE);

test("the fixture is a valid environment (resolveEnvironment accepts it)", () => {
  expect(() => resolveEnvironment(FIXTURE)).not.toThrow();
});

test("every leaf differs from the same field in dev, staging, production and production-dr, except the documented booleans and enums", () => {
  const shared = [...fixtureLeaves].filter(([path, value]) => Object.values(REAL).some((env) => at(env, path) === value)).map(([path]) => path);
  // Exactly the allow-list: a new coincidence fails, and so does a stale entry.
  expect(shared.sort()).toEqual([...FIXTURE_SHARED_WITH_REAL_ENVIRONMENTS].sort());
});

test("the allow-list holds only fields whose accepted values the real environments already all use", () => {
  for (const path of FIXTURE_SHARED_WITH_REAL_ENVIRONMENTS) {
    const realValues = new Set(Object.values(REAL).map((env) => at(env, path)));
    // The production-only dr section's switches: absent in dev and staging, on in production.
    if (path.startsWith("dr.")) {
      expect({ path, values: realValues }).toEqual({ path, values: new Set([undefined, true]) });
      continue;
    }
    // name: every accepted value, all used; the others: two values, both used (minReplicas: both below the fixture's replicas).
    expect({ path, size: realValues.size }).toEqual({ path, size: path === "name" ? ENVIRONMENT_NAMES.length : 2 });
    if (path === "workloads.autoscaling.minReplicas") expect([...realValues].every((v) => (v as number) < FIXTURE.workloads.defaults.replicas)).toBe(true);
  }
});

test("numbers and strings are distinct across fields, except those a relation makes equal", () => {
  const allowed = new Set([...FIXTURE_SHARED_WITH_REAL_ENVIRONMENTS, ...FIXTURE_EQUAL_BY_RELATION.map(([field]) => field)]);
  const byValue = new Map<unknown, string[]>();
  for (const [path, value] of fixtureLeaves) {
    if (allowed.has(path) || typeof value === "boolean") continue;
    byValue.set(value, [...(byValue.get(value) ?? []), path]);
  }
  expect([...byValue].filter(([, paths]) => paths.length > 1)).toEqual([]);
  for (const [field, equalTo] of FIXTURE_EQUAL_BY_RELATION) expect(at(FIXTURE, field)).toBe(at(FIXTURE, equalTo));
});

test("the alert thresholds differ from seed 003's, one by one", () => {
  for (const [key, seed] of Object.entries(SEED_ALERT_THRESHOLDS))
    expect({ key, value: FIXTURE.observability.thresholds[key as keyof typeof SEED_ALERT_THRESHOLDS] }).not.toEqual({ key, value: seed });
});

test("the backup retention differs from the seed's 7/30/90 days", () => {
  expect([7, 30, 90]).not.toContain(FIXTURE.backup.retentionDays);
});

test("the durability and availability objects differ from every preset in each numeric field and as a whole", () => {
  for (const preset of Object.values(DURABILITY)) {
    expect(FIXTURE.durability.keyDeletionWindowDays).not.toBe(preset.keyDeletionWindowDays);
    expect(FIXTURE.durability.secretRecoveryWindowDays).not.toBe(preset.secretRecoveryWindowDays);
    expect({ ...FIXTURE.durability, name: preset.name }).not.toEqual(preset);
  }
  for (const preset of Object.values(AVAILABILITY)) expect({ ...FIXTURE.availability, name: preset.name }).not.toEqual(preset);
});

test("the leaf walk sees nested objects, array items and empty lists", () => {
  expect(leaves({ a: { b: 1, c: [2, { d: 3 }] }, e: [] })).toEqual(
    new Map<string, unknown>([
      ["a.b", 1],
      ["a.c[0]", 2],
      ["a.c[1].d", 3],
      ["e", []],
    ]),
  );
  expect(at({ a: { c: [2, { d: 3 }] } }, "a.c[1].d")).toBe(3);
  expect(at({ a: {} }, "a.x.y")).toBeUndefined();
});
