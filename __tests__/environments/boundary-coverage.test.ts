/**
 * Every bounded role can do what its own policy grants: each action of its inline
 * policies is allowed by the environment's permissions boundary. A role whose policy
 * names an action the boundary lacks would be denied at runtime (its auth mode, its
 * checkout...), which no plan or validate shows.
 */
import { Json } from "../helpers";
import { realStacks } from "../real-app";

const stacks = realStacks();

const pattern = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/** Allow statements of the boundary document of an environment (in its `<env>` stack). */
function boundaryAllows(env: string): RegExp[] {
  const doc = stacks[env].data.aws_iam_policy_document.security_boundary_document;
  return doc.statement.filter((s: Json) => (s.effect ?? "Allow") === "Allow").flatMap((s: Json) => (s.actions as string[]).map(pattern));
}

/** `{ role: [actions] }` of every bounded role's inline policies in a stack. */
function boundedRoleActions(json: Json): Record<string, string[]> {
  const roles = json.resource?.aws_iam_role ?? {};
  const docs = json.data?.aws_iam_policy_document ?? {};
  const out: Record<string, string[]> = {};
  for (const policy of Object.values<Json>(json.resource?.aws_iam_role_policy ?? {})) {
    const roleId = /aws_iam_role\.([\w-]+)\./.exec(policy.role)?.[1];
    const docId = /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(policy.policy)?.[1];
    if (!roleId || !docId || !roles[roleId]?.permissions_boundary) continue;
    const actions = docs[docId].statement.filter((s: Json) => (s.effect ?? "Allow") === "Allow").flatMap((s: Json) => s.actions ?? []);
    out[roleId] = [...(out[roleId] ?? []), ...actions];
  }
  return out;
}

describe.each(["dev", "staging", "production"])("%s: the boundary allows what each bounded role's policy grants", (env) => {
  const allows = boundaryAllows(env);

  test.each([env, `${env}-platform`])("%s", (stack) => {
    const roles = boundedRoleActions(stacks[stack]);
    expect(Object.keys(roles).length).toBeGreaterThan(0);
    const denied = Object.entries(roles).flatMap(([role, actions]) => actions.filter((a) => !allows.some((p) => p.test(a))).map((a) => `${role}: ${a}`));
    expect(denied).toEqual([]);
  });
});

test("the check itself: an action outside the boundary is found", () => {
  const allows = boundaryAllows("dev");
  expect(allows.some((p) => p.test("codeconnections:UseConnection"))).toBe(true);
  expect(allows.some((p) => p.test("organizations:LeaveOrganization"))).toBe(false);
  expect(allows.some((p) => p.test("iam:CreateAccessKey"))).toBe(false);
});
