import { CHARTS } from "../../variables/charts";
import { ChartAdmission, INGRESS, LabelSelector, POD, SERVICE, valueAt } from "./admission";
import { HelmAddon } from "./helm-addon";
import { AddonContext } from "./types";

/**
 * ingress-nginx's validating webhook (templates/admission-webhooks/validating-webhook.yaml,
 * `controller.admissionWebhooks.*`, enabled and `Fail` by default) checks every Ingress
 * of the cluster, the ALB ones included: while it is installed, the gateway Ingress
 * comes after it.
 */
export const INGRESS_NGINX_ADMISSION: ChartAdmission = {
  source: "ingress-nginx chart templates/admission-webhooks/validating-webhook.yaml; values.yaml controller.admissionWebhooks",
  webhooks: (values) => {
    const w = (path: string) => valueAt(values, `controller.admissionWebhooks.${path}`);
    if (w("enabled") === false) return [];
    const selector = (v: unknown) => (v && Object.keys(v as object).length ? (v as LabelSelector) : undefined);
    return [
      {
        name: "validate.nginx.ingress.kubernetes.io",
        type: "Validating",
        intercepts: [INGRESS],
        failurePolicy: (w("failurePolicy") as "Fail" | "Ignore" | undefined) ?? "Fail",
        namespaceSelector: selector(w("namespaceSelector")),
        objectSelector: selector(w("objectSelector")),
      },
    ];
  },
  objects: (_values, namespace) => [SERVICE, POD].map((k) => ({ ...k, namespace })),
};

/**
 * ingress-nginx, ONLY for environments that set `platform.ingressNginx` (off
 * everywhere): the project was retired in March 2026 and gets no security fixes.
 * Its Service becomes an NLB through the AWS Load Balancer Controller.
 */
export class IngressNginxAddon extends HelmAddon {
  public readonly name = "ingress-nginx";
  public readonly namespace = "ingress-nginx";
  public readonly chart = CHARTS.ingressNginx;
  public readonly dependsOn = ["aws-load-balancer-controller"];

  public values(ctx: AddonContext): object {
    return {
      controller: {
        replicaCount: 2,
        ingressClassResource: { name: "nginx", default: false },
        // Snippet annotations let any Ingress author inject nginx config (CVE-2025-1974 family).
        allowSnippetAnnotations: false,
        service: {
          annotations: {
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
          },
        },
        nodeSelector: ctx.placement.nodeSelector,
        tolerations: ctx.placement.tolerations,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        admissionWebhooks: { patch: { ...ctx.placement } },
      },
    };
  }
}
