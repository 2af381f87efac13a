/**
 * Validation of an environment file's top-level fields: name, account, regions, tags, log
 * retention and budget. Called through ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { AWS_ACCOUNT_ID, AWS_TAG_VALUE, CLOUDWATCH_RETENTION_DAYS, REGIONS } from "../../variables/aws-catalog";
import { ENVIRONMENT_NAMES } from "../../variables/project";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

const TAG_VALUE = "a tag value (1-256 letters, digits, spaces and _ . : / = + - @)";

export function checkName(c: Checker, cfg: EnvironmentConfig): void {
  c.oneOf("name", cfg.name, ENVIRONMENT_NAMES);
}

export function checkAccountId(c: Checker, cfg: EnvironmentConfig): void {
  c.matches("accountId", cfg.accountId, AWS_ACCOUNT_ID, "a 12-digit AWS account id");
}

/** `region`, and `drRegion` (another region) when set. */
export function checkRegions(c: Checker, cfg: EnvironmentConfig): void {
  const regions = Object.keys(REGIONS);
  const acceptedRegions = `a commercial region of variables/aws-catalog.ts (REGIONS): ${regions.join(", ")}`;
  c.oneOf("region", cfg.region, regions, acceptedRegions);
  if (cfg.drRegion !== undefined) {
    c.oneOf("drRegion", cfg.drRegion, regions, acceptedRegions);
    if (cfg.drRegion === cfg.region) c.fail("drRegion", cfg.drRegion, `a region other than region (${cfg.region})`);
  }
}

export function checkOwner(c: Checker, cfg: EnvironmentConfig): void {
  c.matches("owner", cfg.owner, AWS_TAG_VALUE, TAG_VALUE);
}

export function checkCostCenter(c: Checker, cfg: EnvironmentConfig): void {
  c.matches("costCenter", cfg.costCenter, AWS_TAG_VALUE, TAG_VALUE);
}

export function checkLogRetention(c: Checker, cfg: EnvironmentConfig): void {
  c.oneOf(
    "logRetentionDays",
    cfg.logRetentionDays,
    CLOUDWATCH_RETENTION_DAYS,
    `a retention CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} (days)`,
  );
}

export function checkMonthlyBudget(c: Checker, cfg: EnvironmentConfig): void {
  if (!(typeof cfg.monthlyBudgetUsd === "number" && Number.isFinite(cfg.monthlyBudgetUsd) && cfg.monthlyBudgetUsd > 0)) {
    c.fail("monthlyBudgetUsd", cfg.monthlyBudgetUsd, "a positive amount in USD");
  }
}
