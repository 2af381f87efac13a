/**
 * Platform add-ons: what runs inside every cluster before the applications (ingress,
 * certificates, DNS, node autoscaling, metrics, service mesh, storage). Each add-on is
 * a small object behind one interface (`PlatformAddon`); `PlatformAddons` creates
 * their namespaces and installs them in dependency order.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { AwsLoadBalancerControllerAddon } from "./aws-load-balancer-controller";
import { CertManagerAddon } from "./cert-manager";
import { ClusterAutoscalerAddon } from "./cluster-autoscaler";
import { ExternalDnsAddon, ExternalDnsPolicy } from "./external-dns";
import { ExternalSecretsAddon, ExternalSecretsProps } from "./external-secrets";
import { IngressNginxAddon } from "./ingress-nginx";
import { LinkerdAddon, LinkerdProps } from "./linkerd";
import { MetricsServerAddon } from "./metrics-server";
import { ReloaderAddon, ReloaderProps } from "./reloader";
import { Gp3StorageClassAddon } from "./storage-class";
import { TrustManagerAddon } from "./trust-manager";
import { AddonContext, BUILT_IN_NAMESPACES, PlatformAddon } from "./types";

export * from "./types";
export * from "./helm-addon";
export * from "./aws-load-balancer-controller";
export * from "./aws-load-balancer-controller-policy";
export * from "./cert-manager";
export * from "./cluster-autoscaler";
export * from "./external-dns";
export * from "./external-secrets";
export * from "./ingress-nginx";
export * from "./linkerd";
export * from "./metrics-server";
export * from "./reloader";
export * from "./storage-class";
export * from "./trust-manager";

export interface PlatformAddonsProps {
  /** The cluster the add-ons are installed in. */
  readonly context: AddonContext;
  /** The add-ons, in any order: each is installed after the ones it names in `dependsOn`. */
  readonly addons: readonly PlatformAddon[];
  /** Namespaces created elsewhere (modules/tenancy): not created here; add-ons in them wait for them. @default none */
  readonly existingNamespaces?: Readonly<Record<string, ITerraformDependable>>;
}

/** Installs add-ons: one construct per add-on (id = its name), namespaces first. */
export class PlatformAddons extends Construct {
  /** Namespaces created for the add-ons, by name. */
  public readonly namespaces: Readonly<Record<string, NamespaceV1>>;
  /** What each add-on created that others wait for, by add-on name. */
  public readonly installed: Readonly<Record<string, readonly ITerraformDependable[]>>;
  /** Everything the add-ons created that workloads should wait for. */
  public readonly all: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: PlatformAddonsProps) {
    super(scope, id);
    const ordered = installOrder(props.addons);

    const namespaces: Record<string, NamespaceV1> = {};
    for (const addon of ordered) {
      if (BUILT_IN_NAMESPACES.includes(addon.namespace) || namespaces[addon.namespace] || props.existingNamespaces?.[addon.namespace]) continue;
      const labels = Object.assign({}, ...ordered.filter((a) => a.namespace === addon.namespace).map((a) => a.namespaceLabels ?? {}));
      namespaces[addon.namespace] = new NamespaceV1(this, `namespace-${addon.namespace}`, {
        metadata: { name: addon.namespace, labels: { "app.kubernetes.io/managed-by": "terraform", ...labels } },
      });
    }

    const installed: Record<string, ITerraformDependable[]> = {};
    for (const addon of ordered) {
      const after: ITerraformDependable[] = [
        ...(namespaces[addon.namespace] ? [namespaces[addon.namespace]] : []),
        ...(props.existingNamespaces?.[addon.namespace] ? [props.existingNamespaces[addon.namespace]] : []),
        ...(addon.dependsOn ?? []).flatMap((d) => installed[d]),
      ];
      installed[addon.name] = addon.deploy(new Construct(this, addon.name), props.context, after);
    }
    this.namespaces = namespaces;
    this.installed = installed;
    this.all = Object.values(installed).flat();
  }
}

/**
 * Add-ons sorted so every one comes after those it depends on (stable: otherwise in
 * the given order). Refuses duplicate names, unknown dependencies and cycles.
 */
export function installOrder(addons: readonly PlatformAddon[]): PlatformAddon[] {
  const byName = new Map<string, PlatformAddon>();
  for (const a of addons) {
    if (byName.has(a.name)) throw new Error(`add-on "${a.name}" is listed twice`);
    byName.set(a.name, a);
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: PlatformAddon[] = [];
  const visit = (a: PlatformAddon, path: string[]): void => {
    if (done.has(a.name)) return;
    if (visiting.has(a.name)) throw new Error(`add-on dependency cycle: ${[...path, a.name].join(" -> ")}`);
    visiting.add(a.name);
    for (const d of a.dependsOn ?? []) {
      const dep = byName.get(d);
      if (!dep) throw new Error(`add-on "${a.name}" depends on "${d}", which is not installed`);
      visit(dep, [...path, a.name]);
    }
    visiting.delete(a.name);
    done.add(a.name);
    out.push(a);
  };
  for (const a of addons) visit(a, []);
  return out;
}

export interface StandardAddonsOptions {
  /** ACME account contact of the Let's Encrypt ClusterIssuers. */
  readonly acmeEmail: string;
  /** external-dns record policy. */
  readonly externalDnsPolicy: ExternalDnsPolicy;
  /** Cluster Autoscaler image tag matching the cluster's Kubernetes minor. */
  readonly clusterAutoscalerImageTag: string;
  /** Also install the retired ingress-nginx. @default false */
  readonly ingressNginx?: boolean;
  /** Reclaim policy of the default gp3 StorageClass. @default "Delete" */
  readonly volumeReclaimPolicy?: "Delete" | "Retain";
  /** Linkerd options. @default the spec's proxy resources */
  readonly linkerd?: LinkerdProps;
  /** External Secrets Operator: the environment's secrets key and the roles its SecretStores may assume. */
  readonly externalSecrets: ExternalSecretsProps;
  /** Reloader options. @default `{ argoRollouts: false }` (set it where the delivery add-ons install Argo Rollouts) */
  readonly reloader?: ReloaderProps;
}

/** The add-ons every AuthorWorks cluster runs. */
export function standardAddons(o: StandardAddonsOptions): PlatformAddon[] {
  return [
    // `alb` stays the default IngressClass even with ingress-nginx (whose class is opt-in).
    new AwsLoadBalancerControllerAddon(),
    new CertManagerAddon({ acmeEmail: o.acmeEmail }),
    new TrustManagerAddon(),
    new ExternalDnsAddon({ policy: o.externalDnsPolicy }),
    new ClusterAutoscalerAddon({ imageTag: o.clusterAutoscalerImageTag }),
    new MetricsServerAddon(),
    new LinkerdAddon(o.linkerd),
    new Gp3StorageClassAddon({ reclaimPolicy: o.volumeReclaimPolicy }),
    new ExternalSecretsAddon(o.externalSecrets),
    new ReloaderAddon(o.reloader ?? { argoRollouts: false }),
    ...(o.ingressNginx ? [new IngressNginxAddon()] : []),
  ];
}
