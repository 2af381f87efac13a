/** The app built in the test process, for what the committed app (./real-app) does not cover: other inputs. */
import { TerraformStack, Testing } from "cdktf";
import { buildApp } from "../environments/app";
import { ENVIRONMENTS } from "../environments";
import type { EnvironmentConfig } from "../environments/types";
import { synthesized, type Json } from "./helpers";

export interface SynthAppOptions {
  /** @default ENVIRONMENTS (the committed ones) */
  readonly environments?: readonly EnvironmentConfig[];
  /** @default {} */
  readonly processEnv?: Record<string, string>;
}

/**
 * Builds the app and returns its stacks by name, in the app's order. A stack is synthesized
 * (`synthesized`: `Testing.synth` with validations, parsed) when it is first read, so a test pays only for
 * the stacks it reads (a synthesis is about 0.2 s per environment stack).
 */
export function synthApp(options: SynthAppOptions = {}): Record<string, Json> {
  const app = buildApp({ environments: options.environments ?? ENVIRONMENTS, processEnv: options.processEnv ?? {}, outdir: Testing.app().outdir });
  const stacks: Record<string, Json> = {};
  for (const stack of app.node.children) {
    let json: Json | undefined;
    Object.defineProperty(stacks, stack.node.id, { enumerable: true, get: () => (json ??= synthesized(stack as TerraformStack)) });
  }
  return stacks;
}
