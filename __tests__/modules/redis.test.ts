import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { StackContext } from "../../modules/context";
import { AUTH_TOKEN_SPECIAL_CHARACTERS, ValkeyCache, ValkeyCacheProps, checkWindows } from "../../modules/redis";
import { Json, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { testContextWithDataKeys } from "../fixtures/context";

const RG = "aws_elasticache_replication_group";
const RG_ID = "cache_replication_group";
const TOKEN_REF = "random_password.cache_auth_token.result";
const KEY = {
  database: "${aws_kms_key.keys_database_key.arn}",
  secrets: "${aws_kms_key.keys_secrets_key.arn}",
  logs: "${aws_kms_key.keys_logs_key.arn}",
};

type Overrides = Partial<Omit<ValkeyCacheProps, "context">> & { readonly context?: Partial<Omit<StackContext, "keys">> };

/** A dev-like cache with real KMS keys (so key references can be checked) and the random provider. */
function synthCache(overrides: Overrides = {}, extra?: (cache: ValkeyCache, stack: Parameters<Parameters<typeof synthWith>[0]>[0]) => void): Json {
  return synthWith((stack) => {
    new RandomProvider(stack, "random");
    const { context, ...props } = overrides;
    const cache = new ValkeyCache(stack, "cache", {
      context: testContextWithDataKeys(stack, context),
      engineVersion: "8.0",
      nodeType: "cache.t4g.micro",
      nodes: 1,
      snapshotRetentionDays: 1,
      finalSnapshot: false,
      subnetGroupName: "authorworks-dev-cache",
      securityGroupIds: ["sg-0db"],
      ...props,
    });
    extra?.(cache, stack);
  });
}

/** Every string in the JSON with its path. */
function strings(value: unknown, path = ""): Array<[string, string]> {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

describe("ValkeyCache", () => {
  describe("nodes drive Multi-AZ and failover", () => {
    test("one node: single AZ, no automatic failover", () => {
      const rg = resource(synthCache({ nodes: 1 }), RG, RG_ID);
      expect(rg.num_cache_clusters).toBe(1);
      expect(rg.multi_az_enabled).toBe(false);
      expect(rg.automatic_failover_enabled).toBe(false);
    });

    test("three nodes: Multi-AZ with automatic failover", () => {
      const rg = resource(synthCache({ nodes: 3, nodeType: "cache.r6g.large" }), RG, RG_ID);
      expect(rg.num_cache_clusters).toBe(3);
      expect(rg.multi_az_enabled).toBe(true);
      expect(rg.automatic_failover_enabled).toBe(true);
      expect(rg.node_type).toBe("cache.r6g.large");
      expect(rg.description).toContain("3 node(s)");
    });

    test("refuses node counts outside 1-6", () => {
      expect(() => synthCache({ nodes: 0 })).toThrow(/nodes 0: expected 1-6/);
      expect(() => synthCache({ nodes: 7 })).toThrow(/nodes 7/);
      expect(() => synthCache({ nodes: 2.5 })).toThrow(/nodes 2.5/);
    });
  });

  describe("engine, name and networking", () => {
    test("Valkey, cluster mode disabled, named <prefix>-cache on port 6379 in the given subnet group and security groups", () => {
      const rg = resource(synthCache({ securityGroupIds: ["sg-0db", "sg-extra"] }), RG, RG_ID);
      expect(rg).toMatchObject({
        replication_group_id: "authorworks-dev-cache",
        engine: "valkey",
        engine_version: "8.0",
        cluster_mode: "disabled",
        port: 6379,
        subnet_group_name: "authorworks-dev-cache",
        security_group_ids: ["sg-0db", "sg-extra"],
        network_type: "ipv4",
        auto_minor_version_upgrade: "true",
        apply_immediately: false,
        tags: { Name: "authorworks-dev-cache" },
      });
      expect(rg.notification_topic_arn).toBeUndefined();
    });

    test("applyImmediately and the notification topic pass through", () => {
      const rg = resource(synthCache({ applyImmediately: true, notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" }), RG, RG_ID);
      expect(rg.apply_immediately).toBe(true);
      expect(rg.notification_topic_arn).toBe("arn:aws:sns:us-east-1:123456789012:ops");
    });

    test("refuses a replication group id over 40 characters or not lower-case", () => {
      expect(() => synthCache({ context: { namePrefix: "authorworks-production-with-a-long-suffix" } })).toThrow(/at most 40 characters/);
      expect(() => synthCache({ context: { namePrefix: "AuthorWorks-dev" } })).toThrow(/lower-case replication group id/);
      // 34 + "-cache" = 40: the limit itself is accepted.
      expect(() => synthCache({ context: { namePrefix: "a".repeat(34) } })).not.toThrow();
    });

    test("refuses an empty security group list", () => {
      expect(() => synthCache({ securityGroupIds: [] })).toThrow(/securityGroupIds/);
    });
  });

  describe("encryption", () => {
    test("at rest with the database key, in transit required", () => {
      const rg = resource(synthCache(), RG, RG_ID);
      expect(rg.at_rest_encryption_enabled).toBe("true");
      expect(rg.kms_key_id).toBe(KEY.database);
      expect(rg.transit_encryption_enabled).toBe(true);
      expect(rg.transit_encryption_mode).toBe("required");
    });
  });

  describe("AUTH token", () => {
    test("random_password: 64 characters from the set ElastiCache accepts, three character classes", () => {
      const pw = resource(synthCache(), "random_password", "cache_auth_token");
      expect(pw).toMatchObject({ length: 64, special: true, min_lower: 1, min_upper: 1, min_numeric: 1, keepers: { version: "1" } });
      expect(pw.override_special).toBe("!&#$^<>-");
      expect(pw.override_special).toBe(AUTH_TOKEN_SPECIAL_CHARACTERS);
      // Characters the ElastiCache API refuses (old and current rules) never appear.
      for (const bad of ["/", '"', "@", " ", "%"]) expect(pw.override_special).not.toContain(bad);
      expect(pw.result).toBeUndefined();
    });

    test("the replication group gets the token by reference, with the ROTATE update strategy", () => {
      const rg = resource(synthCache(), RG, RG_ID);
      expect(rg.auth_token).toBe(`\${${TOKEN_REF}}`);
      expect(rg.auth_token_update_strategy).toBe("ROTATE");
    });

    test("authTokenVersion and authTokenUpdateStrategy are passed through", () => {
      const json = synthCache({ authTokenVersion: 2, authTokenUpdateStrategy: "SET" });
      expect(resource(json, "random_password", "cache_auth_token").keepers).toEqual({ version: "2" });
      expect(resource(json, RG, RG_ID).auth_token_update_strategy).toBe("SET");
    });

    test("the token is never a literal anywhere in the synthesized JSON", () => {
      const json = synthCache();
      const all = strings(json);
      // Every place that carries the token refers to the random_password result.
      const carriers = all.filter(([path]) => /(^|\.)(auth_token|secret_string|password)$/.test(path));
      expect(carriers.map(([path]) => path).sort()).toEqual([
        `resource.${RG}.${RG_ID}.auth_token`,
        "resource.aws_secretsmanager_secret_version.cache_auth_token_secret_value.secret_string",
      ]);
      for (const [, value] of carriers) expect(value).toContain(TOKEN_REF);
      // The JSON secret maps auth_token to the reference, not to a quoted string.
      const secret = resource(json, "aws_secretsmanager_secret_version", "cache_auth_token_secret_value").secret_string as string;
      expect(secret).toContain(`"auth_token" = ${TOKEN_REF}`);
      expect(secret).not.toMatch(/"auth_token"\s*=\s*"/);
      // No string anywhere looks like a generated token: 64 characters of the token alphabet.
      const tokenLike = new RegExp(`^[A-Za-z0-9${AUTH_TOKEN_SPECIAL_CHARACTERS.replace(/[-^$]/g, "\\$&")}]{64}$`);
      expect(all.filter(([, v]) => tokenLike.test(v))).toEqual([]);
    });
  });

  describe("secret", () => {
    test("encrypted with the secrets key, 7-day recovery window", () => {
      const secret = resource(synthCache(), "aws_secretsmanager_secret", "cache_auth_token_secret");
      expect(secret).toMatchObject({
        name: "authorworks-dev/cache/auth-token",
        kms_key_id: KEY.secrets,
        recovery_window_in_days: 7,
      });
    });

    test("value: jsonencode of the token, the primary and reader endpoints, the port and TLS", () => {
      const version = resource(synthCache(), "aws_secretsmanager_secret_version", "cache_auth_token_secret_value");
      expect(version.secret_id).toBe("${aws_secretsmanager_secret.cache_auth_token_secret.id}");
      const s = version.secret_string as string;
      expect(s.startsWith("${jsonencode({")).toBe(true);
      expect(s).toContain(`"host" = aws_elasticache_replication_group.${RG_ID}.primary_endpoint_address`);
      expect(s).toContain(`"reader_host" = aws_elasticache_replication_group.${RG_ID}.reader_endpoint_address`);
      expect(s).toContain('"port" = 6379');
      expect(s).toContain('"tls" = true');
      expect(s).toContain('"engine" = "valkey"');
    });
  });

  describe("parameter group", () => {
    test.each([
      ["8.0", "valkey8"],
      ["7.2", "valkey7"],
    ])("Valkey %s uses family %s, named after it, with the eviction policy", (version, family) => {
      const json = synthCache({ engineVersion: version });
      const pg = resource(json, "aws_elasticache_parameter_group", "cache_parameter_group");
      expect(pg.family).toBe(family);
      expect(pg.name).toBe(`authorworks-dev-cache-${family}`);
      expect(pg.lifecycle).toEqual({ create_before_destroy: true });
      expect(pg.parameter).toEqual([
        { name: "maxmemory-policy", value: "volatile-lru" },
        { name: "cluster-enabled", value: "no" },
      ]);
      const rg = resource(json, RG, RG_ID);
      expect(rg.parameter_group_name).toBe("${aws_elasticache_parameter_group.cache_parameter_group.name}");
      expect(rg.engine_version).toBe(version);
    });

    test("maxMemoryPolicy overrides the eviction policy", () => {
      const pg = resource(synthCache({ maxMemoryPolicy: "allkeys-lru" }), "aws_elasticache_parameter_group", "cache_parameter_group");
      expect(pg.parameter).toContainEqual({ name: "maxmemory-policy", value: "allkeys-lru" });
    });

    test("refuses a version without a known family", () => {
      expect(() => synthCache({ engineVersion: "7.1" })).toThrow(/engineVersion "7.1": expected one of 7.2, 8.0/);
    });
  });

  describe("logs", () => {
    test("slow-log and engine-log go, as JSON, to log groups of this module", () => {
      const json = synthCache({ context: { logRetentionDays: 90 } });
      const rg = resource(json, RG, RG_ID);
      expect(rg.log_delivery_configuration).toEqual([
        { destination: "${aws_cloudwatch_log_group.cache_slow_log.name}", destination_type: "cloudwatch-logs", log_format: "json", log_type: "slow-log" },
        { destination: "${aws_cloudwatch_log_group.cache_engine_log.name}", destination_type: "cloudwatch-logs", log_format: "json", log_type: "engine-log" },
      ]);
      const groups = resourcesOf(json, "aws_cloudwatch_log_group");
      expect(Object.keys(groups).sort()).toEqual(["cache_engine_log", "cache_slow_log"]);
      for (const type of ["slow", "engine"]) {
        expect(groups[`cache_${type}_log`]).toMatchObject({
          name: `/aws/vendedlogs/elasticache/authorworks-dev-cache/${type}-log`,
          retention_in_days: 90,
          kms_key_id: KEY.logs,
        });
      }
    });

    test("refuses a retention CloudWatch Logs does not offer", () => {
      expect(() => synthCache({ context: { logRetentionDays: 45 } })).toThrow(/logRetentionDays 45/);
    });
  });

  describe("snapshots and maintenance", () => {
    test("retention and windows from props; no final snapshot unless asked", () => {
      const rg = resource(synthCache({ snapshotRetentionDays: 1, finalSnapshot: false }), RG, RG_ID);
      expect(rg.snapshot_retention_limit).toBe(1);
      expect(rg.snapshot_window).toBe("03:00-04:00");
      expect(rg.maintenance_window).toBe("sun:05:00-sun:06:00");
      expect(rg).not.toHaveProperty("final_snapshot_identifier");
    });

    test("finalSnapshot: a final snapshot named after the group", () => {
      const rg = resource(synthCache({ snapshotRetentionDays: 35, finalSnapshot: true }), RG, RG_ID);
      expect(rg.snapshot_retention_limit).toBe(35);
      expect(rg.final_snapshot_identifier).toBe("authorworks-dev-cache-final");
    });

    test("refuses retention beyond 35 days", () => {
      expect(() => synthCache({ snapshotRetentionDays: 36 })).toThrow(/snapshotRetentionDays 36: expected 0-35/);
    });

    test("custom windows pass through", () => {
      const rg = resource(synthCache({ snapshotWindow: "22:30-23:30", maintenanceWindow: "wed:01:00-wed:02:00" }), RG, RG_ID);
      expect(rg.snapshot_window).toBe("22:30-23:30");
      expect(rg.maintenance_window).toBe("wed:01:00-wed:02:00");
    });

    test("overlapping windows are refused, including across midnight and the week boundary", () => {
      expect(() => synthCache({ snapshotWindow: "05:30-06:30" })).toThrow(/overlaps maintenanceWindow/);
      expect(() => checkWindows("23:30-00:30", "mon:00:00-mon:01:00")).toThrow(/overlaps/);
      expect(() => checkWindows("03:00-04:00", "sat:23:00-sun:03:30")).toThrow(/overlaps/);
      expect(() => checkWindows("03:00-04:00", "sun:04:00-sun:05:00")).not.toThrow();
      expect(() => checkWindows("23:30-00:30", "mon:00:30-mon:01:30")).not.toThrow();
    });

    test("malformed or short windows are refused", () => {
      expect(() => checkWindows("3:00-4:00", "sun:05:00-sun:06:00")).toThrow(/expected hh:mm-hh:mm/);
      expect(() => checkWindows("03:00-04:00", "sunday:05:00-sunday:06:00")).toThrow(/expected ddd:hh:mm-ddd:hh:mm/);
      expect(() => checkWindows("03:00-03:30", "sun:05:00-sun:06:00")).toThrow(/at least 60 minutes/);
      expect(() => checkWindows("03:00-04:00", "sun:05:00-sun:05:45")).toThrow(/at least 60 minutes/);
    });
  });

  describe("grantReadAuthToken", () => {
    test("GetSecretValue on exactly this secret, Decrypt on the secrets key only through Secrets Manager", () => {
      const json = synthCache({}, (cache, stack) => {
        const role = new IamRole(stack, "gateway-role", { name: "authorworks-dev-gateway", assumeRolePolicy: "{}" });
        const first = cache.grantReadAuthToken(role);
        // A second call for the same role reuses the policy.
        expect(cache.grantReadAuthToken(role)).toBe(first);
      });
      const policies = resourcesOf(json, "aws_iam_role_policy");
      expect(Object.keys(policies)).toEqual(["cache_grant_read_auth_token_gateway_role"]);
      expect(policies.cache_grant_read_auth_token_gateway_role).toEqual({
        name: "authorworks-dev-cache-read-auth-token",
        role: "${aws_iam_role.gateway_role.id}",
        policy: "${data.aws_iam_policy_document.cache_grant_read_auth_token_gateway_role_document.json}",
      });
      expect(statements(json, "cache_grant_read_auth_token_gateway_role_document")).toEqual([
        {
          sid: "ReadCacheAuthToken",
          effect: "Allow",
          actions: ["secretsmanager:GetSecretValue"],
          resources: ["${aws_secretsmanager_secret.cache_auth_token_secret.arn}"],
        },
        {
          sid: "DecryptThroughSecretsManager",
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [KEY.secrets],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.us-east-1.amazonaws.com"] }],
        },
      ]);
    });

    test("no grant, no policy", () => {
      const json = synthCache();
      expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
      expect(Object.keys(dataOf(json, "aws_iam_policy_document")).filter((id) => id.startsWith("cache_"))).toEqual([]);
    });
  });
});
