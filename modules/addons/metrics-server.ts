import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CHARTS } from "../../variables/charts";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "./admission";
import { AddonContext, PlatformAddon, Placement, Resources, Toleration, helmRelease } from "./types";

/** Chart values we set (subset of metrics-server's values.yaml). */
export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

/** No webhook; a Deployment, its Service and the (cluster-scoped) APIService. */
export const METRICS_SERVER_ADMISSION: ChartAdmission = noWebhooks("metrics-server chart templates/ (deployment.yaml, service.yaml, apiservice.yaml): no webhook configuration", [SERVICE, POD]);

/** metrics-server: the resource metrics API the HorizontalPodAutoscalers read. No AWS access. */
export class MetricsServerAddon implements PlatformAddon {
  public readonly name = "metrics-server";
  public readonly namespace = "kube-system";

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

  public deploy(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    return [helmRelease(scope, "release", { name: this.name, chart: CHARTS.metricsServer, namespace: this.namespace, values: this.values(ctx), dependsOn: after })];
  }
}
