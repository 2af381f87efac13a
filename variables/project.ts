/**
 * What every environment shares: the project name, how things are named, and the tag set.
 */

/** Lower-case project name; the first part of every resource name. */
export const PROJECT = "authorworks";

/**
 * The environments this project knows, in deploy-promotion order. Anything else is refused by
 * validation. `production-dr` is production's pilot-light standby in its DR region.
 */
export const ENVIRONMENT_NAMES = ["dev", "staging", "production", "production-dr"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** `authorworks-<env>`: the prefix of every resource name in one environment. */
export function namePrefix(env: EnvironmentName): string {
  return `${PROJECT}-${env}`;
}

/** `authorworks-<env>-<parts...>`, the convention for resource names. */
export function resourceName(env: EnvironmentName, ...parts: string[]): string {
  return [namePrefix(env), ...parts].join("-");
}

export interface TagOptions {
  readonly environment: EnvironmentName | "shared";
  /** Team that answers for the resources (tag `Owner`). */
  readonly owner: string;
  /** Cost centre for billing reports (tag `CostCenter`). */
  readonly costCenter: string;
}

/**
 * The tagging strategy: every resource carries these through the AWS provider's
 * `default_tags`, so modules add only `Name` and resource-specific tags.
 */
export function defaultTags(opts: TagOptions): Record<string, string> {
  return {
    Project: PROJECT,
    Environment: opts.environment,
    ManagedBy: "terraform",
    Owner: opts.owner,
    CostCenter: opts.costCenter,
    Repository: "authorworks-infra",
  };
}

/** Owner and cost centre of what no single environment owns (the state backend). */
export const SHARED_OWNERSHIP = { owner: "platform", costCenter: "authorworks-shared" } as const;

/**
 * Names shared across stacks. The platform stack finds what the environment stack made
 * by these names (data sources), so both sides must use these functions;
 * __tests__/environments/cross-stack-names.test.ts checks that they agree.
 */
export const names = {
  /** EKS cluster: `authorworks-<env>`. */
  cluster: (env: EnvironmentName) => namePrefix(env),
  /**
   * ECR repository namespace of an environment: `authorworks-<env>`. Its repositories replicate
   * to the DR region under the same names (modules/registry `RegistryReplication`).
   */
  ecrNamespace: (env: EnvironmentName) => namePrefix(env),
  /** ECR repository of a service: `authorworks-<env>/<service>`. */
  ecrRepository: (env: EnvironmentName, service: string) => `${names.ecrNamespace(env)}/${service}`,
  /**
   * `Name` tag of the environment's ACM certificate for its region's load balancers
   * (modules/dns): `authorworks-<env>-regional`. In us-east-1 the CloudFront certificate
   * covers the same names, so the platform stack finds this one by its tag.
   */
  regionalCertificate: (env: EnvironmentName) => `${namePrefix(env)}-regional`,
  /** Regional WAF web ACL the gateway's load balancer is attached to. */
  regionalWebAcl: (env: EnvironmentName) => `${namePrefix(env)}-regional`,
  /** KMS alias of a data class key (modules/kms). */
  kmsAlias: (env: EnvironmentName, dataClass: string) => `alias/${namePrefix(env)}-${dataClass}`,
  /** Permissions boundary policy every project role carries (modules/security). */
  permissionsBoundary: (env: EnvironmentName) => `${namePrefix(env)}-boundary`,
  /** Bucket of a purpose (modules/s3): `<prefix>-<purpose>-<env>`. */
  bucket: (prefix: string, purpose: string, env: EnvironmentName) => `${prefix}-${purpose}-${env}`,
  /**
   * Replica of a bucket in the environment's DR region (modules/dr, modules/backup):
   * `<prefix>-<purpose>-replica-<env>`, made by the `<env>` stack through its `aws.dr` provider.
   * Bucket names are global: what runs in the DR region reads these, not its own buckets.
   */
  replicaBucket: (prefix: string, purpose: string, env: EnvironmentName) => `${prefix}-${purpose}-replica-${env}`,
  /**
   * KMS alias of a key the `<env>` stack makes in its DR region (modules/dr):
   * `alias/authorworks-<env>-<dataClass>-dr`. `storage`: bucket replicas and replicated images;
   * `database`: replicated RDS automated backups (and instances restored from them);
   * `secrets`: secret replicas; `backup`: the AWS Backup DR vault and the backups bucket replica.
   */
  drKmsAlias: (env: EnvironmentName, dataClass: string) => `alias/${namePrefix(env)}-${dataClass}-dr`,
  /**
   * Secrets Manager secret of the catalogue (variables/secrets.ts): `authorworks-<env>/<path>`.
   * Its replica in the DR region (modules/dr) has the same name.
   */
  secret: (env: EnvironmentName, path: string) => `${namePrefix(env)}/${path}`,
  /**
   * Bucket in the DR region whose one object lets the PRIMARY failover record of the
   * environment's API answer (modules/failover): `authorworks-<env>-failover-gate`.
   */
  failoverGate: (env: EnvironmentName) => `${namePrefix(env)}-failover-gate`,
  /** The gateway's internet-facing ALB (Ingress `load-balancer-name`; 32 characters at most). */
  gatewayLoadBalancer: (env: EnvironmentName) => `${namePrefix(env)}-api`,
  /**
   * SNS alert topic (modules/monitoring): `authorworks-<env>-alerts-<critical|warning>`,
   * `critical-global` (the us-east-1 twin outside us-east-1) and `chat` (what the platform
   * stack forwards to the chat webhook).
   */
  alertTopic: (env: EnvironmentName, topic: "critical" | "warning" | "critical-global" | "chat") => `${namePrefix(env)}-alerts-${topic}`,
  /**
   * Deny policy the budget action attaches at 100 % of the budget (modules/monitoring
   * `BudgetRestriction`); the permissions boundary (modules/security) lets bounded roles
   * attach and detach it, and nothing else of the kind.
   */
  budgetRestrictionPolicy: (env: EnvironmentName) => `${namePrefix(env)}-budget-restrict-compute`,
  /**
   * Role that reads the RDS master user secrets for the database user Jobs (modules/workloads
   * `DatabaseUsers`); the External Secrets controller assumes it.
   */
  databaseMasterSecretsRole: (env: EnvironmentName) => `${namePrefix(env)}-database-master-secrets`,
  /** CodeBuild project (and its role) that runs the CI jobs deploying the platform stack, inside the VPC. */
  deployRunner: (env: EnvironmentName) => `${namePrefix(env)}-deploy-runner`,
  /**
   * Role in the account of a zone's owner that the stack of a delegated environment assumes
   * to write its delegation records (NS, DS) into that zone (modules/dns `DnsDelegationRole`).
   */
  dnsDelegationRole: (owner: EnvironmentName, delegated: EnvironmentName) => `${namePrefix(owner)}-dns-delegation-${delegated}`,
} as const;

/**
 * The account ids the environment files ship with: obviously not real. Synth accepts them
 * (offline, nothing is deployed); `npm run deploy` and the CI role lookup refuse them.
 * Replace them in `environments/<env>.ts` or with `AUTHORWORKS_ACCOUNT_IDS`.
 */
export const PLACEHOLDER_ACCOUNT_IDS: readonly string[] = ["111111111111", "222222222222", "333333333333"];
