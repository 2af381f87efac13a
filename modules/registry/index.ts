/**
 * The container registry of one environment: one private ECR repository per service of
 * the catalogue (variables/services.ts), named `names.ecrRepository(env, service)`, with
 * immutable tags, scan on push, KMS encryption and a lifecycle policy. Consumers get
 * pull/push access through grant methods.
 */
import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { TerraformStack } from "cdktf";
import type { StackContext } from "../context";
import { PolicyStatement, policyDocument } from "../iam";
import { names } from "../../variables/project";
import { SERVICES, ServiceDefinition } from "../../variables/services";

export { ECR_SERVICE_PRINCIPAL, RegistryReplication, templateRoleStatements } from "./replication";
export type { RegistryReplicationProps } from "./replication";

/** Pulling an image: layer availability, layer download, manifest. */
export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];
/** Pushing an image on top of pulling (layer upload, manifest put). */
export const ECR_PUSH_ACTIONS = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"];
/** `docker login` to ECR: AWS only accepts `Resource: "*"` for this action (it is registry-wide). */
export const ECR_AUTH_ACTION = "ecr:GetAuthorizationToken";

/** An ECR lifecycle rule (the JSON document's `rules[]`). */
export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection: {
    readonly tagStatus: "tagged" | "untagged" | "any";
    readonly tagPatternList?: readonly string[];
    readonly countType: "imageCountMoreThan" | "sinceImagePushed";
    readonly countUnit?: "days";
    readonly countNumber: number;
  };
  readonly action: { readonly type: "expire" };
}

/**
 * The lifecycle rules: untagged images (layers of superseded builds) expire `untaggedDays`
 * after push; beyond that, only the newest `keep` images stay. ECR requires the `any`
 * rule to have the highest rulePriority (evaluated last).
 */
export function lifecycleRules(untaggedDays: number, keep: number): LifecycleRule[] {
  return [
    {
      rulePriority: 1,
      description: `Expire untagged images ${untaggedDays} days after push`,
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: `Keep the last ${keep} images`,
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
      action: { type: "expire" },
    },
  ];
}

export interface ContainerRegistryProps {
  /**
   * The environment: `environment` (repository names, `names.ecrRepository`) and
   * `keys.storage` (image encryption; ECR uses the key through a grant).
   */
  readonly context: StackContext;
  /** `force_delete`: `destroy` removes repositories that still hold images. */
  readonly forceDelete: boolean;
  /** Services that get a repository. @default SERVICES (variables/services.ts) */
  readonly services?: readonly ServiceDefinition[];
  /** Images kept per repository (newest first, tagged or not). @default 10 */
  readonly keepImages?: number;
  /** Days after push at which untagged images expire. @default 7 */
  readonly untaggedExpiryDays?: number;
  /**
   * Tag patterns (ECR wildcards, e.g. `latest-*`) that stay mutable; all other tags are
   * immutable (`IMMUTABLE_WITH_EXCLUSION`). Deploy by immutable tags (git SHA, version)
   * instead where possible.
   * @default none: every tag is immutable (`IMMUTABLE`)
   */
  readonly mutableTagPatterns?: readonly string[];
}

/** One service's repository and its lifecycle policy. */
export interface ServiceRepository {
  readonly service: string;
  readonly repository: EcrRepository;
  readonly lifecyclePolicy: EcrLifecyclePolicy;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  readonly url: string;
  readonly arn: string;
  readonly name: string;
}

/** ECR repositories of one environment, one per service. */
export class ContainerRegistry extends Construct {
  /** Repositories by service name. */
  public readonly repositories: Readonly<Record<string, ServiceRepository>>;
  /** Repository URLs by service name (what image references use). */
  public readonly repositoryUrls: Readonly<Record<string, string>>;
  /** Repository ARNs by service name. */
  public readonly repositoryArns: Readonly<Record<string, string>>;
  /** The lifecycle rules every repository gets. */
  public readonly lifecycleRules: readonly LifecycleRule[];
  /** Namespace of the repositories (`names.ecrNamespace`): `<namespace>/<service>`. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 10;
    const untaggedDays = props.untaggedExpiryDays ?? 7;
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`keepImages ${keep}: a whole number of at least 1`);
    if (!Number.isInteger(untaggedDays) || untaggedDays < 1) throw new Error(`untaggedExpiryDays ${untaggedDays}: a whole number of days, at least 1`);
    const patterns = props.mutableTagPatterns ?? [];
    for (const p of patterns) {
      // ImageTagMutabilityExclusionFilter.filter (ECR API reference).
      if (!/^[0-9a-zA-Z._*-]{1,128}$/.test(p)) throw new Error(`mutable tag pattern "${p}": 1-128 letters, digits and . _ - * (ECR wildcard)`);
    }
    this.lifecycleRules = lifecycleRules(untaggedDays, keep);
    this.namespace = names.ecrNamespace(props.context.environment);
    const policy = JSON.stringify({ rules: this.lifecycleRules });

    const repositories: Record<string, ServiceRepository> = {};
    for (const svc of props.services ?? SERVICES) {
      const name = names.ecrRepository(props.context.environment, svc.name);
      const scope = new Construct(this, svc.name);
      const repository = new EcrRepository(scope, "repository", {
        name,
        imageTagMutability: patterns.length ? "IMMUTABLE_WITH_EXCLUSION" : "IMMUTABLE",
        imageTagMutabilityExclusionFilter: patterns.length ? patterns.map((filter) => ({ filter, filterType: "WILDCARD" })) : undefined,
        // Basic scanning on push. Amazon Inspector enhanced scanning (continuous, OS and
        // language packages) is a registry-wide setting: see README.
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.context.keys.storage.arn }],
        forceDelete: props.forceDelete,
        tags: { Name: name, Service: svc.name },
      });
      const lifecyclePolicy = new EcrLifecyclePolicy(scope, "lifecycle", { repository: repository.name, policy });
      repositories[svc.name] = { service: svc.name, repository, lifecyclePolicy, url: repository.repositoryUrl, arn: repository.arn, name };
    }
    this.repositories = repositories;
    this.repositoryUrls = Object.fromEntries(Object.values(repositories).map((r) => [r.service, r.url]));
    this.repositoryArns = Object.fromEntries(Object.values(repositories).map((r) => [r.service, r.arn]));
  }

  /**
   * Inline policy on `role`: pull images from the repositories of `services` (default
   * all). `ecr:GetAuthorizationToken` is on `*` because AWS accepts no other resource for it.
   */
  public grantPull(role: IamRole, services?: readonly string[]): IamRolePolicy {
    return this.grant(role, "pull", services);
  }

  /** Inline policy on `role`: pull and push images to the repositories of `services` (default all). */
  public grantPush(role: IamRole, services?: readonly string[]): IamRolePolicy {
    return this.grant(role, "push", services);
  }

  private grant(role: IamRole, mode: "pull" | "push", services?: readonly string[]): IamRolePolicy {
    const selected = services ? [...new Set(services)].sort() : Object.keys(this.repositories);
    for (const s of selected) {
      if (!this.repositories[s]) throw new Error(`no repository for service "${s}"; known: ${Object.keys(this.repositories).join(", ")}`);
    }
    const suffix = services ? `-${selected.join("-")}` : "";
    const stackPath = TerraformStack.of(role).node.path;
    const rolePath = role.node.path.slice(stackPath ? stackPath.length + 1 : 0);
    const id = `grant-${rolePath.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${mode}${suffix}`;
    const existing = this.node.tryFindChild(id) as Construct | undefined;
    if (existing) return existing.node.findChild("policy") as IamRolePolicy;

    const scope = new Construct(this, id);
    const doc: DataAwsIamPolicyDocument = policyDocument(
      scope,
      "document",
      repositoryAccessStatements(
        selected.map((s) => this.repositories[s].arn),
        mode,
      ),
    );
    return new IamRolePolicy(scope, "policy", { name: `ecr-${mode}${suffix}`, role: role.name, policy: doc.json });
  }
}

/** Statements for pulling (or pushing to) the given repositories. */
export function repositoryAccessStatements(repositoryArns: readonly string[], mode: "pull" | "push"): PolicyStatement[] {
  return [
    { sid: "RegistryLogin", actions: [ECR_AUTH_ACTION], resources: ["*"] },
    {
      sid: mode === "pull" ? "PullImages" : "PushImages",
      actions: mode === "pull" ? [...ECR_PULL_ACTIONS] : [...ECR_PULL_ACTIONS, ...ECR_PUSH_ACTIONS],
      resources: [...repositoryArns],
    },
  ];
}
