/**
 * Where Terraform state lives. Resolved once in main.ts from environment variables
 * and cdktf context, so operators point at their own bucket without editing code.
 */
import { S3_BUCKET_NAME } from "../variables/aws-catalog";

export interface S3StateSettings {
  readonly kind: "s3";
  /** State bucket (created by the bootstrap stack). */
  readonly bucket: string;
  /** DynamoDB lock table (created by the bootstrap stack). */
  readonly lockTable: string;
  /** Region of the bucket and table. */
  readonly region: string;
}

export interface CloudStateSettings {
  readonly kind: "cloud";
  /** Terraform Cloud / Enterprise organization. */
  readonly organization: string;
  /** @default app.terraform.io */
  readonly hostname?: string;
  /** Terraform Cloud project for the workspaces. @default the organization's default project */
  readonly project?: string;
}

export interface StateSettings {
  /** Backend of the environment and platform stacks. */
  readonly environments: S3StateSettings | CloudStateSettings;
  /** The bucket and table the bootstrap stack creates (always S3 + DynamoDB). */
  readonly bootstrap: S3StateSettings & {
    /** Bootstrap's own state: "local" until migrated into the bucket it created. */
    readonly backend: "local" | "s3";
  };
}

export const STATE_DEFAULTS = {
  bucket: "authorworks-terraform-state",
  lockTable: "authorworks-terraform-locks",
  region: "us-east-1",
} as const;

/** What can be set, by environment variable (wins) or cdktf context key. */
export const STATE_VARIABLES = {
  bucket: { env: "AUTHORWORKS_STATE_BUCKET", context: "stateBucket" },
  lockTable: { env: "AUTHORWORKS_STATE_LOCK_TABLE", context: "stateLockTable" },
  region: { env: "AUTHORWORKS_STATE_REGION", context: "stateRegion" },
  bootstrapBackend: { env: "AUTHORWORKS_BOOTSTRAP_BACKEND", context: "bootstrapBackend" },
} as const;

const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** A bad deployment setting (environment variable or cdktf context): one line naming it, what was given and what is accepted. */
export class SettingsError extends Error {
  constructor(kind: string, field: string, got: string, accepted: string) {
    super(`Invalid ${kind} settings (nothing was synthesized): ${field}: got ${JSON.stringify(got)}; accepted: ${accepted}`);
    this.name = "SettingsError";
  }
}

export class StateSettingsError extends SettingsError {
  constructor(field: string, got: string, accepted: string) {
    super("state", field, got, accepted);
    this.name = "StateSettingsError";
  }
}

/**
 * @param env    process.env (or a test double)
 * @param context cdktf context lookup (`app.node.tryGetContext`)
 */
export function resolveStateSettings(env: Readonly<Record<string, string | undefined>>, context: (key: string) => unknown = () => undefined): StateSettings {
  const read = (v: { env: string; context: string }, fallback: string): [string, string] => {
    const fromEnv = env[v.env];
    if (fromEnv) return [fromEnv, v.env];
    const fromContext = context(v.context);
    if (typeof fromContext === "string" && fromContext) return [fromContext, `context ${v.context}`];
    return [fallback, `${v.env} (default)`];
  };
  const [bucket, bucketSource] = read(STATE_VARIABLES.bucket, STATE_DEFAULTS.bucket);
  const [lockTable, tableSource] = read(STATE_VARIABLES.lockTable, STATE_DEFAULTS.lockTable);
  const [region, regionSource] = read(STATE_VARIABLES.region, STATE_DEFAULTS.region);
  const [bootstrapBackend, backendSource] = read(STATE_VARIABLES.bootstrapBackend, "local");
  if (!S3_BUCKET_NAME.test(bucket)) throw new StateSettingsError(bucketSource, bucket, "an S3 bucket name (3-63 lower-case letters, digits and hyphens)");
  if (!DYNAMODB_TABLE_NAME.test(lockTable)) throw new StateSettingsError(tableSource, lockTable, "a DynamoDB table name (3-255 letters, digits, _ . -)");
  if (!REGION.test(region)) throw new StateSettingsError(regionSource, region, "an AWS region such as us-east-1");
  if (bootstrapBackend !== "local" && bootstrapBackend !== "s3") throw new StateSettingsError(backendSource, bootstrapBackend, '"local" or "s3"');

  const s3: S3StateSettings = { kind: "s3", bucket, lockTable, region };
  const organization = env.TF_CLOUD_ORGANIZATION;
  return {
    environments: organization ? { kind: "cloud", organization, hostname: env.TF_CLOUD_HOSTNAME || undefined, project: env.TF_CLOUD_PROJECT || undefined } : s3,
    bootstrap: { ...s3, backend: bootstrapBackend },
  };
}
