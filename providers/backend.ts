import { Construct } from "constructs";
import { S3Backend, TerraformBackend, TerraformStack } from "cdktf";
import type { CloudStateSettings, S3StateSettings } from "./state";

/**
 * The `cloud` block for Terraform Cloud. cdktf's CloudBackend runs `terraform version`
 * as a synth-time validation, which breaks offline synth on machines without the
 * binary; the block itself needs no binary, so this writes it directly.
 */
export class TerraformCloudBlock extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly settings: CloudStateSettings & { readonly workspace: string },
  ) {
    super(scope, "backend", "cloud");
  }

  public toTerraform(): object {
    const { organization, hostname, project, workspace } = this.settings;
    return {
      terraform: {
        cloud: {
          organization,
          ...(hostname ? { hostname } : {}),
          workspaces: { name: workspace, ...(project ? { project } : {}) },
        },
      },
    };
  }

  public toHclTerraform(): object {
    return this.toTerraform();
  }

  public getRemoteStateDataSource(): never {
    throw new Error("cross-stack references through Terraform Cloud are not used by this project");
  }
}

/** S3 key of a stack's state: `<stack>/terraform.tfstate`. */
export function stateKey(stackName: string): string {
  return `${stackName}/terraform.tfstate`;
}

/** Terraform Cloud workspace of a stack: `authorworks-<stack>`. */
export function cloudWorkspace(stackName: string): string {
  return `authorworks-${stackName}`;
}

/** Puts `stack` on the S3 backend (DynamoDB locking, encrypted) or on Terraform Cloud. */
export function configureBackend(stack: TerraformStack, stackName: string, settings: S3StateSettings | CloudStateSettings): void {
  if (settings.kind === "cloud") {
    new TerraformCloudBlock(stack, { ...settings, workspace: cloudWorkspace(stackName) });
    return;
  }
  new S3Backend(stack, {
    bucket: settings.bucket,
    key: stateKey(stackName),
    region: settings.region,
    dynamodbTable: settings.lockTable,
    encrypt: true,
  });
}
