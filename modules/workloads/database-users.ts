/**
 * The services' PostgreSQL users, created on the first apply of the platform stack: per
 * database, a Kubernetes Job signs in as the master user (its secret, synced by External
 * Secrets) and makes the service's user with `rds_iam` and ownership of the
 * service's database. Idempotent: the Job's template carries the script's hash and the
 * instance's resource id, so a changed script or a new instance under the same name
 * replaces the Job, which runs again harmlessly.
 *
 * Everything here lives in a namespace of its own (the system namespace by default): the
 * master passwords must not sit where the manifests repository can deploy a pod that
 * mounts them, nor where developers may read.
 *
 * The master secrets are `<identifier>/master` (modules/rds `masterSecretName`), outside
 * the environment's prefix the External Secrets controller may read. They are reached through a namespaced SecretStore whose
 * provider assumes a role that reads exactly those secrets: no other namespace, and no
 * ExternalSecret through the application store, can pull a master password.
 */
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Release } from "@cdktf/provider-helm/lib/release";
import { AwsContext, policyDocument } from "../iam";
import type { IDatabase } from "../rds";
import { externalSecretManifest, secretStoreManifest } from "../addons/external-secrets";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, rawRelease } from "../addons/types";
import { serviceEndpoint } from "../../variables/aws-catalog";
import { POSTGRES_CLIENT_IMAGE } from "../../variables/charts";
import { EnvironmentName, names } from "../../variables/project";
import { RDS_CA_BUNDLE_KEY, RDS_CA_MOUNT_PATH } from "./access";

/** UID and GID of the `postgres` user of the official Alpine-based image (its Dockerfile). */
const POSTGRES_IMAGE_UID = 70;
/** How often External Secrets re-reads a master secret: raising `database.masterPasswordVersion` rotates it (modules/rds). */
const MASTER_SECRET_REFRESH = "1h";
/**
 * Seconds a Job may run, retries included. The pod starts once External Secrets has
 * written the master Secret (it syncs a new ExternalSecret at once) and psql takes about a
 * second; the deadline only bounds a failure, and counts in the apply's longest wait chain.
 */
const JOB_DEADLINE_SECONDS = 300;

/**
 * The psql script, with the user and database as psql variables (`:"x"` quotes an
 * identifier, `:'x'` a literal): psql substitutes them, PostgreSQL never sees a string
 * built by concatenation. `CREATE ROLE` has no IF NOT EXISTS, hence `\gexec`. Since
 * PostgreSQL 16 a CREATEROLE user (the RDS master) must be a member of a role to hand it
 * a database, hence the self-grant. PUBLIC loses CONNECT: only the owner (and members of
 * it, the master) may connect.
 */
export const DATABASE_USER_SQL = [
  "SELECT format('CREATE ROLE %I LOGIN', :'app_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user')\\gexec",
  'GRANT rds_iam TO :"app_user";',
  'GRANT :"app_user" TO CURRENT_USER;',
  'ALTER DATABASE :"app_database" OWNER TO :"app_user";',
  'REVOKE ALL ON DATABASE :"app_database" FROM PUBLIC;',
  "",
].join("\n");

/** SHA-256 of `DATABASE_USER_SQL` (hex), on the Job's template. */
export const DATABASE_USER_SQL_SHA256 = createHash("sha256").update(DATABASE_USER_SQL).digest("hex");

/** Key of the script in its ConfigMap. */
const SQL_KEY = "database-user.sql";

export interface DatabaseUsersProps {
  readonly environment: EnvironmentName;
  /** Account and region: the secrets' `kms:ViaService`, the role's ARNs. */
  readonly aws: AwsContext;
  /**
   * Namespace of the Jobs, the SecretStore and the master Secrets: one the manifests
   * repository cannot deploy to and developers cannot read (pass the tenancy's system
   * namespace reference so they wait for it); its pods must reach the database subnets.
   */
  readonly namespace: string;
  /** The databases, each with exactly one IAM user (`iamUsers[0]`) to create. */
  readonly databases: readonly IDatabase[];
  /** Pod Identity role ARN of the External Secrets controller: the only principal that may assume the master-secret role. */
  readonly externalSecretsRoleArn: string;
  /** The secrets KMS key the master secrets are encrypted with (`rds` module: `keys.secrets`). */
  readonly secretsKeyArn: string;
  /** The RDS CA bundle (`rdsCaBundle`), written into a ConfigMap of `namespace`. */
  readonly caBundle: string;
  /** What the store and the ExternalSecrets wait for: the External Secrets release (CRDs, webhook). */
  readonly dependsOn: readonly ITerraformDependable[];
}

export class DatabaseUsers extends Construct {
  /** `names.databaseMasterSecretsRole(env)`: reads the master secrets; assumed by External Secrets. */
  public readonly masterSecretsRole: IamRole;
  /** The SecretStore and one ExternalSecret per database (raw chart). */
  public readonly secrets: Release;
  /** The Job per database, by service. */
  public readonly jobs: Readonly<Record<string, JobV1>>;
  /** `rds-ca-bundle` in the Jobs' namespace. */
  public readonly caBundle: ConfigMapV1;
  /** Name of the namespaced SecretStore. */
  public readonly storeName = "database-master-secrets";

  constructor(scope: Construct, id: string, props: DatabaseUsersProps) {
    super(scope, id);
    const roleName = names.databaseMasterSecretsRole(props.environment);
    const trust = policyDocument(this, "trust", [
      {
        sid: "ExternalSecretsController",
        // The controller's Pod Identity session tags are transitive: its AssumeRole passes them on.
        actions: ["sts:AssumeRole", "sts:TagSession"],
        principals: [{ type: "AWS", identifiers: [props.externalSecretsRoleArn] }],
      },
    ]);
    this.masterSecretsRole = new IamRole(this, "role", {
      name: roleName,
      description: `${roleName}: External Secrets reads the RDS master user secrets for the database user Jobs`,
      assumeRolePolicy: trust.json,
      tags: { Name: roleName },
      // IAM refuses a trust policy whose principal does not exist yet: the controller's role comes first.
      dependsOn: [...props.dependsOn],
    });
    const access = policyDocument(this, "policy-document", [
      // GetSecretValue is all External Secrets calls for a secret read by name.
      { sid: "ReadMasterSecrets", actions: ["secretsmanager:GetSecretValue"], resources: props.databases.map((d) => d.masterUserSecretArn) },
      {
        sid: "DecryptThroughSecretsManager",
        actions: ["kms:Decrypt"],
        resources: [props.secretsKeyArn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", props.aws.region)] }],
      },
    ]);
    const policy = new IamRolePolicy(this, "policy", { name: "read-master-secrets", role: this.masterSecretsRole.name, policy: access.json });

    const secretName = (db: IDatabase) => `${secretNameBase(db)}-database-master`;
    this.secrets = rawRelease(this, "secrets", {
      name: "authorworks-database-master-secrets",
      namespace: props.namespace,
      resources: [
        secretStoreManifest({ name: this.storeName, namespace: props.namespace, region: props.aws.region, roleArn: this.masterSecretsRole.arn }),
        ...props.databases.map((db) =>
          externalSecretManifest({
            name: secretName(db),
            namespace: props.namespace,
            store: { kind: "SecretStore", name: this.storeName },
            refreshInterval: MASTER_SECRET_REFRESH,
            targetName: secretName(db),
            data: [
              { secretKey: "username", remoteKey: db.masterUserSecretArn, property: "username" },
              { secretKey: "password", remoteKey: db.masterUserSecretArn, property: "password" },
            ],
          }),
        ),
      ],
      dependsOn: [...props.dependsOn, policy],
      // A SecretStore and ExternalSecrets: nothing Helm can wait for (the Jobs wait for their Secret).
      wait: false,
    });

    this.caBundle = new ConfigMapV1(this, "rds-ca-bundle", {
      metadata: { name: "rds-ca-bundle", namespace: props.namespace, labels: { "app.kubernetes.io/managed-by": "terraform" } },
      data: { [RDS_CA_BUNDLE_KEY]: props.caBundle },
    });
    const script = new ConfigMapV1(this, "script", {
      metadata: { name: "database-user-sql", namespace: props.namespace, labels: { "app.kubernetes.io/managed-by": "terraform" } },
      data: { [SQL_KEY]: DATABASE_USER_SQL },
    });

    const jobs: Record<string, JobV1> = {};
    for (const db of props.databases) {
      const [user] = db.iamUsers;
      if (!user || db.iamUsers.length !== 1) {
        throw new Error(`${props.environment}: database ${db.identifier}: expected exactly one IAM user to create, got ${db.iamUsers.join(", ") || "none"}`);
      }
      jobs[db.service] = this.job(db, user, secretName(db), script, props);
    }
    this.jobs = jobs;
  }

  private job(db: IDatabase, user: string, masterSecret: string, script: ConfigMapV1, props: DatabaseUsersProps): JobV1 {
    const name = `${secretNameBase(db)}-database-user`;
    const labels = { "app.kubernetes.io/name": "database-user", "app.kubernetes.io/instance": db.service, "app.kubernetes.io/managed-by": "terraform" };
    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: masterSecret, key } } });
    return new JobV1(this, `${db.service}-job`, {
      metadata: { name, namespace: props.namespace, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
        template: {
          metadata: {
            labels,
            annotations: {
              // A Job's pod must end: an injected proxy would keep it running. Its traffic is TLS to RDS, outside the mesh anyway.
              "linkerd.io/inject": "disabled",
              // A Job's template is immutable: a new script or a new instance replaces the Job, which runs again.
              "authorworks.io/script-sha256": DATABASE_USER_SQL_SHA256,
              "authorworks.io/db-resource-id": db.resourceId,
            },
          },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(POSTGRES_IMAGE_UID),
              runAsGroup: String(POSTGRES_IMAGE_UID),
              seccompProfile: { type: "RuntimeDefault" },
            },
            container: [
              {
                name: "psql",
                image: POSTGRES_CLIENT_IMAGE,
                command: [
                  "psql",
                  "--no-psqlrc",
                  "-v",
                  "ON_ERROR_STOP=1",
                  "-v",
                  `app_user=${user}`,
                  "-v",
                  `app_database=${db.databaseName}`,
                  "-f",
                  `/sql/${SQL_KEY}`,
                ],
                env: [
                  // The instance itself: the master user signs in with its password, which the IAM-only proxy refuses.
                  { name: "PGHOST", value: db.address },
                  { name: "PGPORT", value: String(db.clientPort) },
                  { name: "PGDATABASE", value: db.databaseName },
                  { name: "PGUSER", ...fromSecret("username") },
                  { name: "PGPASSWORD", ...fromSecret("password") },
                  { name: "PGSSLMODE", value: "verify-full" },
                  { name: "PGSSLROOTCERT", value: `${RDS_CA_MOUNT_PATH}/${RDS_CA_BUNDLE_KEY}` },
                  { name: "PGCONNECT_TIMEOUT", value: "10" },
                ],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                securityContext: {
                  ...RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                  capabilities: { drop: [...RESTRICTED_CONTAINER_SECURITY_CONTEXT.capabilities.drop] },
                },
                volumeMount: [
                  { name: "sql", mountPath: "/sql", readOnly: true },
                  { name: "rds-ca", mountPath: RDS_CA_MOUNT_PATH, readOnly: true },
                ],
              },
            ],
            volume: [
              { name: "sql", configMap: { name: script.metadata.name } },
              { name: "rds-ca", configMap: { name: this.caBundle.metadata.name } },
            ],
          },
        },
      },
      // The apply goes on only once the user exists: the service's pods sign in as it.
      waitForCompletion: true,
      timeouts: { create: `${JOB_DEADLINE_SECONDS / 60}m`, update: `${JOB_DEADLINE_SECONDS / 60}m` },
      dependsOn: [this.secrets],
    });
  }
}

/** `authorworks-<env>-<service>` -> `authorworks-<service>`: names inside the environment's own cluster. */
function secretNameBase(db: IDatabase): string {
  return `authorworks-${db.service}`;
}
