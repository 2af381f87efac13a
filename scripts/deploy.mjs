#!/usr/bin/env node
// Deploys one environment in order: the AWS layer `<env>`, then what runs inside its
// cluster, `<env>-platform` (its providers need the cluster the first one creates), which a
// pilot-light standby does not have (environments/index.ts hasPlatformStack; production-dr
// runs warm and has one).
// Two sequential `cdktf deploy` runs, so the platform never starts after a failed or
// declined AWS deploy, each with its own plan and approval prompt.
//
// Usage: npm run deploy -- <env> [--platform-only] [cdktf deploy options, e.g. --auto-approve]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cdktfCliEnv } from "./cli-env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [env, ...rest] = process.argv.slice(2);
const platformOnly = rest.includes("--platform-only");
const passThrough = rest.filter((a) => a !== "--platform-only");

// The environment list is the one validation uses (variables/project.ts).
const { tsImport } = await import("tsx/esm/api");
const { ENVIRONMENT_NAMES } = await tsImport(join(root, "variables/project.ts"), import.meta.url);

if (!env || env.startsWith("-") || !ENVIRONMENT_NAMES.includes(env)) {
  console.error(
    `deploy: ${env ? `unknown environment "${env}"` : "no environment given"}; accepted: ${ENVIRONMENT_NAMES.join(", ")}\n` +
      "usage: npm run deploy -- <env> [--platform-only] [--auto-approve]",
  );
  process.exit(2);
}

// The shipped account ids are placeholders: never run terraform against them.
const { accountOf, placeholderMessage } = await import("./account-of.mjs");
let resolved;
try {
  resolved = await accountOf(root, env);
} catch (e) {
  console.error(`deploy: ${e.message}`);
  process.exit(2);
}
if (resolved.placeholders.length) {
  console.error(`deploy: ${placeholderMessage(resolved.placeholders)}`);
  process.exit(2);
}

const { ENVIRONMENTS, hasPlatformStack } = await tsImport(join(root, "environments/index.ts"), import.meta.url);
const platform = hasPlatformStack(ENVIRONMENTS.find((e) => e.name === env));
if (platformOnly && !platform) {
  console.error(`deploy: ${env} is a pilot light (standby.pilotLight): it has no platform stack; set standby.pilotLight false to run it`);
  process.exit(2);
}
const stacks = platformOnly ? [`${env}-platform`] : platform ? [env, `${env}-platform`] : [env];
for (const stack of stacks) {
  console.error(`\n=== cdktf deploy ${stack} ===`);
  const args = ["--no-install", "cdktf", "deploy", stack, ...passThrough];
  // `<env>-platform` depends on `<env>` (app.ts); it was deployed just before (or, with
  // --platform-only, earlier), so cdktf must not insist on including it again.
  if (stack !== env) args.push("--ignore-missing-stack-dependencies");
  const r = spawnSync("npx", args, { cwd: root, stdio: "inherit", env: cdktfCliEnv(root) });
  if (r.error) {
    console.error(`deploy: could not run cdktf: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`deploy: ${stack} failed (exit ${r.status}); ${stack === env ? `${env}-platform was not deployed` : "the AWS layer is deployed"}`);
    process.exit(r.status ?? 1);
  }
}
