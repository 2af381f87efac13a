/**
 * The `<env>-platform` stack finds what the `<env>` stack made by name: data sources (a
 * cluster, keys, buckets, topics, secrets, a zone, a WAF ACL, a security group) and ARNs it
 * builds from names (the permissions boundary, bucket ARNs in policies). Two states, no
 * reference between them: only these names hold the stacks together. This test reads both
 * stacks of each committed environment (the shared synth of __tests__/real-app) and checks
 * every such name against what the `<env>` stack creates.
 *
 * It is driven by tables. A data source type missing from all of them fails the test, so a
 * new lookup cannot slip by unchecked: add a row to LOOKUPS (what it looks up, and what in
 * the `<env>` stack makes that), to NOT_LOOKUPS (it names nothing the `<env>` stack gives),
 * or to MADE_HERE (the platform stack makes it itself, with a proof that it does).
 */
import { Json, dataOf, resourcesOf, valuesOf } from "../helpers";
import { realStack } from "../real-app";

const ENVS = ["dev", "staging", "production"] as const;

/** How a data source names what it looks up, and the `<env>` stack resource that makes it. */
interface LookupRule {
  /** The data source's attribute holding the name. */
  readonly nameAttribute: string;
  /** The resource type the `<env>` stack makes it with... */
  readonly resourceType: string;
  /** ...and that resource's attribute holding the same name. */
  readonly resourceNameAttribute: string;
  /** What else lookup and resource must agree on (a zone's privacy, an ACL's scope). @default nothing */
  readonly alsoAgrees?: { readonly what: string; readonly holds: (lookup: Json, resource: Json) => boolean };
}

/** An attribute by dotted path (`tags.Name`). */
const at = (o: Json, path: string): unknown => path.split(".").reduce<Json | undefined>((v, k) => v?.[k], o);

const rule = (nameAttribute: string, resourceType: string, resourceNameAttribute = nameAttribute, alsoAgrees?: LookupRule["alsoAgrees"]): LookupRule => ({
  nameAttribute,
  resourceType,
  resourceNameAttribute,
  alsoAgrees,
});

/**
 * The lookups by name, by data source type. Rows for types the platform stack does not use
 * yet (databases, proxies, the cache, roles, repositories, log groups) are here so the
 * lookups the services' wiring adds are checked as soon as they appear.
 */
const LOOKUPS: Readonly<Record<string, LookupRule>> = {
  aws_eks_cluster: rule("name", "aws_eks_cluster"),
  aws_eks_cluster_auth: rule("name", "aws_eks_cluster"),
  aws_kms_alias: rule("name", "aws_kms_alias"),
  // A key looked up by its alias (`key_id = "alias/..."`); a key id or ARN would name no resource here.
  aws_kms_key: rule("key_id", "aws_kms_alias", "name"),
  aws_s3_bucket: rule("bucket", "aws_s3_bucket"),
  aws_sns_topic: rule("name", "aws_sns_topic"),
  aws_secretsmanager_secret: rule("name", "aws_secretsmanager_secret"),
  aws_secretsmanager_secret_version: rule("secret_id", "aws_secretsmanager_secret", "name"),
  aws_security_group: rule("name", "aws_security_group"),
  aws_route53_zone: rule("name", "aws_route53_zone", "name", {
    what: "public or private (a private zone has a vpc block)",
    holds: (l, r) => Boolean(l.private_zone) === Boolean(r.vpc?.length),
  }),
  aws_wafv2_web_acl: rule("name", "aws_wafv2_web_acl", "name", { what: "scope", holds: (l, r) => l.scope === r.scope }),
  aws_db_instance: rule("db_instance_identifier", "aws_db_instance", "identifier"),
  aws_db_proxy: rule("name", "aws_db_proxy"),
  aws_elasticache_replication_group: rule("replication_group_id", "aws_elasticache_replication_group"),
  aws_iam_policy: rule("name", "aws_iam_policy"),
  aws_iam_role: rule("name", "aws_iam_role"),
  aws_ecr_repository: rule("name", "aws_ecr_repository"),
  aws_cloudwatch_log_group: rule("name", "aws_cloudwatch_log_group"),
  // The load balancers' certificate, by its Name tag: in us-east-1 the CloudFront certificate
  // (provider aws.global) covers the same domain, so the match must be the stack's own region's.
  aws_acm_certificate: rule("tags.Name", "aws_acm_certificate", "tags.Name", {
    what: "domain, and a certificate of the stack's own region (not the us-east-1 CloudFront one)",
    holds: (l, r) => l.domain === r.domain_name && r.provider === undefined,
  }),
};

/** Data source types that look up nothing the `<env>` stack names, and why. */
const NOT_LOOKUPS: Readonly<Record<string, string>> = {
  aws_caller_identity: "the account of the credentials Terraform runs with",
  aws_iam_policy_document: "renders this stack's own statements as a policy; reads nothing",
};

/** Lookups of what the platform stack makes itself, by `<type>.<logical id>`: why, and the proof that it does. */
const MADE_HERE: Readonly<Record<string, { readonly reason: string; readonly proof: (platform: Json, lookup: Json) => boolean }>> = {
  "aws_lb.gateway_load_balancer": {
    reason:
      "the gateway's ALB, created by the AWS Load Balancer Controller for this stack's gateway Ingress: its load-balancer-name annotation is the name looked up, and the lookup waits for the Ingress",
    proof: (platform, lookup) =>
      Object.entries(resourcesOf(platform, "kubernetes_ingress_v1")).some(
        ([id, ingress]) =>
          ingress.metadata.annotations?.["alb.ingress.kubernetes.io/load-balancer-name"] === lookup.name &&
          (lookup.depends_on ?? []).includes(`kubernetes_ingress_v1.${id}`),
      ),
  },
};

/** A name the platform stack builds into an ARN, and the resource that must carry it. */
interface ArnRule {
  readonly what: string;
  /** Captures the name (group 1); names with a wildcard or a reference are not matched. */
  readonly pattern: RegExp;
  readonly resourceType: string;
  readonly resourceNameAttribute: string;
  /** Where the resource may be made. */
  readonly madeBy: "env" | "either";
}

/** A literal name (group 1) ending the ARN or followed by a separator: a name cut by `*` or `${` does not match. */
const NAME = "([A-Za-z0-9][A-Za-z0-9+=,.@_-]*)(?=$|[/:\"'\\s}\\]])";
const ACCOUNT = '(?!aws:)[^:"]+';
const ARN_RULES: readonly ArnRule[] = [
  // The permissions boundary every role of the platform stack carries (applyPermissionsBoundary).
  {
    what: "IAM policy",
    pattern: new RegExp(`arn:[\\w-]+:iam::${ACCOUNT}:policy/${NAME}`, "g"),
    resourceType: "aws_iam_policy",
    resourceNameAttribute: "name",
    madeBy: "env",
  },
  // Service-linked roles (role/aws-service-role/...) are AWS's and are not matched.
  {
    what: "IAM role",
    pattern: new RegExp(`arn:[\\w-]+:iam::${ACCOUNT}:role/(?!aws-service-role/)${NAME}`, "g"),
    resourceType: "aws_iam_role",
    resourceNameAttribute: "name",
    madeBy: "either",
  },
  { what: "S3 bucket", pattern: new RegExp(`arn:[\\w-]+:s3:::${NAME}`, "g"), resourceType: "aws_s3_bucket", resourceNameAttribute: "bucket", madeBy: "env" },
  {
    what: "EKS cluster",
    pattern: new RegExp(`arn:[\\w-]+:eks:[^:"]*:[^:"]+:(?:cluster|nodegroup|podidentityassociation|addon|access-entry)/${NAME}`, "g"),
    resourceType: "aws_eks_cluster",
    resourceNameAttribute: "name",
    madeBy: "env",
  },
  {
    what: "WAF web ACL",
    pattern: new RegExp(`arn:[\\w-]+:wafv2:[^:"]*:[^:"]+:(?:regional|global)/webacl/${NAME}`, "g"),
    resourceType: "aws_wafv2_web_acl",
    resourceNameAttribute: "name",
    madeBy: "env",
  },
];

/** One name the platform stack relies on, and whether the `<env>` stack (or it) makes it. */
interface Checked {
  /** `data.<type>.<id>` or the ARN rule's `what`. */
  readonly source: string;
  readonly name: string;
}

interface Report {
  readonly checked: readonly Checked[];
  readonly problems: readonly string[];
}

/** The data source lookups of `platform`, checked against what `env` creates. */
function checkLookups(env: Json, platform: Json): Report {
  const checked: Checked[] = [];
  const problems: string[] = [];
  for (const [type, lookups] of Object.entries((platform.data ?? {}) as Record<string, Record<string, Json>>)) {
    if (NOT_LOOKUPS[type]) continue;
    const rule = LOOKUPS[type];
    for (const [id, lookup] of Object.entries(lookups)) {
      const made = MADE_HERE[`${type}.${id}`];
      if (made) {
        if (!made.proof(platform, lookup)) problems.push(`data.${type}.${id}: listed as made by the platform stack, but the proof fails (${made.reason})`);
        continue;
      }
      if (!rule) {
        problems.push(`data.${type}.${id}: a data source type no table knows; add it to LOOKUPS, NOT_LOOKUPS or MADE_HERE`);
        continue;
      }
      const name = at(lookup, rule.nameAttribute);
      if (typeof name !== "string" || name.includes("${")) {
        problems.push(`data.${type}.${id}: ${rule.nameAttribute} is ${JSON.stringify(name)}, not a literal name the other stack can be checked for`);
        continue;
      }
      checked.push({ source: `data.${type}.${id}`, name });
      const candidates = Object.values(resourcesOf(env, rule.resourceType)).filter((r) => at(r, rule.resourceNameAttribute) === name);
      if (candidates.length === 0) {
        problems.push(
          `data.${type}.${id} looks up ${rule.nameAttribute} "${name}": the <env> stack has no ${rule.resourceType} with ${rule.resourceNameAttribute} "${name}"`,
        );
      } else if (rule.alsoAgrees && !candidates.some((r) => rule.alsoAgrees!.holds(lookup, r))) {
        problems.push(`data.${type}.${id}: the <env> stack's ${rule.resourceType} "${name}" differs in ${rule.alsoAgrees.what}`);
      }
    }
  }
  return { checked, problems };
}

/** Every string in a stack's JSON (Helm values and policies included), without cdktf's metadata. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") strings(v, out);
  return out;
}

/** The names the platform stack builds into ARNs, checked against what `env` (or it) creates. */
function checkArns(env: Json, platform: Json): Report {
  const checked: Checked[] = [];
  const problems: string[] = [];
  const texts = strings({ resource: platform.resource, data: platform.data, output: platform.output, locals: platform.locals });
  for (const r of ARN_RULES) {
    const names = new Set(texts.flatMap((t) => [...t.matchAll(r.pattern)].map((m) => m[1])));
    for (const name of [...names].sort()) {
      checked.push({ source: r.what, name });
      const has = (stack: Json) => Object.values(resourcesOf(stack, r.resourceType)).some((x) => at(x, r.resourceNameAttribute) === name);
      if (!(has(env) || (r.madeBy === "either" && has(platform)))) {
        problems.push(
          `${r.what} "${name}" in an ARN of the platform stack: no ${r.resourceType} with ${r.resourceNameAttribute} "${name}" in the <env> stack${r.madeBy === "either" ? " or the platform stack" : ""}`,
        );
      }
    }
  }
  return { checked, problems };
}

describe.each(ENVS)("%s and its platform stack", (name) => {
  const env = realStack(name);
  const platform = realStack(`${name}-platform`);
  const lookups = checkLookups(env, platform);
  const arns = checkArns(env, platform);

  test("every name the platform stack looks up is made by the <env> stack", () => {
    expect(lookups.problems).toEqual([]);
  });

  test("the check covered every lookup: the cluster, zone, ACL, security group, keys, buckets, topics and secrets", () => {
    const types = Object.keys(platform.data ?? {});
    const made = Object.keys(MADE_HERE).length;
    const lookupCount = types.filter((t) => !NOT_LOOKUPS[t]).reduce((n, t) => n + Object.keys(dataOf(platform, t)).length, 0);
    expect(lookups.checked).toHaveLength(lookupCount - made);
    const prefix = `authorworks-${name}`;
    expect(lookups.checked).toEqual(
      expect.arrayContaining([
        { source: "data.aws_eks_cluster.cluster", name: prefix },
        { source: "data.aws_kms_alias.storage_key", name: `alias/${prefix}-storage` },
        { source: "data.aws_kms_alias.logs_key", name: `alias/${prefix}-logs` },
        { source: "data.aws_s3_bucket.logs_bucket", name: `authorworks-logs-${name}` },
        { source: "data.aws_sns_topic.alerts_critical_topic", name: `${prefix}-alerts-critical` },
        { source: "data.aws_wafv2_web_acl.regional_web_acl", name: `${prefix}-regional` },
        { source: "data.aws_security_group.web_security_group", name: `${prefix}-web` },
        { source: "data.aws_secretsmanager_secret_version.addons_kube_prometheus_stack_chat_webhook", name: `${prefix}/alerting/chat-webhook-url` },
      ]),
    );
    expect(lookups.checked.filter((c) => c.source.startsWith("data.aws_s3_bucket."))).toHaveLength(6);
    expect(lookups.checked.filter((c) => c.source.startsWith("data.aws_route53_zone."))).toHaveLength(1);
  });

  test("every secret an ExternalSecret reads is one the <env> stack makes (by name), or a looked-up database's master secret", () => {
    const remoteKeys = (releaseId: string) =>
      (valuesOf(platform, releaseId).resources as Json[])
        .filter((r) => r.kind === "ExternalSecret")
        .flatMap((r) => (r.spec.data as Json[]).map((d) => d.remoteRef.key as string));
    const byName = [...new Set(remoteKeys("workloads_external_secrets"))];
    const made = Object.values(resourcesOf(env, "aws_secretsmanager_secret")).map((s) => s.name);
    expect(byName.filter((k) => !made.includes(k))).toEqual([]);
    // The catalogue's five service secrets and the cache's.
    expect(byName).toHaveLength(6);
    const master = remoteKeys("workloads_database_users_secrets");
    expect(master.length).toBe(2 * Object.keys(dataOf(platform, "aws_db_instance")).length);
    for (const k of master) expect(k).toMatch(/^\$\{data\.aws_secretsmanager_secret\.database_[a-z]+_master_secret\.arn\}$/);
    // Looked up by the names the <env> stack gives its master secrets.
    const lookedUp = Object.values(dataOf(platform, "aws_secretsmanager_secret")).map((d) => d.name as string);
    const masters = lookedUp.filter((n) => n.endsWith("/master"));
    expect(masters).toHaveLength(Object.keys(dataOf(platform, "aws_db_instance")).length);
    expect(masters.filter((n) => !made.includes(n))).toEqual([]);
  });

  test("IAM policy, bucket, cluster and ACL names in the ARNs the platform stack builds are the <env> stack's", () => {
    expect(arns.problems).toEqual([]);
    expect(arns.checked).toEqual(
      expect.arrayContaining([
        { source: "IAM policy", name: `authorworks-${name}-boundary` },
        { source: "S3 bucket", name: `authorworks-logs-${name}` },
        { source: "EKS cluster", name: `authorworks-${name}` },
        { source: "WAF web ACL", name: `authorworks-${name}-regional` },
      ]),
    );
  });
});

describe("the check fails when the stacks disagree", () => {
  const env = realStack("staging");
  const platform = realStack("staging-platform");
  const copy = (j: Json): Json => JSON.parse(JSON.stringify(j));

  test("a bucket the <env> stack names otherwise", () => {
    const renamed = copy(env);
    renamed.resource.aws_s3_bucket.storage_logs_bucket.bucket = "authorworks-logs-staging-2";
    expect(checkLookups(renamed, platform).problems).toEqual([
      'data.aws_s3_bucket.logs_bucket looks up bucket "authorworks-logs-staging": the <env> stack has no aws_s3_bucket with bucket "authorworks-logs-staging"',
    ]);
    expect(checkArns(renamed, platform).problems).toEqual([
      'S3 bucket "authorworks-logs-staging" in an ARN of the platform stack: no aws_s3_bucket with bucket "authorworks-logs-staging" in the <env> stack',
    ]);
  });

  test("a permissions boundary the <env> stack does not make", () => {
    const renamed = copy(env);
    for (const p of Object.values(resourcesOf(renamed, "aws_iam_policy"))) p.name = `${p.name}-v2`;
    expect(checkArns(renamed, platform).problems).toEqual([
      'IAM policy "authorworks-staging-boundary" in an ARN of the platform stack: no aws_iam_policy with name "authorworks-staging-boundary" in the <env> stack',
    ]);
  });

  test("a private zone where the platform stack looks up a public one; an ACL of another scope", () => {
    const changed = copy(env);
    const zone = Object.values(resourcesOf(changed, "aws_route53_zone")).find((z) => z.name === "staging.authorworks.io")!;
    zone.vpc = [{ vpc_id: "vpc-1" }];
    const acl = Object.values(resourcesOf(changed, "aws_wafv2_web_acl")).find((a) => a.name === "authorworks-staging-regional")!;
    acl.scope = "CLOUDFRONT";
    expect(checkLookups(changed, platform).problems).toEqual([
      'data.aws_route53_zone.zone: the <env> stack\'s aws_route53_zone "staging.authorworks.io" differs in public or private (a private zone has a vpc block)',
      'data.aws_wafv2_web_acl.regional_web_acl: the <env> stack\'s aws_wafv2_web_acl "authorworks-staging-regional" differs in scope',
    ]);
  });

  test("a data source type no table knows, and a name that is a reference", () => {
    const added = copy(platform);
    added.data.aws_vpc = { network: { tags: { Name: "authorworks-staging" } } };
    added.data.aws_sns_topic.alerts_warning_topic.name = "${data.aws_caller_identity.current.account_id}";
    expect(checkLookups(env, added).problems).toEqual([
      'data.aws_sns_topic.alerts_warning_topic: name is "${data.aws_caller_identity.current.account_id}", not a literal name the other stack can be checked for',
      "data.aws_vpc.network: a data source type no table knows; add it to LOOKUPS, NOT_LOOKUPS or MADE_HERE",
    ]);
  });

  test("a lookup listed as made here whose proof fails", () => {
    const changed = copy(platform);
    changed.resource.kubernetes_ingress_v1.workloads_ingress.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"] = "other";
    expect(checkLookups(env, changed).problems).toEqual([
      `data.aws_lb.gateway_load_balancer: listed as made by the platform stack, but the proof fails (${MADE_HERE["aws_lb.gateway_load_balancer"].reason})`,
    ]);
  });
});

describe("the gateway's load balancer names its certificate", () => {
  // Without the annotation the AWS Load Balancer Controller picks the issued certificates that
  // match each host itself and refuses more than one: in us-east-1 both of the <env> stack's match.
  test.each(ENVS)("%s: the Ingress's certificate is the one looked up by the regional certificate's Name tag", (env) => {
    const platform = realStack(`${env}-platform`);
    const ingress = resourcesOf(platform, "kubernetes_ingress_v1").workloads_ingress;
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe("${data.aws_acm_certificate.regional_certificate.arn}");
    expect(dataOf(platform, "aws_acm_certificate").regional_certificate).toMatchObject({ statuses: ["ISSUED"], tags: { Name: `authorworks-${env}-regional` } });
  });
});
