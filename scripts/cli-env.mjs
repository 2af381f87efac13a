// The environment the project's scripts run the cdktf CLI in (npm run deploy, npm run bench).
import { join } from "node:path";

/**
 * `env` for a cdktf CLI process started from the project at `root`:
 * - CHECKPOINT_DISABLE=1: no version check against HashiCorp's checkpoint service;
 * - NODE_COMPILE_CACHE (unless `env` sets it): Node 22.1 and later keep the V8 code of the
 *   modules a process compiles in that directory, `node_modules/.cache/node-compile-cache`
 *   (in a subdirectory per Node version), and load it the next time instead of compiling.
 *   `cdktf synth` loads 1510 modules, 35 MB of JavaScript (its own bundle, TypeScript,
 *   jsii-rosetta, prettier...), at every start, whatever the command (cdktf-cli 0.21.0);
 *   Node 20 ignores the variable.
 */
export function cdktfCliEnv(root, env = process.env) {
  return { NODE_COMPILE_CACHE: join(root, "node_modules", ".cache", "node-compile-cache"), ...env, CHECKPOINT_DISABLE: "1" };
}
