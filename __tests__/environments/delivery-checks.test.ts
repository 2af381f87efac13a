import { checkDelivery } from "../../environments/checks/delivery";
import { PLATFORM_APPLY_WORST_CASE_SECONDS } from "../../providers/kubernetes";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { DeliveryConfig, EnvironmentConfig } from "../../environments/types";
import { Checker, ConfigError } from "../../variables/validation";
import { expectCheckPasses } from "./check-helpers";

function withDelivery(patch: Partial<DeliveryConfig>): EnvironmentConfig {
  return { ...dev, delivery: { ...dev.delivery, ...patch } };
}

/** Runs the check and returns the ConfigError it raised (fails the test if none). */
function problems(cfg: EnvironmentConfig): ConfigError {
  const c = new Checker(cfg.name);
  checkDelivery(c, cfg);
  try {
    c.done();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).message).toContain(`Invalid configuration for environment "${cfg.name}"`);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

function passes(cfg: EnvironmentConfig): void {
  expectCheckPasses(checkDelivery, cfg);
}

const URL_ACCEPTED = 'accepted: a git URL over https ("https://github.com/org/repo.git") or ssh ("git@github.com:org/repo.git", "ssh://git@host/org/repo.git")';

describe("checkDelivery", () => {
  test.each([dev, staging, production])("the committed $name environment passes", (cfg) => {
    passes(cfg);
  });

  test.each([
    "git@github.com:authorworks/authorworks-k8s.git",
    "ssh://git@github.com/authorworks/authorworks-k8s.git",
    "https://gitlab.example.io:8443/group/sub/repo",
  ])("the repo URL %j (https or ssh) is accepted", (manifestsRepoUrl) => {
    passes(withDelivery({ manifestsRepoUrl }));
  });

  test.each([
    "http://github.com/authorworks/authorworks-k8s.git",
    "git://github.com/authorworks/authorworks-k8s.git",
    "github.com/authorworks/authorworks-k8s",
    "file:///srv/repo",
    "",
    "https://",
  ])("the repo URL %j that is neither https nor ssh is refused with the field and what is accepted", (manifestsRepoUrl) => {
    const e = problems(withDelivery({ manifestsRepoUrl }));
    expect(e.problems).toEqual([`delivery.manifestsRepoUrl: got ${JSON.stringify(manifestsRepoUrl)}; ${URL_ACCEPTED}`]);
  });

  test.each(["", " ", "main branch"])("the revision %j is refused", (manifestsRevision) => {
    const e = problems(withDelivery({ manifestsRevision }));
    expect(e.problems).toEqual([
      `delivery.manifestsRevision: got ${JSON.stringify(manifestsRevision)}; accepted: a branch, tag or commit (not empty, no spaces)`,
    ]);
  });

  test("runners min > max names both fields", () => {
    const e = problems(withDelivery({ runners: { minRunners: 5, maxRunners: 3 } }));
    expect(e.problems).toEqual([
      "delivery.runners.minRunners (5) is greater than delivery.runners.maxRunners (3); accepted: delivery.runners.minRunners <= delivery.runners.maxRunners",
    ]);
  });

  test("runners min < 0 is refused", () => {
    const e = problems(withDelivery({ runners: { minRunners: -1, maxRunners: 4 } }));
    expect(e.problems).toEqual(["delivery.runners.minRunners: got -1; accepted: a whole number from 0 to 50 runners"]);
  });

  test.each([51, 1000, 2.5, 0])("runners max %j (above the ceiling, fractional or zero) is refused", (maxRunners) => {
    const e = problems(withDelivery({ runners: { minRunners: 0, maxRunners } }));
    expect(e.problems).toEqual([`delivery.runners.maxRunners: got ${maxRunners}; accepted: a whole number from 1 to 50 runners`]);
  });

  test("min = max (a fixed pool) is accepted", () => {
    passes(withDelivery({ runners: { minRunners: 3, maxRunners: 3 } }));
  });

  test("every problem is reported at once", () => {
    const e = problems({
      ...production,
      delivery: {
        manifestsRepoUrl: "ftp://x/y",
        manifestsRevision: "",
        autoSync: false,
        runners: { minRunners: -2, maxRunners: 99 },
        deployRunner: { computeType: "BUILD_GENERAL1_HUGE" as never, timeoutMinutes: 3000, githubConnectionArn: "github", connectionAvailable: "yes" as never },
      },
    });
    expect(e.message).toContain('environment "production"');
    expect(e.problems.map((p) => p.split(":")[0])).toEqual([
      "delivery.manifestsRepoUrl",
      "delivery.manifestsRevision",
      "delivery.runners.minRunners",
      "delivery.runners.maxRunners",
      "delivery.deployRunner.computeType",
      "delivery.deployRunner.timeoutMinutes",
      "delivery.deployRunner.connectionAvailable",
      "delivery.deployRunner.githubConnectionArn",
    ]);
  });

  test.each([
    [
      { computeType: "BUILD_GENERAL1_TINY" },
      'delivery.deployRunner.computeType: got "BUILD_GENERAL1_TINY"; accepted: one of "BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM"',
    ],
    [{ timeoutMinutes: 4 }, "delivery.deployRunner.timeoutMinutes: got 4; accepted: a whole number from 5 to 2160 minutes (CodeBuild's limits)"],
    [{ githubConnectionArn: "arn:aws:codeconnections:us-east-1:123:connection/x" }, "delivery.deployRunner.githubConnectionArn: got"],
  ])("deploy runner %p is refused", (patch, message) => {
    const e = problems(withDelivery({ deployRunner: { ...production.delivery.deployRunner, ...(patch as object) } }));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toContain(message);
  });

  test("a timeout the platform's first apply can outlast is refused; one minute more is accepted", () => {
    const worst = PLATFORM_APPLY_WORST_CASE_SECONDS / 60;
    const e = problems(withDelivery({ deployRunner: { ...dev.delivery.deployRunner, timeoutMinutes: worst } }));
    expect(e.problems).toEqual([
      `delivery.deployRunner.timeoutMinutes: got ${worst}; accepted: more than ${worst} minutes, the longest chain of waits of a first platform apply in any environment (production's; README "Reaching the cluster"), up to 2160`,
    ]);
    passes(withDelivery({ deployRunner: { ...dev.delivery.deployRunner, timeoutMinutes: worst + 1 } }));
  });

  test("runners need a spot group that can grow (they run only there)", () => {
    const noSpot = {
      ...dev,
      kubernetes: {
        ...dev.kubernetes,
        nodeGroups: { ...dev.kubernetes.nodeGroups, spot: { ...dev.kubernetes.nodeGroups.spot, minSize: 0, desiredSize: 0, maxSize: 0 } },
      },
    };
    expect(problems(noSpot).problems).toEqual([
      "delivery.runners.maxRunners (4) needs kubernetes.nodeGroups.spot.maxSize >= 1 (got 0): runner pods run only on spot nodes; accepted: a spot group that can grow",
    ]);
  });

  test("an existing connection is accepted (codeconnections and the older codestar-connections ARNs)", () => {
    for (const arn of [
      "arn:aws:codeconnections:us-east-1:123456789012:connection/0e4b1b8c-1f5c-4a36-9d2b-6f2f1f0d9a11",
      "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0e4b1b8c-1f5c-4a36-9d2b-6f2f1f0d9a11",
    ]) {
      passes(withDelivery({ deployRunner: { ...production.delivery.deployRunner, githubConnectionArn: arn } }));
    }
  });
});
