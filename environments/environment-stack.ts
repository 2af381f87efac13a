import { Construct } from "constructs";
import { TerraformOutput, dependable } from "cdktf";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import type { StackContext } from "../modules/context";
import { AwsContext, arnPrefix } from "../modules/iam";
import { Backup, BACKUP_TAG } from "../modules/backup";
import { ContentDelivery, WebAcl, gatewayWebAcl } from "../modules/cdn";
import { CodeBuildRunner } from "../modules/ci-runner";
import { DnsZones, StandbyDns } from "../modules/dns";
import { DisasterRecovery } from "../modules/dr";
import { DnsFailover, EdgeHealthChecks } from "../modules/failover";
import { EksCluster } from "../modules/eks";
import { applyPermissionsBoundary } from "../modules/iam/boundary-aspect";
import { DataClass, DataKeys } from "../modules/kms";
import { Monitoring, replicaLagThresholdSeconds } from "../modules/monitoring";
import { ContainerRegistry } from "../modules/registry";
import { Security } from "../modules/security";
import { secretNameArn } from "../modules/security/secrets";
import { MasterSecretRotation, ServiceDatabases, databaseIdentifier, masterSecretName } from "../modules/rds";
import { ValkeyCache } from "../modules/redis";
import { ObjectStorage } from "../modules/s3";
import { Network } from "../modules/vpc";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsProviders } from "../providers/aws";
import { configureBackend } from "../providers/backend";
import type { CloudStateSettings, S3StateSettings } from "../providers/state";
import { GLOBAL_REGION, VALKEY_PORT } from "../variables/aws-catalog";
import { GITHUB_OIDC_HOST } from "../modules/security/github";
import { apiHostName, regionalApiHostName } from "../variables/platform";
import { namePrefix, names } from "../variables/project";
import { PLATFORM_STACK_SECRET_PATHS } from "../variables/secrets";
import type { PrimaryOfStandby, ResolvedEnvironment } from "./config";
import { AuthorWorksStack, environmentAws } from "./stack-base";

/**
 * The AWS layer of one environment (stack name = environment name): keys, network,
 * storage, databases and cache. Everything environment-specific comes from `env`.
 *
 * A standby (`env.standby`) serves its primary's names from the primary's DR region: it
 * looks the primary's zone up instead of owning one, has no registry (the primary's
 * repositories are replicated to its region) and no distribution. In pilot light
 * (`standby.pilotLight`) it also has no cluster, runner, buckets, databases, cache or web ACL:
 * those come with a failover, the databases restored from `standby.restoreFrom`.
 */
export class EnvironmentStack extends AuthorWorksStack {
  public readonly env: ResolvedEnvironment;
  public readonly providers: AwsProviders;
  public readonly aws: AwsContext;
  public readonly keys: DataKeys;
  /** What every module reads about the environment; built once, after the keys. */
  public readonly context: StackContext;
  public readonly network: Network;
  public readonly security: Security;
  /** ECR repositories; none in a standby (its primary's are replicated to its region). */
  public readonly registry?: ContainerRegistry;
  /** The cluster and CI's deploy runner: none in a pilot light. */
  public readonly cluster?: EksCluster;
  public readonly deployRunner?: CodeBuildRunner;
  /** Buckets, databases and cache: none in a pilot light. */
  public readonly storage?: ObjectStorage;
  public readonly databases?: ServiceDatabases;
  /** The rotation of the databases' own master secrets; none where there are none (a standby's read replicas). */
  public readonly masterSecretRotation?: MasterSecretRotation;
  public readonly cache?: ValkeyCache;
  /** The zones and certificates; in a standby, its primary's zone looked up and its own certificate. */
  public readonly dns: DnsZones | StandbyDns;
  /** CloudFront and both web ACLs; none in a standby (its primary's distribution is global). */
  public readonly cdn?: ContentDelivery;
  /** The gateway's REGIONAL web ACL of a running standby (elsewhere `cdn.regionalWebAcl`). */
  public readonly gatewayWebAcl?: WebAcl;
  public readonly monitoring: Monitoring;
  public readonly backup: Backup;
  /** Replication to the DR region (`env.dr`). @default undefined (none) */
  public readonly dr?: DisasterRecovery;
  /** Failover records of `api.<zone>` and their health checks, where `dns.failover` is set. */
  public readonly failover?: DnsFailover;
  /** Health checks of the CloudFront aliases, where `edge.healthCheckPath` is set. */
  public readonly edgeHealthChecks?: EdgeHealthChecks;

  constructor(scope: Construct, env: ResolvedEnvironment, state: S3StateSettings | CloudStateSettings) {
    super(scope, env.name);
    this.env = env;
    const prefix = namePrefix(env.name);
    configureBackend(this, env.name, state);
    if (env.dns.parentZoneName && !env.parentZone) {
      throw new Error(`${env.name}: dns.parentZoneName ${env.dns.parentZoneName} has no account and role: resolve environments with loadEnvironments`);
    }
    ({ providers: this.providers, aws: this.aws } = environmentAws(this, env, {
      dr: true,
      // A standby has no edge (its primary's distribution and health checks are global):
      // nothing of it lives in us-east-1, which its failover may find down.
      global: !env.standby,
      parentZone: env.parentZone,
    }));

    // What AWS accepts only in us-east-1 (CloudFront's certificate, WAF and metrics) goes through
    // providers.global. Keys are regional: outside us-east-1 the logs key gets a twin there.
    this.keys = new DataKeys(this, "keys", {
      aws: this.aws,
      namePrefix: prefix,
      deletionWindowDays: env.durability.keyDeletionWindowDays,
      global: this.providers.global && env.region !== GLOBAL_REGION ? { provider: this.providers.global, region: GLOBAL_REGION } : undefined,
      dr: this.providers.dr && env.drRegion && env.dr ? { provider: this.providers.dr, region: env.drRegion, dataClasses: drKeyClasses(env.dr) } : undefined,
    });
    const { storage, database, logs, secrets } = this.keys;
    this.context = {
      environment: env.name,
      aws: this.aws,
      namePrefix: prefix,
      keys: { storage, database, logs, secrets },
      logRetentionDays: env.logRetentionDays,
    };
    // The logs key usable in us-east-1 (WAF log group of the CloudFront ACL, the CloudFront alarm's topic).
    const globalLogsKey = this.keys.globalLogs ?? this.keys.logs;
    const standby = env.standby;
    // What a pilot light leaves out: compute, data and the edge come with the failover.
    const runs = !standby?.pilotLight;

    this.security = new Security(this, "security", {
      context: this.context,
      secretRecoveryWindowDays: env.durability.secretRecoveryWindowDays,
      secretRotationDays: env.security.secretRotationDays,
      guardDuty: env.security.guardDuty,
      securityHub: env.security.securityHub,
      githubRepository: env.security.githubRepository,
      deployBranch: env.security.deployBranch,
      state: state.kind === "s3" ? { bucket: state.bucket, lockTable: state.lockTable, region: state.region } : undefined,
      additionalRegions: [GLOBAL_REGION, ...(env.drRegion ? [env.drRegion] : [])],
      planAssumableRoleArns: env.parentZone ? [env.parentZone.roleArn] : undefined,
      secretReplica:
        env.drRegion && this.keys.dr.secrets && env.dr?.secrets.length
          ? { region: env.drRegion, kmsKeyArn: this.keys.dr.secrets.arn, paths: env.dr.secrets }
          : undefined,
      // The budget action's execution role carries the boundary and attaches this policy to the (unbounded) apply role.
      restrictionPolicyNames: [names.budgetRestrictionPolicy(env.name)],
      // One GitHub OIDC provider per account: a standby uses its primary's.
      githubOidcProviderArn: standby ? `arn:${this.aws.partition ?? "aws"}:iam::${this.aws.accountId}:oidc-provider/${GITHUB_OIDC_HOST}` : undefined,
    });
    // Every role this stack creates carries the boundary, except the CI roles that create them.
    const ciRoles = `${this.security.github.node.path}/`;
    applyPermissionsBoundary(this, this.security.permissionsBoundaryArn, (role) => role.node.path.startsWith(ciRoles));

    if (!standby) this.registry = new ContainerRegistry(this, "registry", { context: this.context, forceDelete: env.durability.forceDestroy });

    this.network = new Network(this, "network", {
      context: this.context,
      cidr: env.network.cidr,
      azIds: env.azIds,
      subnets: env.subnets,
      natGateways: env.network.natGateways,
    });

    if (runs) {
      this.cluster = new EksCluster(this, "eks", {
        clusterName: names.cluster(env.name),
        context: this.context,
        kubernetesVersion: env.kubernetes.version,
        subnetIds: this.network.privateSubnetIds,
        publicAccessCidrs: env.kubernetes.publicAccessCidrs,
        adminRoleName: env.kubernetes.adminRoleName,
        developerRoleName: env.kubernetes.developerRoleName,
        nodeGroups: env.kubernetes.nodeGroups,
        // Pods use the nodes' security groups; the data tier admits the app tier.
        nodeSecurityGroupIds: [this.network.securityGroups.app.id],
        additionalLogTypes: env.kubernetes.additionalLogTypes,
        keyDeletionWindowDays: env.durability.keyDeletionWindowDays,
        deletionProtection: env.durability.deletionProtection,
        zonalShift: env.availability.zonalShift,
        // CI applies the platform stack, so its apply role administers the cluster.
        additionalAdminPrincipalArns: { "github-apply": this.security.applyRoleArn },
        // Pull requests plan the platform stack too: read-only, Secrets included (Helm's releases).
        additionalViewerPrincipalArns: { "github-plan": this.security.planRoleArn },
      });

      // The network path CI takes to the cluster's API endpoint (private in production): a
      // runner in the private subnets, admitted by the cluster's security group.
      this.deployRunner = new CodeBuildRunner(this, "deploy-runner", {
        name: names.deployRunner(env.name),
        context: this.context,
        repository: env.security.githubRepository,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
        computeType: env.delivery.deployRunner.computeType,
        timeoutMinutes: env.delivery.deployRunner.timeoutMinutes,
        connectionArn: env.delivery.deployRunner.githubConnectionArn,
        webhook: env.delivery.deployRunner.connectionAvailable,
      });

      this.storage = new ObjectStorage(this, "storage", {
        context: this.context,
        bucketPrefix: env.storage.bucketPrefix,
        logExpirationDays: env.storage.logExpirationDays,
        forceDestroy: env.durability.forceDestroy,
        replicatedPurposes: env.dr?.buckets?.purposes,
      });
    }
    // A standby's databases are its primary's: read replicas of its instances (`readReplicas`,
    // also in pilot light), or restored from the backups replicated to this region. Both are
    // encrypted with the primary's DR database key there.
    const replicas = standby?.readReplicas;
    const masterSecretReplica = env.drRegion && this.keys.dr.secrets ? { region: env.drRegion, kmsKeyArn: this.keys.dr.secrets.arn } : undefined;
    const following = replicas !== undefined && !replicas.promoted;
    if (runs || replicas) {
      const restoreKey = standby ? new DataAwsKmsAlias(this, "restore-key", { name: names.drKmsAlias(standby.primary, "database") }).targetKeyArn : undefined;
      const primary = env.primary;
      if (replicas && !primary)
        throw new Error(`${env.name}: standby.readReplicas needs its primary ${standby?.primary}: resolve environments with loadEnvironments`);
      this.databases = new ServiceDatabases(this, "rds", {
        context: this.context,
        engineVersion: env.database.engineVersion,
        databases: env.databases.map((d) => {
          if (d.readReplica && restoreKey && primary) {
            const replica = {
              sourceArn: primaryDatabaseArn(this.aws, primary, d.service),
              kmsKeyArn: restoreKey,
              masterSecretName: masterSecretName(databaseIdentifier(namePrefix(primary.name), d.service)),
              promoted: d.readReplica.promoted,
            };
            return { ...d, replica };
          }
          return d.restoreFrom && restoreKey ? { ...d, restore: { automatedBackupsArn: d.restoreFrom, kmsKeyArn: restoreKey } } : d;
        }),
        multiAz: following ? replicas.multiAz : env.database.multiAz,
        backupRetentionDays: env.database.backupRetentionDays,
        monitoringIntervalSeconds: env.database.monitoringIntervalSeconds,
        performanceInsightsRetentionDays: env.database.performanceInsightsRetentionDays,
        // Nothing connects in a pilot light. A warm standby has it off in its file (checkStandby: RDS Proxy targets no read replica).
        proxy: runs ? env.database.proxy : { ...env.database.proxy, enabled: false },
        masterPasswordVersion: env.database.masterPasswordVersion,
        secretRecoveryWindowDays: env.durability.secretRecoveryWindowDays,
        // Wherever there is a DR region: the password a cross-region copy of an instance keeps.
        masterSecretReplica,
        deletionProtection: env.durability.deletionProtection,
        finalSnapshot: env.durability.finalSnapshots,
        applyImmediately: env.availability.applyDatabaseChangesImmediately,
        dbSubnetGroupName: this.network.dbSubnetGroupName,
        securityGroupIds: [this.network.securityGroups.db.id],
        subnetIds: this.network.databaseSubnetIds,
        // AWS Backup selects by this tag (and resource type).
        instanceTags: { [BACKUP_TAG.key]: BACKUP_TAG.value },
      });
    }
    // Every database with a master secret of its own (a replica has its source's): rotated every secretRotationDays.
    const ownSecrets = Object.values(this.databases?.instances ?? {}).filter((d) => d.masterSecret);
    if (ownSecrets.length) {
      this.masterSecretRotation = new MasterSecretRotation(this, "rds-rotation", {
        context: this.context,
        databases: ownSecrets,
        rotationDays: env.security.secretRotationDays,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        databaseSecurityGroupId: this.network.securityGroups.db.id,
        replica: masterSecretReplica,
      });
      this.security.allowSecretRotation();
    }
    if (runs) {
      this.cache = new ValkeyCache(this, "cache", {
        context: this.context,
        engineVersion: env.cache.engineVersion,
        nodeType: env.cache.nodeType,
        nodes: env.cache.nodes,
        snapshotRetentionDays: env.cache.snapshotRetentionDays,
        finalSnapshot: env.durability.finalSnapshots,
        subnetGroupName: this.network.cacheSubnetGroupName,
        securityGroupIds: [this.network.securityGroups.db.id],
      });
    }
    const primarySecrets = standby?.applicationSecrets === "primary" ? standby.primary : undefined;
    // A plan reads back the secret versions Terraform manages (the cache auth token; the
    // database master secrets: the provider reads a version with GetSecretValue even when
    // it wrote it write-only), and a plan of the platform stack reads the secrets it takes values from.
    this.security.allowPlanToReadSecrets([
      ...(this.cache ? [this.cache.authTokenSecretArn] : []),
      // Not a replica's: it has no version here (its source's secret, replicated, is only looked up).
      ...Object.values(this.databases?.instances ?? {}).flatMap((d) => (d.masterSecretValue ? [d.masterUserSecretArn] : [])),
      ...(primarySecrets ? [] : PLATFORM_STACK_SECRET_PATHS.map((p) => this.security.secretArns[p])),
    ]);
    // A standby reading its primary's application secrets: their replicas here, under the primary's DR key.
    if (primarySecrets) {
      const key = new DataAwsKmsAlias(this, "primary-secrets-key", { name: names.drKmsAlias(primarySecrets, "secrets") });
      this.security.allowPlanToReadSecrets(
        PLATFORM_STACK_SECRET_PATHS.map((p) => secretNameArn(this.aws, names.secret(primarySecrets, p))),
        key.targetKeyArn,
      );
    }

    if (standby) {
      this.dns = new StandbyDns(this, "dns", {
        context: this.context,
        zoneName: env.dns.zoneName,
        privateZoneName: env.dns.privateZoneName,
        vpcId: this.network.vpcId,
        forceDestroy: env.durability.forceDestroy,
      });
      if (runs) {
        this.gatewayWebAcl = gatewayWebAcl(this, { context: this.context, wafRateLimit: env.edge.wafRateLimit, logging: true, hold: env.edge.gatewayHold });
      }
    } else {
      const dns = new DnsZones(this, "dns", {
        context: this.context,
        zoneName: env.dns.zoneName,
        parentZoneName: env.dns.parentZoneName,
        parentZoneProvider: this.providers.parentZone,
        delegatedZones: env.delegatedZones.map((d) => ({
          zoneName: d.zoneName,
          accountId: d.accountId,
          roleName: names.dnsDelegationRole(env.name, d.environment),
        })),
        privateZoneName: env.dns.privateZoneName,
        vpcId: this.network.vpcId,
        globalProvider: this.globalProvider(),
        cloudFrontAliases: env.edge.aliases,
        dnssec: env.dns.dnssec,
        dnssecKeyDeletionWindowDays: env.durability.keyDeletionWindowDays,
        forceDestroy: env.durability.forceDestroy,
      });
      this.dns = dns;
      if (!this.storage) throw new Error(`${env.name}: an environment of its own always runs (only a standby is a pilot light)`);
      this.cdn = new ContentDelivery(this, "cdn", {
        context: this.context,
        globalProvider: this.globalProvider(),
        zoneName: dns.zoneName,
        zoneId: dns.zoneId,
        aliases: env.edge.aliases,
        certificateArn: dns.cloudFrontCertificateArn,
        priceClass: env.edge.priceClass,
        wafRateLimit: env.edge.wafRateLimit,
        gatewayHold: env.edge.gatewayHold,
        mediaBucket: this.storage.buckets.media,
        logsBucket: this.storage.buckets.logs,
        wafLogging: { globalKmsKeyArn: globalLogsKey.arn },
      });
    }

    this.monitoring = new Monitoring(this, "monitoring", {
      context: this.context,
      observability: env.observability,
      monthlyBudgetUsd: env.monthlyBudgetUsd,
      globalProvider: this.providers.global,
      // The CloudFront alarm's topic lives in us-east-1 too (alarm actions stay in their region).
      globalAlertsKey: this.keys.globalLogs,
      databases: this.databases
        ? env.databases.map((d) => ({
            service: d.service,
            identifier: this.databases!.instances[d.service].identifier,
            allocatedStorageGb: d.allocatedStorageGb,
            ...(following && env.primary
              ? { replicaOf: databaseIdentifier(namePrefix(env.primary.name), d.service), replicaInstance: this.databases!.instances[d.service].instance }
              : {}),
          }))
        : [],
      // Paged before a replica is the primary's database objective behind.
      replicaLagSeconds: following && env.primary?.databaseRpoMinutes ? replicaLagThresholdSeconds(env.primary.databaseRpoMinutes) : undefined,
      cache: this.cache ? { replicationGroupId: this.cache.replicationGroupId, nodes: env.cache.nodes } : undefined,
      clusterName: this.cluster?.clusterName,
      loadBalancerName: names.gatewayLoadBalancer(env.name),
      distributionId: this.cdn?.distributionId,
      // Seed 003: "100 %: restrict non-critical resources". Deploys stop growing compute.
      budgetAction: {
        policyName: names.budgetRestrictionPolicy(env.name),
        roleNames: [this.security.applyRoleName],
        approvalModel: env.budgetAction.approvalModel,
        approvers: env.budgetAction.approvers,
      },
    });

    // Route 53 publishes health-check metrics in us-east-1: their alarms notify the topic there.
    const healthAlarm = (): { topicArn: string; provider: AwsProvider } => {
      const topicArn = this.monitoring.globalCriticalTopicArn;
      // Only a standby has none, and it has no health checks: dns.failover needs a drRegion, and checkStandby refuses an edge check.
      if (!topicArn) throw new Error(`${env.name}: Route 53 health-check alarms need a ${GLOBAL_REGION} critical topic`);
      return { topicArn, provider: this.globalProvider() };
    };
    if (env.dns.failover) {
      const f = env.dns.failover;
      const zone = env.dns.zoneName;
      this.failover = new DnsFailover(this, "failover", {
        context: this.context,
        zoneId: this.dns.zoneId,
        zoneName: zone,
        hostName: apiHostName(zone),
        primary: { region: env.region, target: regionalApiHostName(zone, env.region) },
        secondary: { region: f.secondaryRegion, target: regionalApiHostName(zone, f.secondaryRegion) },
        ttlSeconds: f.ttlSeconds,
        healthCheck: f.healthCheck,
        alarm: healthAlarm(),
        // checkFailover: only in us-east-1, where the warning topic is next to Route 53's metrics.
        secondaryAlarm: f.secondaryAlarm ? { topicArn: this.monitoring.warningTopicArn, provider: this.globalProvider() } : undefined,
        // checkDns: secondaryRegion is drRegion, so the aws.dr provider exists.
        gate: { bucketName: names.failoverGate(env.name), provider: this.providers.dr!, region: f.secondaryRegion, forceDestroy: env.durability.forceDestroy },
      });
    }
    if (env.edge.healthCheckPath && this.storage) {
      this.edgeHealthChecks = new EdgeHealthChecks(this, "edge-health", {
        context: this.context,
        zoneName: env.dns.zoneName,
        hostNames: env.edge.aliases,
        path: env.edge.healthCheckPath,
        bucketName: this.storage.buckets.media.name,
        alarm: healthAlarm(),
      });
    }

    this.backup = new Backup(this, "backup", {
      context: this.context,
      retentionDays: env.backup.retentionDays,
      dr: this.providers.dr && env.drRegion ? { provider: this.providers.dr, region: env.drRegion } : undefined,
      copyToDr: env.backup.copyToRegion !== undefined,
      vaultLock: env.backup.vaultLock ? {} : undefined,
      replication:
        env.backup.replicateBackupsBucket && this.storage
          ? {
              source: this.storage.buckets.backups,
              destinationBucketName: names.replicaBucket(env.storage.bucketPrefix, "backups", env.name),
            }
          : undefined,
      forceDestroy: env.durability.forceDestroy,
      // A failed backup is a lost restore point: the data is not protected until it is fixed.
      failureTopicArn: this.monitoring.criticalTopicArn,
      restoreTesting: {
        schedule: env.restoreTesting.schedule,
        startWindowHours: env.restoreTesting.startWindowHours,
        selectionWindowDays: env.restoreTesting.selectionWindowDays,
        validationWindowHours: env.restoreTesting.validationWindowHours,
        database: { subnetGroupName: this.network.dbSubnetGroupName, securityGroupIds: [this.network.securityGroups.db.id] },
        // A failed test is a recovery that may not work: worth a look in working hours, not a page.
        alertTopicArn: this.monitoring.warningTopicArn,
      },
    });

    if (env.dr && this.providers.dr && env.drRegion) {
      const dr = env.dr;
      const { databases, storage } = this;
      // checkStandby refuses `dr` in a standby, the only environment without them.
      if (!databases || !storage) throw new Error(`${env.name}: dr replicates the databases and buckets of a running environment`);
      this.dr = new DisasterRecovery(this, "dr", {
        context: this.context,
        dr: { provider: this.providers.dr, region: env.drRegion },
        keys: { storage: this.keys.dr.storage, database: this.keys.dr.database },
        databaseBackups: dr.databaseBackups
          ? {
              databases: Object.fromEntries(Object.values(databases.instances).map((d) => [d.service, d])),
              retentionDays: dr.databaseBackups.retentionDays,
            }
          : undefined,
        buckets: dr.buckets
          ? {
              sources: dr.buckets.purposes.map((p) => storage.buckets[p]),
              bucketPrefix: env.storage.bucketPrefix,
              logExpirationDays: env.storage.logExpirationDays,
              replicationTimeControl: dr.buckets.replicationTimeControl,
            }
          : undefined,
        registry: dr.images ? this.registry : undefined,
        alarmTopicArns: { critical: this.monitoring.criticalTopicArn, warning: this.monitoring.warningTopicArn },
        forceDestroy: env.durability.forceDestroy,
      });
      const mediaReplica = this.dr.replicas.media;
      if (dr.buckets?.mediaOriginFailover && this.cdn && mediaReplica && this.keys.dr.storage) {
        this.cdn.addMediaFailover(mediaReplica, this.keys.dr.storage);
        // S3 replicates only objects written after the rule: the edge check's canary must be
        // in the replica for the check to pass while the replica serves.
        const canary = this.edgeHealthChecks?.canary;
        if (canary) canary.dependsOn = [...(canary.dependsOn ?? []), dependable(mediaReplica.replication)];
      }
    }

    this.outputs({
      vpc_id: [this.network.vpcId, "VPC id"],
      private_subnet_ids: [this.network.privateSubnetIds, "Private subnets (workloads, EKS nodes and pods)"],
      public_subnet_ids: [this.network.publicSubnetIds, "Public subnets (internet-facing load balancers)"],
      database_subnet_ids: [this.network.databaseSubnetIds, "Database subnets (no route out of the VPC)"],
      app_security_group_id: [this.network.securityGroups.app.id, "Security group of the application tier"],
      web_security_group_id: [this.network.securityGroups.web.id, "Security group of the load balancers"],
    });
    if (this.storage) {
      this.outputs({
        bucket_names: [Object.fromEntries(Object.entries(this.storage.buckets).map(([purpose, b]) => [purpose, b.name])), "S3 bucket names by purpose"],
      });
    }
    if (this.databases) {
      const instances = Object.values(this.databases.instances);
      this.outputs({
        database_endpoints: [
          Object.fromEntries(instances.map((d) => [d.service, d.proxyEndpoint ?? d.address])),
          "PostgreSQL endpoint per service (the RDS Proxy where enabled; IAM authentication)",
        ],
        database_master_secret_arns: [
          Object.fromEntries(instances.map((d) => [d.service, d.masterUserSecretArn])),
          replicas
            ? "Secrets Manager secret of each database's master user: its source's, replicated to this region (a read replica has its source's password)"
            : "Secrets Manager secret of each database's master user (written by Terraform, write-only; rotated every security.secretRotationDays days and by raising database.masterPasswordVersion)",
        ],
      });
    }
    if (this.cluster) {
      this.outputs({
        eks_cluster_name: [this.cluster.clusterName, "EKS cluster name"],
        eks_cluster_endpoint: [this.cluster.endpoint, "Kubernetes API endpoint"],
        eks_cluster_ca_data: [this.cluster.certificateAuthorityData, "Cluster certificate authority (base64)"],
        eks_oidc_issuer_url: [this.cluster.oidcIssuerUrl, "OIDC issuer of the cluster"],
        eks_cluster_security_group_id: [this.cluster.clusterSecurityGroupId, "Cluster security group (also on the nodes)"],
        eks_node_role_arn: [this.cluster.nodeRoleArn, "IAM role of the nodes"],
      });
    }
    this.outputs({
      zone_id: [
        this.dns.zoneId,
        standby ? `Public hosted zone of ${standby.primary} (this environment serves its names)` : "Public hosted zone of the environment",
      ],
    });
    if (this.dns instanceof DnsZones)
      this.outputs({ name_servers: [this.dns.nameServers, "Name servers of the public zone (for the registrar or parent zone)"] });
    this.outputs({
      private_zone_id: [this.dns.privateZoneId, "Private hosted zone for internal names"],
      regional_certificate_arn: [this.dns.regionalCertificateArn, "Validated ACM certificate for load balancers"],
    });
    if (this.cdn) {
      this.outputs({
        cloudfront_distribution_id: [this.cdn.distributionId, "CloudFront distribution"],
        cloudfront_domain_name: [this.cdn.domainName, "CloudFront domain name"],
        web_acl_arn: [this.cdn.webAclArn, "WAF web ACL of the distribution"],
      });
    }
    const regionalWebAcl = this.cdn?.regionalWebAcl ?? this.gatewayWebAcl;
    if (regionalWebAcl) this.outputs({ regional_web_acl_arn: [regionalWebAcl.arn, "Regional WAF web ACL for the gateway's load balancer"] });
    if (this.registry) this.outputs({ ecr_repository_urls: [this.registry.repositoryUrls, "ECR repository URL per service"] });
    this.outputs({
      github_plan_role_arn: [this.security.planRoleArn, "Role GitHub Actions assumes to plan (pull requests)"],
      github_apply_role_arn: [this.security.applyRoleArn, "Role GitHub Actions assumes to apply (protected branch and environment)"],
    });
    if (this.deployRunner) {
      this.outputs({
        deploy_runner_project: [
          this.deployRunner.projectName,
          "CodeBuild project running the platform stack's CI jobs in the VPC (runs-on: codebuild-<project>-<run_id>-<run_attempt>)",
        ],
        deploy_runner_connection_arn: [
          this.deployRunner.connectionArn,
          "CodeConnections connection to GitHub of the deploy runner (a new one is PENDING until its handshake is completed in the console)",
        ],
      });
    }
    this.outputs({
      permissions_boundary_arn: [this.security.permissionsBoundaryArn, "Permissions boundary of every role the project creates"],
      application_secret_arns: [this.security.secretArns, "Secrets Manager secrets for API keys and external credentials (values set by operators)"],
      alert_topic_arns: [{ critical: this.monitoring.criticalTopicArn, warning: this.monitoring.warningTopicArn }, "SNS alert topics"],
      dashboard_name: [this.monitoring.dashboardName, "CloudWatch dashboard of the environment"],
      backup_vault_name: [this.backup.vaultName, "AWS Backup vault"],
    });
    if (this.cache) {
      this.outputs({
        cache_primary_endpoint: [this.cache.primaryEndpoint, `Valkey primary endpoint (TLS, port ${VALKEY_PORT})`],
        cache_reader_endpoint: [this.cache.readerEndpoint, "Valkey reader endpoint"],
        cache_auth_token_secret_arn: [this.cache.authTokenSecretArn, "Secrets Manager secret with the Valkey auth token"],
      });
    }
    if (this.backup.drVaultArn) this.outputs({ backup_dr_vault_arn: [this.backup.drVaultArn, "AWS Backup vault in the DR region"] });
    if (this.backup.replicaBucketArn)
      this.outputs({ backups_replica_bucket_arn: [this.backup.replicaBucketArn, "Replica of the backups bucket in the DR region"] });
    if (this.dr) this.drOutputs(this.dr);
    if (this.failover) {
      const f = this.failover;
      const ids = {
        primary: f.healthChecks.PRIMARY.id,
        secondary: f.healthChecks.SECONDARY.id,
        gate: f.gate.healthCheck.id,
        primary_gated: f.primaryHealthCheck.id,
      };
      this.outputs({
        failover_health_check_ids: [
          ids,
          "Route 53 health checks of the API's failover: each side's endpoint, the gate, and the PRIMARY record's (endpoint AND gate)",
        ],
        failover_gate_bucket: [
          f.gate.bucket.bucket,
          "Bucket (DR region) where an object primary-fenced holds traffic on the DR region: write it to fence the PRIMARY, delete it to let the PRIMARY answer",
        ],
      });
    }
    if (this.dns instanceof DnsZones && this.dns.dsRecord) {
      this.outputs({ dnssec_ds_record: [this.dns.dsRecord, "DS record to publish at the registrar (DNSSEC)"] });
    }
  }

  /** The us-east-1 provider, which every environment but a standby has. */
  private globalProvider(): AwsProvider {
    if (!this.providers.global) throw new Error(`${this.node.id}: nothing of a standby lives in ${GLOBAL_REGION}, so it has no aws.global provider`);
    return this.providers.global;
  }

  /** What a failover to the DR region starts from (the DR environment finds the same by `names`). */
  private drOutputs(dr: DisasterRecovery): void {
    this.outputs({
      dr_key_arns: [Object.fromEntries(Object.entries(this.keys.dr).map(([cls, k]) => [cls, k.arn])), "KMS keys in the DR region by data class"],
      dr_replica_bucket_names: [
        Object.fromEntries(Object.entries(dr.replicas).map(([purpose, r]) => [purpose, r.name])),
        "Replicas of the buckets in the DR region by purpose",
      ],
    });
    if (dr.databaseBackups) {
      this.outputs({
        dr_database_backup_arns: [
          Object.fromEntries(Object.entries(dr.databaseBackups.replications).map(([service, r]) => [service, r.id])),
          "Replicated automated backups in the DR region per service (restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn)",
        ],
      });
    }
  }

  private outputs(values: Record<string, [unknown, string]>): void {
    for (const [name, [value, description]] of Object.entries(values)) {
      new TerraformOutput(this, name, { value, description });
    }
  }
}

/** `arn:<partition>:rds:<primary region>:<account>:db:<identifier>`: the primary's instance of `service` (same account), a replica's source. */
export function primaryDatabaseArn(aws: AwsContext, primary: PrimaryOfStandby, service: string): string {
  return `${arnPrefix({ ...aws, region: primary.region }, "rds")}:db:${databaseIdentifier(namePrefix(primary.name), service)}`;
}

/**
 * The data classes whose keys the DR region needs: storage for bucket replicas and images,
 * database for replicated backups, secrets for secret replicas (the application secrets of
 * `dr.secrets` and, always, the database master secrets).
 */
export function drKeyClasses(dr: NonNullable<ResolvedEnvironment["dr"]>): DataClass[] {
  return [...(dr.buckets || dr.images ? (["storage"] as const) : []), ...(dr.databaseBackups ? (["database"] as const) : []), "secrets"];
}
