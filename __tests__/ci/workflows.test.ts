/**
 * House rules of .github/workflows that actionlint does not check: actions pinned by
 * commit, no permission unless a job asks for it, deploys serialized per environment, the
 * platform stacks run on the environment's deploy runner.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ENVIRONMENT_NAMES, names } from "../../variables/project";
import { ENVIRONMENTS, hasPlatformStack } from "../../environments";

const dir = join(__dirname, "../../.github/workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
const text = (f: string) => readFileSync(join(dir, f), "utf8");
const ACTION = "../actions/terraform-aws/action.yml";

test("the three workflows exist", () => {
  expect(files.sort()).toEqual(["deploy-environment.yml", "deploy.yml", "pull-request.yml"]);
});

test.each([...files, ACTION])("%s: every action is pinned by a full commit SHA, with its version in a comment", (f) => {
  const uses = [...text(f).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)].map((m) => [m[1], m[2].trim()]);
  expect(uses.length).toBeGreaterThan(0);
  for (const [ref, comment] of uses) {
    if (ref.startsWith("./")) continue; // a reusable workflow of this repository
    expect([ref, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(ref), /^# v\d+\.\d+\.\d+$/.test(comment)]).toEqual([ref, true, true]);
  }
});

test.each(files)("%s: no permission by default (permissions: {} at the top); jobs ask for what they use", (f) => {
  expect(text(f)).toMatch(/^permissions: \{\}$/m);
  // Nothing may write to the repository, packages or pull requests.
  expect(text(f)).not.toMatch(/^\s+(contents|packages|pull-requests|actions|deployments|statuses|checks): write/m);
});

test("deploys: one at a time per environment, never cancelled half-way; apply jobs run in the GitHub environment", () => {
  const t = text("deploy-environment.yml");
  expect(t.match(/cancel-in-progress: false/g)).toHaveLength(2);
  expect(t).toMatch(/group: deploy-\$\{\{ inputs.environment \}\}\n/);
  expect(t.match(/^ {4}environment: \$\{\{ inputs.environment \}\}/gm)).toHaveLength(2);
  expect(t.match(/role: apply\n\s+session-seconds: "7200"/g)).toHaveLength(2);
  expect(t).not.toContain("role: plan");
});

test("the shared setup signs in with the role scripts/ci/aws-role.mjs names, for as long as asked", () => {
  const t = text(ACTION);
  expect(t).toContain('node scripts/ci/aws-role.mjs "$ENVIRONMENT" "$ROLE"');
  expect(t).toContain("role-to-assume: ${{ steps.role.outputs.arn }}");
  expect(t).toContain("role-duration-seconds: ${{ inputs.session-seconds }}");
});

test("main deploys dev, then staging, then production, then production-dr (its standby, kept current)", () => {
  const t = text("deploy.yml");
  expect(ENVIRONMENT_NAMES).toEqual(["dev", "staging", "production", "production-dr"]);
  expect(t).toMatch(/dev:\n\s+needs: check\n\s+uses: \.\/\.github\/workflows\/deploy-environment\.yml\n\s+with:\n\s+environment: dev/);
  expect(t).toMatch(/staging:\n\s+needs: dev\n[\s\S]*?environment: staging/);
  expect(t).toMatch(/production:\n\s+needs: staging\n[\s\S]*?environment: production\n/);
  expect(t).toMatch(
    /production-dr:\n\s+needs: production\n\s+uses: \.\/\.github\/workflows\/deploy-environment\.yml\n\s+with:\n\s+environment: production-dr\n/,
  );
});

test("the platform job runs only when the synth made <env>-platform (a pilot light has none), read from the manifest after the AWS deploy", () => {
  const t = text("deploy-environment.yml");
  expect(t).toContain("platform: ${{ steps.layers.outputs.platform }}");
  expect(t).toContain(`require("./cdktf.out/manifest.json").stacks[process.argv[1] + "-platform"]`);
  expect(t).toMatch(/platform:\n\s+name: \$\{\{ inputs.environment \}\}-platform\n\s+needs: aws\n\s+if: needs.aws.outputs.platform == 'true'\n/);
});

test("pull requests diff every environment's AWS and platform stack (production-dr runs warm: it has one), each with its own state variables", () => {
  const t = text("pull-request.yml");
  expect(t).toContain("environment: [dev, staging, production, production-dr]");
  expect(t).toMatch(/\n\s+layer: \[aws, platform\]\n/);
  // Every environment of the app has a platform stack: no layer is left out.
  expect(t).not.toContain("exclude:");
  expect(ENVIRONMENTS.every(hasPlatformStack)).toBe(true);
  for (const env of ENVIRONMENT_NAMES) expect(t).toContain(`- { environment: ${env}, key: ${env.toUpperCase().replace(/-/g, "_")} }`);
});

test("platform stacks (deploy and diff) run on the environment's deploy runner, whose project name the AWS stack creates", () => {
  const label = (env: string) => `codebuild-${names.deployRunner(env as never)}-`;
  expect(text("deploy-environment.yml")).toContain(
    "runs-on: codebuild-authorworks-${{ inputs.environment }}-deploy-runner-${{ github.run_id }}-${{ github.run_attempt }}",
  );
  expect(label("dev")).toBe("codebuild-authorworks-dev-deploy-runner-");
  expect(text("pull-request.yml")).toContain(
    "format('codebuild-authorworks-{0}-deploy-runner-{1}-{2}', matrix.environment, github.run_id, github.run_attempt)",
  );
});

test("pull requests plan with the plan role, and not from forks", () => {
  const t = text("pull-request.yml");
  expect(t).toContain("role: plan");
  expect(t).not.toContain("role: apply");
  expect(t).toContain("if: github.event.pull_request.head.repo.full_name == github.repository");
});

test("state locks: a pull-request diff never locks; deploys wait for a lock instead of failing", () => {
  expect(text("pull-request.yml")).toContain("TF_CLI_ARGS_plan: -lock=false");
  expect(text("deploy-environment.yml").match(/TF_CLI_ARGS_(plan|apply): -lock-timeout=15m/g)).toHaveLength(4);
  // Each job stops at once, naming the variable, when its state settings are missing.
  expect(text("deploy-environment.yml").match(/\$\{AUTHORWORKS_STATE_BUCKET:\?/g)).toHaveLength(2);
  expect(text("pull-request.yml")).toContain("${AUTHORWORKS_STATE_BUCKET:?set the repository variable AUTHORWORKS_STATE_BUCKET_${KEY}}");
});
