/**
 * Validation of `security` (modules/security): the GitHub repository and branch the CI
 * roles trust, and the rotation period Secrets Manager must accept.
 */
import { SECRETS_MANAGER_ROTATION_DAYS } from "../../variables/aws-catalog";
import { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/**
 * GitHub account (user or organization) names: letters, digits and single hyphens, not
 * at the start or end, at most 39 characters.
 */
export const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * GitHub repository names: letters, digits, `-`, `_` and `.`, at most 100 characters,
 * not `.` or `..`. No wildcard can slip into a trust policy's `sub` value.
 */
export const GITHUB_REPOSITORY_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

/** `owner/name`, both parts valid. */
export function isGithubRepository(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const parts = value.split("/");
  return parts.length === 2 && GITHUB_OWNER.test(parts[0]) && GITHUB_REPOSITORY_NAME.test(parts[1]);
}

/**
 * A branch name git accepts (git check-ref-format --branch) and that is usable verbatim
 * in `refs/heads/<branch>`: no spaces, control characters or any of `~ ^ : ? * [ \`,
 * no `..`, `@{` or `//`, no segment starting with `.` or ending with `.lock`, not starting
 * with `-` or `/`, not ending with `/` or `.`, not `@`, and not already `refs/...`.
 */
export function isBranchName(value: unknown): boolean {
  if (typeof value !== "string" || value.length === 0 || value.length > 255) return false;
  if (value === "@" || value.startsWith("-") || value.startsWith("/") || value.endsWith("/") || value.endsWith(".")) return false;
  if (value.startsWith("refs/")) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(value)) return false;
  if (value.includes("..") || value.includes("@{") || value.includes("//")) return false;
  return value.split("/").every((seg) => seg.length > 0 && !seg.startsWith(".") && !seg.endsWith(".lock"));
}

/** Checks `cfg.security`; records every problem on `c`. */
export function checkSecurity(c: Checker, cfg: EnvironmentConfig): void {
  const s = cfg.security;
  if (!s) {
    c.fail("security", s, "a security section (guardDuty, securityHub, githubRepository, deployBranch, secretRotationDays)");
    return;
  }
  c.boolean("security.guardDuty", s.guardDuty);
  c.boolean("security.securityHub", s.securityHub);
  if (!isGithubRepository(s.githubRepository)) {
    c.fail(
      "security.githubRepository",
      s.githubRepository,
      'a GitHub repository as "owner/name": owner of 1-39 letters, digits and single hyphens (not first or last), ' +
        'name of 1-100 letters, digits, "-", "_" and "." (not "." or ".."), no wildcards',
    );
  }
  if (!isBranchName(s.deployBranch)) {
    c.fail(
      "security.deployBranch",
      s.deployBranch,
      'a git branch name without "refs/heads/" (e.g. "main"): no spaces or ~ ^ : ? * [ \\, no "..", "@{" or "//", ' +
        'no segment starting with "." or ending in ".lock", not starting with "-" or "/", not ending with "/" or "."',
    );
  }
  c.intRange(
    "security.secretRotationDays",
    s.secretRotationDays,
    SECRETS_MANAGER_ROTATION_DAYS.min,
    SECRETS_MANAGER_ROTATION_DAYS.max,
    "days (Secrets Manager rotation_rules.automatically_after_days)",
  );
}
