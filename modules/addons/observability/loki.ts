/**
 * Loki stores log chunks and its TSDB index in the environment's logs bucket under
 * `loki/`, through a Pod Identity role limited to that bucket and prefix: the bucket's own
 * read-write statements (`IBucket`; the logs bucket is SSE-S3, so no KMS statement). The
 * compactor deletes what is older than the retention.
 *
 * Mode: monolithic (one pod, one WAL volume) without highly available system nodes
 * (dev, staging: cheap, enough for their volume); simple scalable (read/write/backend
 * with 3 replicas each, replication factor 3) when the system node group has 3+ nodes.
 */
import type { PolicyStatement } from "../../iam";
import type { IBucket } from "../../s3";
import { serviceEndpoint } from "../../../variables/aws-catalog";
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "../admission";
import { HelmAddon, HelmAddonRole } from "../helm-addon";
import { GP3_STORAGE_CLASS } from "../storage-class";
import { AddonContext } from "../types";

export const LOKI_SERVICE_ACCOUNT = "loki";
/** Key prefix of Loki's objects in the logs bucket (Loki adds the `/`). */
export const LOKI_STORAGE_PREFIX = "loki";

/** No webhook; StatefulSets, the gateway Deployment and their Services. */
export const LOKI_ADMISSION: ChartAdmission = noWebhooks(
  "loki chart templates/ (single-binary/, write/, read/, backend/, gateway/): no webhook configuration",
  [SERVICE, POD],
);

/** Chart 12+ names single binary `Monolithic`; `SimpleScalable` is deprecated for Loki 4 but supported. */
export type LokiDeploymentMode = "Monolithic" | "SimpleScalable";

export interface LokiProps {
  /** The logs bucket (the `<env>` stack's, imported by name: `StorageBucket.fromBucketAttributes`). */
  readonly bucket: IBucket;
  /** Days logs are kept (compactor retention). */
  readonly retentionDays: number;
  /** @default SimpleScalable when the context is highly available, else Monolithic */
  readonly deploymentMode?: LokiDeploymentMode;
}

/** Read-write on `<bucket>/loki/*` and listing under `loki/` only. */
export function lokiStatements(bucket: IBucket): PolicyStatement[] {
  return bucket.readWriteStatements(`${LOKI_STORAGE_PREFIX}/`);
}

export class LokiAddon extends HelmAddon {
  public readonly name = "loki";
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.loki;
  public readonly dependsOn = ["storage-class"];
  public readonly role: HelmAddonRole = {
    serviceAccount: LOKI_SERVICE_ACCOUNT,
    description: (ctx) => `Loki of ${ctx.clusterName}: s3://${this.props.bucket.name}/${LOKI_STORAGE_PREFIX}/`,
    statements: () => lokiStatements(this.props.bucket),
  };

  constructor(private readonly props: LokiProps) {
    super();
  }

  public mode(ctx: AddonContext): LokiDeploymentMode {
    return this.props.deploymentMode ?? (ctx.highAvailability ? "SimpleScalable" : "Monolithic");
  }

  public values(ctx: AddonContext): object {
    const place = ctx.placement;
    const mode = this.mode(ctx);
    const scalable = mode === "SimpleScalable";
    const bucket = this.props.bucket.name;
    const volume = { storageClass: GP3_STORAGE_CLASS, size: "10Gi" };
    return {
      deploymentMode: mode,
      serviceAccount: { create: true, name: LOKI_SERVICE_ACCOUNT },
      loki: {
        auth_enabled: false,
        commonConfig: { replication_factor: scalable ? 3 : 1 },
        schemaConfig: { configs: [{ from: "2026-01-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }] },
        storage: {
          type: "s3",
          // The chart requires `chunks` and writes it as the object store's bucket name;
          // the ruler is off, so no ruler storage is rendered.
          bucketNames: { chunks: bucket, ruler: bucket },
          // The Thanos object store client supports a key prefix (letters and digits only).
          use_thanos_objstore: true,
          object_store: {
            type: "s3",
            storage_prefix: LOKI_STORAGE_PREFIX,
            // The AWS SDK's default credential chain, which includes EKS Pod Identity
            // (minio-go's own chain has had Pod Identity problems: minio/minio-go#2003).
            s3: { endpoint: serviceEndpoint("s3", ctx.aws.region), region: ctx.aws.region, native_aws_auth_enabled: true },
          },
        },
        limits_config: { retention_period: `${this.props.retentionDays * 24}h`, volume_enabled: true },
        compactor: { retention_enabled: true, delete_request_store: "s3", compaction_interval: "10m", retention_delete_delay: "2h" },
      },
      // The components keep the chart's hard anti-affinity: 3 replicas need 3 nodes
      // (SimpleScalable only with 3+ system nodes).
      singleBinary: { replicas: scalable ? 0 : 1, ...place, persistence: { enabled: true, ...volume } },
      write: { replicas: scalable ? 3 : 0, ...place, persistence: { volumeClaimsEnabled: true, ...volume } },
      read: { replicas: scalable ? 3 : 0, ...place },
      backend: { replicas: scalable ? 3 : 0, ...place, persistence: { enabled: true, ...volume } },
      gateway: { enabled: true, replicas: scalable ? 2 : 1, ...place },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
      minio: { enabled: false },
      lokiCanary: { enabled: false },
      test: { enabled: false },
      ruler: { enabled: false },
    };
  }
}
