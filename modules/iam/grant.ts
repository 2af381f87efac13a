/**
 * Grants as inline role policies, written once for every typed reference (buckets,
 * secrets, topics): the owning construct and an import from another stack call the same
 * function, so a grant means the same on either side.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { PolicyStatement, policyDocument } from "./index";

/** Lower-case kebab slug of a path or name (`payments/stripe-api-key` -> `payments-stripe-api-key`). */
export function grantSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Construct id of a grant: the role's construct path within its stack (stable and unique;
 * a role's own id is often just "role") plus what is granted.
 */
export function grantId(role: IamRole, what: string): string {
  const stackPath = TerraformStack.of(role).node.path;
  const rolePath = role.node.path.slice(stackPath ? stackPath.length + 1 : 0);
  return `grant-${grantSlug(rolePath)}-${what}`;
}

/** One grant: where it lives, what it is, and its policy. */
export interface InlineGrant {
  /** The construct the grant is made under: the owner, or the data source of an import. */
  readonly scope: Construct;
  readonly role: IamRole;
  /** What is granted, as a construct-id suffix (`read`, `read-write-exports`). */
  readonly what: string;
  /** Name of the inline policy on the role (unique per role). */
  readonly policyName: string;
  /** The statements; called only the first time the grant is made. */
  readonly statements: () => readonly PolicyStatement[];
}

/**
 * An inline policy on `role` at `<scope>/<grantId(role, what)>/policy` (its document at
 * `.../document`). Idempotent: the same grant again returns the policy made the first time.
 */
export function inlineGrant(g: InlineGrant): IamRolePolicy {
  const id = grantId(g.role, g.what);
  const existing = g.scope.node.tryFindChild(id) as Construct | undefined;
  if (existing) return existing.node.findChild("policy") as IamRolePolicy;
  const scope = new Construct(g.scope, id);
  const doc = policyDocument(scope, "document", g.statements());
  return new IamRolePolicy(scope, "policy", { name: g.policyName, role: g.role.name, policy: doc.json });
}
