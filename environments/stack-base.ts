import { Construct, IConstruct, Node } from "constructs";
import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import { deepMerge } from "cdktf/lib/util";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { AwsContext } from "../modules/iam";
import { awsProviders, AwsProviders } from "../providers/aws";
import { resolveTokens } from "../modules/resolve";
import { namePrefix } from "../variables/project";
import type { ParentZoneAccess } from "./config";
import type { EnvironmentConfig } from "./types";

/**
 * A TerraformStack whose logical ids are the construct path joined with "_"
 * (`aws_vpc.network_vpc`), not cdktf's default path-plus-hash. The plan an operator
 * reads then says what each resource is. Ids are public API: renaming a construct id
 * replaces the real resource. Two paths that would collapse to the same address
 * (same Terraform type and id) are refused, so the readable scheme can never silently
 * merge resources.
 */
export class AuthorWorksStack extends TerraformStack {
  private readonly pathsById = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new RequiredVersion(this, "required-version", TERRAFORM_REQUIRED_VERSION);
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const scopes = node.scopes.slice(node.scopes.indexOf(this) + 1);
    const id = scopes.map((s) => s.node.id.replace(/[^A-Za-z0-9_]/g, "_")).join("_");
    // Ids only need to be unique per Terraform type (aws_s3_bucket.x and output.x coexist).
    const kind = TerraformElement.isTerraformElement(element)
      ? ((element as { terraformResourceType?: string }).terraformResourceType ?? element.constructor.name)
      : "node";
    const address = `${kind}.${id}`;
    const owner = this.pathsById.get(address);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`Terraform address "${address}" would be used by both ${owner} and ${node.path}; rename one construct`);
    }
    this.pathsById.set(address, node.path);
    return id;
  }

  /**
   * cdktf's prepareStack (cdktf 0.21 lib/terraform-stack.js): a backend, then a preparing
   * resolution of every element, which registers what references to other stacks need.
   * Resolved with resolveTokens (modules/resolve.ts): the same, without cdktf's walk of
   * plain data.
   */
  public prepareStack(): void {
    this.ensureBackendExists();
    for (const e of terraformElements(this)) resolveTokens(this, e.toTerraform(), true);
  }

  /**
   * cdktf's toTerraform (cdktf 0.21 lib/terraform-stack.js), statement for statement, with
   * resolveTokens for its resolutions: the same JSON (__tests__/environments/stack-base.test.ts
   * compares the two), in about 40 % of the time.
   */
  public toTerraform(): Record<string, unknown> {
    // cdktf keeps both private; they are read here as cdktf's own method reads them.
    const { cdktfVersion, rawOverrides } = this as unknown as { cdktfVersion: string; rawOverrides: Record<string, unknown> };
    const metadata: Record<string, unknown> = {
      version: cdktfVersion,
      stackName: this.node.id,
      backend: "local", // a backend's metadata overwrites it
      cloud: undefined,
      ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
    };
    const elements = terraformElements(this);
    for (const meta of elements.map((e) => resolveTokens(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      const nested = item.node.path
        .split("/")
        .reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {});
      deepMerge(outputs, nested);
    }
    const tf: Record<string, unknown> = { "//": { metadata, outputs } };
    for (const fragment of elements.map((e) => resolveTokens(this, e.toTerraform()))) deepMerge(tf, fragment);
    deepMerge(tf, rawOverrides);
    return resolveTokens(this, tf) as Record<string, unknown>;
  }
}

/**
 * The Terraform/OpenTofu versions every stack accepts (`terraform.required_version`): 1.11
 * brought write-only arguments (`password_wo`, `secret_string_wo`: modules/rds master
 * passwords) after 1.10's ephemeral resources. An older binary stops at init with
 * "Unsupported Terraform Core version" instead of failing on the first ephemeral block.
 */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.11.0";

/**
 * `terraform.required_version` as an element of the stack, so both cdktf's toTerraform and
 * AuthorWorksStack's merge it like any other fragment (no raw override in the metadata).
 */
class RequiredVersion extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly constraint: string,
  ) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    return { terraform: { required_version: this.constraint } };
  }
}

/** The elements of a stack, in construct order, without those of a nested stack (cdktf's terraformElements). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/**
 * What every stack of one environment starts with: its AWS providers (default tags,
 * account guard; the DR and us-east-1 aliases only where asked), the random provider, and the account
 * and region modules build ARNs from.
 */
export function environmentAws(
  stack: TerraformStack,
  env: EnvironmentConfig,
  opts: { readonly dr: boolean; readonly global?: boolean; readonly parentZone?: ParentZoneAccess },
): { providers: AwsProviders; aws: AwsContext } {
  const providers = awsProviders(stack, {
    environment: env.name,
    region: env.region,
    drRegion: opts.dr ? env.drRegion : undefined,
    global: opts.global,
    accountId: env.accountId,
    owner: env.owner,
    costCenter: env.costCenter,
    parentZone: opts.parentZone && {
      accountId: opts.parentZone.accountId,
      roleArn: opts.parentZone.roleArn,
      sessionName: `${namePrefix(env.name)}-dns-delegation`,
    },
  });
  new RandomProvider(stack, "random");
  const identity = new DataAwsCallerIdentity(stack, "current");
  return { providers, aws: { accountId: identity.accountId, region: env.region } };
}
