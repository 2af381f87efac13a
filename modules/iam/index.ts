/**
 * IAM building blocks every module uses, so no module hand-writes JSON policies:
 * typed statements rendered through `aws_iam_policy_document` (readable in the plan,
 * checked by Terraform), and service roles with a scoped trust policy.
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: string[];
}

export interface Principal {
  readonly type: "AWS" | "Service" | "Federated" | "*";
  readonly identifiers: string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: string[];
  readonly resources?: string[];
  readonly principals?: Principal[];
  readonly conditions?: Condition[];
}

/** A typed statement as the `statement` block of `aws_iam_policy_document`. */
export function statementBlock(s: PolicyStatement): DataAwsIamPolicyDocumentStatement {
  return { sid: s.sid, effect: s.effect ?? "Allow", actions: s.actions, resources: s.resources, principals: s.principals, condition: s.conditions };
}

/** An `aws_iam_policy_document` data source; use `.json` where a policy string is needed. */
export function policyDocument(scope: Construct, id: string, statements: readonly PolicyStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements.map(statementBlock) });
}

export interface ServiceRoleProps {
  /** Role name. */
  readonly name: string;
  readonly description: string;
  /** Service principal allowed to assume the role, e.g. `monitoring.rds.amazonaws.com`. */
  readonly service: string;
  /**
   * Account whose resources may make the service assume the role (confused-deputy guard:
   * `aws:SourceAccount`). @default no condition (some services, like RDS monitoring, do not send it)
   */
  readonly sourceAccount?: string;
  /**
   * ARN pattern of the resources that may make the service assume the role
   * (`aws:SourceArn`, ArnLike), e.g. one CodeBuild project. @default no condition
   */
  readonly sourceArn?: string;
  /** AWS managed policies to attach (ARNs). @default none */
  readonly managedPolicyArns?: string[];
  /** Inline policy statements. @default none */
  readonly statements?: readonly PolicyStatement[];
  /** Permissions boundary ARN. @default none */
  readonly permissionsBoundary?: string;
}

/** An IAM role that one AWS service assumes, with its inline policy. */
export class ServiceRole extends Construct {
  public readonly role: IamRole;
  public readonly arn: string;
  public readonly name: string;
  /** The inline policy, when `statements` were given (for `dependsOn`). */
  public readonly policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const conditions: Condition[] = [
      ...(props.sourceAccount ? [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.sourceAccount] }] : []),
      ...(props.sourceArn ? [{ test: "ArnLike", variable: "aws:SourceArn", values: [props.sourceArn] }] : []),
    ];
    const trust = policyDocument(this, "trust", [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [props.service] }],
        conditions: conditions.length ? conditions : undefined,
      },
    ]);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundary,
    });
    for (const [i, arn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    }
    if (props.statements?.length) {
      const doc = policyDocument(this, "policy-document", props.statements);
      this.policy = new IamRolePolicy(this, "policy", { name: props.name, role: this.role.id, policy: doc.json });
    }
    this.arn = this.role.arn;
    this.name = this.role.name;
  }
}

/** Account, region and partition a module builds ARNs and conditions from. */
export interface AwsContext {
  /** Account id (usually `aws_caller_identity.current.account_id`). */
  readonly accountId: string;
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
}

/** `arn:<partition>:iam::<account>:role/<name>`: a role of this account by name (IAM is global). */
export function iamRoleArn(ctx: AwsContext, roleName: string): string {
  return `arn:${ctx.partition ?? "aws"}:iam::${ctx.accountId}:role/${roleName}`;
}

export function arnPrefix(ctx: AwsContext, service: string, regional = true): string {
  return `arn:${ctx.partition ?? "aws"}:${service}:${regional ? ctx.region : ""}:${ctx.accountId}`;
}
