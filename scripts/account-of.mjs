// The AWS account an environment deploys to, resolved as synth resolves it:
// AUTHORWORKS_ACCOUNT_IDS, else context `accountIds` in cdktf.json, else the
// environment file's `accountId`. Used by scripts that must refuse the placeholders.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param root project root
 * @param env  environment name (validated by the caller)
 * @returns { account, placeholder, names, namePrefix }
 * @throws the SettingsError of a malformed AUTHORWORKS_ACCOUNT_IDS / accountIds
 */
export async function accountOf(root, env) {
  const { tsImport } = await import("tsx/esm/api");
  const { ENVIRONMENT_NAMES, PLACEHOLDER_ACCOUNT_IDS, namePrefix } = await tsImport(join(root, "variables/project.ts"), import.meta.url);
  const { ENVIRONMENTS } = await tsImport(join(root, "environments/index.ts"), import.meta.url);
  const { resolveAccountIds } = await tsImport(join(root, "providers/accounts.ts"), import.meta.url);
  const context = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")).context ?? {};
  const accounts = resolveAccountIds(process.env, (k) => context[k], ENVIRONMENT_NAMES);
  const account = accounts[env] ?? ENVIRONMENTS.find((e) => e.name === env)?.accountId;
  return { account, placeholder: PLACEHOLDER_ACCOUNT_IDS.includes(account), names: ENVIRONMENT_NAMES, namePrefix };
}

/** The message both scripts print for a placeholder account. */
export function placeholderMessage(env, account) {
  return (
    `${env}: account ${account} is a placeholder; set the real id in environments/${env}.ts (accountId) ` +
    'or in AUTHORWORKS_ACCOUNT_IDS (in CI: the repository variable of that name; README "First deploy")'
  );
}
