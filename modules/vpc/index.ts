/**
 * The network of one environment: a VPC over N availability zones with public,
 * private (workloads, pod IPs) and database subnets, NAT, route tables, flow logs,
 * gateway endpoints, tier security groups and the subnet groups the data modules use.
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { POSTGRES_PORT, SERVICE_PRINCIPALS, VALKEY_PORT, vpcEndpointServiceName } from "../../variables/aws-catalog";
import { APP_PORT } from "../../variables/services";
import type { StackContext } from "../context";
import { ServiceRole } from "../iam";

export type SubnetTier = "public" | "private" | "database";

export interface NetworkProps {
  /**
   * The environment: `namePrefix` starts every name, `aws.region` names the gateway
   * endpoints' services, the flow-log group keeps `logRetentionDays` and is encrypted
   * with `keys.logs`.
   */
  readonly context: StackContext;
  /** VPC CIDR. */
  readonly cidr: string;
  /** Availability-zone IDs, one per subnet of each tier (IDs are stable across accounts; names are not). */
  readonly azIds: readonly string[];
  /** One CIDR per AZ for each tier, in the order of `azIds`. */
  readonly subnets: Readonly<Record<SubnetTier, readonly string[]>>;
  /** One shared NAT gateway, or one per AZ so an AZ outage does not cut the others off. */
  readonly natGateways: "single" | "one-per-az";
  /** EKS cluster name the private subnets are tagged for. @default namePrefix */
  readonly clusterName?: string;
  /** Port the application tier listens on (the web tier forwards to it). @default 8080 */
  readonly appPort?: number;
}

/** Tier security groups, per seed 003: only the web tier takes traffic from the internet. */
export interface TierSecurityGroups {
  /** Load balancers: 80/443 from anywhere, out only to the app tier. */
  readonly web: SecurityGroup;
  /** Workloads: from the web tier on the app port; out to HTTPS and the data tier. */
  readonly app: SecurityGroup;
  /** Databases, proxies and caches: PostgreSQL and Valkey from the app tier only. */
  readonly db: SecurityGroup;
}

export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly vpcId: string;
  public readonly cidr: string;
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];
  public readonly databaseSubnetIds: string[];
  /** Route tables of the private subnets (one per AZ). */
  public readonly privateRouteTableIds: string[];
  public readonly databaseRouteTableId: string;
  public readonly natGatewayIds: string[];
  /** Public IPs of the NAT gateways (for allow-lists elsewhere). */
  public readonly natPublicIps: string[];
  public readonly securityGroups: TierSecurityGroups;
  /** RDS subnet group over the database subnets. */
  public readonly dbSubnetGroupName: string;
  /** ElastiCache subnet group over the database subnets. */
  public readonly cacheSubnetGroupName: string;
  public readonly flowLogGroupName: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { context } = props;
    const name = context.namePrefix;
    const clusterName = props.clusterName ?? name;
    const appPort = props.appPort ?? APP_PORT;
    const azIds = props.azIds;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${name}-vpc` },
    });
    this.vpcId = this.vpc.id;
    this.cidr = props.cidr;

    // The default SG allows all traffic between its members; adopt it with no rules so nothing can use it.
    new DefaultSecurityGroup(this, "default-security-group", { vpcId: this.vpc.id, tags: { Name: `${name}-default-deny` } });

    const igw = new InternetGateway(this, "internet-gateway", { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } });

    const tierTags: Record<SubnetTier, Record<string, string>> = {
      // Where the AWS Load Balancer Controller puts internet-facing load balancers.
      public: { "kubernetes.io/role/elb": "1" },
      // Nodes and pods (VPC CNI), internal load balancers.
      private: { "kubernetes.io/role/internal-elb": "1", [`kubernetes.io/cluster/${clusterName}`]: "shared" },
      database: {},
    };
    // Subnets are keyed by AZ ID, not list position: adding an AZ never renames the others.
    const subnets = (tier: SubnetTier): Subnet[] =>
      azIds.map(
        (az, i) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            cidrBlock: props.subnets[tier][i],
            availabilityZoneId: az,
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-${tier}-${az}`, Tier: tier, ...tierTags[tier] },
          }),
      );
    const publicSubnets = subnets("public");
    const privateSubnets = subnets("private");
    const databaseSubnets = subnets("database");
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.databaseSubnetIds = databaseSubnets.map((s) => s.id);

    // Public: default route to the internet gateway.
    const publicRt = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, "public-default-route", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-${azIds[i]}-association`, { subnetId: s.id, routeTableId: publicRt.id }));

    // NAT: in the first AZ only, or in every AZ.
    const natAzs = props.natGateways === "single" ? azIds.slice(0, 1) : azIds;
    const nats = natAzs.map((az, i) => {
      const eip = new Eip(this, `nat-${az}-ip`, { domain: "vpc", tags: { Name: `${name}-nat-${az}` }, dependsOn: [igw] });
      return {
        eip,
        nat: new NatGateway(this, `nat-${az}`, { allocationId: eip.id, subnetId: publicSubnets[i].id, tags: { Name: `${name}-nat-${az}` }, dependsOn: [igw] }),
      };
    });
    this.natGatewayIds = nats.map((n) => n.nat.id);
    this.natPublicIps = nats.map((n) => n.eip.publicIp);

    // Private: one route table per AZ, default route to the AZ's own NAT (or the single one).
    const privateRts = privateSubnets.map((s, i) => {
      const az = azIds[i];
      const rt = new RouteTable(this, `private-${az}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${az}` } });
      const nat = nats[Math.min(i, nats.length - 1)].nat;
      new Route(this, `private-${az}-default-route`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      new RouteTableAssociation(this, `private-${az}-association`, { subnetId: s.id, routeTableId: rt.id });
      return rt;
    });
    this.privateRouteTableIds = privateRts.map((rt) => rt.id);

    // Database: no route out of the VPC at all.
    const databaseRt = new RouteTable(this, "database-routes", { vpcId: this.vpc.id, tags: { Name: `${name}-database` } });
    databaseSubnets.forEach((s, i) => new RouteTableAssociation(this, `database-${azIds[i]}-association`, { subnetId: s.id, routeTableId: databaseRt.id }));
    this.databaseRouteTableId = databaseRt.id;

    // Gateway endpoints are free and keep S3/DynamoDB traffic off the NAT gateways.
    for (const service of ["s3", "dynamodb"]) {
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: this.vpc.id,
        serviceName: vpcEndpointServiceName(service, context.aws.region),
        vpcEndpointType: "Gateway",
        routeTableIds: [...this.privateRouteTableIds, databaseRt.id],
        tags: { Name: `${name}-${service}` },
      });
    }

    // Flow logs of all traffic, to an encrypted log group with a retention.
    const logGroup = new CloudwatchLogGroup(this, "flow-log-group", {
      name: `/aws/vpc/${name}/flow-logs`,
      retentionInDays: context.logRetentionDays,
      kmsKeyId: context.keys.logs.arn,
    });
    this.flowLogGroupName = logGroup.name;
    const flowRole = new ServiceRole(this, "flow-logs", {
      name: `${name}-vpc-flow-logs`,
      description: `Delivers VPC flow logs of ${name} to CloudWatch Logs`,
      service: SERVICE_PRINCIPALS.vpcFlowLogs,
      sourceAccount: context.aws.accountId,
      statements: [
        {
          sid: "WriteFlowLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
      ],
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: flowRole.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${name}-flow-log` },
    });

    this.securityGroups = this.tierSecurityGroups(name, appPort);

    this.dbSubnetGroupName = new DbSubnetGroup(this, "db-subnet-group", {
      name: `${name}-database`,
      description: `Database subnets of ${name}`,
      subnetIds: this.databaseSubnetIds,
      tags: { Name: `${name}-database` },
    }).name;
    this.cacheSubnetGroupName = new ElasticacheSubnetGroup(this, "cache-subnet-group", {
      name: `${name}-cache`,
      description: `Cache subnets of ${name}`,
      subnetIds: this.databaseSubnetIds,
      tags: { Name: `${name}-cache` },
    }).name;
  }

  private tierSecurityGroups(name: string, appPort: number): TierSecurityGroups {
    const sg = (tier: keyof TierSecurityGroups, description: string) =>
      new SecurityGroup(this, `${tier}-security-group`, {
        name: `${name}-${tier}`,
        description,
        vpcId: this.vpc.id,
        tags: { Name: `${name}-${tier}` },
        lifecycle: { createBeforeDestroy: true },
      });
    const web = sg("web", "Load balancers: HTTP/HTTPS from the internet");
    const app = sg("app", "Workloads: traffic from the web tier");
    const db = sg("db", "Databases, proxies and caches: traffic from the app tier");

    type Rule = { id: string; sg: SecurityGroup; port: number; description: string; cidr?: string; peer?: SecurityGroup };
    const ingress: Rule[] = [
      { id: "web-https-in", sg: web, port: 443, cidr: "0.0.0.0/0", description: "HTTPS from the internet" },
      // Port 80 only so the load balancer can redirect to HTTPS.
      { id: "web-http-in", sg: web, port: 80, cidr: "0.0.0.0/0", description: "HTTP from the internet (redirected to HTTPS)" },
      { id: "app-from-web", sg: app, port: appPort, peer: web, description: "Application port from the web tier" },
      { id: "db-postgres-from-app", sg: db, port: POSTGRES_PORT, peer: app, description: "PostgreSQL from the app tier" },
      { id: "db-cache-from-app", sg: db, port: VALKEY_PORT, peer: app, description: "Valkey from the app tier" },
      { id: "db-postgres-from-db", sg: db, port: POSTGRES_PORT, peer: db, description: "PostgreSQL from RDS Proxy in the same tier" },
    ];
    const egress: Rule[] = [
      { id: "web-to-app", sg: web, port: appPort, peer: app, description: "To the application tier" },
      // Image pulls and AWS APIs go out over HTTPS through NAT or the gateway endpoints.
      { id: "app-https-out", sg: app, port: 443, cidr: "0.0.0.0/0", description: "HTTPS to AWS APIs and registries" },
      { id: "app-to-postgres", sg: app, port: POSTGRES_PORT, peer: db, description: "To PostgreSQL and RDS Proxy" },
      { id: "app-to-cache", sg: app, port: VALKEY_PORT, peer: db, description: "To Valkey" },
      { id: "db-postgres-to-db", sg: db, port: POSTGRES_PORT, peer: db, description: "RDS Proxy to its database" },
    ];
    const target = (r: Rule) => ({
      securityGroupId: r.sg.id,
      ipProtocol: "tcp",
      fromPort: r.port,
      toPort: r.port,
      description: r.description,
      ...(r.cidr ? { cidrIpv4: r.cidr } : { referencedSecurityGroupId: r.peer!.id }),
      tags: { Name: `${name}-${r.id}` },
    });
    ingress.forEach((r) => new VpcSecurityGroupIngressRule(this, `${r.id}-rule`, target(r)));
    egress.forEach((r) => new VpcSecurityGroupEgressRule(this, `${r.id}-rule`, target(r)));
    return { web, app, db };
  }
}
