/**
 * Puts a permissions boundary on every IAM role under a scope, at synth time, so no
 * module has to thread the ARN through its props and no role can be forgotten. The
 * CI apply role may only create roles that carry the boundary (modules/security).
 */
import { IConstruct } from "constructs";
import { Aspects, IAspect } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

class PermissionsBoundaryAspect implements IAspect {
  constructor(
    private readonly boundaryArn: string,
    private readonly exclude: (role: IamRole) => boolean,
  ) {}

  public visit(node: IConstruct): void {
    // A role that names its own boundary keeps it.
    if (node instanceof IamRole && node.permissionsBoundaryInput === undefined && !this.exclude(node)) {
      node.permissionsBoundary = this.boundaryArn;
    }
  }
}

/**
 * Every `aws_iam_role` under `scope` gets `boundaryArn` as its permissions boundary.
 * @param exclude roles that must not carry it (the CI roles that create the others)
 */
export function applyPermissionsBoundary(scope: IConstruct, boundaryArn: string, exclude: (role: IamRole) => boolean = () => false): void {
  Aspects.of(scope).add(new PermissionsBoundaryAspect(boundaryArn, exclude));
}
