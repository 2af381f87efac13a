import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GLOBAL_REGION } from "../variables/aws-catalog";
import { defaultTags, EnvironmentName } from "../variables/project";

export interface AwsProvidersProps {
  readonly environment: EnvironmentName | "shared";
  readonly region: string;
  /** Disaster-recovery region: adds the aliased provider `aws.dr`. @default none */
  readonly drRegion?: string;
  /**
   * Adds the aliased provider `aws.global` in us-east-1, for a stack that has something
   * there. A stack without it declares no us-east-1 provider (tflint reports an unused one).
   * @default false
   */
  readonly global?: boolean;
  /** When set, the provider refuses every other account (`allowed_account_ids`). @default no guard */
  readonly accountId?: string;
  readonly owner: string;
  readonly costCenter: string;
  /**
   * The account of the zone this environment's zone is delegated from, and the role there
   * that writes the delegation records: adds the aliased provider `aws.parent_zone`, which
   * assumes the role and refuses any other account. @default none
   */
  readonly parentZone?: { readonly accountId: string; readonly roleArn: string; readonly sessionName: string };
}

export interface AwsProviders {
  readonly primary: AwsProvider;
  /** Provider for the DR region, or undefined when the environment has none. */
  readonly dr?: AwsProvider;
  /**
   * Provider in us-east-1 (alias `global`) for what AWS only accepts there: CloudFront
   * certificates, CLOUDFRONT-scope WAF, DNSSEC signing keys, Route 53 health-check alarms;
   * undefined unless `global` was asked for.
   */
  readonly global?: AwsProvider;
  /** Provider in the parent zone's account (alias `parent_zone`), when `parentZone` is set. */
  readonly parentZone?: AwsProvider;
}

/**
 * The hashicorp/aws release every stack requires (`required_providers`), exact. The prebuilt
 * bindings (@cdktf/provider-aws 21.22) were generated from 6.25.0 and stay: 6.x releases only
 * add to the schema. 6.25 has bugs this project hits, fixed by (provider CHANGELOG):
 * CloudFront log delivery `suffix_path` losing AWS's prefix (6.32.1), the S3 encryption rule
 * without `blocked_encryption_types` diffing on every plan (6.40.0), GuardDuty's managed VPC
 * endpoint and security group blocking a VPC destroy (6.43.0). It is the version
 * `npm run verify` and `npm run e2e` build (MIRROR_VERSION in scripts/verify/versions.env;
 * a test keeps the two equal).
 */
export const AWS_PROVIDER_VERSION = "6.47.0";

/**
 * The AWS providers of one stack: the default one in the primary region, `aws.dr` in the
 * DR region where the environment has one, `aws.global` in us-east-1 where the stack has
 * something there, and `aws.parent_zone` in the parent zone's account where it has one. Each carries the
 * project's default tags and its account guard.
 */
export function awsProviders(stack: Construct, props: AwsProvidersProps): AwsProviders {
  TerraformStack.of(stack).addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
  const common = {
    defaultTags: [{ tags: defaultTags({ environment: props.environment, owner: props.owner, costCenter: props.costCenter }) }],
    ...(props.accountId ? { allowedAccountIds: [props.accountId] } : {}),
  };
  return {
    primary: new AwsProvider(stack, "aws", { region: props.region, ...common }),
    dr: props.drRegion ? new AwsProvider(stack, "aws-dr", { alias: "dr", region: props.drRegion, ...common }) : undefined,
    global: props.global ? new AwsProvider(stack, "aws-global", { alias: "global", region: GLOBAL_REGION, ...common }) : undefined,
    // Route 53 is global: the region only picks the STS and API endpoints.
    parentZone: props.parentZone
      ? new AwsProvider(stack, "aws-parent-zone", {
          alias: "parent_zone",
          region: GLOBAL_REGION,
          assumeRole: [{ roleArn: props.parentZone.roleArn, sessionName: props.parentZone.sessionName }],
          allowedAccountIds: [props.parentZone.accountId],
          defaultTags: common.defaultTags,
        })
      : undefined,
  };
}
