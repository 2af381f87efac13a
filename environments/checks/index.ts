/**
 * Which check validates each field of an environment file. One file per section
 * (environments/checks/<section>.ts); the top-level scalars are in environment.ts.
 * The map is typed over every key of EnvironmentConfig, so a field added to the type
 * without a check here fails typecheck.
 */
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";
import { checkAvailability } from "./availability";
import { checkBackup, checkRestoreTesting } from "./backup";
import { checkBudgetAction } from "./budget";
import { checkCache } from "./cache";
import { checkDatabase } from "./database";
import { checkDelivery } from "./delivery";
import { checkDns } from "./dns";
import { checkDr } from "./dr";
import { checkDurability } from "./durability";
import { checkEdge } from "./edge";
import { checkAccountId, checkCostCenter, checkLogRetention, checkMonthlyBudget, checkName, checkOwner, checkRegions } from "./environment";
import { checkKubernetes } from "./kubernetes";
import { checkNetwork } from "./network";
import { checkObservability } from "./observability";
import { checkPlatform } from "./platform";
import { checkSecurity } from "./security";
import { checkStandby } from "./standby";
import { checkStorage } from "./storage";
import { checkWorkloads } from "./workloads";

/** Checks one part of an environment file; records every problem on `c` (never throws). */
export type EnvironmentCheck = (c: Checker, cfg: EnvironmentConfig) => void;

/** The check of every field, in the order problems are reported. */
export const ENVIRONMENT_CHECKS: { readonly [K in keyof EnvironmentConfig]-?: EnvironmentCheck } = {
  name: checkName,
  accountId: checkAccountId,
  region: checkRegions,
  drRegion: checkRegions,
  owner: checkOwner,
  costCenter: checkCostCenter,
  network: checkNetwork,
  database: checkDatabase,
  cache: checkCache,
  storage: checkStorage,
  logRetentionDays: checkLogRetention,
  workloads: checkWorkloads,
  dns: checkDns,
  edge: checkEdge,
  kubernetes: checkKubernetes,
  platform: checkPlatform,
  security: checkSecurity,
  delivery: checkDelivery,
  monthlyBudgetUsd: checkMonthlyBudget,
  budgetAction: checkBudgetAction,
  observability: checkObservability,
  backup: checkBackup,
  dr: checkDr,
  restoreTesting: checkRestoreTesting,
  durability: checkDurability,
  availability: checkAvailability,
  standby: checkStandby,
};
