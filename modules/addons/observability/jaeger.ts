/**
 * Jaeger v2 all-in-one (chart 4.x: one OpenTelemetry-Collector-based binary with
 * collector, storage and query; the v1 agent/collector/query split is gone from the
 * chart). Storage per environment:
 * - `memory`: traces vanish on restart; enough for dev where traces are read minutes
 *   after they are made.
 * - `badger`: embedded key-value store on a gp3 volume; survives restarts, keeps
 *   `retentionHours`. All-in-one with Badger is a single replica (Badger is single
 *   writer); trace volume beyond one replica needs a scalable backend (OpenSearch).
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "../admission";
import { GP3_STORAGE_CLASS } from "../storage-class";
import { HelmAddon } from "../helm-addon";
import { AddonContext } from "../types";

/** No webhook; the all-in-one Deployment and its Service. */
export const JAEGER_ADMISSION: ChartAdmission = noWebhooks("jaeger chart 4.x templates/ (allinone deployment and service): no webhook configuration", [
  SERVICE,
  POD,
]);

export type JaegerStorage = "memory" | "badger";
export const JAEGER_BADGER_PVC = "jaeger-badger";
const BADGER_DIR = "/mnt/data";
/** User and group of the jaegertracing/jaeger image. */
const JAEGER_UID = 10001;

export interface JaegerProps {
  readonly storage: JaegerStorage;
  /** Badger volume (GiB). @default 20 */
  readonly storageGb?: number;
  /** Hours spans are kept in Badger. @default 72 */
  readonly retentionHours?: number;
}

export class JaegerAddon extends HelmAddon {
  public readonly name = "jaeger";
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.jaeger;
  public readonly dependsOn = ["storage-class"];

  constructor(private readonly props: JaegerProps) {
    super();
  }

  /** The `jaeger_storage` backend of the v2 configuration. */
  public backend(): object {
    if (this.props.storage === "memory") return { memory: { max_traces: 100000 } };
    return {
      badger: {
        directories: { keys: `${BADGER_DIR}/keys`, values: `${BADGER_DIR}/values` },
        ephemeral: false,
        ttl: { spans: `${this.props.retentionHours ?? 72}h` },
      },
    };
  }

  /**
   * Chart 4.11+ values: the all-in-one pod is `jaeger.*`; the Jaeger v2 configuration is
   * `userconfig` (rendered to the `user-config` ConfigMap and passed as `--config`: with
   * any other key Jaeger silently runs its default in-memory configuration). The chart's
   * Service is named after the release: `jaeger` (OTLP 4317/4318, UI 16686).
   */
  public values(ctx: AddonContext): object {
    const badger = this.props.storage === "badger";
    return {
      jaeger: {
        nodeSelector: ctx.placement.nodeSelector,
        tolerations: ctx.placement.tolerations,
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: badger ? "1Gi" : "2Gi" } },
        // The image's user (10001) must own the volume's files: fsGroup makes the gp3
        // volume group-writable for it.
        podSecurityContext: {
          runAsNonRoot: true,
          runAsUser: JAEGER_UID,
          runAsGroup: JAEGER_UID,
          fsGroup: JAEGER_UID,
          seccompProfile: { type: "RuntimeDefault" },
        },
        ...(badger
          ? {
              extraVolumes: [{ name: "badger", persistentVolumeClaim: { claimName: JAEGER_BADGER_PVC } }],
              extraVolumeMounts: [{ name: "badger", mountPath: BADGER_DIR }],
            }
          : {}),
      },
      userconfig: {
        service: {
          extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
          pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
        },
        extensions: {
          healthcheckv2: { use_v2: true, http: { endpoint: "0.0.0.0:13133" } },
          jaeger_query: { storage: { traces: "primary_store" } },
          jaeger_storage: { backends: { primary_store: this.backend() } },
        },
        receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: "primary_store" } },
      },
    };
  }

  /** The Badger volume. */
  protected beforeRelease(scope: Construct, _ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    if (this.props.storage !== "badger") return [];
    return [
      new PersistentVolumeClaimV1(scope, "badger", {
        metadata: { name: JAEGER_BADGER_PVC, namespace: this.namespace },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: GP3_STORAGE_CLASS, resources: { requests: { storage: `${this.props.storageGb ?? 20}Gi` } } },
        // gp3 binds when the pod is scheduled (WaitForFirstConsumer): do not block the apply.
        waitUntilBound: false,
        dependsOn: after.length ? [...after] : undefined,
      }),
    ];
  }
}
