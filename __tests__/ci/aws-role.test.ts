/** scripts/ci/aws-role.mjs and npm run deploy: the account a CI job or a deploy signs into, never a placeholder. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ENVIRONMENTS, hasPlatformStack } from "../../environments";
import { productionDr } from "../../environments/production-dr";

const root = join(__dirname, "../..");
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, script), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}
const REAL = { AUTHORWORKS_ACCOUNT_IDS: "dev=123412341234,staging=223422342234,production=323432343234" };

describe("scripts/ci/aws-role.mjs", () => {
  test("prints the plan and apply role ARNs in the account AUTHORWORKS_ACCOUNT_IDS names", () => {
    expect(run("scripts/ci/aws-role.mjs", ["staging", "plan"], REAL)).toEqual({
      code: 0,
      out: "arn:aws:iam::223422342234:role/authorworks-staging-github-plan",
      err: "",
    });
    expect(run("scripts/ci/aws-role.mjs", ["production", "apply"], REAL).out).toBe("arn:aws:iam::323432343234:role/authorworks-production-github-apply");
    // production-dr is not named: a standby follows its primary's account, as synth does.
    expect(run("scripts/ci/aws-role.mjs", ["production-dr", "apply"], REAL).out).toBe("arn:aws:iam::323432343234:role/authorworks-production-dr-github-apply");
  }, 30_000);

  test.each([
    [
      ["dev", "plan"],
      {},
      /placeholder account ids: dev \(111111111111\), staging \(222222222222\), production \(333333333333\), production-dr \(333333333333\); set the real ids/,
    ],
    // dev's own id is real, but production's stack names dev's and staging's accounts, and dev's production's.
    [
      ["dev", "plan"],
      { AUTHORWORKS_ACCOUNT_IDS: "dev=123412341234" },
      /placeholder account ids: staging \(222222222222\), production \(333333333333\), production-dr \(333333333333\)/,
    ],
    [["qa", "plan"], REAL, /unknown environment "qa"; accepted: dev, staging, production, production-dr/],
    [["dev", "admin"], REAL, /unknown role "admin"; accepted: plan, apply/],
    [["dev", "plan"], { AUTHORWORKS_ACCOUNT_IDS: "dev=12" }, /AUTHORWORKS_ACCOUNT_IDS \(dev\): got "12"; accepted: a 12-digit AWS account id/],
  ])(
    "refuses %p (exit 2, one line, nothing on stdout)",
    (args, env, message) => {
      const r = run("scripts/ci/aws-role.mjs", args as string[], env as Record<string, string>);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(message);
      expect(r.err.split("\n")).toHaveLength(1);
    },
    30_000,
  );
});

test("npm run deploy refuses a placeholder account before running cdktf", () => {
  const r = run("scripts/deploy.mjs", ["dev", "--auto-approve"]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^deploy: placeholder account ids: dev \(111111111111\)/);
  expect(r.err).not.toContain("cdktf deploy");
}, 30_000);

test("npm run deploy -- production-dr --platform-only passes the pilot-light refusal (production-dr runs warm: it has a platform stack); hasPlatformStack is false for a pilot light only", () => {
  expect(hasPlatformStack(productionDr)).toBe(true);
  expect(hasPlatformStack({ ...productionDr, standby: { ...productionDr.standby!, pilotLight: true } })).toBe(false);
  expect(ENVIRONMENTS.filter((e) => !hasPlatformStack(e)).map((e) => e.name)).toEqual([]);
  // With no cdktf on PATH the script gets as far as running it: the refusal is not what stops it.
  const r = run("scripts/deploy.mjs", ["production-dr", "--platform-only", "--auto-approve"], { ...REAL, PATH: "/nonexistent" });
  expect(r.err).not.toContain("is a pilot light");
  expect(r.err).toContain("=== cdktf deploy production-dr-platform ===");
  expect(r.err).toContain("deploy: could not run cdktf: spawnSync npx ENOENT");
  expect(r.code).toBe(1);
}, 30_000);
