/**
 * Policy helpers of the security module. The shared `PolicyStatement` (modules/iam)
 * has no `NotAction`/`NotResource`, which a region guard needs; this wraps
 * `aws_iam_policy_document` with both.
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { Condition, PolicyStatement, Principal } from "../iam";

/** A `PolicyStatement` that may use `NotAction` / `NotResource` instead of `Action` / `Resource`. */
export interface Statement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: readonly Principal[];
  readonly conditions?: readonly Condition[];
}

/** An `aws_iam_policy_document` data source from `Statement`s; use `.json`. */
export function document(scope: Construct, id: string, statements: readonly (Statement | PolicyStatement)[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statementBlocks(statements) });
}

/** `Statement`s as the `statement` blocks of `aws_iam_policy_document` (for `putStatement` on a document). */
export function statementBlocks(statements: readonly (Statement | PolicyStatement)[]): DataAwsIamPolicyDocumentStatement[] {
  return statements.map((s: Statement) => ({
    sid: s.sid,
    effect: s.effect ?? "Allow",
    actions: s.actions ? [...s.actions] : undefined,
    notActions: s.notActions ? [...s.notActions] : undefined,
    resources: s.resources ? [...s.resources] : undefined,
    notResources: s.notResources ? [...s.notResources] : undefined,
    principals: s.principals?.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })),
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
  }));
}

// Grant ids and slugs are shared with the other modules' grants (modules/iam/grant.ts).
export { grantId, grantSlug as slug } from "../iam/grant";

/** `arn:<partition>:iam::<account>:<resource>` */
export function iamArn(partition: string | undefined, accountId: string, resource: string): string {
  return `arn:${partition ?? "aws"}:iam::${accountId}:${resource}`;
}
