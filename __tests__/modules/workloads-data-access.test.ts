import { createHash } from "node:crypto";
/**
 * What the services reach (issue 13): their database as their own user, their secrets
 * through External Secrets, the database user Jobs. Fixture catalogue and names: a prop
 * ignored or wired to the wrong service fails.
 */
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformOutput } from "cdktf";
import { PostgresDatabase, databaseName, databaseUser } from "../../modules/rds";
import { DATABASE_USER_SQL, DATABASE_USER_SQL_SHA256, ServiceWorkloads, ServiceWorkloadsProps, serviceSecretMappings } from "../../modules/workloads";
import type { SecretDefinition } from "../../variables/secrets";
import type { ServiceDefinition } from "../../variables/services";
import { POSTGRES_CLIENT_IMAGE } from "../../variables/charts";
import { Json, TEST_AWS, resource, resourcesOf, statements, synthWith, valuesOf } from "../helpers";
import { FIXTURE } from "../fixtures/environment";

const svc = (name: string, o: Partial<ServiceDefinition> = {}): ServiceDefinition => ({
  name,
  workload: `aw-${name}`,
  description: name,
  ownsDatabase: false,
  usesCache: false,
  buckets: [],
  port: 8181,
  ...o,
});
/** Two services with a database (one also with a cache), one with only a secret, one with nothing. */
const CATALOGUE = [svc("ledger", { ownsDatabase: true, usesCache: true }), svc("atlas", { ownsDatabase: true }), svc("front"), svc("quiet")];
const SECRETS: SecretDefinition[] = [
  { path: "vendor/token", owner: "front", description: "d", format: { kind: "string" }, rotation: "r" },
  {
    path: "ledger/keys",
    owner: "ledger",
    readers: ["front"],
    readerKeys: ["pub"],
    description: "d",
    format: { kind: "json", keys: ["priv", "pub"] },
    rotation: "r",
  },
];
const PREFIX = "authorworks-staging";
const ESO_ROLE = "arn:aws:iam::123456789012:role/authorworks-staging-external-secrets";
const SECRETS_KEY = "arn:aws:kms:us-east-1:123456789012:key/secrets";

function synth(overrides: (stack: import("constructs").Construct) => Partial<ServiceWorkloadsProps> = () => ({}), progressive = true): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
    new HelmProvider(stack, "helm", {});
    const db = (service: string, proxy: boolean) =>
      PostgresDatabase.fromDatabaseAttributes(stack, `db-${service}`, {
        aws: TEST_AWS,
        service,
        identifier: `${PREFIX}-${service}`,
        databaseName: databaseName(service),
        masterUsername: "dbadmin",
        proxy,
        iamUsers: [databaseUser(service)],
      });
    const w = new ServiceWorkloads(stack, "workloads", {
      environment: "staging",
      aws: TEST_AWS,
      clusterName: "authorworks-staging",
      namespace: "authorworks",
      services: CATALOGUE,
      sizing: FIXTURE.workloads,
      buckets: {},
      ingress: {
        service: "front",
        host: "api.example.test",
        wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/y",
        securityGroupIds: ["sg-1"],
      },
      databases: { ledger: db("ledger", true), atlas: db("atlas", false) },
      secrets: {
        namePrefix: PREFIX,
        cacheSecretName: `${PREFIX}/cache/auth-token`,
        storeName: "app-store",
        refreshInterval: "17m",
        controllerRoleArn: ESO_ROLE,
        kmsKeyArn: SECRETS_KEY,
        dependsOn: [],
        definitions: SECRETS,
      },
      progressiveDelivery: progressive,
      ...overrides(stack),
    });
    new TerraformOutput(stack, "jobs", { value: Object.keys(w.databaseUsers?.jobs ?? {}) });
  });
}

const json = synth();
const connectDocs = (j: Json) =>
  Object.entries((j.data as Record<string, Record<string, Json>>).aws_iam_policy_document).filter(([, d]) => JSON.stringify(d).includes("rds-db:connect"));

const role = (j: Json, service: string) => resource(j, "aws_iam_role", `workloads_${service}_pod_identity_role`);
const deployment = (j: Json, service: string) => resource(j, "kubernetes_deployment_v1", `workloads_${service}_deployment`);
const container = (j: Json, service: string) => deployment(j, service).spec.template.spec.container[0];
const externalSecrets = (j: Json): Json[] => valuesOf(j, "workloads_external_secrets").resources;
const LEDGER_USER = 'arn:aws:rds-db:us-east-1:123456789012:dbuser:${element(split(":", data.aws_db_proxy.db_ledger_proxy.arn), 6)}/ledger_app';
const ATLAS_USER = "arn:aws:rds-db:us-east-1:123456789012:dbuser:${data.aws_db_instance.db_atlas_instance.resource_id}/atlas_app";

describe("database access: each service signs in as its own user, nowhere else", () => {
  test("exactly one rds-db:connect grant per database service: its own user, at its proxy (ledger) or instance (atlas)", () => {
    const docs = Object.fromEntries(connectDocs(json).map(([id, d]) => [id, d.statement]));
    expect(docs).toEqual({
      db_ledger_connect_ledger_document: [{ sid: "ConnectWithIamToken", effect: "Allow", actions: ["rds-db:connect"], resources: [LEDGER_USER] }],
      db_atlas_connect_atlas_document: [{ sid: "ConnectWithIamToken", effect: "Allow", actions: ["rds-db:connect"], resources: [ATLAS_USER] }],
    });
    const policies = resourcesOf(json, "aws_iam_role_policy");
    expect(policies.db_ledger_connect_ledger.role).toBe("${aws_iam_role.workloads_ledger_pod_identity_role.name}");
    expect(policies.db_atlas_connect_atlas.role).toBe("${aws_iam_role.workloads_atlas_pod_identity_role.name}");
  });

  test("services without a database or bucket get no AWS role; database services do, bound to their own service account", () => {
    const roles = Object.keys(resourcesOf(json, "aws_iam_role")).filter((id) => id.includes("pod_identity"));
    expect(roles.sort()).toEqual(["workloads_atlas_pod_identity_role", "workloads_ledger_pod_identity_role"]);
    expect(role(json, "ledger").name).toBe("authorworks-staging-pod-ledger");
    expect(resource(json, "aws_eks_pod_identity_association", "workloads_ledger_pod_identity_association")).toMatchObject({
      namespace: "authorworks",
      service_account: "${kubernetes_service_account_v1.workloads_ledger_service_account.metadata[0].name}",
    });
  });

  test("connection settings: libpq variables with the service's own user and database, TLS verify-full with the RDS CA bundle", () => {
    expect(resource(json, "kubernetes_config_map_v1", "workloads_ledger_connection_settings").data).toEqual({
      PGHOST: "${data.aws_db_proxy.db_ledger_proxy.endpoint}",
      PGPORT: "5432",
      PGDATABASE: "ledger_db",
      PGUSER: "ledger_app",
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "/etc/ssl/certs/rds/ca-bundle.pem",
    });
    expect(resource(json, "kubernetes_config_map_v1", "workloads_atlas_connection_settings").data.PGHOST).toBe(
      "${data.aws_db_instance.db_atlas_instance.address}",
    );
    expect(container(json, "ledger").env_from).toEqual([
      { config_map_ref: { name: "${kubernetes_config_map_v1.workloads_ledger_connection_settings.metadata[0].name}" } },
    ]);
    expect(container(json, "front").env_from).toBeUndefined();
    const bundle = resource(json, "kubernetes_config_map_v1", "workloads_rds_ca_bundle").data["ca-bundle.pem"] as string;
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(8);
  });

  test("a service that owns a database but has none stops synth, naming the environment and the service", () => {
    expect(() => synth(() => ({ databases: {} }))).toThrow(
      'staging: service "ledger" owns a database (variables/services.ts) but none was given; databases: none',
    );
  });
});

describe("secrets in the pods: one ExternalSecret per service with exactly its catalogue secrets", () => {
  test("ExternalSecrets: ledger, front; none for quiet and atlas", () => {
    expect(externalSecrets(json).map((e) => e.metadata.name)).toEqual(["aw-ledger", "aw-front"]);
  });

  test.each(["ledger", "front"])("%s: data = serviceSecretMappings, target <workload>-secrets, the application store, the refresh interval", (name) => {
    const es = externalSecrets(json).find((e) => e.metadata.name === `aw-${name}`)!;
    const expected = serviceSecretMappings(
      CATALOGUE.find((s) => s.name === name)!,
      SECRETS,
      { namePrefix: PREFIX, cacheSecretName: `${PREFIX}/cache/auth-token` },
    );
    expect(es.spec.data.map((d: Json) => ({ secretKey: d.secretKey, remoteKey: d.remoteRef.key, property: d.remoteRef.property }))).toEqual(
      expected.map((m) => ({ secretKey: m.secretKey, remoteKey: m.remoteKey, property: m.property })),
    );
    expect(es.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "app-store" });
    expect(es.spec.refreshInterval).toBe("17m");
    expect(es.spec.target.name).toBe(`aw-${name}-secrets`);
    expect(es.metadata.namespace).toBe("authorworks");
  });

  test("front reads the public key of ledger's pair only; ledger all of it and the cache", () => {
    const keys = (name: string) =>
      externalSecrets(json)
        .find((e) => e.metadata.name === `aw-${name}`)!
        .spec.data.map((d: Json) => d.secretKey);
    expect(keys("front")).toEqual(["vendor.token", "ledger.keys.pub"]);
    expect(keys("ledger")).toEqual(["ledger.keys.priv", "ledger.keys.pub", "cache.host", "cache.reader_host", "cache.port", "cache.tls", "cache.auth_token"]);
  });

  test("the pods mount their Secret read-only; Reloader rolls the Deployment's template (the Rollout's) when the Secret or the settings change", () => {
    const ledger = deployment(json, "ledger").spec.template.spec;
    expect(ledger.volume).toContainEqual({ name: "secrets", secret: { secret_name: "aw-ledger-secrets", default_mode: "0440" } });
    expect(ledger.container[0].volume_mount).toContainEqual({ name: "secrets", mount_path: "/var/run/secrets/authorworks", read_only: true });
    expect(deployment(json, "quiet").spec.template.spec.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: "256Mi" } }]);
    expect(deployment(json, "ledger").metadata.annotations).toEqual({
      "secret.reloader.stakater.com/reload": "aw-ledger-secrets",
      "configmap.reloader.stakater.com/reload": "aw-ledger-database",
    });
    expect(deployment(json, "quiet").metadata.annotations).toBeUndefined();
    expect(deployment(json, "ledger").lifecycle.ignore_changes).toEqual([
      "spec[0].replicas",
      'spec[0].template[0].metadata[0].annotations["reloader.stakater.com/last-reloaded-from"]',
    ]);
  });

  test("without progressive delivery the same: Reloader watches the Deployment, Terraform ignores only its mark on the template", () => {
    const plain = synth(undefined, false);
    const d = deployment(plain, "front");
    expect(d.metadata.annotations).toEqual({ "secret.reloader.stakater.com/reload": "aw-front-secrets" });
    expect(d.lifecycle.ignore_changes).toEqual(["spec[0].replicas", 'spec[0].template[0].metadata[0].annotations["reloader.stakater.com/last-reloaded-from"]']);
    expect(deployment(plain, "quiet").lifecycle.ignore_changes).toEqual(["spec[0].replicas"]);
  });

  test("catalogPrefix: the catalogue's secrets are a primary's replicas, the cache's stays the environment's own", () => {
    const primary = synth(() => ({
      secrets: {
        namePrefix: PREFIX,
        catalogPrefix: "authorworks-production",
        cacheSecretName: `${PREFIX}/cache/auth-token`,
        storeName: "app-store",
        controllerRoleArn: ESO_ROLE,
        kmsKeyArn: SECRETS_KEY,
        dependsOn: [],
        definitions: SECRETS,
      },
    }));
    const keys = externalSecrets(primary)
      .find((e) => e.metadata.name === "aw-ledger")!
      .spec.data.map((d: Json) => d.remoteRef.key);
    expect([...new Set(keys)]).toEqual(["authorworks-production/ledger/keys", `${PREFIX}/cache/auth-token`]);
  });

  test("a secret outside the environment's prefix stops synth, naming the environment and the service", () => {
    expect(() =>
      synth(() => ({
        secrets: {
          namePrefix: PREFIX,
          cacheSecretName: "authorworks-production/cache/auth-token",
          storeName: "app-store",
          controllerRoleArn: ESO_ROLE,
          kmsKeyArn: SECRETS_KEY,
          dependsOn: [],
          definitions: SECRETS,
        },
      })),
    ).toThrow(
      'staging: service "ledger": secret "authorworks-production/cache/auth-token" is outside the environment\'s prefix; accepted: names under "authorworks-staging/"',
    );
  });
});

describe("database users: a Job per database, signed in as the master user through its own SecretStore", () => {
  const job = (service: string) => resource(json, "kubernetes_job_v1", `workloads_database_users_${service}_job`);

  test("the Jobs, the master SecretStore and Secrets live in the system namespace, not where the services and the manifests repository are", () => {
    expect(job("ledger").metadata.namespace).toBe("platform-system");
    const release = resource(json, "helm_release", "workloads_database_users_secrets");
    expect(release.namespace).toBe("platform-system");
    for (const r of valuesOf(json, "workloads_database_users_secrets").resources as Json[]) expect(r.metadata.namespace).toBe("platform-system");
    expect(resource(json, "kubernetes_config_map_v1", "workloads_database_users_rds_ca_bundle").metadata.namespace).toBe("platform-system");
    expect(job("ledger").spec.template.spec.volume).toContainEqual({
      name: "rds-ca",
      config_map: { name: "${kubernetes_config_map_v1.workloads_database_users_rds_ca_bundle.metadata[0].name}" },
    });
  });

  test("one Job per database service", () => {
    expect(json.output.jobs.value).toEqual(["ledger", "atlas"]);
    expect(Object.keys(resourcesOf(json, "kubernetes_job_v1")).sort()).toEqual(["workloads_database_users_atlas_job", "workloads_database_users_ledger_job"]);
  });

  test("inputs: the instance (never the proxy), the service's database and user, the master Secret, TLS verify-full", () => {
    const c = job("ledger").spec.template.spec.container[0];
    expect(c.image).toBe(POSTGRES_CLIENT_IMAGE);
    expect(c.command).toEqual([
      "psql",
      "--no-psqlrc",
      "-v",
      "ON_ERROR_STOP=1",
      "-v",
      "app_user=ledger_app",
      "-v",
      "app_database=ledger_db",
      "-f",
      "/sql/database-user.sql",
    ]);
    expect(Object.fromEntries(c.env.map((e: Json) => [e.name, e.value ?? e.value_from.secret_key_ref]))).toEqual({
      PGHOST: "${data.aws_db_instance.db_ledger_instance.address}",
      PGPORT: "5432",
      PGDATABASE: "ledger_db",
      PGUSER: { name: "authorworks-ledger-database-master", key: "username" },
      PGPASSWORD: { name: "authorworks-ledger-database-master", key: "password" },
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "/etc/ssl/certs/rds/ca-bundle.pem",
      PGCONNECT_TIMEOUT: "10",
    });
    // Pod Security `restricted`, as the postgres user of the Alpine image.
    expect(c.security_context).toEqual({
      allow_privilege_escalation: false,
      capabilities: { drop: ["ALL"] },
      read_only_root_filesystem: true,
      run_as_non_root: true,
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(job("ledger").spec.template.spec.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "70", run_as_group: "70" });
    expect(job("ledger").spec.template.spec.automount_service_account_token).toBe(false);
    expect(job("ledger").wait_for_completion).toBe(true);
    expect(job("ledger").spec.template.metadata.annotations).toEqual({
      "linkerd.io/inject": "disabled",
      "authorworks.io/script-sha256": DATABASE_USER_SQL_SHA256,
      "authorworks.io/db-resource-id": "${data.aws_db_instance.db_ledger_instance.resource_id}",
    });
    expect(DATABASE_USER_SQL_SHA256).toBe(createHash("sha256").update(DATABASE_USER_SQL).digest("hex"));
    expect(resource(json, "kubernetes_config_map_v1", "workloads_database_users_script").data["database-user.sql"]).toBe(DATABASE_USER_SQL);
  });

  test("the SQL is idempotent and never concatenates names: psql variables only", () => {
    expect(DATABASE_USER_SQL).toContain("WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user')\\gexec");
    expect(DATABASE_USER_SQL).toContain('GRANT rds_iam TO :"app_user";');
    expect(DATABASE_USER_SQL).toContain('ALTER DATABASE :"app_database" OWNER TO :"app_user";');
    // PostgreSQL 16+: the RDS master (CREATEROLE, not superuser) must be a member to hand the database over; then only owners connect.
    expect(DATABASE_USER_SQL.indexOf('GRANT :"app_user" TO CURRENT_USER;')).toBeLessThan(DATABASE_USER_SQL.indexOf("ALTER DATABASE"));
    expect(DATABASE_USER_SQL).toContain('REVOKE ALL ON DATABASE :"app_database" FROM PUBLIC;');
    expect(DATABASE_USER_SQL.split("\n").filter(Boolean)).toHaveLength(5);
    expect(DATABASE_USER_SQL).not.toMatch(/ledger|atlas|_app\b/);
  });

  test("the master-secret role: assumed only by the External Secrets controller, reads only the master secrets", () => {
    expect(statements(json, "workloads_database_users_trust")).toEqual([
      {
        sid: "ExternalSecretsController",
        effect: "Allow",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        principals: [{ type: "AWS", identifiers: [ESO_ROLE] }],
      },
    ]);
    const [read, decrypt] = statements(json, "workloads_database_users_policy_document");
    expect(read.resources).toEqual([
      "${data.aws_secretsmanager_secret.db_ledger_master_secret.arn}",
      "${data.aws_secretsmanager_secret.db_atlas_master_secret.arn}",
    ]);
    expect(decrypt).toMatchObject({ actions: ["kms:Decrypt"], resources: [SECRETS_KEY] });
    const store = valuesOf(json, "workloads_database_users_secrets").resources.find((r: Json) => r.kind === "SecretStore");
    expect(JSON.stringify(store)).toContain("${aws_iam_role.workloads_database_users_role.arn}");
  });

  test("each service's pods wait for its own user's Job, its grant and its ExternalSecret", () => {
    const deps = deployment(json, "ledger").depends_on as string[];
    expect(deps).toEqual(
      expect.arrayContaining([
        "kubernetes_job_v1.workloads_database_users_ledger_job",
        "aws_iam_role_policy.db_ledger_connect_ledger",
        "helm_release.workloads_external_secrets",
      ]),
    );
    expect(deps).not.toContain("kubernetes_job_v1.workloads_database_users_atlas_job");
  });

  test("databaseUserJobs false: no Job, SecretStore or master-secret role, and the pods wait for their grant and ExternalSecret only", () => {
    const off = synth(() => ({ databaseUserJobs: false }));
    expect(resourcesOf(off, "kubernetes_job_v1")).toEqual({});
    expect(Object.keys(resourcesOf(off, "aws_iam_role")).filter((id) => id.includes("database_users"))).toEqual([]);
    expect(off.output.jobs.value).toEqual([]);
    const deps = deployment(off, "ledger").depends_on as string[];
    expect(deps.filter((d) => d.startsWith("kubernetes_job_v1."))).toEqual([]);
    expect(deps).toEqual(expect.arrayContaining(["aws_iam_role_policy.db_ledger_connect_ledger", "helm_release.workloads_external_secrets"]));
  });
});
