/** Synthesis helpers: build constructs in a throwaway stack and read the JSON back. */
import { TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AuthorWorksStack } from "../environments/stack-base";
import type { AwsContext } from "../modules/iam";
import { databaseRecovery } from "../environments/checks/dr";
import type { EnvironmentConfig } from "../environments/types";

export const TEST_AWS: AwsContext = { accountId: "123456789012", region: "us-east-1" };

/**
 * An environment that can be loaded alone: a parent zone owned by an environment that is
 * not loaded becomes an outside zone with a fixture delegation role, and a database objective
 * only its standby's read replicas hold is raised to what its own mechanism holds (the
 * objective is checked, never synthesized).
 */
export function loadableAlone<T extends EnvironmentConfig>(cfg: T): T {
  const own = databaseRecovery(cfg).rpo?.minutes;
  const dr = cfg.dr && own !== undefined && cfg.dr.rpoMinutes.database < own ? { ...cfg.dr, rpoMinutes: { ...cfg.dr.rpoMinutes, database: own } } : cfg.dr;
  const alone = dr === cfg.dr ? cfg : { ...cfg, dr };
  if (!cfg.dns.parentZoneName) return alone;
  return { ...alone, dns: { ...cfg.dns, parentZoneRoleArn: "arn:aws:iam::999999999999:role/fixture-parent-zone-delegation" } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** Builds `build(stack)` in a stack with an AWS provider and returns the parsed Terraform JSON. */
export function synthWith(build: (stack: AuthorWorksStack) => void): Json {
  const app = Testing.app();
  const stack = new AuthorWorksStack(app, "test");
  new AwsProvider(stack, "aws", { region: TEST_AWS.region });
  build(stack);
  return synthesized(stack);
}

/**
 * What `JSON.parse(Testing.synth(stack, true))` gives (aspects run, validations run, then the
 * stack's JSON with no cdktf `//` metadata at any depth and keys in code unit order), without
 * Testing.synth's string round trip: its metadata removal copies every object once per key,
 * and with the stringify and parse it was a sixth of a synthesis. A test compares the two.
 */
export function synthesized(stack: TerraformStack): Json {
  invokeAspects(stack);
  stack.runAllValidations();
  return asParsedJson(stack.toTerraform()) as Json;
}

/** Whether JSON leaves a value out (of an object; `null` in an array). */
const noJsonForm = (v: unknown): boolean => v === undefined || typeof v === "function" || typeof v === "symbol";

/**
 * A value as Testing.synth's metadata removal then JSON.parse(stringify(value)) give it: every
 * object (a Date too) by its own keys, `//` left out, in code unit order; what has no JSON form
 * left out of objects and null in arrays; a non-finite number null, -0 as 0.
 */
function asParsedJson(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => (noJsonForm(v) ? null : asParsedJson(v)));
  const out: Json = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Json)[key];
    if (key !== "//" && !noJsonForm(v)) out[key] = asParsedJson(v);
  }
  return out;
}

/** All resources of one type: `{ logicalId: config }`. */
export function resourcesOf(json: Json, type: string): Record<string, Json> {
  return json.resource?.[type] ?? {};
}

/** The addresses (`<type>.<id>`) of the resources made through `provider` (e.g. `aws.global`). */
export function addressesThrough(json: Json, provider: string): string[] {
  return Object.entries((json.resource ?? {}) as Record<string, Record<string, Json>>).flatMap(([type, rs]) =>
    Object.entries(rs)
      .filter(([, r]) => r.provider === provider)
      .map(([id]) => `${type}.${id}`),
  );
}

/** The one resource of `type` with logical id `id`; fails the test if absent. */
export function resource(json: Json, type: string, id: string): Json {
  const r = resourcesOf(json, type)[id];
  if (!r) throw new Error(`no ${type}.${id}; have: ${Object.keys(resourcesOf(json, type)).join(", ") || "none"}`);
  return r;
}

export function dataOf(json: Json, type: string): Record<string, Json> {
  return json.data?.[type] ?? {};
}

/** The statements of an aws_iam_policy_document data source. */
export function statements(json: Json, id: string): Json[] {
  const doc = dataOf(json, "aws_iam_policy_document")[id];
  if (!doc) throw new Error(`no aws_iam_policy_document.${id}; have: ${Object.keys(dataOf(json, "aws_iam_policy_document")).join(", ")}`);
  return doc.statement;
}

/** A statement by sid from an aws_iam_policy_document data source; fails the test if absent. */
export function sid(json: Json, doc: string, name: string): Json {
  const found = statements(json, doc).find((s) => s.sid === name);
  if (!found) throw new Error(`no statement ${name} in ${doc}`);
  return found;
}

/** A `helm_release` by logical id. */
export function release(json: Json, id: string): Json {
  return resource(json, "helm_release", id);
}

/** The single values document of a `helm_release`, parsed. */
export function valuesOf(json: Json, id: string): Json {
  const values = release(json, id).values as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0]);
}

/** The one resource of `kind` a raw-chart release installs. */
export function rawResource(json: Json, id: string, kind: string): Json {
  const found = (valuesOf(json, id).resources as Json[]).filter((r) => r.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** What a `helm_release` of a catalogued chart must say: the pinned chart, its name and namespace. */
export function cataloguedRelease(chart: { chart: string; repository: string; version: string }, name: string, namespace: string): Json {
  return { chart: chart.chart, repository: chart.repository, version: chart.version, name, namespace, create_namespace: false };
}

/**
 * An add-on's Pod Identity (resources `<prefix>_pod_identity_*`, release `<prefix>_release`):
 * the association binds the role to `namespace/serviceAccount` in `cluster`, the release
 * waits for the association, and the role is named `roleName`.
 */
export function expectAddonPodIdentity(
  json: Json,
  prefix: string,
  o: { readonly cluster: string; readonly namespace: string; readonly serviceAccount: string; readonly roleName: string },
): void {
  expect(resource(json, "aws_eks_pod_identity_association", `${prefix}_pod_identity_association`)).toMatchObject({
    cluster_name: o.cluster,
    namespace: o.namespace,
    service_account: o.serviceAccount,
    role_arn: `\${aws_iam_role.${prefix}_pod_identity_role.arn}`,
  });
  expect(release(json, `${prefix}_release`).depends_on).toContain(`aws_eks_pod_identity_association.${prefix}_pod_identity_association`);
  expect(resource(json, "aws_iam_role", `${prefix}_pod_identity_role`).name).toBe(o.roleName);
}
