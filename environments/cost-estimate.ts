/**
 * The monthly cost of an environment's fixed resources, read from its synthesized stacks (the
 * `<env>` and, where it exists, `<env>-platform` Terraform JSON; a pilot-light standby has
 * none): what runs every hour whether used or not,
 * priced with variables/aws-prices.ts. Usage-based charges (traffic, requests, logs, storage
 * that grows) are listed, not estimated. README "Cost per environment" is `costTableMarkdown`
 * of the committed stacks (`node scripts/cost-estimate.mjs`), checked by
 * __tests__/environments/cost-estimate.test.ts.
 */
import {
  CACHE_NODE_HOURLY,
  EC2_HOURLY,
  HOURS_PER_MONTH,
  PRICES,
  PRICES_CHECKED_ON,
  PRICES_REGION,
  OTHER_REGION_RATES,
  Price,
  PriceId,
  RDS_POSTGRES_HOURLY,
  RDS_VCPUS,
  RDS_VCPUS_SOURCE,
} from "../variables/aws-prices";
import { BACKUP_TAG } from "../modules/backup/tag";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** The synthesized stacks of one environment. */
export interface EnvironmentStacks {
  readonly name: string;
  /** The `<env>` stack's cdk.tf.json. */
  readonly env: Json;
  /** The `<env>-platform` stack's cdk.tf.json. @default none (a pilot light: no cluster, no platform stack) */
  readonly platform?: Json;
}

/** One component: its quantity in words, its monthly cost (null: not priced), and the prices used. */
export interface CostLine {
  readonly component: string;
  readonly quantity: string;
  readonly monthlyUsd: number | null;
  readonly prices: readonly Price[];
}

export interface CostEstimate {
  readonly name: string;
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly totalUsd: number;
  /** The budget's `limit_amount`. */
  readonly budgetUsd: number;
  /** The region of the `<env>` stack's default AWS provider. */
  readonly region: string;
}

/** Seed 003's monthly budgets ("Cost Analysis": $80 / $450 / $4,000), for comparison. */
export const SEED_MONTHLY_BUDGET_USD: Readonly<Record<string, number>> = { dev: 80, staging: 450, production: 4000 };

/** Charges that depend on use, not on what is deployed: named in the README, never summed. */
export const USAGE_BASED_CHARGES: readonly string[] = [
  "data processed by the NAT gateways and data transfer out",
  "data transferred between regions (S3 replication, the read replicas' stream of changes)",
  "ALB capacity units",
  "CloudFront requests and transfer",
  "S3 storage and requests",
  "CloudWatch Logs ingestion and storage, Container Insights metrics",
  "WAF requests",
  "Route 53 queries",
  "GuardDuty and Security Hub (priced by events and checks)",
  "AWS Backup storage and cross-region copies",
  "ECR storage",
  "CodeBuild minutes",
  "KMS, Secrets Manager, SNS, SQS and EventBridge requests",
  "RDS storage growth (autoscaling) and backup storage beyond the free allowance",
  "Performance Insights retention beyond 7 days",
  "the second and later yearly versions of a rotated KMS key",
];

const count = (json: Json, type: string): number => Object.keys(json.resource?.[type] ?? {}).length;
const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const monthly = (p: Price, quantity: number): number => quantity * p.usd * (p.unit === "hour" || p.unit === "vCPU-hour" ? HOURS_PER_MONTH : 1);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** `"${aws_x.y.attr}"` -> `"y"` (the logical id a reference points at). */
const refId = (ref: string): string | undefined => /^\$\{[a-z0-9_]+\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(ref)?.[1];
const gib = (size: string | undefined): number => (size && /^\d+Gi$/.test(size) ? Number(size.slice(0, -2)) : 0);

/**
 * The optional features a Route 53 health check is billed for, each per month (Route 53
 * pricing, "Optional health check features"): HTTPS, string matching, the fast (10 s)
 * interval, latency measurement. A CALCULATED check has none.
 */
export function healthCheckOptionalFeatures(check: Json): number {
  const type = String(check.type ?? "");
  return (
    Number(type.startsWith("HTTPS")) + Number(type.endsWith("_STR_MATCH")) + Number(check.request_interval === 10) + Number(check.measure_latency === true)
  );
}

function line(component: string, quantity: string, priced: ReadonlyArray<readonly [Price | undefined, number]>): CostLine {
  const missing = priced.some(([p, q]) => q > 0 && !p);
  const prices = priced.filter(([p, q]) => p && q > 0).map(([p]) => p!);
  return { component, quantity, monthlyUsd: missing ? null : priced.reduce((sum, [p, q]) => sum + (p ? monthly(p, q) : 0), 0), prices };
}

function nodeGroupLines(env: Json): CostLine[] {
  const groups = env.resource?.aws_eks_node_group ?? {};
  const templates = env.resource?.aws_launch_template ?? {};
  const lines: CostLine[] = [];
  let diskGb = 0;
  for (const [id, g] of Object.entries<Json>(groups).sort(([a], [b]) => a.localeCompare(b))) {
    const desired = g.scaling_config.desired_size as number;
    const type = (g.instance_types as string[])[0];
    const spot = g.capacity_type === "SPOT";
    const label = id.replace(/^eks_/, "").replace(/_node_group$/, "");
    lines.push(line(`EC2 nodes: ${label}${spot ? " (Spot, priced on-demand: an upper bound)" : ""}`, `${desired} × ${type}`, [[EC2_HOURLY[type], desired]]));
    const template = templates[refId(g.launch_template?.id ?? "") ?? ""];
    diskGb += desired * (template?.block_device_mappings?.[0]?.ebs?.volume_size ?? 0);
  }
  lines.push(line("EBS: node root volumes (gp3)", `${diskGb} GB`, [[PRICES.ebsGp3, diskGb]]));
  return lines;
}

/** Persistent volumes the platform stack requests: Prometheus, Alertmanager, Loki and plain claims (Jaeger's Badger store). */
function persistentVolumeGb(platform: Json): number {
  let gb = 0;
  for (const release of resources(platform, "helm_release")) {
    for (const doc of (release.values ?? []) as string[]) {
      let v: Json;
      try {
        v = JSON.parse(doc);
      } catch {
        continue;
      }
      const prom = v.prometheus?.prometheusSpec;
      if (prom?.storageSpec) gb += (prom.replicas ?? 1) * gib(prom.storageSpec.volumeClaimTemplate?.spec?.resources?.requests?.storage);
      const am = v.alertmanager?.alertmanagerSpec;
      if (am?.storage) gb += (am.replicas ?? 1) * gib(am.storage.volumeClaimTemplate?.spec?.resources?.requests?.storage);
      if (v.deploymentMode) {
        for (const part of ["singleBinary", "write", "backend"]) {
          const c = v[part];
          if (c?.persistence && (c.persistence.enabled || c.persistence.volumeClaimsEnabled)) gb += (c.replicas ?? 0) * gib(c.persistence.size);
        }
      }
    }
  }
  for (const claim of resources(platform, "kubernetes_persistent_volume_claim_v1")) gb += gib(claim.spec?.resources?.requests?.storage);
  return gb;
}

function databaseLines(env: Json): CostLine[] {
  const dbs = env.resource?.aws_db_instance ?? {};
  const byKind = new Map<string, { n: number; cls: string; multiAz: boolean }>();
  let singleGb = 0;
  let multiGb = 0;
  for (const db of Object.values<Json>(dbs)) {
    const key = `${db.instance_class}/${db.multi_az === true}`;
    const k = byKind.get(key) ?? { n: 0, cls: db.instance_class, multiAz: db.multi_az === true };
    byKind.set(key, { ...k, n: k.n + 1 });
    if (db.multi_az === true) multiGb += db.allocated_storage;
    else singleGb += db.allocated_storage;
  }
  const lines = [...byKind.values()].map((k) =>
    line("RDS PostgreSQL instances", `${k.n} × ${k.cls}${k.multiAz ? ", Multi-AZ" : ""}`, [
      [k.multiAz ? RDS_POSTGRES_HOURLY[k.cls]?.multiAz : RDS_POSTGRES_HOURLY[k.cls]?.singleAz, k.n],
    ]),
  );
  lines.push(
    line("RDS storage (gp3, as allocated)", [singleGb ? `${singleGb} GB single-AZ` : "", multiGb ? `${multiGb} GB Multi-AZ` : ""].filter(Boolean).join(", "), [
      [PRICES.rdsGp3SingleAz, singleGb],
      [PRICES.rdsGp3MultiAz, multiGb],
    ]),
  );
  const targets = resources(env, "aws_db_proxy_target");
  if (targets.length) {
    const vcpus = targets.map((t) => RDS_VCPUS[dbs[refId(t.db_instance_identifier) ?? ""]?.instance_class]);
    const known = vcpus.every((v) => v !== undefined);
    const total = vcpus.reduce((s: number, v) => s + (v ?? 0), 0);
    lines.push(
      known
        ? line("RDS Proxy (per vCPU of its instance)", `${plural(targets.length, "proxy", "proxies")}, ${total} vCPUs`, [[PRICES.rdsProxyVcpu, total]])
        : { component: "RDS Proxy (per vCPU of its instance)", quantity: plural(targets.length, "proxy", "proxies"), monthlyUsd: null, prices: [] },
    );
  }
  return lines;
}

function restoreTestLine(env: Json): CostLine | undefined {
  const rds = resources(env, "aws_backup_restore_testing_selection").find((s) => s.protected_resource_type === "RDS");
  if (!rds) return undefined;
  const hours = rds.validation_window_hours as number;
  // AWS Backup selects by tag: a following read replica has none, nothing of it is restored.
  const classes = Object.values<Json>(env.resource?.aws_db_instance ?? {})
    .filter((d) => d.tags?.[BACKUP_TAG.key] === BACKUP_TAG.value)
    .map((d) => d.instance_class as string);
  // Restored instances are single-AZ (AWS Backup's inferred metadata) and kept for the validation window.
  const priced = classes.map((cls) => [RDS_POSTGRES_HOURLY[cls]?.singleAz, hours / HOURS_PER_MONTH] as const);
  return line("Monthly restore test (restored databases, validation window only)", `${classes.length} × ${hours} h`, priced);
}

/**
 * The environments among synthesized stacks (by name): each `<env>` stack, the one with the
 * environment's budget (a pilot-light standby has no `<env>-platform` beside it), in the
 * project's order (dev, staging, production, then others by name).
 */
export function environmentStackNames(stacks: Readonly<Record<string, Json>>): string[] {
  const order = Object.keys(SEED_MONTHLY_BUDGET_USD);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return Object.keys(stacks)
    .filter((s) => count(stacks[s], "aws_budgets_budget") > 0)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The fixed monthly cost of one environment, line by line. */
export function estimateMonthlyCost(stacks: EnvironmentStacks): CostEstimate {
  const { env } = stacks;
  const platform = stacks.platform ?? {};
  const publicSubnets = resources(env, "aws_subnet").filter((s) => s.tags?.["kubernetes.io/role/elb"] === "1").length;
  const loadBalancers = Object.keys(platform.data?.aws_lb ?? {}).length;
  const addresses = count(env, "aws_eip") + loadBalancers * publicSubnets;
  const webAcls = resources(env, "aws_wafv2_web_acl");
  const rules = webAcls.reduce((n, acl) => n + (acl.rule?.length ?? 0), 0);
  const alarms = count(env, "aws_cloudwatch_metric_alarm") + count(platform, "aws_cloudwatch_metric_alarm");
  // The database master secrets are among the env stack's own; an EventBridge connection
  // keeps its authorization in a Secrets Manager secret of its own.
  const secrets = count(env, "aws_secretsmanager_secret") + count(platform, "aws_cloudwatch_event_connection");
  const features = resources(env, "aws_route53_health_check").reduce((sum, c) => sum + healthCheckOptionalFeatures(c), 0);
  const volumes = persistentVolumeGb(platform);
  const cacheGroups = resources(env, "aws_elasticache_replication_group");

  const lines: CostLine[] = [
    line("EKS control plane", plural(count(env, "aws_eks_cluster"), "cluster"), [[PRICES.eksCluster, count(env, "aws_eks_cluster")]]),
    ...nodeGroupLines(env),
    line("EBS: persistent volumes (gp3)", `${volumes} GB`, [[PRICES.ebsGp3, volumes]]),
    line("NAT gateways (hours)", plural(count(env, "aws_nat_gateway"), "gateway"), [[PRICES.natGateway, count(env, "aws_nat_gateway")]]),
    line("Public IPv4 addresses", `${addresses}: NAT ${count(env, "aws_eip")}, ALB ${loadBalancers * publicSubnets}`, [[PRICES.publicIpv4, addresses]]),
    line("Application Load Balancer (hours)", plural(loadBalancers, "ALB"), [[PRICES.applicationLoadBalancer, loadBalancers]]),
    ...databaseLines(env),
    ...cacheGroups.map((g) =>
      line("ElastiCache nodes (Redis OSS rate: Valkey is up to 20 % lower)", `${g.num_cache_clusters} × ${g.node_type}`, [
        [CACHE_NODE_HOURLY[g.node_type], g.num_cache_clusters],
      ]),
    ),
    line("WAF web ACLs and rules", `${plural(webAcls.length, "ACL")}, ${plural(rules, "rule")}`, [
      [PRICES.wafWebAcl, webAcls.length],
      [PRICES.wafRule, rules],
    ]),
    line("CloudWatch alarms and dashboards", `${plural(alarms, "alarm")}, ${plural(count(env, "aws_cloudwatch_dashboard"), "dashboard")}`, [
      [PRICES.cloudWatchAlarm, alarms],
      [PRICES.cloudWatchDashboard, count(env, "aws_cloudwatch_dashboard")],
    ]),
    line("KMS keys", plural(count(env, "aws_kms_key"), "key"), [[PRICES.kmsKey, count(env, "aws_kms_key")]]),
    line("Secrets Manager secrets", plural(secrets, "secret"), [[PRICES.secret, secrets]]),
    line(
      "Route 53 hosted zones and health checks",
      `${plural(count(env, "aws_route53_zone"), "zone")}, ${plural(count(env, "aws_route53_health_check"), "check")}${features ? `, ${plural(features, "paid option")}` : ""}`,
      [
        [PRICES.hostedZone, count(env, "aws_route53_zone")],
        [PRICES.healthCheck, count(env, "aws_route53_health_check")],
        [PRICES.healthCheckOptionalFeature, features],
      ],
    ),
  ];
  const restore = restoreTestLine(env);
  if (restore) lines.push(restore);
  const budget = resources(env, "aws_budgets_budget")[0];
  return {
    name: stacks.name,
    lines,
    totalUsd: lines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0),
    budgetUsd: Number(budget?.limit_amount ?? 0),
    region: ((env.provider?.aws ?? []) as Json[]).find((p) => p.alias === undefined)?.region ?? "",
  };
}

/** What each price of PRICES is, in the README's price table. */
const PRICE_LABELS: Readonly<Record<PriceId, string>> = {
  eksCluster: "EKS cluster",
  natGateway: "NAT gateway",
  publicIpv4: "public IPv4 address",
  applicationLoadBalancer: "Application Load Balancer",
  ebsGp3: "EBS gp3 storage",
  rdsGp3SingleAz: "RDS gp3 storage, single-AZ",
  rdsGp3MultiAz: "RDS gp3 storage, Multi-AZ",
  rdsProxyVcpu: "RDS Proxy, per vCPU of its instance",
  wafWebAcl: "WAF web ACL",
  wafRule: "WAF rule",
  cloudWatchAlarm: "CloudWatch standard alarm",
  cloudWatchDashboard: "CloudWatch dashboard",
  kmsKey: "KMS customer managed key",
  secret: "Secrets Manager secret",
  hostedZone: "Route 53 hosted zone",
  healthCheck: "Route 53 health check of an AWS endpoint (the free first 50 are not counted)",
  healthCheckOptionalFeature: "Route 53 health check option of an AWS endpoint (HTTPS, string matching, 10 s interval or latency)",
};

/** A markdown link named after the file (GitHub) or the host. */
function link(url: string): string {
  const github = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/[0-9a-f]{7}[0-9a-f]*\/.*\/([^/]+)$/.exec(url);
  const label = github ? `${github[1]} ${github[2]}` : new URL(url).host.replace(/^www\./, "") + new URL(url).pathname.replace(/\/$/, "");
  return `[${label}](${url})`;
}

const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const wholeUsd = (n: number): string => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

/** README "Cost per environment": the component table, the totals against the budgets, and the prices with their sources. */
export function costTableMarkdown(estimates: readonly CostEstimate[]): string {
  // Each environment's order, merged: a component one environment lacks keeps its place.
  const components: string[] = [];
  for (const e of estimates) {
    let at = 0;
    for (const c of e.lines.map((l) => l.component)) {
      const i = components.indexOf(c);
      if (i === -1) components.splice(at, 0, c);
      at = (i === -1 ? at : i) + 1;
    }
  }
  const cell = (e: CostEstimate, component: string): string => {
    const ls = e.lines.filter((l) => l.component === component);
    if (!ls.length) return "–";
    return ls.map((l) => `${l.monthlyUsd === null ? "not priced" : usd(l.monthlyUsd)} (${l.quantity})`).join("; ");
  };
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const elsewhere = estimates
    .filter((e) => e.region !== PRICES_REGION)
    .map((e) => `${e.name} (${e.region}): priced at the same ${PRICES_REGION} rates (${OTHER_REGION_RATES[e.region] ?? "no price of its region is sourced"}).`);
  const out: string[] = [
    `Monthly estimate of the fixed resources each environment's stacks create, at AWS on-demand list prices in ${PRICES_REGION} read on ${PRICES_CHECKED_ON}, ${HOURS_PER_MONTH} hours a month. Generated by \`node scripts/cost-estimate.mjs\` from the synthesized stacks (\`npm run synth\` first); a test keeps this section equal to its output.` +
      elsewhere.map((line) => ` ${line}`).join(""),
    "",
    row(["component", ...estimates.map((e) => e.name)]),
    row(["---", ...estimates.map(() => "---:")]),
    ...components.map((c) => row([c, ...estimates.map((e) => cell(e, c))])),
    row(["**total (priced lines)**", ...estimates.map((e) => `**${usd(e.totalUsd)}**`)]),
    row(["monthly budget (`monthlyBudgetUsd`)", ...estimates.map((e) => wholeUsd(e.budgetUsd))]),
    row(["80 % alert at", ...estimates.map((e) => usd(e.budgetUsd * 0.8))]),
    row(["seed 003 budget", ...estimates.map((e) => (SEED_MONTHLY_BUDGET_USD[e.name] === undefined ? "–" : wholeUsd(SEED_MONTHLY_BUDGET_USD[e.name])))]),
    "",
    `Not in the totals (they depend on use): ${USAGE_BASED_CHARGES.join("; ")}. A line "not priced" has no price in \`variables/aws-prices.ts\` that could be sourced.`,
    "",
    row(["price", "USD", "unit", "read in", "AWS pricing page"]),
    row(["---", "---:", "---", "---", "---"]),
  ];
  const seen = new Map<string, Price>();
  const named: Array<[string, Price]> = [
    ...Object.entries(PRICES).map(([k, p]): [string, Price] => [PRICE_LABELS[k as PriceId], p]),
    ...Object.entries(EC2_HOURLY).map(([k, p]): [string, Price] => [`EC2 ${k}`, p]),
    ...Object.entries(RDS_POSTGRES_HOURLY).flatMap(([k, v]) => [
      ...(v.singleAz ? [[`RDS PostgreSQL ${k} single-AZ`, v.singleAz] as [string, Price]] : []),
      ...(v.multiAz ? [[`RDS PostgreSQL ${k} Multi-AZ`, v.multiAz] as [string, Price]] : []),
    ]),
    ...Object.entries(CACHE_NODE_HOURLY).map(([k, p]): [string, Price] => [`ElastiCache ${k} (Redis OSS)`, p]),
  ];
  const used = new Set(estimates.flatMap((e) => e.lines.flatMap((l) => l.prices)));
  for (const [name, p] of named) {
    if (!used.has(p) || seen.has(name)) continue;
    seen.set(name, p);
    out.push(row([name, String(p.usd), `per ${p.unit}`, link(p.source), link(p.official)]));
  }
  const vcpus = Object.entries(RDS_VCPUS)
    .map(([cls, n]) => `${cls} ${n}`)
    .join(", ");
  out.push("", `RDS Proxy bills the vCPUs of the instance behind it: ${vcpus} (${link(RDS_VCPUS_SOURCE)}).`);
  return out.join("\n");
}
