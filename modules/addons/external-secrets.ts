/**
 * External Secrets Operator (ESO): copies Secrets Manager secrets into Kubernetes
 * Secrets and keeps them current. The controller reads with its own Pod Identity role,
 * limited to the environment's secret prefix; one ClusterSecretStore serves the
 * application namespaces only. The typed manifest helpers below are what the services'
 * ExternalSecrets (and the namespaced stores of secrets outside the prefix) are built from.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { PolicyStatement } from "../iam";
import { SECRET_READ_ACTIONS, secretNameArn } from "../security/secrets";
import { serviceEndpoint } from "../../variables/aws-catalog";
import { CHARTS } from "../../variables/charts";
import { APPLICATION_NAMESPACES, SYSTEM_NAMESPACE } from "../../variables/platform";
import { ChartAdmission, KindRef, POD, SERVICE, valueAt } from "./admission";
import { HelmAddon, HelmAddonRole } from "./helm-addon";
import {
  AddonContext,
  Placement,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
  Resources,
  Toleration,
  controllerDisruptionBudget,
  controllerReplicas,
  rawRelease,
  regionalArn,
} from "./types";

/** Add-on name: its construct id, Helm release name and IAM role suffix (`authorworks-<env>-external-secrets`). */
export const EXTERNAL_SECRETS_ADDON = "external-secrets";
/** Service account of the controller (the one that calls AWS). */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
/** API version of every ESO object we write: the chart serves `v1` only (v1beta1 stopped being served in ESO 0.17). */
export const EXTERNAL_SECRETS_API_VERSION = "external-secrets.io/v1";
/** The ClusterSecretStore the services' ExternalSecrets reference: Secrets Manager, with the controller's own credentials. */
export const APPLICATION_SECRET_STORE = "aws-secrets-manager";
/**
 * How often an ExternalSecret re-reads its secrets: one hour, ESO's own default. Rotation
 * runs every 90 days (seed 003 "Secrets Management"), so a new value reaches the Kubernetes
 * Secret within an hour of rotation; a shorter interval multiplies GetSecretValue calls
 * (billed per 10,000) for every service without making rotation safer. A rotation that
 * must land sooner is forced by annotating the ExternalSecret (`force-sync=<timestamp>`).
 */
export const DEFAULT_REFRESH_INTERVAL = "1h";

export const EXTERNAL_SECRET: KindRef = { group: "external-secrets.io", kind: "ExternalSecret" };
export const SECRET_STORE: KindRef = { group: "external-secrets.io", kind: "SecretStore" };
export const CLUSTER_SECRET_STORE: KindRef = { group: "external-secrets.io", kind: "ClusterSecretStore" };

/**
 * The chart's webhooks (templates/validatingwebhook.yaml): `secretstore-validate` checks
 * SecretStores and ClusterSecretStores, `externalsecret-validate` ExternalSecrets, all
 * three with `webhook.failurePolicy` (default Fail; the store entries take it since
 * external-secrets#5605 and #6247, 2.x, and failed closed before by the API default).
 * None has a namespace or object selector.
 * They serve once the cert-controller has put the CA into the configurations: its
 * readiness probe (/readyz) waits for that, and the webhook's for its certificate, so a
 * release that waits for readiness comes up serving.
 */
export const EXTERNAL_SECRETS_ADMISSION: ChartAdmission = {
  source:
    "external-secrets chart templates/validatingwebhook.yaml, deployment.yaml, webhook-deployment.yaml, webhook-service.yaml, cert-controller-deployment.yaml; values.yaml webhook.create, webhook.failurePolicy",
  webhooks: (values) => {
    if (valueAt(values, "webhook.create") === false) return [];
    const failurePolicy = (valueAt(values, "webhook.failurePolicy") as "Fail" | "Ignore" | undefined) ?? "Fail";
    return [
      { name: "validate.secretstore.external-secrets.io", type: "Validating", intercepts: [SECRET_STORE], failurePolicy },
      { name: "validate.clustersecretstore.external-secrets.io", type: "Validating", intercepts: [CLUSTER_SECRET_STORE], failurePolicy },
      { name: "validate.externalsecret.external-secrets.io", type: "Validating", intercepts: [EXTERNAL_SECRET], failurePolicy },
    ];
  },
  objects: (_values, namespace) => [SERVICE, POD].map((k) => ({ ...k, namespace })),
};

export interface ExternalSecretsProps {
  /** ARN of the KMS key the environment's secrets are encrypted with (the `secrets` key of modules/kms). */
  readonly secretsKeyArn: string;
  /**
   * IAM roles the controller may assume for namespaced SecretStores (`secretStoreManifest`):
   * secrets outside the environment's prefix, such as the database master user secrets.
   * Each role's trust policy must name the controller's role. @default none (no AssumeRole statement)
   */
  readonly assumableRoleArns?: readonly string[];
  /**
   * Secrets outside the environment's prefix the controller reads through the application
   * store: a standby's primary's secrets replicated to this region (`StandbyConfig.applicationSecrets`
   * "primary"), by full name, and the key they are encrypted with there (the primary's
   * `secrets` DR key). Only these names and only that key. @default none
   */
  readonly primarySecrets?: { readonly names: readonly string[]; readonly kmsKeyArn: string };
}

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<namePrefix>/*`: every secret of the environment. */
export function environmentSecretsArn(ctx: AddonContext): string {
  return regionalArn(ctx, "secretsmanager", `secret:${ctx.namePrefix}/*`);
}

/**
 * What the controller calls for `data[].remoteRef` lookups by name: GetSecretValue
 * (DescribeSecret for `metadataPolicy: Fetch`), on the environment's prefix only; the key's
 * Decrypt only through Secrets Manager and only for those secrets (Secrets Manager puts the
 * secret's ARN in the encryption context). ListSecrets and BatchGetSecretValue
 * (`dataFrom.find`) are not granted: every secret is named. AssumeRole only on the given
 * roles, with sts:TagSession: the session tags EKS Pod Identity puts on the controller's
 * session (kubernetes-namespace, kubernetes-service-account, ...) are transitive, so every
 * AssumeRole it makes passes them on and needs TagSession on both sides (EKS User Guide,
 * "Grant pods access to AWS resources based on tags").
 */
export function externalSecretsStatements(ctx: AddonContext, props: ExternalSecretsProps): PolicyStatement[] {
  const secrets = environmentSecretsArn(ctx);
  const roles = [...new Set(props.assumableRoleArns ?? [])];
  return [
    { sid: "ReadEnvironmentSecrets", actions: [...SECRET_READ_ACTIONS], resources: [secrets] },
    {
      sid: "DecryptEnvironmentSecretsThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [props.secretsKeyArn],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", ctx.aws.region)] },
        { test: "StringLike", variable: "kms:EncryptionContext:SecretARN", values: [secrets] },
      ],
    },
    ...(roles.length ? [{ sid: "AssumeSecretStoreRoles", actions: ["sts:AssumeRole", "sts:TagSession"], resources: roles }] : []),
    ...primarySecretStatements(ctx, props.primarySecrets),
  ];
}

/** Read and decrypt exactly the primary's replicated secrets of `primarySecrets`, through Secrets Manager. */
function primarySecretStatements(ctx: AddonContext, primary: ExternalSecretsProps["primarySecrets"]): PolicyStatement[] {
  if (!primary?.names.length) return [];
  const arns = [...new Set(primary.names)].map((n) => secretNameArn(ctx.aws, n));
  return [
    { sid: "ReadPrimarySecretReplicas", actions: [...SECRET_READ_ACTIONS], resources: arns },
    {
      sid: "DecryptPrimarySecretReplicasThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [primary.kmsKeyArn],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", ctx.aws.region)] },
        { test: "StringLike", variable: "kms:EncryptionContext:SecretARN", values: arns },
      ],
    },
  ];
}

/** The ClusterSecretStore of the application namespaces: Secrets Manager in `region`, the controller's credentials. */
export function applicationSecretStoreManifest(region: string, namespaces: readonly string[] = APPLICATION_NAMESPACES): object {
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: CLUSTER_SECRET_STORE.kind,
    metadata: { name: APPLICATION_SECRET_STORE },
    spec: {
      // No `auth`: the AWS SDK's default chain, i.e. the controller's Pod Identity credentials.
      provider: { aws: { service: "SecretsManager", region } },
      // Only ExternalSecrets in these namespaces may use the store (and so the controller's role).
      conditions: [{ namespaces: [...namespaces] }],
    },
  };
}

/** One key of an ExternalSecret's target Secret. */
export interface ExternalSecretData {
  /** Key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** Full name of the Secrets Manager secret, e.g. `authorworks-dev/payments/stripe-api-key`. */
  readonly remoteKey: string;
  /** JSON field of the secret's value to take. @default the whole value */
  readonly property?: string;
}

export interface ExternalSecretSpec {
  /** Name of the ExternalSecret. */
  readonly name: string;
  readonly namespace: string;
  /** The store it reads through: `{ kind: "ClusterSecretStore", name: APPLICATION_SECRET_STORE }` for the environment's secrets. */
  readonly store: { readonly kind: "ClusterSecretStore" | "SecretStore"; readonly name: string };
  /** Re-read interval, a Go duration ("1h", "15m"). @default DEFAULT_REFRESH_INTERVAL */
  readonly refreshInterval?: string;
  /** Name of the Kubernetes Secret it writes. @default `name` */
  readonly targetName?: string;
  /** Labels of the target Secret. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the target Secret. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The keys; at least one. */
  readonly data: readonly ExternalSecretData[];
}

/**
 * An ExternalSecret. The target Secret is owned by it (`creationPolicy: Owner`: deleted
 * with it, never adopted from elsewhere) and kept when its source disappears
 * (`deletionPolicy: Retain`): rotation writes a new version, which updates the Secret in
 * place, while a secret deleted or scheduled for deletion in Secrets Manager (by mistake,
 * or during a rebuild) leaves running pods and their restarts with the last good value
 * instead of an emptied Secret.
 */
export function externalSecretManifest(spec: ExternalSecretSpec): object {
  if (spec.data.length === 0) throw new Error(`ExternalSecret ${spec.namespace}/${spec.name}: data names no secret`);
  const metadata = { ...(spec.labels ? { labels: { ...spec.labels } } : {}), ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}) };
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: EXTERNAL_SECRET.kind,
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      refreshInterval: spec.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      secretStoreRef: { kind: spec.store.kind, name: spec.store.name },
      target: {
        name: spec.targetName ?? spec.name,
        creationPolicy: "Owner",
        deletionPolicy: "Retain",
        // A template without data keeps the fetched keys as they are; it only sets metadata.
        ...(Object.keys(metadata).length ? { template: { metadata } } : {}),
      },
      data: spec.data.map((d) => ({
        secretKey: d.secretKey,
        remoteRef: { key: d.remoteKey, ...(d.property !== undefined ? { property: d.property } : {}) },
      })),
    },
  };
}

export interface SecretStoreSpec {
  readonly name: string;
  readonly namespace: string;
  /** Region of the secrets. */
  readonly region: string;
  /** Role the controller assumes to read them; it must be in the controller's `assumableRoleArns`. */
  readonly roleArn: string;
}

/**
 * A namespaced SecretStore reading Secrets Manager as `roleArn`, for secrets outside the
 * environment's prefix (the database master secrets, `<identifier>/master`): the
 * controller's own credentials assume the role, so only this namespace reads them.
 */
export function secretStoreManifest(spec: SecretStoreSpec): object {
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: SECRET_STORE.kind,
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: { provider: { aws: { service: "SecretsManager", region: spec.region, role: spec.roleArn } } },
  };
}

/**
 * What an ExternalSecret or SecretStore must wait for: the controller release (CRDs and
 * webhook) and the ClusterSecretStore, as `PlatformAddons` installed them.
 */
export function externalSecretsReady(addons: {
  readonly installed: Readonly<Record<string, readonly ITerraformDependable[]>>;
}): readonly ITerraformDependable[] {
  const ready = addons.installed[EXTERNAL_SECRETS_ADDON];
  if (!ready) throw new Error(`the ${EXTERNAL_SECRETS_ADDON} add-on is not installed: ExternalSecrets need its CRDs and webhook`);
  return ready;
}

type ComponentValues = {
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  /** `enabled` is the chart's switch; the rest is the pod's securityContext. */
  readonly podSecurityContext: { readonly enabled: boolean } & typeof RESTRICTED_POD_SECURITY_CONTEXT;
  readonly securityContext: { readonly enabled: boolean } & typeof RESTRICTED_CONTAINER_SECURITY_CONTEXT;
};

/** Chart values we set (subset of external-secrets' values.yaml). */
export interface ExternalSecretsValues extends ComponentValues {
  readonly installCRDs: boolean;
  readonly leaderElect: boolean;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  readonly processClusterExternalSecret: boolean;
  readonly processPushSecret: boolean;
  readonly webhook: ComponentValues & { readonly failurePolicy: "Fail" | "Ignore" };
  readonly certController: ComponentValues;
}

/**
 * External Secrets Operator in the system namespace, with its CRDs, a Pod Identity role
 * reading the environment's secrets, and the application ClusterSecretStore (raw chart,
 * after the release). Controller and webhook run two replicas with disruption budgets
 * when highly available.
 */
export class ExternalSecretsAddon extends HelmAddon<ExternalSecretsValues> {
  public readonly name = EXTERNAL_SECRETS_ADDON;
  public readonly namespace = SYSTEM_NAMESPACE;
  public readonly chart = CHARTS.externalSecrets;
  public readonly role: HelmAddonRole = {
    serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
    description: (ctx) =>
      `External Secrets Operator of ${ctx.clusterName}: reads ${ctx.namePrefix}/* secrets` +
      (this.props.primarySecrets?.names.length ? ` and ${this.props.primarySecrets.names.length} replicated secrets of its primary` : ""),
    statements: (ctx) => externalSecretsStatements(ctx, this.props),
  };

  constructor(private readonly props: ExternalSecretsProps) {
    super();
  }

  public values(ctx: AddonContext): ExternalSecretsValues {
    const common = {
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      podSecurityContext: { enabled: true, ...RESTRICTED_POD_SECURITY_CONTEXT },
      securityContext: { enabled: true, ...RESTRICTED_CONTAINER_SECURITY_CONTEXT },
    };
    const replicated = { replicaCount: controllerReplicas(ctx), podDisruptionBudget: controllerDisruptionBudget(ctx) };
    return {
      installCRDs: true,
      // Two replicas, or two pods during a rolling update: only the leader reconciles.
      leaderElect: true,
      serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
      // Secrets flow one way (Secrets Manager -> cluster, per namespace): no PushSecret writes
      // back (the role could not anyway), no ClusterExternalSecret fans a secret out to namespaces.
      processClusterExternalSecret: false,
      processPushSecret: false,
      ...replicated,
      ...common,
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      webhook: { failurePolicy: "Fail", ...replicated, ...common, resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } } },
      // One replica everywhere: it runs no leader election, and two would each issue a webhook
      // certificate on first start; it only renews the certificate, outside the request path.
      certController: {
        replicaCount: 1,
        podDisruptionBudget: { enabled: false, minAvailable: 1 },
        ...common,
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
      },
    };
  }

  protected afterRelease(scope: Construct, ctx: AddonContext, release: Release): ITerraformDependable[] {
    return [
      rawRelease(scope, "secret-store", {
        name: "application-secret-store",
        namespace: this.namespace,
        resources: [applicationSecretStoreManifest(ctx.aws.region)],
        dependsOn: [release],
        // A ClusterSecretStore: nothing Helm can wait for.
        wait: false,
      }),
    ];
  }
}
