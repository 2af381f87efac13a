import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { resolveEnvironment } from "../../environments/config";
import type { EnvironmentConfig } from "../../environments/types";
import { PostgresDatabase, ServiceDatabases, ServiceDatabasesProps, checkWindows, databaseName, databaseUser } from "../../modules/rds";
import { DATABASE_SERVICES } from "../../variables/services";
import { Json, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { testContextWithDataKeys } from "../fixtures/context";
import { DATABASE_NETWORK, databasesPropsFor } from "../fixtures/databases";
import { FIXTURE } from "../fixtures/environment";

const KEYS = {
  database: "${aws_kms_key.keys_database_key.arn}",
  secrets: "${aws_kms_key.keys_secrets_key.arn}",
  logs: "${aws_kms_key.keys_logs_key.arn}",
};
const { dbSubnetGroupName: SUBNET_GROUP, securityGroupIds: SGS, subnetIds: SUBNETS } = DATABASE_NETWORK;
/** Synthesizes the module for `cfg`; `change` adjusts the props, `extra` adds consumers (grants). */
function synth(
  cfg: EnvironmentConfig,
  change: (p: ServiceDatabasesProps) => ServiceDatabasesProps = (p) => p,
  extra?: (rds: ServiceDatabases, stack: Construct) => void,
): Json {
  const env = resolveEnvironment(cfg);
  return synthWith((stack) => {
    const context = testContextWithDataKeys(stack, { environment: env.name, namePrefix: `authorworks-${env.name}`, logRetentionDays: env.logRetentionDays });
    const rds = new ServiceDatabases(stack, "rds", change(databasesPropsFor(env, context)));
    extra?.(rds, stack);
  });
}

const instance = (json: Json, service: string): Json => resource(json, "aws_db_instance", `rds_${service}_instance`);

/**
 * The synthetic environment (__tests__/fixtures/environment.ts): PostgreSQL 16 on
 * db.m7g.large, 33-333 GB, backups 23 d, monitoring every 10 s, Performance Insights 93 d,
 * logs 545 d, a proxy pooling 67%, and an override for editor (db.r7g.xlarge, 44-444 GB):
 * values no real environment has and distinct from each other, so a prop ignored, replaced
 * by a constant or wired to another prop fails. Its prefix is `authorworks-staging`.
 */
const fixtureJson = synth(FIXTURE);
const DB = FIXTURE.database;
const EDITOR = DB.overrides![0];
/** The fixture with one boolean flipped: multi-AZ off; the proxy off. */
const singleAz = synth(FIXTURE, (p) => ({ ...p, multiAz: false }));
const noProxy = synth(FIXTURE, (p) => ({ ...p, proxy: { ...p.proxy, enabled: false } }));

describe("instances per service", () => {
  test("one instance per database service of the catalogue, named authorworks-<env>-<service>", () => {
    const instances = resourcesOf(fixtureJson, "aws_db_instance");
    expect(Object.keys(instances)).toHaveLength(DATABASE_SERVICES.length);
    expect(
      Object.values(instances)
        .map((i) => i.identifier)
        .sort(),
    ).toEqual(DATABASE_SERVICES.map((s) => `authorworks-staging-${s.name}`).sort());
    expect(instance(fixtureJson, "content").db_name).toBe("content_db");
    // "user" is a reserved word in PostgreSQL; the suffix keeps every name valid.
    expect(instance(fixtureJson, "user").db_name).toBe("user_db");
  });

  test("engine: PostgreSQL major from the config, minors automatic, no major upgrades, rsa2048 CA", () => {
    const i = instance(fixtureJson, "content");
    expect(i).toMatchObject({
      engine: "postgres",
      engine_version: "16",
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
      ca_cert_identifier: "rds-ca-rsa2048-g1",
      port: 5432,
    });
  });

  test("storage: gp3, encrypted with the database key, autoscaling to the env's ceiling (editor: its override's)", () => {
    for (const s of DATABASE_SERVICES) {
      const [allocated, max] = s.name === "editor" ? [44, 444] : [33, 333];
      expect(instance(fixtureJson, s.name)).toMatchObject({
        storage_type: "gp3",
        storage_encrypted: true,
        kms_key_id: KEYS.database,
        allocated_storage: allocated,
        max_allocated_storage: max,
      });
    }
    expect([EDITOR.allocatedStorageGb, EDITOR.maxAllocatedStorageGb, DB.allocatedStorageGb, DB.maxAllocatedStorageGb]).toEqual([44, 444, 33, 333]);
  });

  test("network: the vpc module's subnet group and db-tier security group, never public", () => {
    const i = instance(fixtureJson, "user");
    expect(i.db_subnet_group_name).toBe(SUBNET_GROUP);
    expect(i.vpc_security_group_ids).toEqual(SGS);
    expect(i.publicly_accessible).toBe(false);
  });

  test("a per-service override changes only that service, and only the fields it names", () => {
    const json = synth({
      ...FIXTURE,
      database: { ...DB, overrides: [...DB.overrides!, { service: "content", instanceClass: "db.r6g.xlarge", maxAllocatedStorageGb: 2000 }] },
    });
    expect(instance(json, "content")).toMatchObject({ instance_class: "db.r6g.xlarge", allocated_storage: 33, max_allocated_storage: 2000 });
    expect(instance(json, "editor")).toMatchObject({ instance_class: "db.r7g.xlarge", allocated_storage: 44, max_allocated_storage: 444 });
    expect(instance(json, "user")).toMatchObject({ instance_class: "db.m7g.large", allocated_storage: 33, max_allocated_storage: 333 });
  });
});

describe("props per instance", () => {
  // The fixture's numbers are distinct from each other and from every real environment's
  // (backups 7/30/35, monitoring 60/30/15, PI 7/31), so each must come from its own prop.
  test("class (editor: its override), multi_az, backups 23 d, monitoring 10 s, PI 93 d on every instance", () => {
    for (const s of DATABASE_SERVICES) {
      expect(instance(fixtureJson, s.name)).toMatchObject({
        instance_class: s.name === "editor" ? "db.r7g.xlarge" : "db.m7g.large",
        multi_az: true,
        backup_retention_period: 23,
        monitoring_interval: 10,
        performance_insights_retention_period: 93,
      });
    }
    expect([DB.instanceClass, DB.multiAz, DB.backupRetentionDays, DB.monitoringIntervalSeconds, DB.performanceInsightsRetentionDays]).toEqual([
      "db.m7g.large",
      true,
      23,
      10,
      93,
    ]);
  });

  test("multi_az off alone: the other settings stay", () => {
    for (const s of DATABASE_SERVICES) {
      expect(instance(singleAz, s.name)).toMatchObject({
        multi_az: false,
        backup_retention_period: 23,
        monitoring_interval: 10,
        performance_insights_retention_period: 93,
      });
    }
  });

  // Each prop differs from the others in both rows, so a prop wired to another's attribute fails.
  test.each([
    { deletionProtection: true, finalSnapshot: false, applyImmediately: true },
    { deletionProtection: false, finalSnapshot: true, applyImmediately: false },
  ])("deletion protection, final snapshot and apply timing follow their own props: %p", (p) => {
    const json = synth(FIXTURE, (props) => ({ ...props, ...p }));
    for (const svc of DATABASE_SERVICES) {
      const i = instance(json, svc.name);
      expect(i).toMatchObject({
        deletion_protection: p.deletionProtection,
        skip_final_snapshot: !p.finalSnapshot,
        delete_automated_backups: !p.finalSnapshot,
        apply_immediately: p.applyImmediately,
        copy_tags_to_snapshot: true,
      });
      expect(i.final_snapshot_identifier).toBe(p.finalSnapshot ? `authorworks-staging-${svc.name}-final` : undefined);
    }
  });
});

/** Every string leaf of `value` with the key it sits under. */
function leaves(value: unknown, key = ""): [string, string][] {
  if (typeof value === "string") return [[key, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, Array.isArray(value) ? key : k));
}

describe("credentials and authentication", () => {
  const PASSWORD = (svc: string) => `ephemeral.random_password.rds_${svc}_master_password.result`;

  test("the instance takes its master password write-only from its own ephemeral password, versioned by the environment; IAM auth is on", () => {
    for (const s of DATABASE_SERVICES) {
      const i = instance(fixtureJson, s.name);
      expect(i).toMatchObject({
        password_wo: `\${${PASSWORD(s.name)}}`,
        password_wo_version: 59,
        iam_database_authentication_enabled: true,
        username: "dbadmin",
      });
      // Not RDS-managed: RDS makes no read replica of an instance whose password it manages.
      expect(i.manage_master_user_password).toBeUndefined();
      expect(i.master_user_secret_kms_key_id).toBeUndefined();
      expect(fixtureJson.ephemeral.random_password[`rds_${s.name}_master_password`]).toEqual({ length: 40, special: false });
    }
    expect(DB.masterPasswordVersion).toBe(59);
  });

  test("the master secret: outside the environment's prefix, secrets key, the durability's recovery window (13 d), no replica unless asked", () => {
    const secret = resource(fixtureJson, "aws_secretsmanager_secret", "rds_content_master_secret");
    expect(secret).toMatchObject({
      name: "authorworks-staging-content/master",
      kms_key_id: KEYS.secrets,
      recovery_window_in_days: 13,
      tags: { Name: "authorworks-staging-content/master", Service: "content" },
    });
    expect(secret.name.startsWith("authorworks-staging/")).toBe(false);
    expect(secret.replica).toBeUndefined();
    expect(Object.keys(resourcesOf(fixtureJson, "aws_secretsmanager_secret"))).toHaveLength(DATABASE_SERVICES.length);
  });

  test("the secret's value: write-only JSON of the SAME ephemeral password with user, engine, host, port and database, same version as the instance, replaced with it", () => {
    const version = resource(fixtureJson, "aws_secretsmanager_secret_version", "rds_content_master_secret_value");
    expect(version).toEqual({
      secret_id: "${aws_secretsmanager_secret.rds_content_master_secret.id}",
      secret_string_wo:
        '${jsonencode({"username" = "dbadmin", "password" = ephemeral.random_password.rds_content_master_password.result, "engine" = "postgres", "host" = aws_db_instance.rds_content_instance.address, "port" = 5432, "dbname" = "content_db"})}',
      secret_string_wo_version: 59,
      // Our label keeps it from being deleted once rotations have moved AWSCURRENT and AWSPREVIOUS on.
      version_stages: ["AWSCURRENT", "TERRAFORM"],
      lifecycle: {
        // Replaced with the instance (same apply, same ephemeral password), not on its in-place updates.
        replace_triggered_by: ["aws_db_instance.rds_content_instance.id"],
        // A rotation's AWSCURRENT is never moved back to it.
        ignore_changes: ["version_stages"],
      },
    });
    expect(version.secret_string_wo).toContain(PASSWORD("content"));
    expect(instance(fixtureJson, "content").password_wo).toContain(PASSWORD("content"));
  });

  test("raising masterPasswordVersion moves the instance and the secret together (a rotation); nothing else changes", () => {
    const bumped = synth({ ...FIXTURE, database: { ...DB, masterPasswordVersion: 60 } });
    for (const s of DATABASE_SERVICES) {
      expect(instance(bumped, s.name).password_wo_version).toBe(60);
      expect(resource(bumped, "aws_secretsmanager_secret_version", `rds_${s.name}_master_secret_value`).secret_string_wo_version).toBe(60);
    }
    const strip = (j: Json) => JSON.stringify(j).replace(/"(password_wo_version|secret_string_wo_version)":\d+/g, "");
    expect(strip(bumped)).toBe(strip(fixtureJson));
  });

  test("masterSecretReplica: every master secret gets a replica there, encrypted with the given key", () => {
    const json = synth(FIXTURE, (p) => ({
      ...p,
      masterSecretReplica: { region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/dr-secrets" },
    }));
    for (const s of DATABASE_SERVICES) {
      expect(resource(json, "aws_secretsmanager_secret", `rds_${s.name}_master_secret`).replica).toEqual([
        { region: "us-west-2", kms_key_id: "arn:aws:kms:us-west-2:123456789012:key/dr-secrets" },
      ]);
    }
  });

  test.each([
    ["with the proxy", fixtureJson],
    ["without the proxy", noProxy],
  ])("%s: the password is only ever in write-only arguments; no password value, resource or readable attribute", (_, json) => {
    const text = JSON.stringify(json);
    const ephemeralUses = leaves(json.resource).filter(([, v]) => v.includes("ephemeral."));
    expect(ephemeralUses.length).toBe(2 * DATABASE_SERVICES.length);
    for (const [key] of ephemeralUses) expect(["password_wo", "secret_string_wo"]).toContain(key);
    expect(text).not.toMatch(/"(master_)?password":|"secret_string":|"manage_master_user_password":/);
    expect(resourcesOf(json, "random_password")).toEqual({});
    expect(json.output).toBeUndefined();
  });
});

describe("parameter group", () => {
  const params = (json: Json, service = "content"): Record<string, Json> =>
    Object.fromEntries(resource(json, "aws_db_parameter_group", `rds_${service}_parameters`).parameter.map((p: Json) => [p.name, p]));

  test("family follows the major version and the instance uses the group", () => {
    const pg = resource(fixtureJson, "aws_db_parameter_group", "rds_content_parameters");
    expect(pg).toMatchObject({ family: "postgres16", name: "authorworks-staging-content-postgres16", lifecycle: { create_before_destroy: true } });
    expect(instance(fixtureJson, "content").parameter_group_name).toBe("${aws_db_parameter_group.rds_content_parameters.name}");
    const pg17 = resource(synth({ ...FIXTURE, database: { ...DB, engineVersion: "17" } }), "aws_db_parameter_group", "rds_content_parameters");
    expect(pg17).toMatchObject({ family: "postgres17", name: "authorworks-staging-content-postgres17" });
  });

  test("forces TLS and sets the logging parameters; static ones wait for a reboot", () => {
    const p = params(fixtureJson);
    expect(p["rds.force_ssl"]).toEqual({ name: "rds.force_ssl", value: "1", apply_method: "immediate" });
    expect(p.log_min_duration_statement.value).toBe("1000");
    for (const name of ["log_connections", "log_disconnections", "log_lock_waits"]) expect(p[name].value).toBe("1");
    expect(p.log_temp_files.value).toBe("10240");
    expect(p.shared_preload_libraries).toEqual({ name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" });
  });

  test("props tune the threshold and add or replace parameters by name", () => {
    const json = synth(FIXTURE, (p) => ({
      ...p,
      slowStatementMs: 250,
      parameters: [
        { name: "log_temp_files", value: "0" },
        { name: "idle_in_transaction_session_timeout", value: "600000" },
      ],
    }));
    const p = params(json, "editor");
    expect(p.log_min_duration_statement.value).toBe("250");
    expect(p.log_temp_files.value).toBe("0");
    expect(p.idle_in_transaction_session_timeout.value).toBe("600000");
    expect(Object.values(p).filter((x) => x.name === "log_temp_files")).toHaveLength(1);
  });
});

describe("monitoring and logs", () => {
  test("Enhanced Monitoring role: assumed by monitoring.rds.amazonaws.com, AWS managed policy, instances wait for it", () => {
    const role = resource(fixtureJson, "aws_iam_role", "rds_monitoring_role_role");
    expect(role.name).toBe("authorworks-staging-rds-monitoring");
    const trust = statements(fixtureJson, "rds_monitoring_role_trust");
    expect(trust).toEqual([
      expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }] }),
    ]);
    expect(resource(fixtureJson, "aws_iam_role_policy_attachment", "rds_monitoring_policy")).toEqual({
      role: "${aws_iam_role.rds_monitoring_role_role.name}",
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    const i = instance(fixtureJson, "editor");
    expect(i.monitoring_role_arn).toBe("${aws_iam_role.rds_monitoring_role_role.arn}");
    expect(i.depends_on).toContain("aws_iam_role_policy_attachment.rds_monitoring_policy");
  });

  test("monitoring interval 0: no role, no role ARN on the instances", () => {
    const json = synth(FIXTURE, (p) => ({ ...p, monitoringIntervalSeconds: 0 }));
    expect(resourcesOf(json, "aws_iam_role").rds_monitoring_role_role).toBeUndefined();
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
    expect(instance(json, "content").monitoring_interval).toBe(0);
    expect(instance(json, "content").monitoring_role_arn).toBeUndefined();
  });

  test("Performance Insights on, encrypted with the database key", () => {
    expect(instance(fixtureJson, "user")).toMatchObject({ performance_insights_enabled: true, performance_insights_kms_key_id: KEYS.database });
  });

  test.each([
    ["with the proxy", fixtureJson, true],
    ["without the proxy", noProxy, false],
  ] as const)("%s: log exports into module-made groups with the given retention (545 d) and the logs key, created first", (_, json, proxy) => {
    const days = FIXTURE.logRetentionDays;
    expect(days).toBe(545);
    const i = instance(json, "content");
    expect(i.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    for (const type of ["postgresql", "upgrade"]) {
      const group = resource(json, "aws_cloudwatch_log_group", `rds_content_${type}_logs`);
      expect(group).toMatchObject({ name: `/aws/rds/instance/authorworks-staging-content/${type}`, retention_in_days: days, kms_key_id: KEYS.logs });
      expect(i.depends_on).toContain(`aws_cloudwatch_log_group.rds_content_${type}_logs`);
    }
    if (!proxy) {
      expect(resourcesOf(json, "aws_cloudwatch_log_group").rds_content_proxy_logs).toBeUndefined();
      return;
    }
    const proxyLogs = resource(json, "aws_cloudwatch_log_group", "rds_content_proxy_logs");
    expect(proxyLogs).toMatchObject({ name: "/aws/rds/proxy/authorworks-staging-content", retention_in_days: days, kms_key_id: KEYS.logs });
    expect(resource(json, "aws_db_proxy", "rds_content_proxy").depends_on).toContain("aws_cloudwatch_log_group.rds_content_proxy_logs");
  });
});

describe("windows", () => {
  test("defaults: daily backup 03:00-04:00, weekly maintenance after it", () => {
    expect(instance(fixtureJson, "content")).toMatchObject({ backup_window: "03:00-04:00", maintenance_window: "sun:04:30-sun:05:30" });
  });

  test("overlapping windows are refused at synth; touching or separate ones pass", () => {
    expect(() => checkWindows("03:00-04:00", "sun:03:30-sun:04:30")).toThrow(/overlaps/);
    expect(() => checkWindows("23:30-00:30", "mon:00:00-mon:01:00")).toThrow(/overlaps/);
    expect(() => checkWindows("03:00-04:00", "sat:23:45-sun:03:15")).toThrow(/overlaps/);
    expect(() => checkWindows("03:00-04:00", "sun:04:00-sun:05:00")).not.toThrow();
    expect(() => checkWindows("22:00-23:00", "wed:01:00-wed:02:00")).not.toThrow();
    expect(() => checkWindows("3:00-4:00", "sun:04:30-sun:05:30")).toThrow(/hh:mm/);
    expect(() => checkWindows("03:00-03:15", "sun:04:30-sun:05:30")).toThrow(/30 minutes/);
    expect(() => synth(FIXTURE, (p) => ({ ...p, maintenanceWindow: "tue:03:00-tue:04:00" }))).toThrow(/overlaps/);
  });
});

describe("RDS Proxy", () => {
  test("one proxy per instance: PostgreSQL, TLS required, end-to-end IAM auth, no secret auth blocks", () => {
    expect(Object.keys(resourcesOf(fixtureJson, "aws_db_proxy"))).toHaveLength(DATABASE_SERVICES.length);
    const proxy = resource(fixtureJson, "aws_db_proxy", "rds_content_proxy");
    expect(proxy).toMatchObject({
      name: "authorworks-staging-content",
      engine_family: "POSTGRESQL",
      require_tls: true,
      default_auth_scheme: "IAM_AUTH",
      role_arn: "${aws_iam_role.rds_content_proxy_role_role.arn}",
      vpc_security_group_ids: SGS,
      vpc_subnet_ids: SUBNETS,
    });
    // The proxy signs in with IAM tokens, not with the master secret (or any secret).
    expect(proxy.auth).toBeUndefined();
    expect(JSON.stringify(proxy)).not.toContain("master_user_secret");
    expect(proxy.depends_on).toEqual(["aws_cloudwatch_log_group.rds_content_proxy_logs"]);
    // IAM tokens to the instance need IAM database authentication on the instance.
    expect(instance(fixtureJson, "content").iam_database_authentication_enabled).toBe(true);
  });

  test("proxy role: assumed by RDS, no secret or KMS access, signs in to its own instance as its service's user only", () => {
    const trust = statements(fixtureJson, "rds_user_proxy_role_trust");
    expect(trust[0].principals).toEqual([{ type: "Service", identifiers: ["rds.amazonaws.com"] }]);
    expect(resource(fixtureJson, "aws_iam_role", "rds_user_proxy_role_role").name).toBe("authorworks-staging-user-proxy");
    const services = DATABASE_SERVICES.map((s) => s.name);
    const policies = resourcesOf(fixtureJson, "aws_iam_role_policy");
    expect(Object.keys(policies).sort()).toEqual(services.map((s) => `rds_${s}_proxy_connect_${s}_app`).sort());
    for (const s of services) {
      expect(policies[`rds_${s}_proxy_connect_${s}_app`].role).toBe(`\${aws_iam_role.rds_${s}_proxy_role_role.id}`);
      expect(statements(fixtureJson, `rds_${s}_proxy_connect_${s}_app_document`)).toEqual([
        {
          sid: "ProxySignsInWithIamToken",
          effect: "Allow",
          actions: ["rds-db:connect"],
          resources: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:\${aws_db_instance.rds_${s}_instance.resource_id}/${s}_app`],
        },
      ]);
    }
    const rdsDocs = Object.entries(fixtureJson.data.aws_iam_policy_document as Json).filter(([id]) => id.startsWith("rds_"));
    expect(rdsDocs.map(([id]) => id).filter((id) => id.startsWith("rds_user_"))).toEqual([
      "rds_user_proxy_connect_user_app_document",
      "rds_user_proxy_role_trust",
    ]);
    expect(JSON.stringify(rdsDocs)).not.toMatch(/secretsmanager|kms:/);
  });

  test("default target group pools up to the env's share of max_connections; the target is the instance", () => {
    const json = synth(FIXTURE, (p) => ({ ...p, proxy: { enabled: true, maxConnectionsPercent: 75 } }));
    expect(resource(json, "aws_db_proxy_default_target_group", "rds_editor_proxy_target_group")).toMatchObject({
      db_proxy_name: "${aws_db_proxy.rds_editor_proxy.name}",
      connection_pool_config: { max_connections_percent: 75 },
    });
    expect(resource(json, "aws_db_proxy_target", "rds_editor_proxy_target")).toEqual({
      db_proxy_name: "${aws_db_proxy.rds_editor_proxy.name}",
      target_group_name: "${aws_db_proxy_default_target_group.rds_editor_proxy_target_group.name}",
      db_instance_identifier: "${aws_db_instance.rds_editor_instance.identifier}",
    });
    expect(resource(fixtureJson, "aws_db_proxy_default_target_group", "rds_editor_proxy_target_group").connection_pool_config.max_connections_percent).toBe(
      DB.proxy.maxConnectionsPercent,
    );
    expect(DB.proxy.maxConnectionsPercent).toBe(67);
  });

  test("proxy disabled: no proxy, role, secret policy, target or proxy log group", () => {
    const json = noProxy;
    for (const type of ["aws_db_proxy", "aws_db_proxy_default_target_group", "aws_db_proxy_target", "aws_iam_role_policy"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
    expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toEqual(["rds_monitoring_role_role"]);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_group")).filter((k) => k.includes("proxy"))).toEqual([]);
  });
});

describe("outputs and grantConnect", () => {
  test("outputs are references to the instance and proxy", () => {
    const names = ["address", "endpoint", "port", "arn", "resourceId", "masterUserSecretArn", "proxyEndpoint"] as const;
    let plain: Record<string, unknown> = {};
    const json = synth(FIXTURE, undefined, (rds, stack) => {
      const c = rds.instances.content;
      for (const n of names) new TerraformOutput(stack, n, { value: c[n] });
      plain = { identifier: c.identifier, databaseName: c.databaseName, services: Object.keys(rds.instances).sort() };
    });
    const out = Object.fromEntries(names.map((n) => [n, json.output[n].value]));
    expect(out).toEqual({
      address: "${aws_db_instance.rds_content_instance.address}",
      endpoint: "${aws_db_instance.rds_content_instance.endpoint}",
      port: "${aws_db_instance.rds_content_instance.port}",
      arn: "${aws_db_instance.rds_content_instance.arn}",
      resourceId: "${aws_db_instance.rds_content_instance.resource_id}",
      masterUserSecretArn: "${aws_secretsmanager_secret.rds_content_master_secret.arn}",
      proxyEndpoint: "${aws_db_proxy.rds_content_proxy.endpoint}",
    });
    expect(plain).toEqual({
      identifier: "authorworks-staging-content",
      databaseName: databaseName("content"),
      services: DATABASE_SERVICES.map((s) => s.name).sort(),
    });
  });

  test("proxy disabled: proxyEndpoint is undefined", () => {
    let endpoint: string | undefined = "unset";
    synth(
      FIXTURE,
      (p) => ({ ...p, proxy: { ...p.proxy, enabled: false } }),
      (rds) => {
        endpoint = rds.instances.content.proxyEndpoint;
      },
    );
    expect(endpoint).toBeUndefined();
  });

  const withGrants = (cfg: EnvironmentConfig, proxy: boolean, grant: (rds: ServiceDatabases, role: IamRole, stack: Construct) => void): Json =>
    synth(
      cfg,
      (p) => ({ ...p, proxy: { ...p.proxy, enabled: proxy } }),
      (rds, stack) => grant(rds, new IamRole(stack, "app-role", { name: "content-app", assumeRolePolicy: "{}" }), stack),
    );
  const withGrant = (cfg: EnvironmentConfig, proxy: boolean): Json =>
    withGrants(cfg, proxy, (rds, role) => rds.instances.content.grantConnect(role, "content_app"));
  const PROXY_USER = 'arn:aws:rds-db:us-east-1:123456789012:dbuser:${element(split(":", aws_db_proxy.rds_content_proxy.arn), 6)}/content_app';
  const INSTANCE_USER = "arn:aws:rds-db:us-east-1:123456789012:dbuser:${aws_db_instance.rds_content_instance.resource_id}/content_app";

  test("through the proxy: the app role may connect as exactly that user on the proxy's prx- id", () => {
    const json = withGrant(FIXTURE, true);
    expect(resource(json, "aws_iam_role_policy", "rds_content_connect_content_app")).toEqual({
      name: "authorworks-staging-content-connect-content_app",
      role: "${aws_iam_role.app_role.name}",
      policy: "${data.aws_iam_policy_document.rds_content_connect_content_app_document.json}",
    });
    expect(statements(json, "rds_content_connect_content_app_document")).toEqual([
      { sid: "ConnectWithIamToken", effect: "Allow", actions: ["rds-db:connect"], resources: [PROXY_USER] },
    ]);
  });

  test("through the proxy: the proxy role may sign in to its instance as exactly that user", () => {
    const json = withGrant(FIXTURE, true);
    expect(resource(json, "aws_iam_role_policy", "rds_content_proxy_connect_content_app")).toEqual({
      name: "authorworks-staging-content-proxy-connect-content_app",
      role: "${aws_iam_role.rds_content_proxy_role_role.id}",
      policy: "${data.aws_iam_policy_document.rds_content_proxy_connect_content_app_document.json}",
    });
    expect(statements(json, "rds_content_proxy_connect_content_app_document")).toEqual([
      { sid: "ProxySignsInWithIamToken", effect: "Allow", actions: ["rds-db:connect"], resources: [INSTANCE_USER] },
    ]);
    // The grant adds the client policy only: the proxy already signs in as the service's own user.
    expect(
      Object.keys(resourcesOf(json, "aws_iam_role_policy"))
        .filter((id) => id.startsWith("rds_content_"))
        .sort(),
    ).toEqual(["rds_content_connect_content_app", "rds_content_proxy_connect_content_app"]);
  });

  test("through the proxy: one proxy policy per user, however many roles are granted it", () => {
    const json = withGrants(FIXTURE, true, (rds, role, stack) => {
      const c = rds.instances.content;
      c.grantConnect(role, "content_app");
      c.grantConnect(new IamRole(stack, "worker-role", { name: "content-worker", assumeRolePolicy: "{}" }), "content_app", "connect-content_app-worker");
      c.grantConnect(role, "content_reader");
    });
    const policies = resourcesOf(json, "aws_iam_role_policy");
    const proxyPolicies = Object.entries(policies).filter(([, p]) => p.role === "${aws_iam_role.rds_content_proxy_role_role.id}");
    expect(proxyPolicies.map(([id]) => id).sort()).toEqual(["rds_content_proxy_connect_content_app", "rds_content_proxy_connect_content_reader"]);
    expect(statements(json, "rds_content_proxy_connect_content_reader_document")[0].resources).toEqual([
      INSTANCE_USER.replace("content_app", "content_reader"),
    ]);
    expect(policies.rds_content_connect_content_app_worker.role).toBe("${aws_iam_role.worker_role.name}");
    expect(statements(json, "rds_content_connect_content_app_worker_document")[0].resources).toEqual([PROXY_USER]);
  });

  test("connectArn (policies built elsewhere) is the proxy user ARN and also lets the proxy sign in as the user", () => {
    const json = withGrants(FIXTURE, true, (rds, _role, stack) => {
      new TerraformOutput(stack, "arn", { value: rds.instances.content.connectArn("content_app") });
    });
    expect(json.output.arn.value).toBe(PROXY_USER);
    expect(statements(json, "rds_content_proxy_connect_content_app_document")[0].resources).toEqual([INSTANCE_USER]);
    const worker = withGrants(FIXTURE, true, (rds, _role, stack) => {
      new TerraformOutput(stack, "arn", { value: rds.instances.content.connectArn("content_worker") });
    });
    expect(statements(worker, "rds_content_proxy_connect_content_worker_document")[0].resources).toEqual([
      INSTANCE_USER.replace("content_app", "content_worker"),
    ]);
    expect(Object.keys(resourcesOf(worker, "aws_iam_role_policy")).filter((id) => id.startsWith("rds_content_"))).toEqual([
      "rds_content_proxy_connect_content_app",
      "rds_content_proxy_connect_content_worker",
    ]);
  });

  test("without a proxy: rds-db:connect on the instance's resource id, and no proxy policies", () => {
    const json = withGrant(FIXTURE, false);
    expect(statements(json, "rds_content_connect_content_app_document")[0].resources).toEqual([INSTANCE_USER]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["rds_content_connect_content_app"]);
    let policy: unknown = "unset";
    withGrants(FIXTURE, false, (rds) => {
      policy = rds.instances.content.allowProxyUser("content_app");
    });
    expect(policy).toBeUndefined();
  });

  test.each([
    ["a wildcard", "*", /not a PostgreSQL role name/],
    ["a pattern", "content_*", /not a PostgreSQL role name/],
    ["an upper-case name", "Content", /not a PostgreSQL role name/],
    ["the master user", "dbadmin", /master user/],
  ])("%s user is refused, with or without the proxy, and nothing is created", (_, user, message) => {
    for (const proxy of [true, false]) {
      let before: string[] = [];
      let after: string[] = ["unset"];
      const paths = (stack: Construct) =>
        stack.node
          .findAll()
          .filter((c) => c.node.path.includes("connect"))
          .map((c) => c.node.path);
      expect(() =>
        withGrants(FIXTURE, proxy, (rds, role, stack) => {
          before = paths(stack);
          try {
            rds.instances.user.grantConnect(role, user);
          } finally {
            after = paths(stack);
          }
        }),
      ).toThrow(message);
      expect(after).toEqual(before);
    }
  });
});

describe("input checks", () => {
  test.each([
    ["no security group", (p: ServiceDatabasesProps) => ({ ...p, securityGroupIds: [] }), /securityGroupIds is empty/],
    ["proxy in one subnet", (p: ServiceDatabasesProps) => ({ ...p, proxy: { ...p.proxy, enabled: true }, subnetIds: ["subnet-0a"] }), /two availability zones/],
    ["duplicate service", (p: ServiceDatabasesProps) => ({ ...p, databases: [p.databases[0], p.databases[0]] }), /listed twice/],
    ["bad master user", (p: ServiceDatabasesProps) => ({ ...p, masterUsername: "Admin-1" }), /masterUsername/],
    ["password version 0", (p: ServiceDatabasesProps) => ({ ...p, masterPasswordVersion: 0 }), /masterPasswordVersion 0 must be a whole number of at least 1/],
    ["password version 1.5", (p: ServiceDatabasesProps) => ({ ...p, masterPasswordVersion: 1.5 }), /masterPasswordVersion 1.5/],
    [
      "master secret replica in the databases' region",
      (p: ServiceDatabasesProps) => ({ ...p, masterSecretReplica: { region: "us-east-1", kmsKeyArn: "k" } }),
      /masterSecretReplica: region us-east-1 is the databases' own region/,
    ],
  ])("%s is refused", (_, change, message) => {
    expect(() => synth(FIXTURE, change)).toThrow(message);
  });

  test("one subnet is fine without a proxy (the instance uses the subnet group)", () => {
    expect(() => synth(FIXTURE, (p) => ({ ...p, proxy: { ...p.proxy, enabled: false }, subnetIds: ["subnet-0a"] }))).not.toThrow();
  });
});

describe("IDatabase: a database imported by name grants like its owner", () => {
  const AWS = { accountId: "123456789012", region: "us-east-1" };
  const importContent = (stack: Construct, proxy: boolean) =>
    PostgresDatabase.fromDatabaseAttributes(stack, "imported-content", {
      aws: AWS,
      service: "content",
      identifier: "authorworks-staging-content",
      databaseName: databaseName("content"),
      masterUsername: "dbadmin",
      proxy,
      iamUsers: [databaseUser("content")],
    });
  const appRole = (stack: Construct) => new IamRole(stack, "app-role", { name: "content-app", assumeRolePolicy: "{}" });

  test.each([true, false])("proxy %s: same statement as the owner's, on the looked-up proxy or instance", (proxy) => {
    const owner = synth(
      FIXTURE,
      (p) => ({ ...p, proxy: { ...p.proxy, enabled: proxy } }),
      (rds, stack) => rds.instances.content.grantConnect(appRole(stack), "content_app"),
    );
    const imported = synthWith((stack) => {
      importContent(stack, proxy).grantConnect(appRole(stack), "content_app");
    });
    const ownerDoc = statements(owner, "rds_content_connect_content_app_document");
    const importedDoc = statements(imported, "imported_content_connect_content_app_document");
    // Only the reference differs: the owner's resource, or the import's data source.
    const normalize = (d: Json[]) =>
      JSON.stringify(d)
        .replace(/aws_db_proxy\.rds_content_proxy\.arn/g, "PROXY_ARN")
        .replace(/data\.aws_db_proxy\.imported_content_proxy\.arn/g, "PROXY_ARN")
        .replace(/aws_db_instance\.rds_content_instance\.resource_id/g, "INSTANCE_ID")
        .replace(/data\.aws_db_instance\.imported_content_instance\.resource_id/g, "INSTANCE_ID");
    expect(normalize(importedDoc)).toBe(normalize(ownerDoc));
    expect(JSON.stringify(importedDoc)).toContain(
      proxy ? "data.aws_db_proxy.imported_content_proxy.arn" : "data.aws_db_instance.imported_content_instance.resource_id",
    );
    expect(resource(imported, "aws_iam_role_policy", "imported_content_connect_content_app")).toEqual({
      name: "authorworks-staging-content-connect-content_app",
      role: "${aws_iam_role.app_role.name}",
      policy: "${data.aws_iam_policy_document.imported_content_connect_content_app_document.json}",
    });
  });

  test("the import looks the instance (and proxy) up by identifier, and says where clients connect", () => {
    const json = synthWith((stack) => {
      const withProxy = importContent(stack, true);
      const direct = PostgresDatabase.fromDatabaseAttributes(stack, "imported-user", {
        aws: AWS,
        service: "user",
        identifier: "authorworks-staging-user",
        databaseName: databaseName("user"),
        masterUsername: "dbadmin",
        proxy: false,
      });
      new TerraformOutput(stack, "hosts", { value: [withProxy.clientHost, direct.clientHost, withProxy.masterUserSecretArn] });
    });
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
    const data = json.data as Record<string, Record<string, Json>>;
    expect(data.aws_db_instance).toEqual({
      imported_content_instance: { db_instance_identifier: "authorworks-staging-content" },
      imported_user_instance: { db_instance_identifier: "authorworks-staging-user" },
    });
    expect(data.aws_db_proxy).toEqual({ imported_content_proxy: { name: "authorworks-staging-content" } });
    // The owner's secret by its name (masterSecretName), as the owner named it.
    expect(data.aws_secretsmanager_secret).toEqual({
      imported_content_master_secret: { name: "authorworks-staging-content/master" },
      imported_user_master_secret: { name: "authorworks-staging-user/master" },
    });
    expect(json.output.hosts.value).toEqual([
      "${data.aws_db_proxy.imported_content_proxy.endpoint}",
      "${data.aws_db_instance.imported_user_instance.address}",
      "${data.aws_secretsmanager_secret.imported_content_master_secret.arn}",
    ]);
  });

  test("through an imported proxy, only the owner's iamUsers can be granted (the proxy must sign in as them)", () => {
    expect(() => synthWith((stack) => importContent(stack, true).grantConnect(appRole(stack), "content_reader"))).toThrow(
      'rds: authorworks-staging-content: the proxy signs in only as content_app; add "content_reader" to the database\'s iamUsers in the stack that owns it',
    );
    expect(() => synthWith((stack) => importContent(stack, false).grantConnect(appRole(stack), "content_reader"))).not.toThrow();
    expect(() => synthWith((stack) => importContent(stack, true).grantConnect(appRole(stack), "dbadmin"))).toThrow(/master user/);
  });

  test("databaseUser: <service>_app, - as _", () => {
    expect(databaseUser("content")).toBe("content_app");
    expect(databaseUser("user")).toBe("user_app");
    expect(databaseUser("read-model")).toBe("read_model_app");
  });
});

describe("cross-region read replicas (DatabaseSpec.replica)", () => {
  const SOURCE = (service: string) => `arn:aws:rds:us-east-1:111111111111:db:authorworks-primary-${service}`;
  const REPLICA_KEY = "arn:aws:kms:us-west-2:111111111111:key/replica-key";
  const replicas = (promoted: boolean) => (p: ServiceDatabasesProps) => ({
    ...p,
    proxy: { ...p.proxy, enabled: false },
    instanceTags: { backup: "daily" },
    databases: p.databases.map((d) => ({
      ...d,
      replica: { sourceArn: SOURCE(d.service), kmsKeyArn: REPLICA_KEY, masterSecretName: `authorworks-primary-${d.service}/master`, promoted },
    })),
  });
  const following = synth(FIXTURE, replicas(false));
  const promoted = synth(FIXTURE, replicas(true));

  test("a following replica names its source by ARN, is encrypted with the key given for its region, in the subnet group and groups given", () => {
    for (const d of DATABASE_SERVICES) {
      expect(instance(following, d.name)).toMatchObject({
        identifier: `authorworks-${FIXTURE.name}-${d.name}`,
        replicate_source_db: SOURCE(d.name),
        kms_key_id: REPLICA_KEY,
        storage_encrypted: true,
        db_subnet_group_name: SUBNET_GROUP,
        vpc_security_group_ids: SGS,
      });
    }
  });

  test("it sets nothing the source owns or a replica refuses: no user, database name, password management, backups, final snapshot or backup tag", () => {
    const i = instance(following, "content");
    for (const attr of [
      "username",
      "db_name",
      "password_wo",
      "password_wo_version",
      "manage_master_user_password",
      "master_user_secret_kms_key_id",
      "final_snapshot_identifier",
      "restore_to_point_in_time",
    ]) {
      expect([attr, i[attr]]).toEqual([attr, undefined]);
    }
    expect(i).toMatchObject({ backup_retention_period: 0, skip_final_snapshot: true });
    expect(i.tags).toEqual({ Name: `authorworks-${FIXTURE.name}-content`, Service: "content" });
    expect(Object.keys(resourcesOf(following, "aws_db_proxy"))).toEqual([]);
  });

  test("a replica, following or promoted, has no master secret nor password of its own: its masterUserSecretArn is its source's secret, replicated to its region, looked up by name", () => {
    for (const json of [following, promoted]) {
      expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual({});
      expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual({});
      expect(json.ephemeral).toBeUndefined();
      for (const d of DATABASE_SERVICES) {
        expect(dataOf(json, "aws_secretsmanager_secret")[`rds_${d.name}_source_master_secret`]).toEqual({ name: `authorworks-primary-${d.name}/master` });
      }
    }
  });

  test("promoted: no replicate_source_db (the provider promotes), the same key, its own backups and backup tag; user, database name and password stay unset (the first two force a new instance; the password stays the source's)", () => {
    const i = instance(promoted, "content");
    expect(i.replicate_source_db).toBeUndefined();
    expect(i).toMatchObject({
      kms_key_id: REPLICA_KEY,
      backup_retention_period: FIXTURE.database.backupRetentionDays,
      tags: { backup: "daily" },
    });
    expect([i.username, i.db_name, i.password_wo, i.password_wo_version, i.manage_master_user_password]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(i.skip_final_snapshot).toBe(!FIXTURE.durability.finalSnapshots);
  });

  test("replicas, following or promoted, and restored instances wait 100 minutes to create or update (seeding, promotion, replay); an instance of its own keeps the provider's defaults", () => {
    const restored = synth(FIXTURE, (p) => ({
      ...p,
      databases: p.databases.map((d) => ({
        ...d,
        restore: { automatedBackupsArn: `arn:aws:rds:us-west-2:111111111111:auto-backup:ab-${d.service}`, kmsKeyArn: REPLICA_KEY },
      })),
    }));
    for (const json of [following, promoted, restored]) {
      for (const d of DATABASE_SERVICES) expect(instance(json, d.name).timeouts).toEqual({ create: "100m", update: "100m" });
    }
    expect(instance(synth(FIXTURE), "content").timeouts).toBeUndefined();
  });

  test("a database both restored and a replica is refused", () => {
    expect(() =>
      synth(FIXTURE, (p) => ({
        ...p,
        databases: [
          {
            ...p.databases[0],
            replica: { sourceArn: SOURCE("x"), kmsKeyArn: REPLICA_KEY, masterSecretName: "authorworks-primary-x/master", promoted: false },
            restore: { automatedBackupsArn: "arn:aws:rds:us-west-2:111111111111:auto-backup:ab-x", kmsKeyArn: REPLICA_KEY },
          },
        ],
      })),
    ).toThrow(/restore and replica are exclusive/);
  });
});
