/**
 * The AuthorWorks services of the catalogue as Kubernetes workloads: per service a
 * ServiceAccount (with an EKS Pod Identity role where it uses S3), a hardened
 * Deployment, an Argo Rollout that runs its pods with the canary strategy, a ClusterIP
 * Service, an HPA and a PodDisruptionBudget; the public service (the gateway) also gets
 * the ALB Ingress.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Release } from "@cdktf/provider-helm/lib/release";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsContext } from "../iam";
import { PodIdentityRole } from "../iam/pod-identity";
import type { BucketAccessMode, IBucket } from "../s3";
import {
  ALB_USE_ANNOTATION_PORT,
  CanaryStep,
  CanaryTrafficRouting,
  ROLLOUTS_POD_TEMPLATE_HASH,
  albControllerAnnotations,
  albForwardAction,
  defaultCanaryStrategy,
} from "../addons/delivery/argo-rollouts";
import { helmRelease, rawRelease } from "../addons/types";
import { DEFAULT_REFRESH_INTERVAL, externalSecretManifest } from "../addons/external-secrets";
import { RELOADER_ANNOTATIONS } from "../addons/reloader";
import { IDatabase, databaseUser } from "../rds";
import { rdsCaBundle } from "../rds/ca-bundle";
import { ecrRegistryHost } from "../../variables/aws-catalog";
import { CHARTS } from "../../variables/charts";
import { APPLICATION_NAMESPACE, LABELS, MESH_PROXY_RESOURCES, METRICS_PATH, SYSTEM_NAMESPACE, workloadLabels } from "../../variables/platform";
import { EnvironmentName, names, resourceName } from "../../variables/project";
import { SECRETS, SecretDefinition } from "../../variables/secrets";
import { SERVICES, ServiceDefinition, serviceTraffic } from "../../variables/services";
import { RDS_CA_BUNDLE_KEY, RDS_CA_MOUNT_PATH, SECRETS_MOUNT_PATH, SecretMapping, serviceSecretMappings } from "./access";
import { DatabaseUsers } from "./database-users";
import { serviceAutoscaler } from "./autoscaler";
import type { AutoscalingConfig } from "../../environments/types";
import { PROBE_PATHS, meshPolicyManifests } from "./mesh-policy";
import { SERVICE_PORT, canaryTrafficRouting, failureAccrualAnnotations, publicAlbRouting, serviceRoutes } from "./routes";

export * from "./access";
export * from "./autoscaler";
export { DATABASE_USER_SQL, DATABASE_USER_SQL_SHA256, DatabaseUsers } from "./database-users";
export * from "./mesh-policy";
export * from "./routes";

/** CPU and memory as Kubernetes quantities ("500m", "1Gi"). */
export interface Quantities {
  readonly cpu: string;
  readonly memory: string;
}

export interface WorkloadSize {
  readonly replicas: number;
  readonly requests: Quantities;
  readonly limits: Quantities;
}

/** Sizing of all services: `env.workloads` (environments/types.ts WorkloadConfig) fits as is. */
export interface WorkloadSizing {
  /** Image tag deployed for every service. */
  readonly imageTag: string;
  /** Size of every service. */
  readonly defaults: WorkloadSize;
  /** Per-service differences, by service name; unset fields keep the defaults. @default none */
  readonly overrides?: Readonly<Record<string, { readonly replicas?: number; readonly requests?: Partial<Quantities>; readonly limits?: Partial<Quantities> }>>;
  /** HPA bounds, targets, rates and cooldowns (autoscaler.ts). */
  readonly autoscaling: AutoscalingConfig;
}

/** The internet-facing ALB in front of one service (the gateway). */
export interface PublicIngressProps {
  /** Service (catalogue name) the load balancer sends to. @default "gateway" */
  readonly service?: string;
  /** Host name served, e.g. `api.<env.dns.zoneName>` (`apiHostName`); published by external-dns unless `regionalHost` is set. */
  readonly host: string;
  /**
   * This region's own name for the same load balancer, `api-<region>.<zone>`
   * (`regionalApiHostName`), where `host` is a failover record Terraform owns
   * (modules/failover): the Ingress serves both names and external-dns publishes only this
   * one (`ingress-hostname-source: annotation-only`), so it never writes the failover name.
   * @default none (external-dns publishes `host`)
   */
  readonly regionalHost?: string;
  /** Regional WAFv2 web ACL attached to the ALB (`names.regionalWebAcl(env)`). */
  readonly wafAclArn: string;
  /** Frontend security groups of the ALB: the web tier's. */
  readonly securityGroupIds: readonly string[];
  /** ACM certificate for the listener. @default none: the controller discovers an issued ACM certificate matching the TLS host */
  readonly certificateArn?: string;
  /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly sslPolicy?: string;
  /** Load balancer name (at most 32 characters). @default `authorworks-<env>-api` */
  readonly loadBalancerName?: string;
  /** ALB deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /**
   * With progressive delivery: stickiness (seconds, 1-604800) of the canary's weighted
   * forward action across the stable and canary target groups (`AlbTrafficRouting`).
   * @default none: every request is weighted on its own
   */
  readonly canaryStickinessSeconds?: number;
}

/** Secrets Manager values in the pods, through External Secrets Operator (modules/addons/external-secrets). */
export interface WorkloadSecretsProps {
  /** `authorworks-<env>`: the environment's own secrets (the cache's) are `<namePrefix>/...`. */
  readonly namePrefix: string;
  /**
   * The catalogue's secrets are `<catalogPrefix>/<path>`: a standby reading its primary's
   * replicas in this region (`standby.applicationSecrets` "primary") passes `authorworks-<primary>`.
   * @default namePrefix
   */
  readonly catalogPrefix?: string;
  /** The cache's secret (modules/redis `authTokenSecretName`), under `namePrefix`. */
  readonly cacheSecretName: string;
  /** The ClusterSecretStore of the environment's secrets (`APPLICATION_SECRET_STORE`). */
  readonly storeName: string;
  /** How often External Secrets re-reads each secret (a Go duration). @default DEFAULT_REFRESH_INTERVAL */
  readonly refreshInterval?: string;
  /** The External Secrets controller's Pod Identity role ARN: it alone may assume the role reading the database master secrets. */
  readonly controllerRoleArn: string;
  /** The secrets KMS key (the RDS master secrets are encrypted with it, unless `masterSecretsKmsKeyArn`). */
  readonly kmsKeyArn: string;
  /**
   * The KMS key of the RDS master secrets when not `kmsKeyArn`: a standby's promoted read
   * replicas keep their source's password, in the source's master secrets replicated to this
   * region with the primary's `secrets` DR key. @default `kmsKeyArn`
   */
  readonly masterSecretsKmsKeyArn?: string;
  /** What the ExternalSecrets and the SecretStore wait for: the External Secrets release and its ClusterSecretStore. */
  readonly dependsOn: readonly ITerraformDependable[];
  /** The secrets catalogue. @default SECRETS (variables/secrets.ts) */
  readonly definitions?: readonly SecretDefinition[];
}

export interface ServiceWorkloadsProps {
  readonly environment: EnvironmentName;
  /** Account and region: the ECR registry of the images, the Pod Identity trust. */
  readonly aws: AwsContext;
  /**
   * Environment whose ECR repositories (`names.ecrRepository`) the images are pulled from, in
   * `aws`'s registry: a standby runs its primary's images, replicated to its region.
   * @default environment
   */
  readonly imagesOf?: EnvironmentName;
  /** EKS cluster name (`names.cluster(env)`), for the Pod Identity associations. */
  readonly clusterName: string;
  /** Namespace the services run in (pass `tenancy.namespaceName(...)` so they wait for it). @default APPLICATION_NAMESPACE */
  readonly namespace?: string;
  /** Services to run. @default SERVICES (the whole catalogue) */
  readonly services?: readonly ServiceDefinition[];
  /** Replicas, resources, autoscaling and image tag (`env.workloads`). */
  readonly sizing: WorkloadSizing;
  /**
   * The buckets by purpose, owned here or imported (`StorageBucket.fromBucketAttributes`);
   * every bucket a service lists must be here. Each service gets `bucketAccess` on its own.
   */
  readonly buckets: Readonly<Record<string, IBucket>>;
  /**
   * What each service may do in its buckets: `"read-write"`, or `"read"` (list and get only),
   * for a standby whose databases still follow its primary's: the buckets are the primary's
   * one-way replicas, and an object written there would never reach the primary.
   * @default "read-write"
   */
  readonly bucketAccess?: BucketAccessMode;
  /**
   * The database of every service that `ownsDatabase`, by service name (owned here, or
   * `PostgresDatabase.fromDatabaseAttributes`). Each such service signs in as
   * `databaseUser(service)` with IAM tokens (its role gets `grantConnect`), gets its
   * connection settings in a ConfigMap and the RDS CA bundle, and waits for the Job that
   * creates its user (`DatabaseUsers`, with `secrets`). @default none: a service that owns a database is refused
   */
  readonly databases?: Readonly<Record<string, IDatabase>>;
  /**
   * Namespace of the database user Jobs and the master secrets they use (`DatabaseUsers`):
   * not the services' namespace, where the manifests repository deploys and developers read.
   * @default SYSTEM_NAMESPACE
   */
  readonly databaseAdminNamespace?: string;
  /**
   * Secrets in the pods: per service an ExternalSecret with what it owns or reads
   * (`serviceSecretMappings`), mounted at `SECRETS_MOUNT_PATH`; and the database user
   * Jobs (`databaseUserJobs`). @default none: no ExternalSecrets and no database user Jobs
   */
  readonly secrets?: WorkloadSecretsProps;
  /**
   * With `secrets` and databases: the Jobs creating the services' PostgreSQL users
   * (`DatabaseUsers`), which the services wait for. false: none, and the services do not
   * wait: the users exist already (a standby's read replicas, whose roles replicate from the
   * primary). @default true
   */
  readonly databaseUserJobs?: boolean;
  /** The public load balancer. */
  readonly ingress: PublicIngressProps;
  /** Terraform waits until each Deployment has rolled out. @default true */
  readonly waitForRollout?: boolean;
  /**
   * Progressive delivery: each service's pods come from an Argo Rollout that takes its
   * pod template from the Deployment (`workloadRef`) and ships every template change
   * with `defaultCanaryStrategy` (10 % -> 50 % -> 100 % with pauses, Prometheus analysis,
   * automatic abort). The Deployment stays at 0 replicas; the HPA scales the Rollout.
   * Needs the argo-rollouts add-on (CRDs, ClusterAnalysisTemplate) before this module.
   * false: the Deployment runs the pods itself with a rolling update.
   * @default true
   */
  readonly progressiveDelivery?: boolean;
  /**
   * Linkerd authorization of the namespace (`meshPolicyManifests`): per service a Server
   * that admits its catalogue `callers`, probes, scraping and, for the public service, the
   * load balancer. Needs the Linkerd CRDs (in `dependsOn`). @default none: no Server, the
   * namespace's default inbound policy alone
   */
  readonly meshPolicy?: { readonly clusterNetworkCidr: string };
  /** Canary steps of every Rollout (weights increase and end at 100, checked). @default DEFAULT_CANARY_STEPS */
  readonly canarySteps?: readonly CanaryStep[];
  /**
   * What the Deployments must wait for: the Linkerd control plane (its injector must be
   * up, or pods start without a proxy) and the load balancer controller (its webhook).
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Defaults merged with the service's override (the spec's Kustomize base + overlay). */
export function resolveWorkloadSize(sizing: WorkloadSizing, service: string): WorkloadSize {
  const o = sizing.overrides?.[service] ?? {};
  return {
    replicas: o.replicas ?? sizing.defaults.replicas,
    requests: { ...sizing.defaults.requests, ...o.requests },
    limits: { ...sizing.defaults.limits, ...o.limits },
  };
}

/**
 * HPA bounds of a service. The overlay's replica count is the capacity the spec asks
 * for (production gateway: 5), so it is the floor: an HPA minimum of 2 would scale the
 * gateway down to 2 at night. The ceiling never drops below the floor.
 */
export function autoscalingBounds(sizing: WorkloadSizing, service: string): { min: number; max: number } {
  const min = Math.max(resolveWorkloadSize(sizing, service).replicas, sizing.autoscaling.minReplicas);
  return { min, max: Math.max(sizing.autoscaling.maxReplicas, min) };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`. */
export function imageUri(aws: AwsContext, environment: EnvironmentName, service: string, tag: string): string {
  return `${ecrRegistryHost(aws.accountId, aws.region)}/${names.ecrRepository(environment, service)}:${tag}`;
}

/** The Kubernetes objects of one service. */
export interface ServiceWorkload {
  readonly definition: ServiceDefinition;
  readonly size: WorkloadSize;
  readonly serviceAccount: ServiceAccountV1;
  /** Present when the service uses AWS (buckets, or its database through IAM authentication). */
  readonly role?: PodIdentityRole;
  /** Its database, when it `ownsDatabase`. */
  readonly database?: IDatabase;
  /** `rds-db:connect` as its own user, on its role. */
  readonly databaseGrant?: IamRolePolicy;
  /** `<workload>-database`: PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE, PGSSLROOTCERT (libpq's variables). */
  readonly connectionSettings?: ConfigMapV1;
  /** Its Secret's contents (`<workload>-secrets`), empty when it reads none. */
  readonly secretMappings: readonly SecretMapping[];
  /** The ExternalSecret manifest, installed by `ServiceWorkloads.externalSecrets`. */
  readonly externalSecret?: object;
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  readonly autoscaler: HorizontalPodAutoscalerV2;
  readonly disruptionBudget: PodDisruptionBudgetV1;
  /** The Argo Rollout manifest (with progressive delivery), installed by `ServiceWorkloads.rollouts`. */
  readonly rollout?: object;
}

/** What the HPA scales and the Rollout references. */
const ROLLOUT_API = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" } as const;

/**
 * The Argo Rollout of a service: the Deployment is its pod template (`workloadRef`), the
 * canary strategy ships each template change. `replicas` is the initial size: the HPA
 * owns it afterwards, and Helm's three-way merge leaves it alone while it is unchanged here.
 */
export function serviceRollout(
  def: ServiceDefinition,
  namespace: string,
  initialReplicas: number,
  canary: { readonly trafficRouting?: CanaryTrafficRouting; readonly steps?: readonly CanaryStep[] } = {},
): object {
  const labels = workloadLabels(def);
  return {
    ...ROLLOUT_API,
    metadata: { name: def.workload, namespace, labels: labels.all },
    spec: {
      replicas: initialReplicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels.selector },
      // scaleDown never: the Deployment is kept at 0 by Terraform from the start.
      workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: def.workload, scaleDown: "never" },
      strategy: defaultCanaryStrategy({ service: def.name, namespace, ...canary }),
    },
  };
}

/** Pods the public load balancer targets, for modules/tenancy's `loadBalancerTargets`. */
export function publicLoadBalancerTarget(serviceName = "gateway", namespace: string = APPLICATION_NAMESPACE) {
  const def = SERVICES.find((s) => s.name === serviceName);
  if (!def) throw new Error(`unknown service "${serviceName}"`);
  return { name: def.name, namespace, podLabels: workloadLabels(def).selector, port: def.port };
}

export class ServiceWorkloads extends Construct {
  /** Everything of each service, by catalogue name. */
  public readonly workloads: Record<string, ServiceWorkload> = {};
  /** The ALB Ingress of the public service. */
  public readonly ingress: IngressV1;
  /** The services' Argo Rollouts (one release of the raw chart), with progressive delivery. */
  public readonly rollouts?: Release;
  /** `rds-ca-bundle`: the RDS CA bundle of the region, when a service has a database. */
  public readonly caBundle?: ConfigMapV1;
  /** The namespace's Linkerd authorization (one release of the raw chart), with `meshPolicy`. */
  public readonly meshPolicy?: Release;
  /** The services' outbound HTTPRoutes, and their stable and canary Services with progressive delivery (one release of the raw chart). */
  public readonly routes: Release;
  /** The services' ExternalSecrets (one release of the raw chart), with `secrets`. */
  public readonly externalSecrets?: Release;
  /** The Jobs creating the services' database users, with `secrets` and databases. */
  public readonly databaseUsers?: DatabaseUsers;

  constructor(scope: Construct, id: string, props: ServiceWorkloadsProps) {
    super(scope, id);
    const services = props.services ?? SERVICES;
    const namespace = props.namespace ?? APPLICATION_NAMESPACE;
    const databases = services.filter((s) => s.ownsDatabase).map((s) => databaseOf(s, props));
    if (databases.length) {
      this.caBundle = new ConfigMapV1(this, "rds-ca-bundle", {
        metadata: { name: "rds-ca-bundle", namespace, labels: { "app.kubernetes.io/managed-by": "terraform" } },
        data: { [RDS_CA_BUNDLE_KEY]: rdsCaBundle(props.aws.region) },
      });
    }
    if (props.secrets && databases.length && props.databaseUserJobs !== false) {
      this.databaseUsers = new DatabaseUsers(this, "database-users", {
        environment: props.environment,
        aws: props.aws,
        namespace: props.databaseAdminNamespace ?? SYSTEM_NAMESPACE,
        databases,
        externalSecretsRoleArn: props.secrets.controllerRoleArn,
        secretsKeyArn: props.secrets.masterSecretsKmsKeyArn ?? props.secrets.kmsKeyArn,
        caBundle: rdsCaBundle(props.aws.region),
        dependsOn: props.secrets.dependsOn,
      });
    }
    const mappings = Object.fromEntries(services.map((s) => [s.name, secretMappingsOf(s, props)]));
    const manifests: Record<string, object> = {};
    const secrets = props.secrets;
    if (secrets) {
      for (const s of services.filter((x) => mappings[x.name].length)) {
        manifests[s.name] = externalSecretManifest({
          name: s.workload,
          namespace,
          store: { kind: "ClusterSecretStore", name: secrets.storeName },
          refreshInterval: secrets.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
          targetName: secretName(s),
          labels: workloadLabels(s).all,
          data: mappings[s.name],
        });
      }
      if (Object.keys(manifests).length) {
        this.externalSecrets = rawRelease(this, "external-secrets", {
          name: "authorworks-external-secrets",
          namespace,
          resources: Object.values(manifests),
          dependsOn: secrets.dependsOn,
          // ExternalSecrets only: nothing Helm can wait for (the pods wait for their Secret).
          wait: false,
        });
      }
    }
    if (props.meshPolicy) {
      this.meshPolicy = rawRelease(this, "mesh-policy", {
        name: "authorworks-mesh-policy",
        namespace,
        resources: meshPolicyManifests({
          namespace,
          services,
          clusterNetworkCidr: props.meshPolicy.clusterNetworkCidr,
          publicService: publicServiceName(props),
        }),
        dependsOn: props.dependsOn ?? [],
        // Custom resources only: nothing Helm can wait for, and no wait lengthens a first apply.
        wait: false,
      });
    }
    for (const def of services) {
      this.workloads[def.name] = { ...this.service(def, namespace, props, mappings[def.name]), externalSecret: manifests[def.name] };
    }
    const all = Object.values(this.workloads);
    const progressive = props.progressiveDelivery ?? true;
    this.routes = rawRelease(this, "routes", {
      name: "authorworks-routes",
      namespace,
      resources: services.flatMap((s) => serviceRoutes(s, namespace, serviceTraffic(s), progressive)),
      dependsOn: [...(props.dependsOn ?? []), ...all.map((w) => w.service)],
      // Routes and ClusterIP Services: ready once created.
      wait: false,
    });
    if (progressive) {
      // The raw chart plans on a fresh cluster (the Rollout CRD arrives in the same apply).
      // Helm does not wait on custom resources: a canary's pauses never hold the apply.
      this.rollouts = helmRelease(this, "rollouts", {
        name: "authorworks-rollouts",
        chart: CHARTS.raw,
        namespace,
        values: { resources: all.map((w) => w.rollout) },
        dependsOn: [...(props.dependsOn ?? []), ...all.map((w) => w.deployment), this.routes],
      });
    }
    const publicName = publicServiceName(props);
    const front = this.workloads[publicName];
    if (!front) throw new Error(`ingress service "${publicName}" is not among the services: ${Object.keys(this.workloads).join(", ")}`);
    this.ingress = this.publicIngress(front, namespace, props);
  }

  /** Pod Identity role of a service that uses AWS; throws for one that does not. */
  public roleOf(service: string): PodIdentityRole {
    const role = this.workloads[service]?.role;
    if (!role) throw new Error(`service "${service}" has no AWS role`);
    return role;
  }

  private service(def: ServiceDefinition, namespace: string, props: ServiceWorkloadsProps, secretMappings: readonly SecretMapping[]): ServiceWorkload {
    const scope = new Construct(this, def.name);
    const size = resolveWorkloadSize(props.sizing, def.name);
    const bounds = autoscalingBounds(props.sizing, def.name);
    const labels = workloadLabels(def);
    const database = def.ownsDatabase ? databaseOf(def, props) : undefined;
    const usesAws = def.buckets.length > 0 || database !== undefined;
    const metadata = { name: def.workload, namespace, labels: labels.all };

    // The pod decides whether a token is mounted; the account itself never auto-mounts.
    const serviceAccount = new ServiceAccountV1(scope, "service-account", { metadata, automountServiceAccountToken: false });

    const role = usesAws
      ? new PodIdentityRole(scope, "pod-identity", {
          aws: props.aws,
          clusterName: props.clusterName,
          namespace,
          serviceAccount: serviceAccount.metadata.name,
          roleName: resourceName(props.environment, "pod", def.name),
          description: `${def.workload} in ${props.environment}: ${[
            ...(def.buckets.length ? [`its S3 buckets (${def.buckets.join(", ")})`] : []),
            ...(database ? [`its database as ${databaseUser(def.name)}`] : []),
          ].join(", ")}`,
        })
      : undefined;
    const bucketGrants = role
      ? def.buckets.map((purpose) =>
          props.bucketAccess === "read" ? bucketOf(def, purpose, props).grantRead(role.role) : bucketOf(def, purpose, props).grantReadWrite(role.role),
        )
      : [];
    const databaseGrant = database && role ? database.grantConnect(role.role, databaseUser(def.name), `connect-${def.name}`) : undefined;
    const connectionSettings = database
      ? new ConfigMapV1(scope, "connection-settings", {
          metadata: { name: `${def.workload}-database`, namespace, labels: labels.all },
          data: {
            PGHOST: database.clientHost,
            PGPORT: String(database.clientPort),
            PGDATABASE: database.databaseName,
            PGUSER: databaseUser(def.name),
            // The password is an IAM token (rds generate-db-auth-token for PGHOST, PGPORT, PGUSER), only valid over TLS.
            PGSSLMODE: "verify-full",
            PGSSLROOTCERT: `${RDS_CA_MOUNT_PATH}/${RDS_CA_BUNDLE_KEY}`,
          },
        })
      : undefined;
    const hasSecret = props.secrets !== undefined && secretMappings.length > 0;
    const userJob = this.databaseUsers?.jobs[def.name];
    const waitFor = [
      ...(props.dependsOn ?? []),
      ...(role ? [role.ready] : []),
      ...bucketGrants,
      ...(databaseGrant ? [databaseGrant] : []),
      ...(userJob ? [userJob] : []),
      ...(hasSecret && this.externalSecrets ? [this.externalSecrets] : []),
      // Under the namespace's all-authenticated default, probes and the load balancer need the Servers' authorizations first.
      ...(this.meshPolicy ? [this.meshPolicy] : []),
    ];
    // Reloader rolls the pods when their Secret or settings change (rotation). It watches the
    // Deployment: it cannot restart a Rollout that takes its template from a Deployment
    // (workloadRef), so its mark on the template ships as a new revision, canary included.
    const reload: Record<string, string> = {
      ...(hasSecret ? { [RELOADER_ANNOTATIONS.secretReload]: secretName(def) } : {}),
      ...(connectionSettings ? { [RELOADER_ANNOTATIONS.configMapReload]: `${def.workload}-database` } : {}),
    };

    const progressive = props.progressiveDelivery ?? true;
    const port = String(def.port);
    const podLabels = { ...labels.all, ...(usesAws ? { [LABELS.awsIdentity]: "true" } : {}) };
    const spread = (topologyKey: string) => ({
      topologyKey,
      maxSkew: 1,
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: [{ matchLabels: labels.selector }],
      // Spread each rollout's pods on their own, not the old and new ReplicaSet together.
      matchLabelKeys: [progressive ? ROLLOUTS_POD_TEMPLATE_HASH : "pod-template-hash"],
    });

    const deployment = new DeploymentV1(scope, "deployment", {
      metadata: Object.keys(reload).length ? { ...metadata, annotations: reload } : metadata,
      waitForRollout: props.waitForRollout ?? true,
      spec: {
        // Progressive delivery: a template only, the Rollout runs the pods. Otherwise the
        // initial size: the HPA owns the replica count afterwards, and Terraform ignores
        // it so an apply never scales a busy service back down.
        replicas: progressive ? "0" : String(bounds.min),
        selector: { matchLabels: labels.selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "1", maxUnavailable: "0" } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": port,
              "prometheus.io/path": METRICS_PATH,
              // The injected Linkerd proxy gets explicit resources, so quotas can count it.
              "config.linkerd.io/proxy-cpu-request": MESH_PROXY_RESOURCES.requests.cpu,
              "config.linkerd.io/proxy-memory-request": MESH_PROXY_RESOURCES.requests.memory,
              "config.linkerd.io/proxy-cpu-limit": MESH_PROXY_RESOURCES.limits.cpu,
              "config.linkerd.io/proxy-memory-limit": MESH_PROXY_RESOURCES.limits.memory,
            },
          },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // Only services with an AWS role need a token; none calls the Kubernetes API.
            // (Linkerd mounts its own projected identity token either way.)
            automountServiceAccountToken: usesAws,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            topologySpreadConstraint: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            container: [
              {
                name: def.workload,
                image: imageUri(props.aws, props.imagesOf ?? props.environment, def.name, props.sizing.imageTag),
                // Tags are immutable in ECR, so Always costs one manifest check per start and never runs a stale image.
                imagePullPolicy: "Always",
                // The SDK's region chain ends at instance metadata, which pods cannot reach
                // (hop limit 1, modules/eks/README.md): the region is given, not looked up.
                env: usesAws ? [{ name: "AWS_REGION", value: props.aws.region }] : undefined,
                envFrom: connectionSettings ? [{ configMapRef: { name: connectionSettings.metadata.name } }] : undefined,
                port: [{ name: "http", containerPort: def.port, protocol: "TCP" }],
                resources: {
                  requests: { cpu: size.requests.cpu, memory: size.requests.memory },
                  limits: { cpu: size.limits.cpu, memory: size.limits.memory },
                },
                livenessProbe: { httpGet: { path: PROBE_PATHS.liveness, port }, initialDelaySeconds: 30, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: PROBE_PATHS.readiness, port }, initialDelaySeconds: 5, periodSeconds: 5 },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                // The root filesystem is read-only: scratch space goes here.
                volumeMount: [
                  { name: "tmp", mountPath: "/tmp" },
                  ...(hasSecret ? [{ name: "secrets", mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : []),
                  ...(connectionSettings ? [{ name: "rds-ca", mountPath: RDS_CA_MOUNT_PATH, readOnly: true }] : []),
                ],
              },
            ],
            volume: [
              { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
              // Files, not environment variables: kubelet refreshes them when External Secrets updates the Secret.
              ...(hasSecret ? [{ name: "secrets", secret: { secretName: secretName(def), defaultMode: "0440" } }] : []),
              ...(connectionSettings && this.caBundle ? [{ name: "rds-ca", configMap: { name: this.caBundle.metadata.name } }] : []),
            ],
          },
        },
      },
      lifecycle: {
        ignoreChanges: [
          "spec[0].replicas",
          // Reloader's mark on the pod template (annotations strategy) when it restarts the pods.
          ...(Object.keys(reload).length ? [`spec[0].template[0].metadata[0].annotations["${RELOADER_ANNOTATIONS.lastReloadedFrom}"]`] : []),
        ],
      },
      // EKS injects credentials only into pods created after the association exists; the
      // pods sign in as their database user once the Job has made it.
      dependsOn: waitFor.length ? waitFor : undefined,
    });

    const service = new ServiceV1(scope, "service", {
      metadata: { ...metadata, annotations: failureAccrualAnnotations(serviceTraffic(def)) },
      spec: {
        type: "ClusterIP",
        selector: labels.selector,
        port: [{ name: "http", port: SERVICE_PORT, targetPort: port, protocol: "TCP" }],
      },
    });

    const autoscaler = serviceAutoscaler(scope, {
      metadata,
      bounds,
      rules: props.sizing.autoscaling,
      scaleTargetRef: progressive ? { ...ROLLOUT_API, name: def.workload } : { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
    });

    // maxUnavailable 1 (not minAvailable 1): a drain evicts one pod at a time at any
    // scale, and never blocks even when only one replica is left.
    const disruptionBudget = new PodDisruptionBudgetV1(scope, "disruption-budget", {
      metadata,
      spec: { maxUnavailable: "1", selector: { matchLabels: labels.selector } },
    });

    // The public service's internet requests are weighted at its ALB as well as in the mesh.
    const alb = def.name === publicServiceName(props) ? publicAlbRouting(def, props.ingress.canaryStickinessSeconds) : undefined;
    const rollout = progressive
      ? serviceRollout(def, namespace, bounds.min, { trafficRouting: canaryTrafficRouting(def, alb), steps: props.canarySteps })
      : undefined;
    return {
      definition: def,
      size,
      serviceAccount,
      role,
      database,
      databaseGrant,
      connectionSettings,
      secretMappings,
      deployment,
      service,
      autoscaler,
      disruptionBudget,
      rollout,
    };
  }

  private publicIngress(front: ServiceWorkload, namespace: string, props: ServiceWorkloadsProps): IngressV1 {
    const i = props.ingress;
    const attributes = ["routing.http.drop_invalid_header_fields.enabled=true", `deletion_protection.enabled=${i.deletionProtection ?? false}`];
    const annotations: Record<string, string> = {
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      // Pod IPs as targets: no NodePort hop, and the ALB health-checks each pod.
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/ssl-policy": i.sslPolicy ?? DEFAULT_SSL_POLICY,
      "alb.ingress.kubernetes.io/wafv2-acl-arn": i.wafAclArn,
      "alb.ingress.kubernetes.io/healthcheck-path": PROBE_PATHS.liveness,
      "alb.ingress.kubernetes.io/security-groups": i.securityGroupIds.join(","),
      // With our own frontend groups, the controller still opens the pods' security
      // group to the ALB through its shared backend group.
      "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "true",
      "alb.ingress.kubernetes.io/load-balancer-name": i.loadBalancerName ?? names.gatewayLoadBalancer(props.environment),
      "alb.ingress.kubernetes.io/load-balancer-attributes": attributes.join(","),
      "external-dns.alpha.kubernetes.io/hostname": i.regionalHost ?? i.host,
    };
    // The rules' and TLS hosts would be published too: only the annotation's name is.
    if (i.regionalHost) annotations["external-dns.alpha.kubernetes.io/ingress-hostname-source"] = "annotation-only";
    if (i.certificateArn) annotations["alb.ingress.kubernetes.io/certificate-arn"] = i.certificateArn;
    const hosts = i.regionalHost ? [i.host, i.regionalHost] : [i.host];
    // With progressive delivery the backend is the Rollout's root Service on `use-annotation`,
    // whose action the Rollouts controller owns: Terraform ignores it and the controller's
    // bookkeeping annotation, so an apply never resets a canary's weights. Terraform only
    // creates the Ingress with the action the controller writes at rest (canary 0 %): the
    // controller writes nothing until the stable pods are available, and the ALB (which the
    // apply waits for) cannot be built without an action.
    const routing = (props.progressiveDelivery ?? true) ? publicAlbRouting(front.definition, i.canaryStickinessSeconds) : undefined;
    if (routing) annotations[albControllerAnnotations(routing.rootService)[0]] = albForwardAction(canaryTrafficRouting(front.definition), routing);
    // The root Service is the service's own (`publicAlbRouting`).
    const backend = { service: { name: front.service.metadata.name, port: routing ? { name: ALB_USE_ANNOTATION_PORT } : { number: SERVICE_PORT } } };
    return new IngressV1(this, "ingress", {
      metadata: { name: front.definition.workload, namespace, labels: workloadLabels(front.definition).all, annotations },
      // The apply waits for the controller to provision the ALB, so what reads it
      // afterwards (DNS, the ALB alarms) finds it.
      waitForLoadBalancer: true,
      spec: {
        ingressClassName: "alb",
        tls: [{ hosts }],
        rule: hosts.map((host) => ({ host, http: { path: [{ path: "/", pathType: "Prefix", backend }] } })),
      },
      ...(routing
        ? {
            lifecycle: { ignoreChanges: albControllerAnnotations(routing.rootService).map((k) => `metadata[0].annotations["${k}"]`) },
            // The target groups' Services (stable, canary) are the routes release's.
            dependsOn: [this.routes],
          }
        : {}),
    });
  }
}

/** Catalogue name of the service behind the public load balancer. */
function publicServiceName(props: ServiceWorkloadsProps): string {
  return props.ingress.service ?? "gateway";
}

/** The Kubernetes Secret a service's ExternalSecret writes: `<workload>-secrets`. */
export function secretName(def: ServiceDefinition): string {
  return `${def.workload}-secrets`;
}

/** A bucket a service lists; throws when it was not given. */
function bucketOf(def: ServiceDefinition, purpose: string, props: ServiceWorkloadsProps): IBucket {
  const bucket = props.buckets[purpose];
  if (!bucket)
    throw new Error(
      `${props.environment}: service "${def.name}" uses the ${purpose} bucket, which was not given; buckets: ${Object.keys(props.buckets).join(", ") || "none"}`,
    );
  return bucket;
}

/** The database of a service that owns one; throws when it was not given. */
function databaseOf(def: ServiceDefinition, props: ServiceWorkloadsProps): IDatabase {
  const db = props.databases?.[def.name];
  if (!db) {
    throw new Error(
      `${props.environment}: service "${def.name}" owns a database (variables/services.ts) but none was given; databases: ${Object.keys(props.databases ?? {}).join(", ") || "none"}`,
    );
  }
  return db;
}

/** What a service's Secret holds, checked against the environment's prefix; none without `secrets`. */
function secretMappingsOf(def: ServiceDefinition, props: ServiceWorkloadsProps): SecretMapping[] {
  const secrets = props.secrets;
  if (!secrets) return [];
  const catalogPrefix = secrets.catalogPrefix ?? secrets.namePrefix;
  const mappings = serviceSecretMappings(def, secrets.definitions ?? SECRETS, { namePrefix: catalogPrefix, cacheSecretName: secrets.cacheSecretName });
  for (const m of mappings) {
    // The cache is the environment's own; the catalogue's secrets may be a primary's replicas.
    const prefix = m.remoteKey === secrets.cacheSecretName ? secrets.namePrefix : catalogPrefix;
    if (!m.remoteKey.startsWith(`${prefix}/`)) {
      throw new Error(
        `${props.environment}: service "${def.name}": secret "${m.remoteKey}" is outside the environment's prefix; accepted: names under "${prefix}/"`,
      );
    }
  }
  return mappings;
}
