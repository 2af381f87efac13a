import { Construct } from "constructs";
import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { DataAwsWafv2WebAcl } from "@cdktf/provider-aws/lib/data-aws-wafv2-web-acl";
import { AwsContext, iamRoleArn } from "../modules/iam";
import { DEFAULT_PUBLIC_CANARY, deliveryAddons } from "../modules/addons/delivery";
import { chatWebhookSecretName, observabilityAddons, observabilityOptions } from "../modules/addons/observability";
import { AddonContext, PlatformAddons, SYSTEM_PLACEMENT, standardAddons } from "../modules/addons";
import { APPLICATION_SECRET_STORE, EXTERNAL_SECRETS_ADDON, externalSecretsReady } from "../modules/addons/external-secrets";
import { addonRoleName } from "../modules/addons/types";
import { DEFAULT_MASTER_USERNAME, PostgresDatabase, databaseIdentifier, databaseName, databaseUser, masterSecretName } from "../modules/rds";
import { authTokenSecretName } from "../modules/redis";
import { orderAfterAdmissionWebhooks } from "../modules/addons/admission";
import { CHART_ADMISSION } from "../modules/addons/admission-catalog";
import { applyPermissionsBoundary } from "../modules/iam/boundary-aspect";
import { EncryptionKey, IKey } from "../modules/kms";
import { ChatForwarder } from "../modules/monitoring/chat-forwarder";
import { LoadBalancerAlarms } from "../modules/monitoring/load-balancer";
import { SEVERITIES, type Severity } from "../modules/monitoring/alarms";
import { AlertTopic, ITopic } from "../modules/monitoring/topic";
import { IBucket, StorageBucket } from "../modules/s3";
import { Tenancy } from "../modules/tenancy";
import { ServiceWorkloads, publicLoadBalancerTarget } from "../modules/workloads";
import { AwsProviders } from "../providers/aws";
import { configureBackend } from "../providers/backend";
import { KubernetesAuth, kubernetesProviders, KubernetesProviders } from "../providers/kubernetes";
import type { CloudStateSettings, S3StateSettings } from "../providers/state";
import { CHARTS, CLUSTER_AUTOSCALER_IMAGE_TAGS } from "../variables/charts";
import { instanceArchitecture } from "../variables/aws-catalog";
import { APPLICATION_NAMESPACE, MONITORING_NAMESPACE, SYSTEM_NAMESPACE, apiHostName, regionalApiHostName } from "../variables/platform";
import { EnvironmentName, namePrefix, names } from "../variables/project";
import { PLATFORM_OWNER, SECRETS } from "../variables/secrets";
import { SERVICES } from "../variables/services";
import { BUCKETS, BucketPurpose } from "../variables/storage";
import type { ResolvedEnvironment } from "./config";
import { type PublicCanaryConfig, isWarmStandby } from "./types";
import { AuthorWorksStack, environmentAws } from "./stack-base";

/** Bucket purposes the services use (variables/services.ts): what a standby reads from its primary's replicas. */
export const SERVICE_BUCKET_PURPOSES: readonly string[] = [...new Set(SERVICES.flatMap((s) => s.buckets))];

/** Stack name (and state key prefix) of an environment's platform layer: `<env>-platform`. */
export function platformStackName(env: EnvironmentName): string {
  return `${env}-platform`;
}

/**
 * What runs inside one environment's EKS cluster (stack `<env>-platform`): the
 * add-ons (Helm releases and their roles), the tenancy (namespaces, network policies,
 * quotas, RBAC), the services and the gateway's alarms. On its own state, applied after the
 * `<env>` stack. It never references the `<env>` stack's resources: everything it
 * needs (cluster, VPC, hosted zone, WAF ACL, keys, buckets, alert topics) is looked up by
 * the names in variables/project.ts, so the two states stay independent. Keys, buckets and
 * topics are imported as typed references (`IKey`, `IBucket`, `ITopic`) with the grants
 * of their owners; __tests__/environments/cross-stack-names.test.ts checks that the
 * `<env>` stack makes everything looked up here.
 */
export class PlatformStack extends AuthorWorksStack {
  public readonly env: ResolvedEnvironment;
  public readonly providers: AwsProviders;
  public readonly aws: AwsContext;
  /** The cluster data sources and the kubernetes/helm providers authenticated against it. */
  public readonly kube: KubernetesProviders;
  /** The environment's public hosted zone (made by the `<env>` stack). */
  public readonly zone: DataAwsRoute53Zone;
  /** The environment's regional WAF web ACL (made by the `<env>` stack); its ARN goes on ALB Ingresses. */
  public readonly regionalWebAcl: DataAwsWafv2WebAcl;
  /** The environment's certificate for its region's load balancers (`names.regionalCertificate`), made by the `<env>` stack. */
  public readonly regionalCertificate: DataAwsAcmCertificate;
  /** The `<env>` stack's storage key (the buckets' SSE-KMS key), by its alias. */
  public readonly storageKey: IKey;
  /** The `<env>` stack's logs key (the alert topics'), by its alias. */
  public readonly logsKey: IKey;
  /** The `<env>` stack's buckets by purpose, each looked up by name. */
  public readonly buckets: Readonly<Record<BucketPurpose, IBucket>>;
  /** The `<env>` stack's alert topics by severity, each looked up by name. */
  public readonly alertTopics: Readonly<Record<Severity, ITopic>>;
  /** What the add-ons know about the cluster. */
  public readonly addonContext: AddonContext;
  public readonly addons: PlatformAddons;
  public readonly tenancy: Tenancy;
  public readonly workloads: ServiceWorkloads;
  /** The gateway's ALB, made by the Load Balancer Controller for the gateway Ingress. */
  public readonly gatewayLoadBalancer: DataAwsLb;
  /** Its 5xx-rate and p99 alarms, notifying the `<env>` stack's alert topics. */
  public readonly gatewayAlarms: LoadBalancerAlarms;
  /** The `<env>` stack's chat topic (the budget at 90 %), forwarded to the chat webhook Alertmanager uses. */
  public readonly chatForwarder: ChatForwarder;

  /**
   * @param options.kubernetesAuth how the kubernetes and helm providers authenticate
   *   (providers/kubernetes.ts). @default "exec"
   */
  constructor(
    scope: Construct,
    env: ResolvedEnvironment,
    state: S3StateSettings | CloudStateSettings,
    options: { readonly kubernetesAuth?: KubernetesAuth } = {},
  ) {
    const stackName = platformStackName(env.name);
    super(scope, stackName);
    this.env = env;
    configureBackend(this, stackName, state);
    // The random provider also generates the Grafana admin password (it lives only in state).
    ({ providers: this.providers, aws: this.aws } = environmentAws(this, env, { dr: false }));

    // Roles made here (add-ons, services) carry the environment's boundary, found by name.
    applyPermissionsBoundary(this, `arn:${this.aws.partition ?? "aws"}:iam::${this.aws.accountId}:policy/${names.permissionsBoundary(env.name)}`);

    const clusterName = names.cluster(env.name);
    this.kube = kubernetesProviders(this, { clusterName, region: env.region, auth: options.kubernetesAuth });
    this.zone = new DataAwsRoute53Zone(this, "zone", { name: env.dns.zoneName, privateZone: false });
    this.regionalWebAcl = new DataAwsWafv2WebAcl(this, "regional-web-acl", { name: names.regionalWebAcl(env.name), scope: "REGIONAL" });
    // Named on the Ingress: with none, the load balancer controller looks up the issued
    // certificates matching each host and refuses more than one, and in us-east-1 the
    // CloudFront certificate covers the same names as this one.
    this.regionalCertificate = new DataAwsAcmCertificate(this, "regional-certificate", {
      domain: env.dns.zoneName,
      statuses: ["ISSUED"],
      tags: { Name: names.regionalCertificate(env.name) },
      mostRecent: true,
    });
    this.storageKey = EncryptionKey.fromAliasName(this, "storage-key", { aws: this.aws, aliasName: names.kmsAlias(env.name, "storage") });
    this.logsKey = EncryptionKey.fromAliasName(this, "logs-key", { aws: this.aws, aliasName: names.kmsAlias(env.name, "logs") });
    // A standby's services use its primary's replicas of their buckets (the data is there;
    // read-only while the databases follow, `bucketAccess` below), encrypted with the
    // primary's DR storage key; its own buckets hold the rest (logs).
    const primary = env.standby?.primary;
    const replicaKey = primary
      ? EncryptionKey.fromAliasName(this, "replica-storage-key", { aws: this.aws, aliasName: names.drKmsAlias(primary, "storage") })
      : undefined;
    this.buckets = Object.fromEntries(
      BUCKETS.map((def) => {
        const replica = primary && replicaKey && SERVICE_BUCKET_PURPOSES.includes(def.purpose);
        return [
          def.purpose,
          StorageBucket.fromBucketAttributes(this, `${def.purpose}-bucket`, {
            aws: this.aws,
            bucketName: replica
              ? names.replicaBucket(env.storage.bucketPrefix, def.purpose, primary)
              : names.bucket(env.storage.bucketPrefix, def.purpose, env.name),
            purpose: def.purpose,
            encryptionKey: def.encryption === "kms" ? (replica ? replicaKey : this.storageKey) : undefined,
          }),
        ];
      }),
    ) as Record<BucketPurpose, IBucket>;
    this.alertTopics = Object.fromEntries(
      SEVERITIES.map((severity) => [
        severity,
        AlertTopic.fromTopicName(this, `alerts-${severity}-topic`, { topicName: names.alertTopic(env.name, severity), encryptionKey: this.logsKey }),
      ]),
    ) as Record<Severity, ITopic>;

    this.addonContext = {
      environment: env.name,
      aws: this.aws,
      clusterName,
      vpcId: this.kube.cluster.vpcConfig.get(0).vpcId,
      hostedZone: { name: env.dns.zoneName, zoneId: this.zone.zoneId, arn: this.zone.arn },
      regionalWebAclName: names.regionalWebAcl(env.name),
      placement: SYSTEM_PLACEMENT,
      highAvailability: env.availability.highAvailability,
      namePrefix: namePrefix(env.name),
    };

    const publicCanary: PublicCanaryConfig = env.delivery.publicCanary ?? DEFAULT_PUBLIC_CANARY;
    const autoscalerTag = CLUSTER_AUTOSCALER_IMAGE_TAGS[env.kubernetes.version];
    if (!autoscalerTag) {
      // environments/checks/platform.ts reports this before any stack is built; this guards direct use.
      throw new Error(`${stackName}: no Cluster Autoscaler image for Kubernetes ${env.kubernetes.version} in variables/charts.ts`);
    }
    // Namespaces, network policies, quotas and RBAC first: the monitoring add-ons install
    // into the monitoring namespace the tenancy owns.
    this.tenancy = new Tenancy(this, "tenancy", {
      environment: env.name,
      vpcCidr: env.network.cidr,
      databaseSubnetCidrs: env.subnets.database,
      quota: env.workloads.quota,
      limitRange: env.workloads.limitRange,
      loadBalancerTargets: [publicLoadBalancerTarget("gateway", APPLICATION_NAMESPACE)],
    });

    // The `<env>` stack's key of the Secrets Manager secrets (External Secrets Operator decrypts through it).
    const secretsKey = EncryptionKey.fromAliasName(this, "secrets-key", { aws: this.aws, aliasName: names.kmsAlias(env.name, "secrets") });
    // Whose application secrets are read (`standby.applicationSecrets`): a standby's primary's
    // are its replicas in this region, under the primary's secrets DR key, as are the master
    // secrets of its read replicas (a replica has its source's password).
    const secretsOf = env.standby?.applicationSecrets === "primary" ? env.standby.primary : env.name;
    const replicaSecretsKey =
      primary && (secretsOf === primary || env.databases.some((d) => d.readReplica))
        ? EncryptionKey.fromAliasName(this, "replica-secrets-key", { aws: this.aws, aliasName: names.drKmsAlias(primary, "secrets") })
        : undefined;
    const databaseUserJobs = env.workloads.databaseUserJobs ?? true;
    // Running on replicas that still follow: nothing may write (environments/types.ts isWarmStandby).
    const warm = isWarmStandby(env.standby);
    this.addons = new PlatformAddons(this, "addons", {
      context: this.addonContext,
      existingNamespaces: {
        [MONITORING_NAMESPACE]: this.tenancy.namespaces[MONITORING_NAMESPACE],
        [SYSTEM_NAMESPACE]: this.tenancy.namespaces[SYSTEM_NAMESPACE],
      },
      addons: [
        ...standardAddons({
          acmeEmail: env.platform.acmeEmail,
          externalDnsPolicy: env.platform.externalDnsPolicy,
          clusterAutoscalerImageTag: autoscalerTag,
          ingressNginx: env.platform.ingressNginx,
          volumeReclaimPolicy: env.durability.volumeReclaimPolicy,
          externalSecrets: {
            secretsKeyArn: secretsKey.arn,
            // The database user Jobs' SecretStore assumes the master-secret role (modules/workloads DatabaseUsers).
            assumableRoleArns: databaseUserJobs ? [iamRoleArn(this.aws, names.databaseMasterSecretsRole(env.name))] : undefined,
            primarySecrets:
              secretsOf !== env.name && replicaSecretsKey
                ? { names: SECRETS.filter((d) => d.owner !== PLATFORM_OWNER).map((d) => names.secret(secretsOf, d.path)), kmsKeyArn: replicaSecretsKey.arn }
                : undefined,
          },
          // deliveryAddons below installs Argo Rollouts.
          reloader: { argoRollouts: true },
        }),
        ...deliveryAddons({
          manifestsRepoUrl: env.delivery.manifestsRepoUrl,
          manifestsRevision: env.delivery.manifestsRevision,
          autoSync: env.delivery.autoSync,
          // A standby on read replicas: no migration Job or CronJob from the manifests (they would write).
          denyJobs: warm,
          runners: env.delivery.runners,
          githubRepository: env.security.githubRepository,
          // The runners' own GitHub App (variables/secrets.ts), not the content service's.
          githubAppSecretPath: "ci/github-runners-app",
          githubAppSecretPrefix: secretsOf !== env.name ? namePrefix(secretsOf) : undefined,
          // The Rollouts controller runs on the system nodes: their architecture picks its plugin binary.
          architecture: instanceArchitecture(env.kubernetes.nodeGroups.system.instanceTypes[0]),
          verifyAlbTargetGroups: publicCanary.verifyTargetGroups,
        }),
        ...observabilityAddons(observabilityOptions(env, { logsBucket: this.buckets.logs, secretsOf })),
      ],
    });

    // Namespaces, network policies, quotas and RBAC, then the services, after the add-ons
    // (CRDs, admission webhooks and the Linkerd injector must be up before pods start).
    const webSecurityGroup = new DataAwsSecurityGroup(this, "web-security-group", { name: `${namePrefix(env.name)}-web`, vpcId: this.addonContext.vpcId });
    // The `<env>` stack's databases, by the names it gave them; each service signs in as its own user.
    const prefix = namePrefix(env.name);
    const databases = Object.fromEntries(
      env.databases.map((d) => [
        d.service,
        PostgresDatabase.fromDatabaseAttributes(this, `database-${d.service}`, {
          aws: this.aws,
          service: d.service,
          identifier: databaseIdentifier(prefix, d.service),
          databaseName: databaseName(d.service),
          masterUsername: DEFAULT_MASTER_USERNAME,
          proxy: env.database.proxy.enabled,
          iamUsers: [databaseUser(d.service)],
          // A standby's promoted replica signs in with its source's password, in the source's replicated secret.
          masterSecretName: d.readReplica && env.standby ? masterSecretName(databaseIdentifier(namePrefix(env.standby.primary), d.service)) : undefined,
        }),
      ]),
    );
    this.workloads = new ServiceWorkloads(this, "workloads", {
      environment: env.name,
      aws: this.aws,
      // A standby runs its primary's images, replicated to its region under the same names.
      imagesOf: env.standby?.primary,
      clusterName,
      namespace: this.tenancy.namespaceName(APPLICATION_NAMESPACE),
      sizing: env.workloads,
      buckets: this.buckets,
      // A standby whose databases follow its primary's (standby.readReplicas.promoted false)
      // serves reads only: its buckets are the primary's one-way replicas, and an upload there
      // during a blip of the primary would never reach the primary. Read-write once promoted.
      bucketAccess: warm ? "read" : "read-write",
      databases,
      databaseAdminNamespace: this.tenancy.namespaceName(SYSTEM_NAMESPACE),
      secrets: {
        namePrefix: prefix,
        catalogPrefix: secretsOf !== env.name ? namePrefix(secretsOf) : undefined,
        // The cache is this environment's own, and so is its token.
        cacheSecretName: authTokenSecretName(prefix),
        storeName: APPLICATION_SECRET_STORE,
        controllerRoleArn: iamRoleArn(this.aws, addonRoleName(this.addonContext, EXTERNAL_SECRETS_ADDON)),
        kmsKeyArn: secretsKey.arn,
        masterSecretsKmsKeyArn: env.databases.some((d) => d.readReplica) ? replicaSecretsKey?.arn : undefined,
        dependsOn: externalSecretsReady(this.addons),
      },
      databaseUserJobs,
      ingress: {
        host: apiHostName(env.dns.zoneName),
        // Either side of a failover pair (the primary's records, modules/failover) publishes its regional name only.
        regionalHost: env.dns.failover || env.standby ? regionalApiHostName(env.dns.zoneName, env.region) : undefined,
        wafAclArn: this.regionalWebAcl.arn,
        certificateArn: this.regionalCertificate.arn,
        securityGroupIds: [webSecurityGroup.id],
        deletionProtection: env.durability.deletionProtection,
        canaryStickinessSeconds: publicCanary.stickinessSeconds,
      },
      // kubelet, Prometheus and the ALB reach the pods unmeshed from the VPC's addresses.
      meshPolicy: { clusterNetworkCidr: env.network.cidr },
      canarySteps: env.delivery.canarySteps,
      dependsOn: [...this.addons.all],
    });

    // The gateway ALB exists once the Ingress has its address (the Ingress waits for it):
    // read it then, and alarm on its exact dimension. The topics are the `<env>` stack's.
    this.gatewayLoadBalancer = new DataAwsLb(this, "gateway-load-balancer", {
      name: names.gatewayLoadBalancer(env.name),
      dependsOn: [this.workloads.ingress],
    });
    this.gatewayAlarms = new LoadBalancerAlarms(this, "gateway-alarms", {
      environment: env.name,
      arnSuffix: this.gatewayLoadBalancer.arnSuffix,
      thresholds: env.observability.thresholds,
      topicArns: { critical: this.alertTopics.critical.arn, warning: this.alertTopics.warning.arn },
    });

    // AWS notifications for chat reach the same webhook as Alertmanager's chat receiver.
    const chatTopic = AlertTopic.fromTopicName(this, "alerts-chat-topic", { topicName: names.alertTopic(env.name, "chat"), encryptionKey: this.logsKey });
    this.chatForwarder = new ChatForwarder(this, "chat-forwarder", {
      environment: env.name,
      aws: this.aws,
      topicArn: chatTopic.arn,
      webhookSecretId: chatWebhookSecretName(secretsOf),
    });

    // Whatever creates an object an admission webhook intercepts (a Service, a pod, an
    // Ingress, a custom resource) waits for the release serving that webhook: the
    // declarations are next to each add-on's chart (modules/addons/admission-catalog.ts).
    orderAfterAdmissionWebhooks(this, CHARTS, CHART_ADMISSION);
  }
}
