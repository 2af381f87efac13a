/**
 * The shape of an environment file, checked before its values (environments/checks/index.ts):
 * no field the type does not have, every section present, the presets' fields exactly. Synth
 * does not type-check, so a typo or a section left out would otherwise be ignored or stop
 * synth with a bare TypeError.
 */
import type { Checker } from "../../variables/validation";
import { AVAILABILITY, DURABILITY } from "../presets";
import type { EnvironmentConfig } from "../types";

/** Sections every environment has (a path per object), outer before inner. */
export const REQUIRED_SECTIONS = [
  "network",
  "database",
  "database.proxy",
  "cache",
  "storage",
  "durability",
  "availability",
  "workloads",
  "workloads.defaults",
  "workloads.defaults.requests",
  "workloads.defaults.limits",
  "workloads.quota",
  "workloads.quota.requests",
  "workloads.quota.limits",
  "workloads.limitRange",
  "workloads.limitRange.defaultRequest",
  "workloads.limitRange.default",
  "workloads.limitRange.max",
  "workloads.autoscaling",
  "workloads.autoscaling.scaleUp",
  "workloads.autoscaling.scaleDown",
  "kubernetes",
  "kubernetes.nodeGroups",
  "kubernetes.nodeGroups.system",
  "kubernetes.nodeGroups.application",
  "kubernetes.nodeGroups.spot",
  "platform",
  "dns",
  "edge",
  "security",
  "observability",
  "observability.thresholds",
  "delivery",
  "delivery.runners",
  "delivery.deployRunner",
  "backup",
  "restoreTesting",
  "budgetAction",
] as const;

/** Fields a file once had, and what replaced them. */
const REPLACED: Readonly<Record<string, string>> = {
  protectData: "durability and availability (presets in environments/presets.ts, e.g. DURABILITY.retained and AVAILABILITY.high)",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Records every shape problem on `c`; the value checks run only when there is none.
 * @param fields the top-level fields an environment may have (ENVIRONMENT_CHECKS' keys)
 */
export function checkShape(c: Checker, cfg: EnvironmentConfig, fields: readonly string[]): void {
  for (const key of Object.keys(cfg)) {
    if (!fields.includes(key))
      c.fail(key, (cfg as unknown as Record<string, unknown>)[key], REPLACED[key] ?? `no such field; the fields are: ${fields.join(", ")}`);
  }
  const missing = new Set<string>();
  for (const section of REQUIRED_SECTIONS) {
    const parent = section.split(".").slice(0, -1).join(".");
    if (parent && missing.has(parent)) continue;
    const value = section.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), cfg);
    if (!isObject(value)) {
      missing.add(section);
      c.fail(section, value, `the ${section} section (see environments/types.ts)`);
    }
  }
  const presets = [
    ["durability", Object.keys(DURABILITY.retained), "a preset such as DURABILITY.retained or DURABILITY.disposable (environments/presets.ts)"],
    ["availability", Object.keys(AVAILABILITY.high), "a preset such as AVAILABILITY.high, AVAILABILITY.zonal or AVAILABILITY.single (environments/presets.ts)"],
  ] as const;
  for (const [section, keys, accepted] of presets) {
    const value = (cfg as unknown as Record<string, unknown>)[section];
    if (!isObject(value)) continue;
    for (const key of Object.keys(value)) {
      if (!(keys as readonly string[]).includes(key)) c.fail(`${section}.${key}`, value[key], `no such field; ${accepted} has: ${keys.join(", ")}`);
    }
  }
}
