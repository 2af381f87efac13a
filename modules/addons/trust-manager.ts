import { CHARTS } from "../../variables/charts";
import { CERTIFICATE, ChartAdmission, ISSUER, POD, SERVICE } from "./admission";
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import { HelmAddon } from "./helm-addon";
import { AddonContext, Placement, Resources, Toleration, controllerReplicas } from "./types";

/** Chart values we set (subset of trust-manager's values.yaml). */
export interface TrustManagerValues {
  readonly crds: { readonly enabled: boolean };
  readonly replicaCount: number;
  /** Namespace trust-manager reads Bundle sources from. */
  readonly app: { readonly trust: { readonly namespace: string } };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  /** Post-install hook that waits until the Bundle webhook admits requests. */
  readonly startupapicheck: { readonly enabled: boolean; readonly nodeSelector: Placement["nodeSelector"]; readonly tolerations: readonly Toleration[] };
}

/**
 * The trust-manager chart's webhook (templates/webhook.yaml): every trust.cert-manager.io
 * object (the Linkerd trust Bundle), fail closed. Its serving certificate is a
 * cert-manager Certificate and Issuer of the chart (templates/certificate.yaml), so the
 * release comes after cert-manager's webhook; its startupapicheck hook
 * (templates/startupapicheck-job.yaml) holds the release until the webhook serves.
 */
export const TRUST_MANAGER_ADMISSION: ChartAdmission = {
  source: "trust-manager chart templates/webhook.yaml, certificate.yaml, startupapicheck-job.yaml",
  webhooks: () => [{ name: "trust.cert-manager.io", type: "Validating", intercepts: [{ group: "trust.cert-manager.io", kind: "*" }], failurePolicy: "Fail" }],
  objects: (_values, namespace) => [SERVICE, POD, CERTIFICATE, ISSUER].map((k) => ({ ...k, namespace })),
};

/**
 * cert-manager's trust-manager: copies CA certificates (never keys) from Secrets in its
 * trust namespace into ConfigMaps in other namespaces. Linkerd's trust anchor is
 * distributed this way, so a renewed anchor reaches the control plane without a
 * Helm upgrade. No AWS access.
 */
export class TrustManagerAddon extends HelmAddon<TrustManagerValues> {
  public readonly name = "trust-manager";
  public readonly namespace = CERT_MANAGER_NAMESPACE;
  public readonly chart = CHARTS.trustManager;
  /** Its webhook certificate is issued by cert-manager. */
  public readonly dependsOn = ["cert-manager"];

  public values(ctx: AddonContext): TrustManagerValues {
    return {
      crds: { enabled: true },
      replicaCount: controllerReplicas(ctx),
      app: { trust: { namespace: CERT_MANAGER_NAMESPACE } },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "25m", memory: "64Mi" }, limits: { memory: "256Mi" } },
      startupapicheck: { enabled: true, nodeSelector: ctx.placement.nodeSelector, tolerations: ctx.placement.tolerations },
    };
  }
}
