import { dev } from "./dev";
import { production } from "./production";
import { staging } from "./staging";
import type { EnvironmentConfig } from "./types";

/** Every environment, in deploy-promotion order. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, production];
