import { Node } from "constructs";
import { TerraformElement, TerraformStack } from "cdktf";

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
}
