#!/usr/bin/env node
// README "Cost per environment": the monthly estimate of each environment's fixed resources,
// read from the synthesized stacks (`npm run synth` first) and priced with
// variables/aws-prices.ts (environments/cost-estimate.ts). Prints the section's markdown;
// __tests__/environments/cost-estimate.test.ts keeps the README equal to it.
//
//   node scripts/cost-estimate.mjs                     # from cdktf.out/stacks
//   node scripts/cost-estimate.mjs --stacks <dir>      # another synth output's stacks directory
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareBundle } from "./app-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const at = args.indexOf("--stacks");
const stacksDir = at === -1 ? path.join(root, "cdktf.out", "stacks") : path.resolve(args[at + 1] ?? "");
if (!fs.existsSync(stacksDir)) {
  console.error(`no ${stacksDir}: run 'npm run synth' first (or pass --stacks <synth output>/stacks)`);
  process.exit(1);
}

let bundle;
try {
  ({ bundle } = await prepareBundle({ root, entry: "environments/cost-estimate.ts", cacheDir: path.join(root, "node_modules", ".cache", "authorworks-app") }));
} catch {
  // esbuild has printed what it could not build.
  process.exit(1);
}
const { estimateMonthlyCost, costTableMarkdown, environmentStackNames } = createRequire(import.meta.url)(bundle);
const read = (stack) => JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8"));
// Every stack directory (anything else there is not a stack).
const stackNames = fs.readdirSync(stacksDir).filter((name) => fs.existsSync(path.join(stacksDir, name, "cdk.tf.json")));
const stacks = Object.fromEntries(stackNames.map((name) => [name, read(name)]));
const names = environmentStackNames(stacks);
process.stdout.write(costTableMarkdown(names.map((name) => estimateMonthlyCost({ name, env: stacks[name], platform: stacks[`${name}-platform`] }))) + "\n");
