/**
 * Cross-account DNS delegation: a role in the account that owns a parent zone, which one
 * other account assumes to write its sub-zone's delegation records (NS, and DS with
 * DNSSEC) into the parent zone, and nothing else.
 */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument } from "../iam";

/** Record types a delegation writes into the parent zone. */
export const DELEGATION_RECORD_TYPES = ["NS", "DS"];

/**
 * What `data.aws_route53_zone` needs to find the parent zone by name and read it back
 * (hashicorp/aws 6.x: ListHostedZones paginated, GetHostedZone, ListTagsForResource).
 */
export const ZONE_LOOKUP_ACTIONS = ["route53:ListHostedZones", "route53:ListHostedZonesByName"];
const ZONE_READ_ACTIONS = ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"];

export interface DnsDelegationRoleProps {
  /** Role name, e.g. `authorworks-production-dns-delegation-dev` (`names.dnsDelegationRole`). */
  readonly name: string;
  /** Hosted zone id of the parent zone (bare id, as `aws_route53_zone.zone_id`). */
  readonly parentZoneId: string;
  /** The delegated sub-zone, e.g. `dev.authorworks.io`: the only record name the role may change. */
  readonly zoneName: string;
  /** Account whose principals may assume the role (the sub-zone's environment). */
  readonly trustedAccountId: string;
  /** @default "aws" */
  readonly partition?: string;
  /** Permissions boundary of the role. @default none */
  readonly permissionsBoundary?: string;
}

/**
 * The role: trusted by the sub-zone's account (its IAM decides which of its principals:
 * CI's plan and apply roles, administrators), allowed to look the parent zone up, read
 * it, and create, change or delete NS and DS records named exactly `zoneName`
 * (`route53:ChangeResourceRecordSets*` condition keys).
 */
export class DnsDelegationRole extends Construct {
  public readonly role: IamRole;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: DnsDelegationRoleProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    const zoneArn = `arn:${partition}:route53:::hostedzone/${props.parentZoneId}`;
    const trust = policyDocument(this, "trust", [
      {
        sid: "DelegatedZoneAccount",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${props.trustedAccountId}:root`] }],
      },
    ]);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: `Writes the NS and DS records of ${props.zoneName} into its parent zone, for account ${props.trustedAccountId}`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
      permissionsBoundary: props.permissionsBoundary,
      tags: { Name: props.name },
    });
    const policy = policyDocument(this, "policy-document", [
      { sid: "FindParentZone", actions: ZONE_LOOKUP_ACTIONS, resources: ["*"] },
      { sid: "ReadParentZone", actions: ZONE_READ_ACTIONS, resources: [zoneArn] },
      {
        sid: "WriteDelegationRecords",
        actions: ["route53:ChangeResourceRecordSets"],
        resources: [zoneArn],
        conditions: [
          { test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsNormalizedRecordNames", values: [props.zoneName] },
          { test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsRecordTypes", values: DELEGATION_RECORD_TYPES },
        ],
      },
      { sid: "WaitForChanges", actions: ["route53:GetChange"], resources: [`arn:${partition}:route53:::change/*`] },
    ]);
    new IamRolePolicy(this, "policy", { name: props.name, role: this.role.id, policy: policy.json });
    this.arn = this.role.arn;
  }
}
