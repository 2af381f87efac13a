import { dev } from "./dev";
import { production } from "./production";
import { productionDr } from "./production-dr";
import { staging } from "./staging";
import type { EnvironmentConfig } from "./types";

/** Every environment, in deploy-promotion order; a standby after its primary. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, production, productionDr];
