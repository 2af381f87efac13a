import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { AddonContext, PlatformAddon } from "./types";

export interface Gp3StorageClassProps {
  /** What happens to a volume when its claim is deleted. @default "Delete" */
  readonly reclaimPolicy?: "Delete" | "Retain";
  /**
   * KMS key for the volumes. The EBS CSI driver's role must be allowed to use it.
   * @default the account's EBS encryption key (aws/ebs unless the account sets another)
   */
  readonly kmsKeyArn?: string;
}

export const GP3_STORAGE_CLASS = "gp3";

/**
 * The cluster's default StorageClass: encrypted gp3 volumes from the EBS CSI driver
 * (an EKS add-on, modules/eks), created in the zone of the pod that first uses them.
 * EKS 1.30+ clusters mark no StorageClass default (not even gp2), so this is the only default.
 */
export class Gp3StorageClassAddon implements PlatformAddon {
  public readonly name = "storage-class";
  public readonly namespace = "kube-system";

  constructor(private readonly props: Gp3StorageClassProps = {}) {}

  public deploy(scope: Construct, _ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const sc = new StorageClassV1(scope, "gp3", {
      metadata: { name: GP3_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storageProvisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4", ...(this.props.kmsKeyArn ? { kmsKeyId: this.props.kmsKeyArn } : {}) },
      reclaimPolicy: this.props.reclaimPolicy ?? "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      dependsOn: after.length ? [...after] : undefined,
    });
    return [sc];
  }
}
