import { App } from "cdktf";
import { resolveAccountIds } from "../providers/accounts";
import {
  KUBERNETES_AUTH_VARIABLE,
  EKS_TOKEN_LIFETIME_SECONDS,
  TOKEN_APPLY_BUDGET_SECONDS,
  longestWaitChain,
  resolveKubernetesAuth,
} from "../providers/kubernetes";
import { SettingsError, resolveStateSettings } from "../providers/state";
import { BootstrapStack } from "./bootstrap-stack";
import { loadEnvironments } from "./config";
import { EnvironmentStack } from "./environment-stack";
import { hasPlatformStack } from ".";
import { PlatformStack } from "./platform-stack";
import type { EnvironmentConfig } from "./types";

export interface BuildAppOptions {
  /** Environment files to build. */
  readonly environments: readonly EnvironmentConfig[];
  /** Process environment (state bucket, Terraform Cloud). @default {} */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** Output directory. @default cdktf's (`cdktf.out`, or what the CLI passes) */
  readonly outdir?: string;
}

/**
 * Validates every input first, then builds the stacks. Nothing is constructed (and
 * so nothing can be written) unless every environment and setting is valid.
 */
export function buildApp(options: BuildAppOptions): App {
  const processEnv = options.processEnv ?? {};
  // The CLI hands cdktf.json's context over in CDKTF_CONTEXT_JSON; read it before `new App`,
  // which creates the output directory.
  const context = JSON.parse(processEnv.CDKTF_CONTEXT_JSON ?? "{}") as Record<string, unknown>;
  const accounts = resolveAccountIds(
    processEnv,
    (key) => context[key],
    options.environments.map((e) => e.name),
  );
  // Accounts set outside the files are validated with the rest of the environment; a standby
  // not named there follows its primary's (same account).
  const accountOf = (e: EnvironmentConfig): string | undefined => accounts[e.name] ?? (e.standby ? accounts[e.standby.primary] : undefined);
  const environments = loadEnvironments(options.environments.map((e) => (accountOf(e) ? { ...e, accountId: accountOf(e)! } : e)));
  const state = resolveStateSettings(processEnv, (key) => context[key]);
  const kubernetesAuth = resolveKubernetesAuth(processEnv, (key) => context[key]);
  const app = new App(options.outdir ? { outdir: options.outdir } : undefined);
  new BootstrapStack(app, state.bootstrap);
  for (const env of environments) {
    const envStack = new EnvironmentStack(app, env, state.environments);
    // A pilot light has no cluster: its platform stack exists once the standby runs.
    if (!hasPlatformStack(env)) continue;
    // What runs in the cluster has its own state and is applied after the cluster exists.
    const platform = new PlatformStack(app, env, state.environments, { kubernetesAuth });
    platform.addDependency(envStack);
    if (kubernetesAuth === "token")
      refuseTokenIfTooLong(platform, processEnv[KUBERNETES_AUTH_VARIABLE.env] ? KUBERNETES_AUTH_VARIABLE.env : `context ${KUBERNETES_AUTH_VARIABLE.context}`);
  }
  return app;
}

/**
 * A token read once per run must outlive the apply: refuse `token` for a stack whose
 * longest chain of waits exceeds TOKEN_APPLY_BUDGET_SECONDS (before anything is written).
 * Measured before synth runs the aspects, whose admission ordering only adds waits: the
 * figure is a lower bound, which is enough to refuse.
 */
function refuseTokenIfTooLong(stack: PlatformStack, field: string): void {
  const worst = longestWaitChain(stack.toTerraform() as Parameters<typeof longestWaitChain>[0]);
  if (worst.seconds <= TOKEN_APPLY_BUDGET_SECONDS) return;
  const chain = worst.chain.length > 4 ? [worst.chain[0], "...", ...worst.chain.slice(-2)] : worst.chain;
  throw new SettingsError(
    "kubernetes",
    `${field} (${stack.node.id})`,
    "token",
    `"exec": the longest chain of waits in ${stack.node.id} is at least ${worst.seconds} s (${worst.chain.length} resources: ${chain.join(" -> ")}), ` +
      `an EKS token lives ${EKS_TOKEN_LIFETIME_SECONDS} s and "token" is accepted up to ${TOKEN_APPLY_BUDGET_SECONDS} s`,
  );
}
