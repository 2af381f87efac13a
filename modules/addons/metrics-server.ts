import { CHARTS } from "../../variables/charts";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "./admission";
import { HelmAddon } from "./helm-addon";
import { AddonContext, Placement, Resources, Toleration } from "./types";

/** Chart values we set (subset of metrics-server's values.yaml). */
export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

/** No webhook; a Deployment, its Service and the (cluster-scoped) APIService. */
export const METRICS_SERVER_ADMISSION: ChartAdmission = noWebhooks(
  "metrics-server chart templates/ (deployment.yaml, service.yaml, apiservice.yaml): no webhook configuration",
  [SERVICE, POD],
);

/** metrics-server: the resource metrics API the HorizontalPodAutoscalers read. No AWS access. */
export class MetricsServerAddon extends HelmAddon<MetricsServerValues> {
  public readonly name = "metrics-server";
  public readonly namespace = "kube-system";
  public readonly chart = CHARTS.metricsServer;

  public values(ctx: AddonContext): MetricsServerValues {
    return {
      // Two replicas everywhere: without it, every HPA in the cluster is blind during a node drain.
      replicas: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
    };
  }
}
