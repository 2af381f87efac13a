/**
 * What AWS STS lets a GitHub Actions job assume, evaluated the way STS evaluates a web
 * identity token from GitHub: only the `aud` and `sub` claims become condition keys; a
 * condition on any other claim finds no key and does not match.
 */
import { GithubDeployRoles, GITHUB_OIDC_HOST } from "../../modules/security/github";
import { Json, TEST_AWS, statements, synthWith } from "../helpers";

const REPOSITORY = "acme/platform";
const OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
/** The claims STS turns into condition keys for `token.actions.githubusercontent.com`. */
const STS_KEYS = new Set([`${GITHUB_OIDC_HOST}:aud`, `${GITHUB_OIDC_HOST}:sub`]);

function rolesOf(environment: "dev" | "staging" | "production"): Json {
  return synthWith((stack) => {
    new GithubDeployRoles(stack, "github", {
      environment,
      namePrefix: `fixture-${environment}`,
      aws: TEST_AWS,
      repository: REPOSITORY,
      deployBranch: "trunk",
      oidcProviderArn: OIDC_PROVIDER,
      permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/fixture-boundary",
      permissionsBoundaryName: "fixture-boundary",
      secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/fixture",
    });
  });
}

/** A GitHub OIDC token as AWS STS sees it: the claims it evaluates, plus others it ignores. */
interface Token {
  readonly aud: string;
  readonly sub: string;
  readonly [claim: string]: string;
}

function matches(test: string, actual: string | undefined, values: readonly string[]): boolean {
  if (actual === undefined) return false;
  switch (test) {
    case "StringEquals":
      return values.includes(actual);
    case "StringLike":
      return values.some((v) =>
        new RegExp(
          `^${v
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        ).test(actual),
      );
    default:
      throw new Error(`condition operator ${test} is not modelled here: model it before using it in a trust policy`);
  }
}

/** Whether STS lets `token` assume a role with this trust policy (explicit Deny wins). */
function stsAllows(trust: readonly Json[], token: Token): boolean {
  const keys = new Map<string, string>([
    [`${GITHUB_OIDC_HOST}:aud`, token.aud],
    [`${GITHUB_OIDC_HOST}:sub`, token.sub],
  ]);
  const applies = (s: Json) =>
    (s.actions ?? []).includes("sts:AssumeRoleWithWebIdentity") &&
    (s.principals ?? []).some((p: Json) => p.type === "Federated" && p.identifiers.includes(OIDC_PROVIDER)) &&
    (s.condition ?? []).every((c: Json) => matches(c.test, keys.get(c.variable), c.values));
  const relevant = trust.filter(applies);
  return relevant.some((s) => (s.effect ?? "Allow") === "Allow") && !relevant.some((s) => s.effect === "Deny");
}

const token = (sub: string, extra: Record<string, string> = {}): Token => ({ aud: "sts.amazonaws.com", sub, ...extra });

describe("GitHub tokens AWS STS accepts for the deploy roles", () => {
  const dev = rolesOf("dev");
  const production = rolesOf("production");
  const trust = (json: Json, role: "plan" | "apply") => statements(json, `github_${role}_trust`);

  // The `sub` strings GitHub sends (docs: "Example subject claims"), with the other claims
  // a real token carries; STS ignores the others.
  const cases: readonly [string, Token, { devPlan: boolean; devApply: boolean; productionApply: boolean }][] = [
    ["a pull request", token(`repo:${REPOSITORY}:pull_request`, { ref: "refs/pull/7/merge" }), { devPlan: true, devApply: false, productionApply: false }],
    [
      "a push to the deploy branch, no environment",
      token(`repo:${REPOSITORY}:ref:refs/heads/trunk`, { ref: "refs/heads/trunk" }),
      { devPlan: false, devApply: false, productionApply: false },
    ],
    [
      "a job in GitHub environment dev",
      token(`repo:${REPOSITORY}:environment:dev`, { ref: "refs/heads/trunk", environment: "dev" }),
      { devPlan: false, devApply: true, productionApply: false },
    ],
    [
      "a job in GitHub environment production",
      token(`repo:${REPOSITORY}:environment:production`, { ref: "refs/heads/trunk" }),
      { devPlan: false, devApply: false, productionApply: true },
    ],
    ["a tag push", token(`repo:${REPOSITORY}:ref:refs/tags/v1.0.0`), { devPlan: false, devApply: false, productionApply: false }],
    ["another repository's environment job", token("repo:evil/platform:environment:production"), { devPlan: false, devApply: false, productionApply: false }],
    [
      "a repository whose name extends ours",
      token(`repo:${REPOSITORY}-fork:environment:production`),
      { devPlan: false, devApply: false, productionApply: false },
    ],
    ["another repository's pull request", token("repo:evil/platform:pull_request"), { devPlan: false, devApply: false, productionApply: false }],
    [
      "an environment whose name only differs in case",
      token(`repo:${REPOSITORY}:environment:Production`),
      { devPlan: false, devApply: false, productionApply: false },
    ],
    [
      "the right subject for another audience",
      { aud: "https://github.com/acme", sub: `repo:${REPOSITORY}:environment:production` },
      { devPlan: false, devApply: false, productionApply: false },
    ],
  ];

  test.each(cases)("%s", (_name, t, expected) => {
    expect({
      devPlan: stsAllows(trust(dev, "plan"), t),
      devApply: stsAllows(trust(dev, "apply"), t),
      productionApply: stsAllows(trust(production, "apply"), t),
    }).toEqual(expected);
  });

  test("every trust condition is on a claim STS evaluates (aud, sub)", () => {
    const variables = [dev, production].flatMap((j) =>
      (["plan", "apply"] as const).flatMap((r) => trust(j, r).flatMap((s) => (s.condition ?? []).map((c: Json) => c.variable))),
    );
    expect(variables.length).toBeGreaterThan(0);
    expect(variables.filter((v) => !STS_KEYS.has(v))).toEqual([]);
  });

  test("the evaluator itself: a condition on a claim STS ignores never matches, even with the value the token carries", () => {
    const withRef = [
      {
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: [{ type: "Federated", identifiers: [OIDC_PROVIDER] }],
        condition: [{ test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:ref`, values: ["refs/heads/trunk"] }],
      },
    ];
    expect(stsAllows(withRef, token(`repo:${REPOSITORY}:environment:dev`, { ref: "refs/heads/trunk" }))).toBe(false);
  });
});
