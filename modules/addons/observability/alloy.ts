/**
 * Grafana Alloy as a DaemonSet collecting every pod's logs on its node and pushing
 * them to Loki. Replaces the spec's Promtail (end of life 2026-03-02). It tolerates
 * every taint: logs of pods on all nodes, system ones included.
 */
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "../admission";
import { HelmAddon } from "../helm-addon";
import { AddonContext } from "../types";
import { ENDPOINTS } from "./kube-prometheus-stack";

/** No webhook; the DaemonSet and its Service. */
export const ALLOY_ADMISSION: ChartAdmission = noWebhooks("alloy chart templates/ (controllers/, service.yaml): no webhook configuration", [SERVICE, POD]);

/** Alloy configuration: pods on this node -> labels -> /var/log/pods files -> Loki. */
export function alloyConfig(lokiPushUrl: string): string {
  return `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("HOSTNAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_authorworks_io_service"]
    target_label  = "service"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    target_label  = "__path__"
    replacement   = "/var/log/pods/*$1/*.log"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${lokiPushUrl}"
  }
}
`;
}

export class AlloyAddon extends HelmAddon {
  public readonly name = "alloy";
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.alloy;
  public readonly dependsOn = ["loki"];

  public values(_ctx: AddonContext): object {
    return {
      alloy: {
        configMap: { create: true, content: alloyConfig(ENDPOINTS.lokiPush) },
        // The chart sets HOSTNAME to the node name (spec.nodeName): the configuration's
        // field selector then only discovers this node's pods.
        mounts: { varlog: true },
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      },
      controller: { type: "daemonset", tolerations: [{ operator: "Exists" }] },
    };
  }
}
