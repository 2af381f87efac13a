/**
 * What scripts/account-of.mjs needs to resolve an environment's account as synth does,
 * in one module it can load prebuilt (scripts/app-bundle.mjs) without a TypeScript loader.
 */
export { ENVIRONMENT_NAMES, PLACEHOLDER_ACCOUNT_IDS, namePrefix } from "../variables/project";
export { ENVIRONMENTS } from ".";
export { resolveAccountIds } from "../providers/accounts";
