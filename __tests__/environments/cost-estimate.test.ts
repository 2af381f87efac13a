/**
 * README "Cost per environment" (environments/cost-estimate.ts, scripts/cost-estimate.mjs):
 * the section is the estimate of the committed stacks, each environment's fixed cost sits
 * under 80 % of its budget (no alert fires every month by design), and the arithmetic holds
 * on stacks built for the purpose.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CostEstimate, costTableMarkdown, environmentStackNames, estimateMonthlyCost, healthCheckOptionalFeatures } from "../../environments/cost-estimate";
import { HOURS_PER_MONTH, PRICES, RDS_POSTGRES_HOURLY } from "../../variables/aws-prices";
import type { Json } from "../helpers";
import { realStacks, realSynthRun } from "../real-app";

const ROOT = join(__dirname, "../..");
const stacks = realStacks();
const NAMES = ["dev", "staging", "production", "production-dr"] as const;
const estimates = NAMES.map((name) => estimateMonthlyCost({ name, env: stacks[name], platform: stacks[`${name}-platform`] }));
const byName = Object.fromEntries(estimates.map((e) => [e.name, e])) as Record<(typeof NAMES)[number], CostEstimate>;
const lineOf = (e: CostEstimate, component: string) => e.lines.find((l) => l.component === component);

describe("README: Cost per environment", () => {
  test("the section between the markers is the estimate of the committed stacks", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = /<!-- cost-estimate:begin -->\n([\s\S]*?)\n<!-- cost-estimate:end -->/.exec(readme);
    expect(section).not.toBeNull();
    expect(section![1]).toBe(costTableMarkdown(estimates));
  });

  test("scripts/cost-estimate.mjs prints the same from a synth output", () => {
    const run = spawnSync(process.execPath, ["scripts/cost-estimate.mjs", "--stacks", join(realSynthRun().outdir, "stacks")], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(costTableMarkdown(estimates) + "\n");
  });

  test("environments are the stacks with a budget (not the platform stacks), in the project's order", () => {
    const budget = { resource: { aws_budgets_budget: { b: {} } } };
    const none = { resource: { aws_s3_bucket: { b: {} } } };
    expect(
      environmentStackNames({
        "production-dr": budget,
        bootstrap: none,
        production: budget,
        "production-platform": none,
        "dev-platform": none,
        dev: budget,
        "a-standby": budget,
        staging: budget,
        "staging-platform": none,
      }),
    ).toEqual(["dev", "staging", "production", "a-standby", "production-dr"]);
    expect(environmentStackNames(stacks)).toEqual(NAMES);
  });
});

describe("no budget alert fires every month by design", () => {
  test.each(NAMES)("%s: the fixed monthly cost is under 80 %% of the budget", (name) => {
    const e = byName[name];
    expect(e.budgetUsd).toBe(Number(stacks[name].resource.aws_budgets_budget.monitoring_budget.limit_amount));
    expect({ name, fixed: Math.round(e.totalUsd), under: e.totalUsd <= 0.8 * e.budgetUsd }).toEqual({ name, fixed: Math.round(e.totalUsd), under: true });
  });

  test("every fixed component of the committed environments is priced", () => {
    const unpriced = estimates.flatMap((e) => e.lines.filter((l) => l.monthlyUsd === null).map((l) => `${e.name}: ${l.component}`));
    expect(unpriced).toEqual([]);
  });
});

describe("the estimate reads the stacks' actual sizes", () => {
  test("Route 53: each health check at the basic price plus one per paid option (HTTPS, string matching, 10 s, latency)", () => {
    expect(healthCheckOptionalFeatures({ type: "HTTPS", request_interval: 10 })).toBe(2);
    expect(healthCheckOptionalFeatures({ type: "HTTPS", request_interval: 30 })).toBe(1);
    expect(healthCheckOptionalFeatures({ type: "HTTPS_STR_MATCH", request_interval: 30, measure_latency: true })).toBe(3);
    expect(healthCheckOptionalFeatures({ type: "HTTP", request_interval: 30 })).toBe(0);
    expect(healthCheckOptionalFeatures({ type: "CALCULATED" })).toBe(0);
    // Production: the API's two checks and the gate (HTTPS, 10 s), the gated CALCULATED one, the media check (HTTPS, 30 s).
    const checks = Object.values(stacks.production.resource.aws_route53_health_check as Record<string, Json>);
    expect(checks.map(healthCheckOptionalFeatures).sort()).toEqual([0, 1, 2, 2, 2]);
    expect(lineOf(byName.production, "Route 53 hosted zones and health checks")).toMatchObject({
      quantity: "2 zones, 5 checks, 7 paid options",
      monthlyUsd: 2 * PRICES.hostedZone.usd + 5 * PRICES.healthCheck.usd + 7 * PRICES.healthCheckOptionalFeature.usd,
    });
    expect(lineOf(byName.dev, "Route 53 hosted zones and health checks")).toMatchObject({
      quantity: "2 zones, 0 checks",
      monthlyUsd: 2 * PRICES.hostedZone.usd,
    });
  });

  test("node groups at their desired size, priced per instance-hour (dev: 2 × t4g.medium, 2 × t4g.large, spot 0)", () => {
    expect(lineOf(byName.dev, "EC2 nodes: system")).toMatchObject({ quantity: "2 × t4g.medium", monthlyUsd: 2 * 0.0336 * HOURS_PER_MONTH });
    expect(lineOf(byName.dev, "EC2 nodes: application")).toMatchObject({ quantity: "2 × t4g.large", monthlyUsd: 2 * 0.0672 * HOURS_PER_MONTH });
    expect(lineOf(byName.dev, "EC2 nodes: spot (Spot, priced on-demand: an upper bound)")).toMatchObject({ quantity: "0 × m7g.large", monthlyUsd: 0 });
    expect(lineOf(byName.production, "EC2 nodes: application")).toMatchObject({ quantity: "4 × m7g.xlarge", monthlyUsd: 4 * 0.1632 * HOURS_PER_MONTH });
  });

  test("NAT gateways and their addresses follow network.natGateways; the ALB has one address per public subnet", () => {
    expect([lineOf(byName.dev, "NAT gateways (hours)")!.quantity, lineOf(byName.production, "NAT gateways (hours)")!.quantity]).toEqual([
      "1 gateway",
      "3 gateways",
    ]);
    expect(lineOf(byName.dev, "Public IPv4 addresses")).toMatchObject({ quantity: "3: NAT 1, ALB 2", monthlyUsd: 3 * PRICES.publicIpv4.usd * HOURS_PER_MONTH });
    expect(lineOf(byName.production, "Public IPv4 addresses")!.quantity).toBe("6: NAT 3, ALB 3");
  });

  test("databases by class and deployment, storage as allocated, RDS Proxy by vCPU", () => {
    expect(lineOf(byName.dev, "RDS PostgreSQL instances")).toMatchObject({ quantity: "4 × db.t4g.micro", monthlyUsd: 4 * 0.016 * HOURS_PER_MONTH });
    expect(lineOf(byName.production, "RDS PostgreSQL instances")).toMatchObject({
      quantity: "4 × db.r6g.large, Multi-AZ",
      monthlyUsd: 4 * 0.45 * HOURS_PER_MONTH,
    });
    expect(lineOf(byName.staging, "RDS storage (gp3, as allocated)")).toMatchObject({ quantity: "200 GB Multi-AZ", monthlyUsd: 200 * 0.23 });
    expect(lineOf(byName.dev, "RDS Proxy (per vCPU of its instance)")).toBeUndefined();
    expect(lineOf(byName.staging, "RDS Proxy (per vCPU of its instance)")).toMatchObject({
      quantity: "4 proxies, 8 vCPUs",
      monthlyUsd: 8 * 0.015 * HOURS_PER_MONTH,
    });
  });

  test("production-dr warm (with its platform stack): scaled-down nodes and cache, its NAT gateway and load balancer, the read replicas single-AZ at their own class; priced at us-east-1 rates, said so with what is known of us-west-2's", () => {
    const e = byName["production-dr"];
    expect(stacks["production-dr-platform"]).toBeDefined();
    expect(e.region).toBe("us-west-2");
    // Production's class, single-AZ: billed as one instance each, not at the Multi-AZ rate.
    expect(RDS_POSTGRES_HOURLY["db.r6g.large"].singleAz!.usd).toBe(0.225);
    expect(lineOf(e, "RDS PostgreSQL instances")).toMatchObject({ quantity: "4 × db.r6g.large", monthlyUsd: 4 * 0.225 * HOURS_PER_MONTH });
    expect(lineOf(e, "RDS storage (gp3, as allocated)")).toMatchObject({ quantity: "400 GB single-AZ", monthlyUsd: 400 * PRICES.rdsGp3SingleAz.usd });
    expect(lineOf(e, "NAT gateways (hours)")).toMatchObject({ quantity: "1 gateway", monthlyUsd: PRICES.natGateway.usd * HOURS_PER_MONTH });
    expect(lineOf(e, "Public IPv4 addresses")!.quantity).toBe("4: NAT 1, ALB 3");
    expect(lineOf(e, "RDS Proxy (per vCPU of its instance)")).toBeUndefined();
    // Warm sizes: one application node, no spot, production's system nodes, one cache node.
    expect(lineOf(e, "EC2 nodes: application")).toMatchObject({ quantity: "1 × m7g.xlarge", monthlyUsd: 0.1632 * HOURS_PER_MONTH });
    expect(lineOf(e, "EC2 nodes: spot (Spot, priced on-demand: an upper bound)")).toMatchObject({ quantity: "0 × m7g.large", monthlyUsd: 0 });
    expect(lineOf(e, "EC2 nodes: system")!.quantity).toBe(lineOf(byName.production, "EC2 nodes: system")!.quantity);
    expect(lineOf(e, "ElastiCache nodes (Redis OSS rate: Valkey is up to 20 % lower)")!.quantity).toBe("1 × cache.r6g.large");
    // Production and its warm standby together, against the seed's $4,000 (README "Against the budgets").
    expect(byName.production.totalUsd + e.totalUsd).toBeCloseTo(4414.3, 1);
    // The replicas carry no backup tag: the restore test restores nothing of them.
    expect(lineOf(e, "Monthly restore test (restored databases, validation window only)")).toMatchObject({ quantity: "0 × 4 h", monthlyUsd: 0 });
    const header = costTableMarkdown(estimates).split("\n")[0];
    expect(header).toContain("production-dr (us-west-2): priced at the same us-east-1 rates (the AWS Price List of 2026-10-06 gives it the same");
    // A region of which nothing is known says so.
    const elsewhere = costTableMarkdown(estimates.map((x) => (x.name === "production-dr" ? { ...x, region: "eu-west-1" } : x))).split("\n")[0];
    expect(elsewhere).toContain("production-dr (eu-west-1): priced at the same us-east-1 rates (no price of its region is sourced).");
    expect(header.match(/priced at the same/g)).toHaveLength(1);
  });

  test("the total is the sum of the priced lines", () => {
    for (const e of estimates)
      expect(e.totalUsd).toBeCloseTo(
        e.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0),
        6,
      );
  });
});

describe("on stacks made for the test", () => {
  /** A minimal pair of stacks: what the estimate reads, nothing else. */
  const env = (over: Json = {}): Json => ({
    resource: {
      aws_eks_cluster: { c: {} },
      aws_eks_node_group: {
        eks_system_node_group: { scaling_config: { desired_size: 3 }, instance_types: ["m7g.large"], launch_template: { id: "${aws_launch_template.lt.id}" } },
      },
      aws_launch_template: { lt: { block_device_mappings: [{ ebs: { volume_size: 40 } }] } },
      aws_nat_gateway: { a: {}, b: {} },
      aws_eip: { a: {}, b: {} },
      aws_subnet: { p1: { tags: { "kubernetes.io/role/elb": "1" } }, p2: { tags: { "kubernetes.io/role/elb": "1" } }, x: { tags: {} } },
      aws_db_instance: { d: { instance_class: "db.m7g.large", multi_az: true, allocated_storage: 10 } },
      aws_budgets_budget: { b: { limit_amount: "999" } },
      ...over,
    },
  });
  const platform: Json = { data: { aws_lb: { gateway: {} } }, resource: {} };

  test("a class with no sourced price makes its line 'not priced', left out of the total", () => {
    const e = estimateMonthlyCost({ name: "test", env: env(), platform });
    expect(lineOf(e, "RDS PostgreSQL instances")).toMatchObject({ quantity: "1 × db.m7g.large, Multi-AZ", monthlyUsd: null });
    expect(e.totalUsd).toBeCloseTo(
      e.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0),
      6,
    );
    expect(costTableMarkdown([e])).toContain("| RDS PostgreSQL instances | not priced (1 × db.m7g.large, Multi-AZ) |");
  });

  test("quantities come from the JSON: 3 nodes with 40 GB disks, 2 NAT gateways, 2 + 2 public addresses, the budget's limit", () => {
    const e = estimateMonthlyCost({ name: "test", env: env(), platform });
    expect(lineOf(e, "EC2 nodes: system")).toMatchObject({ quantity: "3 × m7g.large", monthlyUsd: 3 * 0.0816 * HOURS_PER_MONTH });
    expect(lineOf(e, "EBS: node root volumes (gp3)")).toMatchObject({ quantity: "120 GB", monthlyUsd: 120 * 0.08 });
    expect(lineOf(e, "NAT gateways (hours)")).toMatchObject({ monthlyUsd: 2 * 0.045 * HOURS_PER_MONTH });
    expect(lineOf(e, "Public IPv4 addresses")!.quantity).toBe("4: NAT 2, ALB 2");
    expect(e.budgetUsd).toBe(999);
  });

  test("persistent volumes: Prometheus, Alertmanager replicas, Loki components with replicas, claims", () => {
    const values = {
      prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "7Gi" } } } } } } },
      alertmanager: { alertmanagerSpec: { replicas: 2, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "3Gi" } } } } } } },
    };
    const loki = {
      deploymentMode: "SimpleScalable",
      singleBinary: { replicas: 0, persistence: { enabled: true, size: "9Gi" } },
      write: { replicas: 3, persistence: { volumeClaimsEnabled: true, size: "5Gi" } },
    };
    const p: Json = {
      data: {},
      resource: {
        helm_release: { a: { values: [JSON.stringify(values)] }, b: { values: [JSON.stringify(loki)] } },
        kubernetes_persistent_volume_claim_v1: { c: { spec: { resources: { requests: { storage: "11Gi" } } } } },
      },
    };
    expect(lineOf(estimateMonthlyCost({ name: "test", env: env(), platform: p }), "EBS: persistent volumes (gp3)")!.quantity).toBe(
      `${7 + 2 * 3 + 3 * 5 + 11} GB`,
    );
  });
});
