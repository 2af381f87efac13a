import { dev } from "./dev";
import { production } from "./production";
import { productionDr } from "./production-dr";
import { staging } from "./staging";
import type { EnvironmentConfig } from "./types";

/** Every environment, in deploy-promotion order; a standby after its primary. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, production, productionDr];

/**
 * Whether the app builds an environment's platform stack: not for a pilot light, which has
 * no cluster to run it on (environments/app.ts, scripts/deploy.mjs); a warm standby
 * (production-dr) has one.
 */
export function hasPlatformStack(env: EnvironmentConfig): boolean {
  return !env.standby?.pilotLight;
}
