/**
 * Kubernetes and Helm providers for the `<env>-platform` stack, authenticated against
 * the environment's EKS cluster. The cluster lives in another state (the `<env>` stack);
 * it is found by name, which the Kubernetes provider docs recommend over configuring the
 * provider from a cluster created in the same apply.
 *
 * How they authenticate is a deployment setting (`AUTHORWORKS_KUBERNETES_AUTH` /
 * context `kubernetesAuth`):
 * - `exec` (default): the providers run `aws eks get-token` whenever their token is about
 *   to expire, so an apply can wait on Helm releases for as long as it needs. Needs the
 *   AWS CLI v2 where terraform runs (CI runners, Terraform Cloud agents), with the same
 *   credentials as the AWS provider.
 * - `token`: a token read once per run from `aws_eks_cluster_auth`, valid 15 minutes.
 *   Accepted only for a stack whose longest chain of waits fits well inside that
 *   (`TOKEN_APPLY_BUDGET_SECONDS`); the platform stacks' chains are far longer (README
 *   "Reaching the cluster"), so synth refuses it for them.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SettingsError } from "./state";

export type KubernetesAuth = "exec" | "token";
export const KUBERNETES_AUTH_MODES: readonly KubernetesAuth[] = ["exec", "token"];
/** Environment variable (wins) and cdktf context key of the authentication mode. */
export const KUBERNETES_AUTH_VARIABLE = { env: "AUTHORWORKS_KUBERNETES_AUTH", context: "kubernetesAuth" } as const;

/**
 * Lifetime of an EKS authentication token (seconds): the presigned STS URL it wraps is
 * valid 15 minutes (EKS User Guide, "Cluster authentication"; `aws eks get-token`).
 */
export const EKS_TOKEN_LIFETIME_SECONDS = 900;
/**
 * Longest chain of waits (seconds) a stack may have to use the `token` mode: two thirds
 * of the lifetime, leaving the rest for the refresh before the apply and for the calls
 * that are not waits.
 */
export const TOKEN_APPLY_BUDGET_SECONDS = 600;
/**
 * The longest chain of waits (seconds) of a first apply of a platform stack (production's),
 * as `longestWaitChain` computes it from the synthesized stacks, admission ordering
 * included (a test keeps the two equal): the deploy runner's timeout must outlast it.
 */
export const PLATFORM_APPLY_WORST_CASE_SECONDS = 6900;

/** The exec credential plugin API the AWS CLI v2 speaks (`aws eks get-token`). */
export const EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

export interface KubernetesProvidersProps {
  /** EKS cluster name (`names.cluster(env)` from variables/project.ts). */
  readonly clusterName: string;
  /** Region of the cluster (the environment's region): `aws eks get-token --region`. */
  readonly region: string;
  /** How the providers get their token. @default "exec" */
  readonly auth?: KubernetesAuth;
}

export interface KubernetesProviders {
  /** The cluster as the AWS API describes it (endpoint, CA, VPC, OIDC issuer). */
  readonly cluster: DataAwsEksCluster;
  /** The bearer token data source, in `token` mode only. */
  readonly auth?: DataAwsEksClusterAuth;
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;
}

/**
 * @param env     process.env (or a test double)
 * @param context cdktf context lookup
 * @returns the authentication mode
 * @default "exec"
 * @throws SettingsError for anything but "exec" or "token"
 */
export function resolveKubernetesAuth(env: Readonly<Record<string, string | undefined>>, context: (key: string) => unknown): KubernetesAuth {
  const fromEnv = env[KUBERNETES_AUTH_VARIABLE.env];
  const [raw, field] = fromEnv
    ? [fromEnv, KUBERNETES_AUTH_VARIABLE.env]
    : [context(KUBERNETES_AUTH_VARIABLE.context), `context ${KUBERNETES_AUTH_VARIABLE.context}`];
  if (raw === undefined || raw === "") return "exec";
  if (typeof raw === "string" && (KUBERNETES_AUTH_MODES as readonly string[]).includes(raw)) return raw as KubernetesAuth;
  throw new SettingsError("kubernetes", field, typeof raw === "string" ? raw : JSON.stringify(raw), KUBERNETES_AUTH_MODES.map((m) => `"${m}"`).join(" or "));
}

/**
 * Adds the cluster data sources and both providers to `stack`. Construct ids are
 * fixed: `data.aws_eks_cluster.cluster`, and in `token` mode `data.aws_eks_cluster_auth.cluster-auth`.
 */
export function kubernetesProviders(stack: Construct, props: KubernetesProvidersProps): KubernetesProviders {
  const cluster = new DataAwsEksCluster(stack, "cluster", { name: props.clusterName });
  const endpoint = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data) };
  let auth: DataAwsEksClusterAuth | undefined;
  let kubernetes: KubernetesProvider;
  let helm: HelmProvider;
  if ((props.auth ?? "exec") === "token") {
    auth = new DataAwsEksClusterAuth(stack, "cluster-auth", { name: props.clusterName });
    kubernetes = new KubernetesProvider(stack, "kubernetes", { ...endpoint, token: auth.token });
    // helm provider 3.x: `kubernetes` is a single nested attribute (an object), not a block list.
    helm = new HelmProvider(stack, "helm", { kubernetes: { ...endpoint, token: auth.token } });
  } else {
    const exec = {
      apiVersion: EXEC_API_VERSION,
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", props.clusterName, "--region", props.region, "--output", "json"],
    };
    kubernetes = new KubernetesProvider(stack, "kubernetes", { ...endpoint, exec: [exec] });
    helm = new HelmProvider(stack, "helm", { kubernetes: { ...endpoint, exec } });
  }
  return { cluster, auth, kubernetes, helm };
}

/**
 * How long each resource type may wait during a create (seconds), by the provider's
 * behaviour when the configuration sets nothing else:
 * - `helm_release`: its `timeout` (provider default 300) unless `wait` is false;
 * - `kubernetes_deployment_v1`: rollout wait, create timeout 10 minutes;
 * - `kubernetes_service_v1`: load balancer wait (type LoadBalancer only), 10 minutes;
 * - `kubernetes_persistent_volume_claim_v1`: wait until bound, 5 minutes;
 * - `kubernetes_job_v1`: wait for completion, 1 minute.
 * Anything else is one API call, counted as 0.
 */
function waitSeconds(type: string, config: Record<string, unknown>): number {
  const timeouts = (config.timeouts ?? {}) as Record<string, string>;
  const declared = timeouts.create ? durationSeconds(timeouts.create) : undefined;
  switch (type) {
    case "helm_release":
      return config.wait === false ? 0 : Number(config.timeout ?? 300);
    case "kubernetes_deployment_v1":
      return config.wait_for_rollout === false ? 0 : (declared ?? 600);
    case "kubernetes_service_v1": {
      const spec = ((config.spec as Record<string, unknown>[] | Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
      const kind = (Array.isArray(spec) ? spec[0]?.type : spec.type) as string | undefined;
      return kind === "LoadBalancer" && config.wait_for_load_balancer !== false ? (declared ?? 600) : 0;
    }
    case "kubernetes_persistent_volume_claim_v1":
      return config.wait_until_bound === false ? 0 : (declared ?? 300);
    case "kubernetes_job_v1":
      return config.wait_for_completion === false ? 0 : (declared ?? 60);
    default:
      return 0;
  }
}

function durationSeconds(d: string): number {
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)([hms])/g)) total += Number(n) * (unit === "h" ? 3600 : unit === "m" ? 60 : 1);
  return total;
}

/** The longest chain of waits of a synthesized stack: its seconds and the resources on it, first to last. */
export interface WaitChain {
  readonly seconds: number;
  readonly chain: readonly string[];
}

/**
 * The worst case of an apply that creates everything: the largest sum of waits along one
 * dependency path (explicit `depends_on` and references), since Terraform runs
 * independent resources side by side but a resource waits for all it depends on.
 */
export function longestWaitChain(tf: { resource?: Record<string, Record<string, Record<string, unknown>>> }): WaitChain {
  const nodes = new Map<string, { wait: number; deps: string[] }>();
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      const text = JSON.stringify({ ...config, depends_on: undefined });
      const deps = new Set<string>((config.depends_on as string[] | undefined) ?? []);
      // Any `type.name` of a managed resource inside the configuration is a reference.
      for (const [ref] of text.matchAll(/(?<![\w.])[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+/g)) deps.add(ref);
      nodes.set(`${type}.${name}`, { wait: waitSeconds(type, config), deps: [...deps] });
    }
  }
  const memo = new Map<string, WaitChain>();
  const visit = (address: string): WaitChain => {
    const known = memo.get(address);
    if (known) return known;
    const node = nodes.get(address)!;
    let best: WaitChain = { seconds: 0, chain: [] };
    for (const d of node.deps) {
      if (!nodes.has(d) || d === address) continue;
      const c = visit(d);
      if (c.seconds > best.seconds) best = c;
    }
    const result = { seconds: best.seconds + node.wait, chain: [...best.chain, address] };
    memo.set(address, result);
    return result;
  };
  let worst: WaitChain = { seconds: 0, chain: [] };
  for (const address of nodes.keys()) {
    const c = visit(address);
    if (c.seconds > worst.seconds) worst = c;
  }
  return worst;
}
