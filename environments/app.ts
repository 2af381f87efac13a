import { App } from "cdktf";
import { resolveAccountIds } from "../providers/accounts";
import { resolveStateSettings } from "../providers/state";
import { BootstrapStack } from "./bootstrap-stack";
import { loadEnvironments } from "./config";
import { EnvironmentStack } from "./environment-stack";
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
  // Accounts set outside the files are validated with the rest of the environment.
  const environments = loadEnvironments(options.environments.map((e) => (accounts[e.name] ? { ...e, accountId: accounts[e.name] } : e)));
  const state = resolveStateSettings(processEnv, (key) => context[key]);
  const app = new App(options.outdir ? { outdir: options.outdir } : undefined);
  new BootstrapStack(app, state.bootstrap);
  for (const env of environments) {
    const envStack = new EnvironmentStack(app, env, state.environments);
    // What runs in the cluster has its own state and is applied after the cluster exists.
    new PlatformStack(app, env, state.environments).addDependency(envStack);
  }
  return app;
}
