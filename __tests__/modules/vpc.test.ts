import { deriveSubnets } from "../../environments/checks/network";
import { Network, NetworkProps } from "../../modules/vpc";
import { Json, resource, resourcesOf, statements, synthWith } from "../helpers";
import { testContext } from "../fixtures/context";

const CONTEXT = testContext({ namePrefix: "authorworks-test", logRetentionDays: 90 });

function network(overrides: Partial<NetworkProps> = {}): Json {
  const azIds = overrides.azIds ?? ["use1-az1", "use1-az2", "use1-az4"];
  return synthWith((stack) => {
    new Network(stack, "network", {
      context: CONTEXT,
      cidr: "10.30.0.0/16",
      azIds,
      subnets: deriveSubnets("10.30.0.0/16", azIds.length),
      natGateways: "one-per-az",
      ...overrides,
    });
  });
}

const byTier = (json: Json, tier: string) => Object.values(resourcesOf(json, "aws_subnet")).filter((s) => s.tags.Tier === tier);

describe("vpc module", () => {
  const json = network();

  test("VPC with DNS and the given CIDR", () => {
    expect(resource(json, "aws_vpc", "network_vpc")).toMatchObject({
      cidr_block: "10.30.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "authorworks-test-vpc" },
    });
  });

  test("three tiers, one subnet per AZ, by AZ ID, none auto-assigning public IPs", () => {
    for (const tier of ["public", "private", "database"]) {
      const subnets = byTier(json, tier);
      expect(subnets.map((s) => s.availability_zone_id)).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
      expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    }
    expect(byTier(json, "private").map((s) => s.cidr_block)).toEqual(["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
    expect(resource(json, "aws_subnet", "network_private_use1_az2").vpc_id).toBe("${aws_vpc.network_vpc.id}");
  });

  test("subnet tags for the load balancer controller and the cluster", () => {
    expect(byTier(json, "public").every((s) => s.tags["kubernetes.io/role/elb"] === "1")).toBe(true);
    for (const s of byTier(json, "private")) {
      expect(s.tags["kubernetes.io/role/internal-elb"]).toBe("1");
      expect(s.tags["kubernetes.io/cluster/authorworks-test"]).toBe("shared");
    }
    expect(byTier(json, "database").some((s) => "kubernetes.io/role/elb" in s.tags)).toBe(false);
  });

  test("one NAT per AZ: each private route table uses its own AZ's NAT", () => {
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(3);
    expect(resource(json, "aws_nat_gateway", "network_nat_use1_az2").subnet_id).toBe("${aws_subnet.network_public_use1_az2.id}");
    expect(resource(json, "aws_route", "network_private_use1_az2_default_route").nat_gateway_id).toBe("${aws_nat_gateway.network_nat_use1_az2.id}");
  });

  test("a single NAT serves every private route table", () => {
    const single = network({ natGateways: "single" });
    expect(Object.keys(resourcesOf(single, "aws_nat_gateway"))).toEqual(["network_nat_use1_az1"]);
    const natOf = (az: string) => resource(single, "aws_route", `network_private_${az}_default_route`).nat_gateway_id;
    expect(["use1_az1", "use1_az2", "use1_az4"].map(natOf)).toEqual(Array(3).fill("${aws_nat_gateway.network_nat_use1_az1.id}"));
  });

  test("routes: public to the internet gateway, database nowhere outside the VPC", () => {
    expect(resource(json, "aws_route", "network_public_default_route")).toMatchObject({
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: "${aws_internet_gateway.network_internet_gateway.id}",
    });
    const routesOfDbTable = Object.values(resourcesOf(json, "aws_route")).filter((r) => r.route_table_id === "${aws_route_table.network_database_routes.id}");
    expect(routesOfDbTable).toHaveLength(0);
    expect(
      Object.values(resourcesOf(json, "aws_route_table_association")).filter((a) => a.route_table_id === "${aws_route_table.network_database_routes.id}"),
    ).toHaveLength(3);
  });

  test("S3 and DynamoDB gateway endpoints on the private and database route tables", () => {
    for (const svc of ["s3", "dynamodb"]) {
      const ep = resource(json, "aws_vpc_endpoint", `network_${svc}_endpoint`);
      expect(ep.service_name).toBe(`com.amazonaws.us-east-1.${svc}`);
      expect(ep.vpc_endpoint_type).toBe("Gateway");
      expect(ep.route_table_ids).toEqual([
        "${aws_route_table.network_private_use1_az1_routes.id}",
        "${aws_route_table.network_private_use1_az2_routes.id}",
        "${aws_route_table.network_private_use1_az4_routes.id}",
        "${aws_route_table.network_database_routes.id}",
      ]);
    }
  });

  test("flow logs of all traffic to an encrypted group with retention, through a scoped role", () => {
    expect(resource(json, "aws_cloudwatch_log_group", "network_flow_log_group")).toMatchObject({ retention_in_days: 90, kms_key_id: CONTEXT.keys.logs.arn });
    expect(resource(json, "aws_flow_log", "network_flow_log")).toMatchObject({
      traffic_type: "ALL",
      log_destination: "${aws_cloudwatch_log_group.network_flow_log_group.arn}",
      iam_role_arn: "${aws_iam_role.network_flow_logs_role.arn}",
    });
    const [write] = statements(json, "network_flow_logs_policy_document");
    expect(write.resources).toEqual(["${aws_cloudwatch_log_group.network_flow_log_group.arn}", "${aws_cloudwatch_log_group.network_flow_log_group.arn}:*"]);
    const [trust] = statements(json, "network_flow_logs_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }]);
    expect(trust.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }]);
  });

  test("only the web tier accepts traffic from 0.0.0.0/0, and only on 80/443", () => {
    const open = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).filter((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(open.map((r) => [r.security_group_id, r.from_port, r.to_port]).sort()).toEqual([
      ["${aws_security_group.network_web_security_group.id}", 443, 443],
      ["${aws_security_group.network_web_security_group.id}", 80, 80],
    ]);
  });

  test("the data tier takes PostgreSQL and Valkey from the app tier only", () => {
    const dbIngress = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).filter(
      (r) => r.security_group_id === "${aws_security_group.network_db_security_group.id}",
    );
    expect(dbIngress.map((r) => [r.from_port, r.referenced_security_group_id]).sort()).toEqual([
      [5432, "${aws_security_group.network_app_security_group.id}"],
      [5432, "${aws_security_group.network_db_security_group.id}"],
      [6379, "${aws_security_group.network_app_security_group.id}"],
    ]);
    expect(dbIngress.some((r) => r.cidr_ipv4)).toBe(false);
  });

  test("the default security group is adopted with no rules", () => {
    const sg = resource(json, "aws_default_security_group", "network_default_security_group");
    expect(sg.vpc_id).toBe("${aws_vpc.network_vpc.id}");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  test("DB and cache subnet groups over the database subnets", () => {
    const ids = ["use1_az1", "use1_az2", "use1_az4"].map((az) => `\${aws_subnet.network_database_${az}.id}`);
    expect(resource(json, "aws_db_subnet_group", "network_db_subnet_group")).toMatchObject({ name: "authorworks-test-database", subnet_ids: ids });
    expect(resource(json, "aws_elasticache_subnet_group", "network_cache_subnet_group")).toMatchObject({ name: "authorworks-test-cache", subnet_ids: ids });
  });
});
