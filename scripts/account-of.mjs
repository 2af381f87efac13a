// The AWS account an environment deploys to, resolved as synth resolves it:
// AUTHORWORKS_ACCOUNT_IDS, else context `accountIds` in cdktf.json, else the
// environment file's `accountId`. Used by scripts that must refuse the placeholders.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cacheDirOf, prepareBundle } from "./app-bundle.mjs";

/**
 * @param root project root
 * @param env  environment name (validated by the caller)
 * @returns { account, placeholders: [[env, account]...] of every environment, names, namePrefix }
 * @throws the SettingsError of a malformed AUTHORWORKS_ACCOUNT_IDS / accountIds
 */
export async function accountOf(root, env) {
  // Prebuilt like the app (scripts/app.mjs): loading it takes milliseconds, tsx about half a second.
  const { bundle } = await prepareBundle({ root, entry: "environments/account-sources.ts", cacheDir: cacheDirOf(root) });
  const { ENVIRONMENT_NAMES, PLACEHOLDER_ACCOUNT_IDS, namePrefix, ENVIRONMENTS, resolveAccountIds } = createRequire(import.meta.url)(bundle);
  const context = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")).context ?? {};
  const accounts = resolveAccountIds(process.env, (k) => context[k], ENVIRONMENT_NAMES);
  const file = (name) => ENVIRONMENTS.find((e) => e.name === name);
  // A standby not named in the setting follows its primary's account, as synth does (environments/app.ts).
  const accountOfEnv = (name) => accounts[name] ?? (file(name)?.standby && accounts[file(name).standby.primary]) ?? file(name)?.accountId;
  // Every environment's account, not only this one's: a stack names the others too
  // (production's DNS delegation roles trust dev's and staging's accounts).
  const placeholders = ENVIRONMENT_NAMES.map((n) => [n, accountOfEnv(n)]).filter(([, a]) => PLACEHOLDER_ACCOUNT_IDS.includes(a));
  return { account: accountOfEnv(env), placeholders, names: ENVIRONMENT_NAMES, namePrefix };
}

/** The message both scripts print for placeholder accounts (`[[env, account], ...]`). */
export function placeholderMessage(placeholders) {
  const list = placeholders.map(([env, account]) => `${env} (${account})`).join(", ");
  return (
    `placeholder account ids: ${list}; set the real ids in environments/<env>.ts (accountId) ` +
    'or in AUTHORWORKS_ACCOUNT_IDS (in CI: the repository variable of that name; README "First deploy"). ' +
    "Every environment's id is needed: stacks name the other accounts too (DNS delegation)"
  );
}
