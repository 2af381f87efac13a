import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformOutput } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { StateBackend } from "../modules/state-backend";
import { awsProviders } from "../providers/aws";
import { stateKey } from "../providers/backend";
import type { StateSettings } from "../providers/state";
import { SHARED_OWNERSHIP } from "../variables/project";
import { AuthorWorksStack } from "./stack-base";

export const BOOTSTRAP_STACK = "bootstrap";
export const BOOTSTRAP_LOCAL_STATE = "../../../terraform.bootstrap.tfstate";

/**
 * The remote-state bucket and lock table. Its own state starts on a local backend
 * (the bucket does not exist yet) and moves into the bucket afterwards: see README.
 */
export class BootstrapStack extends AuthorWorksStack {
  public readonly backend: StateBackend;

  constructor(scope: Construct, settings: StateSettings["bootstrap"]) {
    super(scope, BOOTSTRAP_STACK);
    if (settings.backend === "s3") {
      new S3Backend(this, {
        bucket: settings.bucket,
        key: stateKey(BOOTSTRAP_STACK),
        region: settings.region,
        dynamodbTable: settings.lockTable,
        encrypt: true,
      });
    } else {
      // Relative to cdktf.out/stacks/bootstrap: the file lands in the project root (git-ignored),
      // outside the output directory that every synth rewrites.
      new LocalBackend(this, { path: BOOTSTRAP_LOCAL_STATE });
    }
    awsProviders(this, { environment: "shared", region: settings.region, ...SHARED_OWNERSHIP });
    const identity = new DataAwsCallerIdentity(this, "current");
    this.backend = new StateBackend(this, "state", {
      aws: { accountId: identity.accountId, region: settings.region },
      bucketName: settings.bucket,
      lockTableName: settings.lockTable,
    });
    new TerraformOutput(this, "state_bucket", { value: this.backend.bucketName, description: "Terraform state bucket" });
    new TerraformOutput(this, "lock_table", { value: this.backend.lockTableName, description: "Terraform state lock table" });
    new TerraformOutput(this, "state_key_arn", { value: this.backend.key.arn, description: "KMS key encrypting state" });
  }
}
