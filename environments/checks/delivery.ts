/**
 * Validation of `delivery.*` (Argo CD source, runner scale set bounds), so a typo in an
 * environment file stops synth with a message instead of an Argo CD that never syncs
 * or a scale set the controller rejects. Registered for `delivery` in
 * ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { MAX_RUNNERS_CEILING } from "../../modules/addons/delivery/actions-runners";
import { ALB_STICKINESS_SECONDS, CanaryStep, DEFAULT_CANARY_STEPS, canaryStepProblems } from "../../modules/addons/delivery/argo-rollouts";
import { parseDurationMs } from "../../variables/quantities";
import { CODEBUILD_COMPUTE_TYPES, CODEBUILD_TIMEOUT_MINUTES, CODECONNECTIONS_CONNECTION_ARN } from "../../variables/aws-catalog";
import { PLATFORM_APPLY_WORST_CASE_SECONDS } from "../../providers/kubernetes";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig, PublicCanaryConfig } from "../types";

/** A git URL Argo CD can clone: `https://host/path`, `ssh://[user@]host/path` or scp-like `user@host:path`. */
export const GIT_REPO_URL =
  /^(https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[^\s]+|ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d+)?\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/][^\s]*)$/;

/** A git revision: branch, tag or commit; no whitespace, not empty. */
export const GIT_REVISION = /^[^\s]+$/;

export function checkDelivery(c: Checker, cfg: EnvironmentConfig): void {
  const d = cfg.delivery;
  c.matches(
    "delivery.manifestsRepoUrl",
    d.manifestsRepoUrl,
    GIT_REPO_URL,
    'a git URL over https ("https://github.com/org/repo.git") or ssh ("git@github.com:org/repo.git", "ssh://git@host/org/repo.git")',
  );
  c.matches("delivery.manifestsRevision", d.manifestsRevision, GIT_REVISION, "a branch, tag or commit (not empty, no spaces)");
  c.boolean("delivery.autoSync", d.autoSync);
  const minOk = c.intRange("delivery.runners.minRunners", d.runners.minRunners, 0, MAX_RUNNERS_CEILING, "runners");
  const maxOk = c.intRange("delivery.runners.maxRunners", d.runners.maxRunners, 1, MAX_RUNNERS_CEILING, "runners");
  if (minOk && maxOk) c.ordered("delivery.runners.minRunners", d.runners.minRunners, "delivery.runners.maxRunners", d.runners.maxRunners);
  // Runner pods run only on the spot group (RUNNER_PLACEMENT): with no room there they stay pending.
  const spotMax = cfg.kubernetes.nodeGroups.spot.maxSize;
  if (maxOk && Number.isInteger(spotMax) && spotMax < 1) {
    c.problem(
      `delivery.runners.maxRunners (${d.runners.maxRunners}) needs kubernetes.nodeGroups.spot.maxSize >= 1 (got ${spotMax}): runner pods run only on spot nodes; accepted: a spot group that can grow`,
    );
  }
  if (d.canarySteps !== undefined) {
    for (const p of canaryStepProblems(d.canarySteps)) c.fail(`delivery.canarySteps${p.field}`, p.got, p.accepted);
  }
  if (d.publicCanary !== undefined) checkPublicCanary(c, d.publicCanary, d.canarySteps ?? DEFAULT_CANARY_STEPS);
  const r = d.deployRunner ?? ({} as Partial<typeof d.deployRunner>);
  c.oneOf("delivery.deployRunner.computeType", r.computeType, CODEBUILD_COMPUTE_TYPES);
  if (
    c.intRange(
      "delivery.deployRunner.timeoutMinutes",
      r.timeoutMinutes,
      CODEBUILD_TIMEOUT_MINUTES.min,
      CODEBUILD_TIMEOUT_MINUTES.max,
      "minutes (CodeBuild's limits)",
    )
  ) {
    // CodeBuild stops the build at its timeout: an apply cut there leaves a half-made platform and a held state lock.
    const worst = PLATFORM_APPLY_WORST_CASE_SECONDS / 60;
    if (r.timeoutMinutes! <= worst) {
      c.fail(
        "delivery.deployRunner.timeoutMinutes",
        r.timeoutMinutes,
        `more than ${worst} minutes, the longest chain of waits of a first platform apply in any environment (production's; README "Reaching the cluster"), up to ${CODEBUILD_TIMEOUT_MINUTES.max}`,
      );
    }
  }
  c.boolean("delivery.deployRunner.connectionAvailable", r.connectionAvailable);
  if (r.githubConnectionArn !== undefined) {
    c.matches(
      "delivery.deployRunner.githubConnectionArn",
      r.githubConnectionArn,
      CODECONNECTIONS_CONNECTION_ARN,
      "a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)",
    );
  }
}

/**
 * `delivery.publicCanary`: the ALB's part in the public service's canary. Stickiness must
 * fit the ALB's range and be shorter than every timed pause: a client held on one target
 * group for longer than a pause never gets that step's weight, so the step measures
 * nothing of what it announces.
 */
function checkPublicCanary(c: Checker, pc: PublicCanaryConfig, steps: readonly CanaryStep[]): void {
  c.boolean("delivery.publicCanary.verifyTargetGroups", pc.verifyTargetGroups);
  const s = pc.stickinessSeconds;
  const field = "delivery.publicCanary.stickinessSeconds";
  if (s === undefined || !c.intRange(field, s, ALB_STICKINESS_SECONDS.min, ALB_STICKINESS_SECONDS.max, "seconds (ALB target group stickiness)")) return;
  const pauses = steps.flatMap((step) => ("pause" in step && step.pause.duration !== undefined ? [parseDurationMs(step.pause.duration)] : []));
  const shortest = Math.min(...pauses.filter((ms): ms is number => ms !== undefined));
  if (Number.isFinite(shortest) && s * 1000 >= shortest) {
    c.fail(
      field,
      s,
      `fewer seconds than the shortest timed pause of delivery.canarySteps (${shortest / 1000} s), or no stickiness: a client held on one version longer than a pause never gets that step's weight`,
    );
  }
}
