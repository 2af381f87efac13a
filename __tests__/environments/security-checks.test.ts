import { checkSecurity, isBranchName, isGithubRepository } from "../../environments/checks/security";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig, SecurityConfig } from "../../environments/types";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

/** dev with `security` fields replaced. */
function devWith(security: Partial<SecurityConfig>): EnvironmentConfig {
  return { ...dev, security: { ...dev.security, ...security } };
}

const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkSecurity, cfg);

function passes(cfg: EnvironmentConfig): void {
  expectCheckPasses(checkSecurity, cfg);
}

describe("the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (cfg) => passes(cfg));
});

describe("security.githubRepository", () => {
  test.each([
    ["no owner", "authorworks-infra"],
    ["three parts", "authorworks/authorworks-infra/extra"],
    ["empty", ""],
    ["empty owner", "/authorworks-infra"],
    ["empty name", "authorworks/"],
    ["owner starts with a hyphen", "-authorworks/infra"],
    ["owner ends with a hyphen", "authorworks-/infra"],
    ["owner with consecutive hyphens", "author--works/infra"],
    ["owner with an underscore", "author_works/infra"],
    ["owner longer than 39", `${"a".repeat(40)}/infra`],
    ["name longer than 100", `authorworks/${"r".repeat(101)}`],
    ["name is ..", "authorworks/.."],
    ["name with a space", "authorworks/infra repo"],
    ["wildcard owner (would widen the trust)", "*/authorworks-infra"],
    ["wildcard name (would widen the trust)", "authorworks/*"],
    ["a URL", "https://github.com/authorworks/authorworks-infra"],
  ])("%s (%s) is refused with the rule in the message", (_why, repo) => {
    const msg = errorOf(devWith({ githubRepository: repo }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`security.githubRepository: got ${JSON.stringify(repo)}`);
    expect(msg).toContain('accepted: a GitHub repository as "owner/name"');
    expect(msg).toContain("1-39 letters, digits and single hyphens");
  });

  test.each(["a/b", "Author-Works1/infra.repo_v2", `${"a".repeat(39)}/${"r".repeat(100)}`, "authorworks/.github"])("%s is accepted", (repo) => {
    expect(isGithubRepository(repo)).toBe(true);
    passes(devWith({ githubRepository: repo }));
  });
});

describe("security.deployBranch", () => {
  test.each([
    ["empty", ""],
    ["a full ref", "refs/heads/main"],
    ["a space", "release candidate"],
    ["a wildcard", "release/*"],
    ["a colon", "main:prod"],
    ["a tilde", "main~1"],
    ["a caret", "main^"],
    ["a question mark", "main?"],
    ["a bracket", "main[1]"],
    ["a backslash", "a\\b"],
    ["two dots", "release..1"],
    ["@{", "main@{1}"],
    ["a double slash", "release//1"],
    ["a leading hyphen", "-main"],
    ["a leading slash", "/main"],
    ["a trailing slash", "main/"],
    ["a trailing dot", "main."],
    ["a segment starting with a dot", "release/.hidden"],
    ["a segment ending in .lock", "main.lock"],
    ["only @", "@"],
  ])("%s (%s) is refused", (_why, branch) => {
    const msg = errorOf(devWith({ deployBranch: branch }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`security.deployBranch: got ${JSON.stringify(branch)}`);
    expect(msg).toContain('accepted: a git branch name without "refs/heads/"');
  });

  test.each(["main", "production", "release/2026.11", "feature/ci-oidc_roles", "v1.2.3"])("%s is accepted", (branch) => {
    expect(isBranchName(branch)).toBe(true);
    passes(devWith({ deployBranch: branch }));
  });
});

describe("security.secretRotationDays", () => {
  test.each([0, -30, 1001, 3650, 1.5, Number.NaN])("%p is refused with Secrets Manager's range", (days) => {
    const msg = errorOf(devWith({ secretRotationDays: days }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain("security.secretRotationDays");
    expect(msg).toContain("accepted: a whole number from 1 to 1000 days (Secrets Manager rotation_rules.automatically_after_days)");
  });

  test.each([1, 30, 90, 1000])("%p is accepted", (days) => passes(devWith({ secretRotationDays: days })));
});

describe("switches and reporting", () => {
  test("guardDuty and securityHub must be booleans", () => {
    const msg = errorOf(devWith({ guardDuty: "yes" as unknown as boolean, securityHub: 1 as unknown as boolean }));
    expect(msg).toContain('security.guardDuty: got "yes"; accepted: true or false');
    expect(msg).toContain("security.securityHub: got 1; accepted: true or false");
  });

  test("every problem is reported at once", () => {
    const msg = errorOf(devWith({ githubRepository: "nope", deployBranch: "", secretRotationDays: 0 }));
    expect(msg.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(3);
  });

  test("a missing security section is reported, not thrown as a TypeError", () => {
    const withoutSecurity = { ...dev, security: undefined } as unknown as EnvironmentConfig;
    const msg = errorOf(withoutSecurity);
    expect(msg).toContain("security: got nothing; accepted: a security section");
  });
});
