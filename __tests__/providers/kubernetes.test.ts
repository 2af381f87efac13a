import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realStacks } from "../real-app";
import { Testing } from "cdktf";
import { AuthorWorksStack } from "../../environments/stack-base";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { buildApp } from "../../environments/app";
import { ENVIRONMENTS } from "../../environments";
import {
  EKS_TOKEN_LIFETIME_SECONDS,
  TOKEN_APPLY_BUDGET_SECONDS,
  kubernetesProviders,
  longestWaitChain,
  PLATFORM_APPLY_WORST_CASE_SECONDS,
  resolveKubernetesAuth,
} from "../../providers/kubernetes";
import { SettingsError } from "../../providers/state";
import type { Json } from "../helpers";

const none = () => undefined;

function providersJson(auth?: "exec" | "token"): Json {
  const app = Testing.app();
  const stack = new AuthorWorksStack(app, "fixture");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  kubernetesProviders(stack, { clusterName: "fixture-cluster", region: "eu-central-1", auth });
  return JSON.parse(Testing.synth(stack));
}

describe("authentication mode setting", () => {
  test("unset: exec", () => {
    expect(resolveKubernetesAuth({}, none)).toBe("exec");
  });

  test("the variable wins over context", () => {
    const context = (k: string) => (k === "kubernetesAuth" ? "token" : undefined);
    expect(resolveKubernetesAuth({}, context)).toBe("token");
    expect(resolveKubernetesAuth({ AUTHORWORKS_KUBERNETES_AUTH: "exec" }, context)).toBe("exec");
  });

  test.each([
    [{ AUTHORWORKS_KUBERNETES_AUTH: "Exec" }, none, /AUTHORWORKS_KUBERNETES_AUTH: got "Exec"; accepted: "exec" or "token"/],
    [{}, (k: string) => (k === "kubernetesAuth" ? ["token"] : undefined), /context kubernetesAuth: got .*token.*; accepted: "exec" or "token"/],
  ])("refuses %p", (env, context, message) => {
    expect(() => resolveKubernetesAuth(env, context)).toThrow(SettingsError);
    expect(() => resolveKubernetesAuth(env, context)).toThrow(message);
  });
});

describe("providers", () => {
  const args = ["eks", "get-token", "--cluster-name", "fixture-cluster", "--region", "eu-central-1", "--output", "json"];

  test("exec (default): both providers run `aws eks get-token` for the cluster in its region; no token data source", () => {
    const j = providersJson();
    const exec = { api_version: "client.authentication.k8s.io/v1beta1", command: "aws", args };
    expect(j.provider.kubernetes[0].exec).toEqual([exec]);
    expect(j.provider.kubernetes[0].token).toBeUndefined();
    expect(j.provider.helm[0].kubernetes.exec).toEqual(exec);
    expect(j.provider.helm[0].kubernetes.token).toBeUndefined();
    expect(j.data.aws_eks_cluster_auth).toBeUndefined();
    expect(j.provider.kubernetes[0].host).toBe("${data.aws_eks_cluster.cluster.endpoint}");
    expect(j.provider.helm[0].kubernetes.cluster_ca_certificate).toBe("${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}");
  });

  test("token: both providers read the aws_eks_cluster_auth token; no exec", () => {
    const j = providersJson("token");
    expect(j.data.aws_eks_cluster_auth.cluster_auth).toEqual({ name: "fixture-cluster" });
    expect(j.provider.kubernetes[0].token).toBe("${data.aws_eks_cluster_auth.cluster_auth.token}");
    expect(j.provider.helm[0].kubernetes.token).toBe("${data.aws_eks_cluster_auth.cluster_auth.token}");
    expect(j.provider.kubernetes[0].exec).toBeUndefined();
    expect(j.provider.helm[0].kubernetes.exec).toBeUndefined();
  });
});

describe("longest chain of waits", () => {
  const fixture = {
    resource: {
      helm_release: {
        crds: { timeout: 120 },
        operator: { timeout: 400, depends_on: ["helm_release.crds"] },
        quick: { wait: false, timeout: 900 },
        defaulted: { depends_on: ["helm_release.quick"] },
      },
      kubernetes_deployment_v1: {
        // A reference, not depends_on: the operator's status.
        app: { metadata: [{ annotations: { x: "${helm_release.operator.status}" } }], timeouts: { create: "2m30s" } },
        unwatched: { wait_for_rollout: false, depends_on: ["helm_release.defaulted"] },
      },
      kubernetes_service_v1: {
        lb: { spec: [{ type: "LoadBalancer" }], depends_on: ["kubernetes_deployment_v1.app"] },
        internal: { spec: [{ type: "ClusterIP" }], depends_on: ["kubernetes_deployment_v1.app"] },
      },
      kubernetes_config_map_v1: { data_only: { data: { a: "${data.helm_release.operator.id}" } } },
    },
  };

  test("sums the waits along the slowest path: declared timeouts, provider defaults, references and depends_on", () => {
    expect(longestWaitChain(fixture)).toEqual({
      seconds: 120 + 400 + 150 + 600,
      chain: ["helm_release.crds", "helm_release.operator", "kubernetes_deployment_v1.app", "kubernetes_service_v1.lb"],
    });
  });

  test("a release that does not wait counts 0; one without a timeout counts the provider's 300", () => {
    const { resource } = fixture;
    const only = { resource: { helm_release: { quick: resource.helm_release.quick, defaulted: resource.helm_release.defaulted } } };
    expect(longestWaitChain(only)).toEqual({ seconds: 300, chain: ["helm_release.defaulted"] });
  });
});

describe("token mode against the platform stacks", () => {
  test("refused before anything is written: their chains are far longer than a token lives", () => {
    // One build (it builds every stack and renders dev-platform before refusing), both checks on its error.
    let error: unknown;
    try {
      buildApp({ environments: ENVIRONMENTS, processEnv: { AUTHORWORKS_KUBERNETES_AUTH: "token" }, outdir: Testing.app().outdir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `AUTHORWORKS_KUBERNETES_AUTH \\(dev-platform\\): got "token"; accepted: "exec": the longest chain of waits in dev-platform is at least \\d+ s .*an EKS token lives ${EKS_TOKEN_LIFETIME_SECONDS} s and "token" is accepted up to ${TOKEN_APPLY_BUDGET_SECONDS} s`,
      ),
    );
  }, 30_000);

  test("the worst case the README states is the synthesized one (admission ordering included), and fits the apply role's session", () => {
    // Read from the synthesized JSON: the admission-ordering aspect adds depends_on at synth.
    const stacks = realStacks();
    const worst = Math.max(
      ...Object.entries(stacks)
        .filter(([name]) => name.endsWith("-platform"))
        .map(([, json]) => longestWaitChain(json).seconds),
    );
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    expect(readme).toContain(`worst case of a first platform apply is ${worst} s (${worst / 60} min)`);
    // The deploy runner's timeout floor (environments/checks/delivery.ts) is this number.
    expect(worst).toBe(PLATFORM_APPLY_WORST_CASE_SECONDS);
    // The GitHub apply role's session (modules/security/github.ts default) must outlast it.
    expect(worst).toBeLessThan(7200);
  }, 30_000);
});
