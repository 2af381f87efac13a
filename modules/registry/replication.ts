/**
 * Replication of one environment's repositories to its DR region: the registry's
 * replication rule (prefix `<namePrefix>/`), and a repository creation template in the DR
 * region so the repositories ECR creates there get the primary's settings (immutable tags,
 * the same lifecycle, KMS encryption with a key of that region) instead of ECR's defaults.
 */
import { Construct } from "constructs";
import { EcrReplicationConfiguration } from "@cdktf/provider-aws/lib/ecr-replication-configuration";
import { EcrRepositoryCreationTemplate } from "@cdktf/provider-aws/lib/ecr-repository-creation-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsContext, PolicyStatement, ServiceRole, arnPrefix } from "../iam";
import type { LifecycleRule } from "./index";

/** Principal ECR uses to assume a repository creation template's role (ECR User Guide, "Create an IAM role for repository creation templates"). */
export const ECR_SERVICE_PRINCIPAL = "ecr.amazonaws.com";

export interface RegistryReplicationProps {
  /** Account and primary region: the registry replicated from, and the ARNs of the role's policy. */
  readonly aws: AwsContext;
  /** Repository namespace of the environment (`authorworks-<env>`): repositories `<namespace>/<service>` replicate. */
  readonly namespace: string;
  /** Provider of the DR region (`aws.dr`): the creation template lives there. */
  readonly provider: AwsProvider;
  readonly region: string;
  /** Key in the DR region that encrypts the replicated repositories (the `storage` DR key). */
  readonly kmsKeyArn: string;
  /** Lifecycle rules of the primary repositories (`ContainerRegistry.lifecycleRules`). */
  readonly lifecycleRules: readonly LifecycleRule[];
  /** Name of the role ECR assumes to create the repositories with the key. */
  readonly roleName: string;
}

/** The registry's replication configuration and the DR region's creation template for it. */
export class RegistryReplication extends Construct {
  public readonly configuration: EcrReplicationConfiguration;
  public readonly template: EcrRepositoryCreationTemplate;
  /** Role ECR assumes to create the replicated repositories (KMS grants on the DR key). */
  public readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: RegistryReplicationProps) {
    super(scope, id);
    const { aws, namespace } = props;
    if (props.region === aws.region) throw new Error(`RegistryReplication: the DR region ${props.region} is the registry's own region`);
    const drAws: AwsContext = { ...aws, region: props.region };

    // ECR needs a role of its own to use a customer managed key (or tags) in a template.
    // No aws:SourceAccount condition: ECR's documented trust policy has none to match.
    this.role = new ServiceRole(this, "role", {
      name: props.roleName,
      description: `${namespace}: ECR creates the repositories replicated to ${props.region}, encrypted with the DR key`,
      service: ECR_SERVICE_PRINCIPAL,
      statements: templateRoleStatements({ repositoryArnPrefix: `${arnPrefix(drAws, "ecr")}:repository/${namespace}/`, kmsKeyArn: props.kmsKeyArn }),
    });

    this.template = new EcrRepositoryCreationTemplate(this, "template", {
      provider: props.provider,
      prefix: namespace,
      description: `${namespace}: repositories replicated from ${aws.region}`,
      appliedFor: ["REPLICATION"],
      imageTagMutability: "IMMUTABLE",
      lifecyclePolicy: JSON.stringify({ rules: props.lifecycleRules }),
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      customRoleArn: this.role.arn,
      // ECR checks the role when the template is created.
      dependsOn: this.role.policy ? [this.role.policy] : undefined,
    });

    this.configuration = new EcrReplicationConfiguration(this, "configuration", {
      replicationConfiguration: {
        rule: [
          {
            destination: [{ region: props.region, registryId: aws.accountId }],
            repositoryFilter: [{ filter: `${namespace}/`, filterType: "PREFIX_MATCH" }],
          },
        ],
      },
      // Repositories the first replication creates must get the template's settings.
      dependsOn: [this.template],
    });
  }
}

/**
 * The creation template role's statements (ECR User Guide, "Create a custom policy for
 * repository creation templates"), scoped to the namespace's repositories and the one key.
 * Not `ecr:TagResource` (the template sets no tags) nor `kms:RetireGrant` (outside the
 * project's permissions boundary; a grant left by a deleted repository is revoked by hand).
 */
export function templateRoleStatements(i: { readonly repositoryArnPrefix: string; readonly kmsKeyArn: string }): PolicyStatement[] {
  return [
    { sid: "CreateReplicatedRepositories", actions: ["ecr:CreateRepository", "ecr:ReplicateImage"], resources: [`${i.repositoryArnPrefix}*`] },
    { sid: "GrantEcrTheDrKey", actions: ["kms:CreateGrant", "kms:DescribeKey"], resources: [i.kmsKeyArn] },
  ];
}
