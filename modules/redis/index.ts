/**
 * The cache of one environment: an ElastiCache replication group running Valkey
 * (the open-source, Redis OSS 7.2 compatible engine; see README.md for why), with
 * TLS required, an AUTH token kept in Secrets Manager, encryption at rest with the
 * database key, snapshots, slow/engine logs in CloudWatch Logs, and Multi-AZ
 * failover when there is more than one node. The module keeps the spec's name
 * (`modules/redis`) because Valkey speaks the Redis protocol and clients are unchanged.
 */
import { Construct } from "constructs";
import { Fn, TerraformStack, Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Password } from "@cdktf/provider-random/lib/password";
import type { StackContext } from "../context";
import { policyDocument } from "../iam";
import {
  CLOUDWATCH_RETENTION_DAYS,
  ELASTICACHE_AUTH_TOKEN_SPECIAL_CHARACTERS,
  ELASTICACHE_MIN_WINDOW_MINUTES,
  ELASTICACHE_NODES,
  ELASTICACHE_REPLICATION_GROUP_ID_MAX_LENGTH,
  ELASTICACHE_SNAPSHOT_RETENTION,
  SECRETS_MANAGER_RECOVERY_WINDOW_DAYS,
  VALKEY_PORT,
  VALKEY_VERSIONS,
  serviceEndpoint,
} from "../../variables/aws-catalog";

/** The characters the generated AUTH token may use besides letters and digits (an AWS fact, re-exported for this module's users). */
export { ELASTICACHE_AUTH_TOKEN_SPECIAL_CHARACTERS as AUTH_TOKEN_SPECIAL_CHARACTERS };

/** Length of the generated AUTH token (ElastiCache accepts 16-128). */
export const AUTH_TOKEN_LENGTH = 64;

/** What happens when memory is full. See README.md ("Eviction policy"). */
export type MaxMemoryPolicy =
  "volatile-lru" | "allkeys-lru" | "volatile-lfu" | "allkeys-lfu" | "volatile-random" | "allkeys-random" | "volatile-ttl" | "noeviction";

export interface ValkeyCacheProps {
  /**
   * The environment: `namePrefix` (the replication group is `<namePrefix>-cache`, at most
   * 40 characters), `aws` (the grant's kms:ViaService condition), `keys.database`
   * (encryption at rest), `keys.secrets` (the AUTH token secret), `keys.logs` and
   * `logRetentionDays` (the slow-log and engine-log log groups; a value CloudWatch Logs accepts).
   */
  readonly context: StackContext;
  /** Valkey version, a key of `VALKEY_VERSIONS` (variables/aws-catalog.ts), e.g. `"8.0"`; it selects the parameter group family. */
  readonly engineVersion: string;
  /** ElastiCache node type, e.g. `cache.t4g.micro`. */
  readonly nodeType: string;
  /** Primary plus replicas (1-6). More than one turns on Multi-AZ and automatic failover. */
  readonly nodes: number;
  /** Days automatic snapshots are kept (0-35; 0 turns snapshots off). */
  readonly snapshotRetentionDays: number;
  /** Take a final snapshot (`<namePrefix>-cache-final`) when the replication group is deleted. */
  readonly finalSnapshot: boolean;
  /** ElastiCache subnet group (the network module's `cacheSubnetGroupName`: the database subnets). */
  readonly subnetGroupName: string;
  /** Security groups of the nodes (the network's db tier, which admits port 6379 from the app tier). */
  readonly securityGroupIds: string[];
  /**
   * Daily snapshot window, UTC, `hh:mm-hh:mm`, at least 60 minutes, not overlapping the maintenance window.
   * @default "03:00-04:00"
   */
  readonly snapshotWindow?: string;
  /**
   * Weekly maintenance window, UTC, `ddd:hh:mm-ddd:hh:mm`, at least 60 minutes.
   * @default "sun:05:00-sun:06:00"
   */
  readonly maintenanceWindow?: string;
  /**
   * Eviction policy when memory is full.
   * @default "volatile-lru" (only keys with a TTL are evicted)
   */
  readonly maxMemoryPolicy?: MaxMemoryPolicy;
  /**
   * Bump to generate a new AUTH token (it is a keeper of the `random_password`).
   * @default 1
   */
  readonly authTokenVersion?: number;
  /**
   * How a changed AUTH token is applied: `ROTATE` accepts the old and the new token
   * (clients move over without an outage), `SET` accepts only the new one (use it in a
   * second apply to retire the old token). Not used when the group is created.
   * @default "ROTATE"
   */
  readonly authTokenUpdateStrategy?: "ROTATE" | "SET";
  /**
   * Apply modifications now instead of in the next maintenance window.
   * @default false
   */
  readonly applyImmediately?: boolean;
  /** SNS topic ARN for ElastiCache events (failover, snapshots, maintenance). @default none */
  readonly notificationTopicArn?: string;
}

/**
 * The secret with the cache's AUTH token and endpoints: `<namePrefix>/cache/auth-token`,
 * under the environment's prefix like every secret the services read (the External
 * Secrets role reads only `<namePrefix>/*`).
 */
export function authTokenSecretName(namePrefix: string): string {
  return `${namePrefix}/cache/auth-token`;
}

/** An ElastiCache for Valkey replication group (cluster mode disabled) with its token secret, parameters and logs. */
export class ValkeyCache extends Construct {
  public readonly replicationGroup: ElasticacheReplicationGroup;
  public readonly parameterGroup: ElasticacheParameterGroup;
  public readonly authTokenSecret: SecretsmanagerSecret;
  public readonly slowLogGroup: CloudwatchLogGroup;
  public readonly engineLogGroup: CloudwatchLogGroup;
  /** Writer endpoint (DNS name); follows the primary on failover. */
  public readonly primaryEndpoint: string;
  /** Reader endpoint (DNS name); spreads reads over the replicas. */
  public readonly readerEndpoint: string;
  public readonly port: number;
  public readonly replicationGroupId: string;
  public readonly arn: string;
  /** Secrets Manager secret with `{ auth_token, host, reader_host, port, tls, engine }`. */
  public readonly authTokenSecretArn: string;

  private readonly props: ValkeyCacheProps;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    this.props = props;
    const family = checkProps(props);
    const { context } = props;
    const name = `${context.namePrefix}-cache`;
    const multiAz = props.nodes > 1;
    const snapshotWindow = props.snapshotWindow ?? "03:00-04:00";
    const maintenanceWindow = props.maintenanceWindow ?? "sun:05:00-sun:06:00";
    checkWindows(snapshotWindow, maintenanceWindow);

    this.parameterGroup = new ElasticacheParameterGroup(this, "parameter-group", {
      // The family is in the name: a version upgrade creates the new group before
      // the old one is deleted (the old one is in use until the group switches).
      name: `${name}-${family}`,
      family,
      description: `${name}: Valkey ${props.engineVersion} settings`,
      parameter: [
        { name: "maxmemory-policy", value: props.maxMemoryPolicy ?? "volatile-lru" },
        // One shard, primary and replicas (cluster mode disabled): every client works unchanged.
        { name: "cluster-enabled", value: "no" },
      ],
      lifecycle: { createBeforeDestroy: true },
      tags: { Name: `${name}-${family}` },
    });

    // /aws/vendedlogs/ keeps the delivery service's log resource policy small (CloudWatch Logs advice).
    const logGroup = (logType: "slow-log" | "engine-log"): CloudwatchLogGroup =>
      new CloudwatchLogGroup(this, logType, {
        name: `/aws/vendedlogs/elasticache/${name}/${logType}`,
        retentionInDays: context.logRetentionDays,
        kmsKeyId: context.keys.logs.arn,
        tags: { Name: `${name}-${logType}` },
      });
    this.slowLogGroup = logGroup("slow-log");
    this.engineLogGroup = logGroup("engine-log");

    // Only the characters ElastiCache accepts; at least three character classes, as AWS recommends.
    const authToken = new Password(this, "auth-token", {
      length: AUTH_TOKEN_LENGTH,
      special: true,
      overrideSpecial: ELASTICACHE_AUTH_TOKEN_SPECIAL_CHARACTERS,
      minLower: 1,
      minUpper: 1,
      minNumeric: 1,
      keepers: { version: String(props.authTokenVersion ?? 1) },
    });

    this.replicationGroup = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: name,
      description: `${name}: Valkey ${props.engineVersion}, ${props.nodes} node(s)`,
      engine: "valkey",
      engineVersion: props.engineVersion,
      nodeType: props.nodeType,
      port: VALKEY_PORT,
      parameterGroupName: this.parameterGroup.name,
      clusterMode: "disabled",
      numCacheClusters: props.nodes,
      // Failover needs a replica to promote; with one node both must be off.
      automaticFailoverEnabled: multiAz,
      multiAzEnabled: multiAz,
      subnetGroupName: props.subnetGroupName,
      securityGroupIds: props.securityGroupIds,
      networkType: "ipv4",
      atRestEncryptionEnabled: "true",
      kmsKeyId: context.keys.database.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: authToken.result,
      authTokenUpdateStrategy: props.authTokenUpdateStrategy ?? "ROTATE",
      autoMinorVersionUpgrade: "true",
      maintenanceWindow,
      snapshotRetentionLimit: props.snapshotRetentionDays,
      snapshotWindow,
      finalSnapshotIdentifier: props.finalSnapshot ? `${name}-final` : undefined,
      applyImmediately: props.applyImmediately ?? false,
      notificationTopicArn: props.notificationTopicArn,
      logDeliveryConfiguration: [
        { destination: this.slowLogGroup.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        { destination: this.engineLogGroup.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "engine-log" },
      ],
      tags: { Name: name },
    });

    this.authTokenSecret = new SecretsmanagerSecret(this, "auth-token-secret", {
      name: authTokenSecretName(context.namePrefix),
      description: `${name}: AUTH token and endpoints of the Valkey replication group`,
      kmsKeyId: context.keys.secrets.arn,
      // The shortest window Secrets Manager allows.
      recoveryWindowInDays: SECRETS_MANAGER_RECOVERY_WINDOW_DAYS.min,
      tags: { Name: authTokenSecretName(context.namePrefix) },
    });
    // jsonencode runs in Terraform: the token stays a reference to random_password in the JSON we synthesize.
    new SecretsmanagerSecretVersion(this, "auth-token-secret-value", {
      secretId: this.authTokenSecret.id,
      secretString: Fn.jsonencode({
        engine: "valkey",
        host: this.replicationGroup.primaryEndpointAddress,
        reader_host: this.replicationGroup.readerEndpointAddress,
        port: VALKEY_PORT,
        tls: true,
        auth_token: authToken.result,
      }),
    });

    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.readerEndpoint = this.replicationGroup.readerEndpointAddress;
    this.port = VALKEY_PORT;
    this.replicationGroupId = this.replicationGroup.id;
    this.arn = this.replicationGroup.arn;
    this.authTokenSecretArn = this.authTokenSecret.arn;
  }

  /**
   * Lets `role` read the AUTH token secret: secretsmanager:GetSecretValue on this
   * secret only, and kms:Decrypt on the secrets key only when Secrets Manager calls it.
   * Adds an inline policy `<namePrefix>-cache-read-auth-token` to the role; calling it
   * again for the same role returns the same policy.
   */
  public grantReadAuthToken(role: IamRole): IamRolePolicy {
    const id = `grant-read-auth-token-${pathBelowStack(role)}`;
    const existing = this.node.tryFindChild(id);
    if (existing) return existing as IamRolePolicy;
    const { aws, keys, namePrefix } = this.props.context;
    const doc = policyDocument(this, `${id}-document`, [
      { sid: "ReadCacheAuthToken", actions: ["secretsmanager:GetSecretValue"], resources: [this.authTokenSecretArn] },
      {
        sid: "DecryptThroughSecretsManager",
        actions: ["kms:Decrypt"],
        resources: [keys.secrets.arn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", aws.region)] }],
      },
    ]);
    return new IamRolePolicy(this, id, {
      name: `${namePrefix}-cache-read-auth-token`,
      role: role.id,
      policy: doc.json,
    });
  }
}

/** Validates what the module relies on; returns the parameter group family. */
function checkProps(p: ValkeyCacheProps): string {
  const problems: string[] = [];
  const { namePrefix, logRetentionDays } = p.context;
  const family = VALKEY_VERSIONS[p.engineVersion];
  if (!family) problems.push(`engineVersion "${p.engineVersion}": expected one of ${Object.keys(VALKEY_VERSIONS).join(", ")}`);
  if (!Token.isUnresolved(namePrefix)) {
    const id = `${namePrefix}-cache`;
    // ElastiCache: 1-40 characters, a letter first, letters/digits/hyphens, no "--", no trailing hyphen.
    if (id.length > ELASTICACHE_REPLICATION_GROUP_ID_MAX_LENGTH || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(id) || id.includes("--")) {
      problems.push(
        `namePrefix "${namePrefix}": "${id}" must be a lower-case replication group id of at most ${ELASTICACHE_REPLICATION_GROUP_ID_MAX_LENGTH} characters (letter first, letters, digits, single hyphens)`,
      );
    }
  }
  if (!Number.isInteger(p.nodes) || p.nodes < ELASTICACHE_NODES.min || p.nodes > ELASTICACHE_NODES.max) {
    problems.push(`nodes ${p.nodes}: expected ${ELASTICACHE_NODES.min}-${ELASTICACHE_NODES.max} (a primary and up to ${ELASTICACHE_NODES.max - 1} replicas)`);
  }
  const { min, max } = ELASTICACHE_SNAPSHOT_RETENTION;
  if (!Number.isInteger(p.snapshotRetentionDays) || p.snapshotRetentionDays < min || p.snapshotRetentionDays > max) {
    problems.push(`snapshotRetentionDays ${p.snapshotRetentionDays}: expected ${min}-${max}`);
  }
  if (!CLOUDWATCH_RETENTION_DAYS.includes(logRetentionDays)) {
    problems.push(`logRetentionDays ${logRetentionDays}: expected one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`);
  }
  if (p.securityGroupIds.length === 0) problems.push("securityGroupIds: expected at least one security group");
  if (problems.length) throw new Error(`ValkeyCache: ${problems.join("; ")}`);
  return family!;
}

const DAY = 24 * 60;
const WEEK = 7 * DAY;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function minutes(hh: string, mm: string): number {
  return Number(hh) * 60 + Number(mm);
}

/** Snapshot window `hh:mm-hh:mm` and maintenance window `ddd:hh:mm-ddd:hh:mm`: format, ELASTICACHE_MIN_WINDOW_MINUTES (60), no overlap. */
export function checkWindows(snapshotWindow: string, maintenanceWindow: string): void {
  const s = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(snapshotWindow);
  if (!s) throw new Error(`ValkeyCache: snapshotWindow "${snapshotWindow}": expected hh:mm-hh:mm (UTC)`);
  const m = /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/.exec(maintenanceWindow);
  if (!m) throw new Error(`ValkeyCache: maintenanceWindow "${maintenanceWindow}": expected ddd:hh:mm-ddd:hh:mm (UTC, e.g. sun:05:00-sun:06:00)`);

  const sStart = minutes(s[1], s[2]);
  let sEnd = minutes(s[3], s[4]);
  if (sEnd <= sStart) sEnd += DAY; // crosses midnight
  const mStart = DAYS.indexOf(m[1]) * DAY + minutes(m[2], m[3]);
  let mEnd = DAYS.indexOf(m[4]) * DAY + minutes(m[5], m[6]);
  if (mEnd <= mStart) mEnd += WEEK; // crosses the week boundary
  const min = ELASTICACHE_MIN_WINDOW_MINUTES;
  if (sEnd - sStart < min) throw new Error(`ValkeyCache: snapshotWindow "${snapshotWindow}": must be at least ${min} minutes`);
  if (mEnd - mStart < min) throw new Error(`ValkeyCache: maintenanceWindow "${maintenanceWindow}": must be at least ${min} minutes`);

  // The snapshot window repeats daily; compare each day's occurrence with the weekly window (and its neighbours in time).
  for (let day = 0; day < 7; day++) {
    for (const shift of [-WEEK, 0, WEEK]) {
      const a = day * DAY + sStart;
      const b = day * DAY + sEnd;
      if (a < mEnd + shift && mStart + shift < b) {
        throw new Error(
          `ValkeyCache: snapshotWindow "${snapshotWindow}" overlaps maintenanceWindow "${maintenanceWindow}"; ElastiCache refuses overlapping windows`,
        );
      }
    }
  }
}

/** The construct path below the stack, as an id fragment: stable across environments. */
function pathBelowStack(c: Construct): string {
  const scopes = c.node.scopes;
  const stack = TerraformStack.of(c);
  return scopes
    .slice(scopes.indexOf(stack) + 1)
    .map((s) => s.node.id)
    .join("-");
}
