/**
 * What every module of an environment's AWS layer reads about the environment it is built
 * in. environments/environment-stack.ts builds one `StackContext` per stack, once its
 * `DataKeys` exist, and passes it to each module; a module's props then hold only what is
 * its own. The platform layer's counterpart is `AddonContext` (modules/addons/types.ts).
 */
import type { AwsContext } from "./iam";
import type { DataClass, PolicyKey } from "./kms";
import type { EnvironmentName } from "../variables/project";

/** The environment, its account and region, its name prefix, data keys and log retention. */
export interface StackContext {
  /** Environment name (`env.name`): part of bucket, repository, alarm and role names. */
  readonly environment: EnvironmentName;
  /**
   * Account, region and partition the stack deploys to (`environmentAws`,
   * environments/stack-base.ts: the caller's account, `env.region`).
   */
  readonly aws: AwsContext;
  /** Prefix of resource names, `authorworks-<env>` (`namePrefix`, variables/project.ts). */
  readonly namePrefix: string;
  /**
   * The environment's customer-managed keys, one per data class (modules/kms `DataKeys`),
   * all in `aws.region`: `storage` (S3, ECR, build output, the backup vault), `database`
   * (RDS, ElastiCache, Performance Insights), `logs` (CloudWatch log groups, alert topics),
   * `secrets` (Secrets Manager). Keys of another region are explicit props of the modules
   * that need them.
   */
  readonly keys: Readonly<Record<DataClass, PolicyKey>>;
  /**
   * Retention of the environment's CloudWatch log groups, in days (`env.logRetentionDays`;
   * one of `CLOUDWATCH_RETENTION_DAYS`, variables/aws-catalog.ts).
   */
  readonly logRetentionDays: number;
}
