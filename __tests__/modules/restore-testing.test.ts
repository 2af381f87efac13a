/**
 * Monthly restore tests (modules/backup/restore-testing.ts), built through `Backup` as the
 * environment stack does, with the synthetic environment's values (__tests__/fixtures/environment.ts:
 * third Thursday 14:25 UTC, start window 113 h, selection window 223 days, validation 97 h).
 */
import { Json, resource, resourcesOf, synthWith } from "../helpers";
import { BACKUP_TAG, Backup, RestoreTesting, failedRestoreTestsPattern, restoreTestingPlanName } from "../../modules/backup";
import { FIXTURE } from "../fixtures/environment";
import { testContext } from "../fixtures/context";
import { matchesPattern } from "../fixtures/event-pattern";

const WARNING_TOPIC = "arn:aws:sns:ap-northeast-2:424242424242:authorworks-staging-alerts-warning";
const SUBNET_GROUP = "fixture-db-subnet-group";
const DB_SG = "sg-0fixture0db0000001";
const r = FIXTURE.restoreTesting;

function synth(extra: Partial<ConstructorParameters<typeof RestoreTesting>[2]> = {}, withAlerts = true): Json {
  return synthWith((stack) => {
    new Backup(stack, "backup", {
      context: testContext({ environment: FIXTURE.name }),
      retentionDays: FIXTURE.backup.retentionDays,
      restoreTesting: {
        schedule: r.schedule,
        startWindowHours: r.startWindowHours,
        selectionWindowDays: r.selectionWindowDays,
        validationWindowHours: r.validationWindowHours,
        database: { subnetGroupName: SUBNET_GROUP, securityGroupIds: [DB_SG] },
        alertTopicArn: withAlerts ? WARNING_TOPIC : undefined,
        ...extra,
      },
    });
  });
}

const json = synth();
const plan = resource(json, "aws_backup_restore_testing_plan", "backup_restore_testing_plan");
const selection = (id: "rds" | "ebs") => resource(json, "aws_backup_restore_testing_selection", `backup_restore_testing_${id}`);

describe("restore testing plan", () => {
  test("monthly on the environment's schedule, in UTC, with its start window, from the environment's vault only", () => {
    expect(plan).toMatchObject({
      name: "authorworks_staging_restore_tests",
      schedule_expression: "cron(25 14 ? * THU#3 *)",
      schedule_expression_timezone: "Etc/UTC",
      start_window_hours: 113,
      recovery_point_selection: [
        {
          algorithm: "RANDOM_WITHIN_WINDOW",
          include_vaults: ["${aws_backup_vault.backup_vault.arn}"],
          recovery_point_types: ["CONTINUOUS", "SNAPSHOT"],
          selection_window_days: 223,
        },
      ],
    });
    expect(plan.recovery_point_selection[0].exclude_vaults).toBeUndefined();
  });

  test("the plan name is AWS Backup's alphabet (letters, digits, underscores), derived from the environment", () => {
    expect(restoreTestingPlanName("production")).toBe("authorworks_production_restore_tests");
    expect(plan.name).toMatch(/^[A-Za-z0-9_]{1,50}$/);
  });

  test("the algorithm and recovery point kinds can be narrowed", () => {
    const latest = synth({ algorithm: "LATEST_WITHIN_WINDOW", recoveryPointTypes: ["SNAPSHOT"] });
    expect(resource(latest, "aws_backup_restore_testing_plan", "backup_restore_testing_plan").recovery_point_selection[0]).toMatchObject({
      algorithm: "LATEST_WITHIN_WINDOW",
      recovery_point_types: ["SNAPSHOT"],
    });
  });
});

describe("restore testing selections", () => {
  test("exactly two: RDS instances and EBS volumes, both of this plan", () => {
    expect(Object.keys(resourcesOf(json, "aws_backup_restore_testing_selection")).sort()).toEqual(["backup_restore_testing_ebs", "backup_restore_testing_rds"]);
    expect([selection("rds").protected_resource_type, selection("ebs").protected_resource_type]).toEqual(["RDS", "EBS"]);
    for (const id of ["rds", "ebs"] as const) {
      expect(selection(id).restore_testing_plan_name).toBe("${aws_backup_restore_testing_plan.backup_restore_testing_plan.name}");
    }
  });

  test.each(["rds", "ebs"] as const)(
    "%s: what the backup selections take (the backup tag), restored with the backup role, kept for the validation window",
    (id) => {
      expect(selection(id)).toMatchObject({
        iam_role_arn: "${aws_iam_role.backup_role_role.arn}",
        protected_resource_conditions: [{ string_equals: [{ key: `aws:ResourceTag/${BACKUP_TAG.key}`, value: BACKUP_TAG.value }] }],
        validation_window_hours: 97,
      });
      expect(selection(id).protected_resource_conditions[0].string_not_equals).toBeUndefined();
      // hashicorp/aws takes exactly one of protected_resource_arns and protected_resource_conditions (a plan fails otherwise).
      expect(selection(id).protected_resource_arns).toBeUndefined();
    },
  );

  test("a restored database lands in the database subnets, behind the database security group, not public", () => {
    expect(selection("rds").restore_metadata_overrides).toEqual({
      dbSubnetGroupName: SUBNET_GROUP,
      vpcSecurityGroupIds: JSON.stringify([DB_SG]),
      publiclyAccessible: "false",
    });
    // AWS Backup takes list values as JSON-array strings.
    expect(JSON.parse(selection("rds").restore_metadata_overrides.vpcSecurityGroupIds)).toEqual([DB_SG]);
    expect(selection("ebs").restore_metadata_overrides).toBeUndefined();
  });
});

describe("restore test alerts", () => {
  const rule = resource(json, "aws_cloudwatch_event_rule", "backup_restore_testing_failed");
  const planArn = "${aws_backup_restore_testing_plan.backup_restore_testing_plan.arn}";

  test("an EventBridge rule on this plan's restore jobs goes to the alert topic", () => {
    expect(rule.name).toBe("authorworks-staging-restore-tests-failed");
    expect(JSON.parse(rule.event_pattern)).toEqual(failedRestoreTestsPattern(planArn));
    expect(resource(json, "aws_cloudwatch_event_target", "backup_restore_testing_failed_alert")).toEqual({
      rule: "${aws_cloudwatch_event_rule.backup_restore_testing_failed.name}",
      arn: WARNING_TOPIC,
      target_id: "alerts",
    });
  });

  test("the pattern matches a failed or aborted job, a failed or timed-out validation, a failed deletion of this plan; nothing else", () => {
    const pattern = JSON.parse(rule.event_pattern);
    const event = (detail: Json, type = "Restore Job State Change") => ({
      source: "aws.backup",
      "detail-type": type,
      detail: { restoreTestingPlanArn: planArn, ...detail },
    });
    for (const d of [
      { status: "FAILED" },
      { status: "ABORTED" },
      { status: "COMPLETED", validationStatus: "FAILED" },
      { validationStatus: "TIMED_OUT" },
      { deletionStatus: "FAILED" },
    ]) {
      expect({ d, matches: matchesPattern(pattern, event(d)) }).toEqual({ d, matches: true });
    }
    for (const d of [{ status: "COMPLETED" }, { status: "RUNNING" }, { status: "COMPLETED", validationStatus: "SUCCESSFUL", deletionStatus: "SUCCESSFUL" }]) {
      expect({ d, matches: matchesPattern(pattern, event(d)) }).toEqual({ d, matches: false });
    }
    // Another plan's tests, an operator's restore (no plan) and a backup job are not this rule's.
    expect(matchesPattern(pattern, event({ status: "FAILED", restoreTestingPlanArn: "arn:aws:backup:other" }))).toBe(false);
    expect(matchesPattern(pattern, { source: "aws.backup", "detail-type": "Restore Job State Change", detail: { status: "FAILED" } })).toBe(false);
    expect(matchesPattern(pattern, event({ state: "FAILED" }, "Backup Job State Change"))).toBe(false);
  });

  test("no topic, no rule; the plan and selections stay", () => {
    const quiet = synth({}, false);
    expect(resourcesOf(quiet, "aws_cloudwatch_event_rule")).toEqual({});
    expect(Object.keys(resourcesOf(quiet, "aws_backup_restore_testing_selection"))).toHaveLength(2);
  });

  test("without restoreTesting, no plan", () => {
    const none = synthWith((stack) => {
      new Backup(stack, "backup", { context: testContext({ environment: FIXTURE.name }), retentionDays: FIXTURE.backup.retentionDays });
    });
    expect(resourcesOf(none, "aws_backup_restore_testing_plan")).toEqual({});
    expect(resourcesOf(none, "aws_backup_restore_testing_selection")).toEqual({});
  });
});

describe("direct misuse throws with AWS Backup's limits", () => {
  test.each([
    ["startWindowHours", 0, "startWindowHours 0 outside 1-168"],
    ["startWindowHours", 169, "startWindowHours 169 outside 1-168"],
    ["selectionWindowDays", 366, "selectionWindowDays 366 outside 1-365"],
    ["validationWindowHours", -1, "validationWindowHours -1 outside 0-168"],
    ["validationWindowHours", 2.5, "validationWindowHours 2.5 outside 0-168"],
  ] as const)("%s %p", (field, value, message) => {
    expect(() => synth({ [field]: value })).toThrow(`RestoreTesting: ${message}`);
  });

  test("a database without security groups would land in the VPC's default group", () => {
    expect(() => synth({ database: { subnetGroupName: SUBNET_GROUP, securityGroupIds: [] } })).toThrow(/securityGroupIds is empty/);
  });
});
