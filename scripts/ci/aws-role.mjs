#!/usr/bin/env node
// Prints the ARN of an environment's GitHub deploy role, from the same account setting
// synth uses (scripts/account-of.mjs), so the workflows name no account themselves.
//
// Usage: node scripts/ci/aws-role.mjs <env> <plan|apply>
// Exit 2 on a bad argument, an unknown environment or a placeholder account id.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { accountOf, placeholderMessage } from "../account-of.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const [env, kind] = process.argv.slice(2);
const fail = (message) => {
  console.error(`aws-role: ${message}`);
  process.exit(2);
};

let resolved;
try {
  resolved = await accountOf(root, env);
} catch (e) {
  fail(e.message);
}
if (!resolved.names.includes(env)) fail(`unknown environment "${env ?? ""}"; accepted: ${resolved.names.join(", ")}`);
if (kind !== "plan" && kind !== "apply") fail(`unknown role "${kind ?? ""}"; accepted: plan, apply`);
if (resolved.placeholders.length) fail(placeholderMessage(resolved.placeholders));
console.log(`arn:aws:iam::${resolved.account}:role/${resolved.namePrefix(env)}-github-${kind}`);
