/**
 * Which AWS account each environment deploys to, when it is set outside the environment
 * files: a deployment fact (the operator's accounts, or an emulator's) rather than part
 * of the environment's design. Read once in buildApp, like the state settings.
 */
import { AWS_ACCOUNT_ID } from "../variables/aws-catalog";
import { SettingsError } from "./state";

/**
 * Environment variable (wins) and cdktf context key. The variable takes
 * `dev=111111111111,production=333333333333`; the context key takes the same string or
 * an object `{ "dev": "111111111111" }`.
 */
export const ACCOUNT_IDS_VARIABLE = { env: "AUTHORWORKS_ACCOUNT_IDS", context: "accountIds" } as const;

export class AccountSettingsError extends SettingsError {
  constructor(field: string, got: string, accepted: string) {
    super("account", field, got, accepted);
    this.name = "AccountSettingsError";
  }
}

/**
 * @param env          process.env (or a test double)
 * @param context      cdktf context lookup
 * @param environments the environment names that exist
 * @returns account id by environment name; environments not named keep their file's `accountId`
 * @throws AccountSettingsError for an unknown environment name, a malformed entry or an id that is not 12 digits
 */
export function resolveAccountIds(
  env: Readonly<Record<string, string | undefined>>,
  context: (key: string) => unknown,
  environments: readonly string[],
): Readonly<Record<string, string>> {
  const fromEnv = env[ACCOUNT_IDS_VARIABLE.env];
  const fromContext = context(ACCOUNT_IDS_VARIABLE.context);
  const [raw, field] = fromEnv ? [fromEnv, ACCOUNT_IDS_VARIABLE.env] : [fromContext, `context ${ACCOUNT_IDS_VARIABLE.context}`];
  if (raw === undefined || raw === "") return {};
  const accepted = `comma-separated <environment>=<12-digit account id> pairs (or, in context, an object), environments: ${environments.join(", ")}`;
  let pairs: [string, unknown][];
  if (typeof raw === "string") {
    pairs = raw.split(",").map((entry) => {
      const at = entry.indexOf("=");
      if (at < 0) throw new AccountSettingsError(field, entry.trim(), accepted);
      return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
    });
  } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    pairs = Object.entries(raw);
  } else {
    throw new AccountSettingsError(field, JSON.stringify(raw), accepted);
  }
  const out: Record<string, string> = {};
  for (const [name, id] of pairs) {
    if (!environments.includes(name)) throw new AccountSettingsError(`${field} (environment)`, name, `one of ${environments.join(", ")}`);
    if (typeof id !== "string" || !AWS_ACCOUNT_ID.test(id)) throw new AccountSettingsError(`${field} (${name})`, String(id), "a 12-digit AWS account id");
    out[name] = id;
  }
  return out;
}
