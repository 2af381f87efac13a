/**
 * Kubernetes and Helm providers for the `<env>-platform` stack, authenticated against
 * the environment's EKS cluster with a short-lived token from the
 * `aws_eks_cluster_auth` data source. No `exec` block and no AWS CLI: the token is
 * fetched by the AWS provider itself, so Terraform Cloud runners (which have no AWS
 * CLI) can apply. The cluster lives in another state (the `<env>` stack); it is found
 * by name, which the Kubernetes provider docs recommend over configuring the provider
 * from a cluster created in the same apply.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";

export interface KubernetesProvidersProps {
  /** EKS cluster name (`names.cluster(env)` from variables/project.ts). */
  readonly clusterName: string;
}

export interface KubernetesProviders {
  /** The cluster as the AWS API describes it (endpoint, CA, VPC, OIDC issuer). */
  readonly cluster: DataAwsEksCluster;
  /** The bearer token (valid 15 minutes; refreshed on every plan and apply). */
  readonly auth: DataAwsEksClusterAuth;
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;
}

/**
 * Adds the cluster data sources and both providers to `stack`. Construct ids are
 * fixed: `data.aws_eks_cluster.cluster`, `data.aws_eks_cluster_auth.cluster-auth`.
 */
export function kubernetesProviders(stack: Construct, props: KubernetesProvidersProps): KubernetesProviders {
  const cluster = new DataAwsEksCluster(stack, "cluster", { name: props.clusterName });
  const auth = new DataAwsEksClusterAuth(stack, "cluster-auth", { name: props.clusterName });
  const connection = {
    host: cluster.endpoint,
    clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
    token: auth.token,
  };
  const kubernetes = new KubernetesProvider(stack, "kubernetes", connection);
  // helm provider 3.x: `kubernetes` is a single nested attribute (an object), not a block list.
  const helm = new HelmProvider(stack, "helm", { kubernetes: connection });
  return { cluster, auth, kubernetes, helm };
}
