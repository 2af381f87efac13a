/**
 * First-apply ordering against admission webhooks.
 *
 * Charts register webhooks the API server calls before it admits an object. With
 * `failurePolicy: Fail`, an object created while the webhook's pods do not serve yet is
 * rejected (the AWS Load Balancer Controller's Service mutator rejects every Service in
 * the cluster); with `Ignore`, a mutating webhook is skipped and the object is wrong (a
 * pod without its mesh proxy). Nothing in a Helm chart or a `kubernetes_*` resource says
 * so, and Terraform creates in parallel whatever has no dependency.
 *
 * So every chart declares, next to its add-on, what it brings to admission
 * (`ChartAdmission`): the webhooks it registers and the objects it creates. At synth,
 * `orderAfterAdmissionWebhooks` reads every resource of the stack, finds each object a
 * webhook intercepts, and makes its resource depend on the release installing that
 * webhook, unless it already does (transitively). The releases wait for readiness
 * (`helmRelease`: `wait = true`), so a dependent starts after a serving webhook.
 * The tests derive the same requirements from the synthesized JSON.
 */
import { IConstruct } from "constructs";
import { Aspects, IAspect, TerraformResource, TerraformStack, dependable } from "cdktf";
import { resolveTokens } from "../resolve";
import type { ChartName, ChartSpec } from "../../variables/charts";
import { LABELS } from "../../variables/platform";
import { BUILT_IN_NAMESPACES } from "./types";

/** A JSON object (a resource's Terraform configuration, a chart's values, a manifest). */
export type JsonObject = { readonly [key: string]: unknown };

/** A Kubernetes kind by API group (`""` is the core group). */
export interface KindRef {
  readonly group: string;
  /** Kind, or `*` for every kind of the group (a rule on all its resources). */
  readonly kind: string;
}

/** One requirement of a label selector, as Kubernetes writes it. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** A Kubernetes label selector: every `matchLabels` entry and every requirement must hold. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelRequirement[];
}

/** One webhook of a Mutating/ValidatingWebhookConfiguration, as far as ordering needs it. */
export interface AdmissionWebhook {
  /** `webhooks[].name` in the configuration, e.g. `mservice.elbv2.k8s.aws`. */
  readonly name: string;
  readonly type: "Mutating" | "Validating";
  /** Kinds whose CREATE it intercepts (`rules`). */
  readonly intercepts: readonly KindRef[];
  /** What the API server does when the webhook does not answer. */
  readonly failurePolicy: "Fail" | "Ignore";
  /** Namespaces it applies to, by their labels. @default every namespace */
  readonly namespaceSelector?: LabelSelector;
  /** Objects it applies to, by their own labels. @default every object */
  readonly objectSelector?: LabelSelector;
  /**
   * Namespaces (by annotation) where its mutation is needed although `failurePolicy` is
   * `Ignore`: a pod admitted there without it is wrong (Linkerd's injector: no proxy, no
   * mTLS). Objects there are ordered after it as under `Fail`. @default none
   */
  readonly requiredWhereNamespaceAnnotated?: Readonly<Record<string, string>>;
}

/** A Kubernetes object a resource creates, itself or through a controller (a Deployment's pods). */
export interface KubeObject extends KindRef {
  /**
   * Namespace name, or a Terraform reference to a `kubernetes_namespace_v1`'s name;
   * undefined for cluster-scoped objects.
   */
  readonly namespace?: string;
  /** Labels of the object; chart-rendered objects carry none that matter here. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What one chart brings to admission: the webhooks it registers and the objects it
 * creates that a webhook could intercept. Declared next to the add-on that installs the
 * chart, one per entry of `CHARTS` (variables/charts.ts).
 */
export interface ChartAdmission {
  /** Templates read for this declaration (at the pinned version, or the newest found). */
  readonly source: string;
  /** The webhooks the chart registers with `values` ([] when it registers none). */
  webhooks(values: JsonObject): readonly AdmissionWebhook[];
  /**
   * Services, pods (through its workloads and hook Jobs), Ingresses and custom resources
   * the chart creates with `values`, in `namespace` (the release's) unless they say otherwise.
   */
  objects(values: JsonObject, namespace: string): readonly KubeObject[];
}

export const SERVICE: KindRef = { group: "", kind: "Service" };
/** Pods, created by the workload controllers from a chart's Deployments, DaemonSets, StatefulSets and Jobs. */
export const POD: KindRef = { group: "", kind: "Pod" };
export const INGRESS: KindRef = { group: "networking.k8s.io", kind: "Ingress" };
export const CERTIFICATE: KindRef = { group: "cert-manager.io", kind: "Certificate" };
export const ISSUER: KindRef = { group: "cert-manager.io", kind: "Issuer" };

/** A chart that registers no webhook and creates `kinds` in its release namespace. */
export function noWebhooks(source: string, kinds: readonly KindRef[]): ChartAdmission {
  return { source, webhooks: () => [], objects: (_values, namespace) => kinds.map((k) => ({ ...k, namespace })) };
}

/** `values.a.b.c`, or undefined when a step is missing. */
export function valueAt(values: JsonObject, path: string): unknown {
  let v: unknown = values;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as JsonObject)[key];
  }
  return v;
}

function record(v: unknown): Readonly<Record<string, string>> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};
}

function asObject(v: unknown): JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
}

// --- Kinds -------------------------------------------------------------------------

const key = (k: KindRef) => `${k.group}/${k.kind}`;

/** Cluster-scoped kinds this project creates: a namespace selector does not apply to them. */
const CLUSTER_SCOPED = new Set(
  [
    { group: "", kind: "Namespace" },
    { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
    { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
    { group: "storage.k8s.io", kind: "StorageClass" },
    { group: "networking.k8s.io", kind: "IngressClass" },
    { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
    { group: "cert-manager.io", kind: "ClusterIssuer" },
    { group: "trust.cert-manager.io", kind: "Bundle" },
    { group: "trust-manager.io", kind: "ClusterBundle" },
    { group: "argoproj.io", kind: "ClusterAnalysisTemplate" },
    { group: "external-secrets.io", kind: "ClusterSecretStore" },
  ].map(key),
);

/** Kinds whose controller creates pods in the object's namespace. */
const POD_OWNERS = new Set(
  [
    { group: "apps", kind: "Deployment" },
    { group: "apps", kind: "StatefulSet" },
    { group: "apps", kind: "DaemonSet" },
    { group: "apps", kind: "ReplicaSet" },
    { group: "batch", kind: "Job" },
    { group: "batch", kind: "CronJob" },
    { group: "argoproj.io", kind: "Rollout" },
    // The OpenTelemetry operator runs each collector as a Deployment/DaemonSet/StatefulSet.
    { group: "opentelemetry.io", kind: "OpenTelemetryCollector" },
  ].map(key),
);

/** `cert-manager.io/v1` -> `cert-manager.io`; `v1` -> `""`. */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/**
 * The objects a manifest stands for: itself, and its pods when it owns a pod template.
 * `namespace` is the default for namespaced kinds (Helm installs them in the release's).
 */
export function manifestObjects(manifest: JsonObject, namespace: string): KubeObject[] {
  const kind = { group: apiGroup(String(manifest.apiVersion ?? "")), kind: String(manifest.kind ?? "") };
  const metadata = asObject(manifest.metadata);
  const ns = CLUSTER_SCOPED.has(key(kind)) ? undefined : ((metadata.namespace as string | undefined) ?? namespace);
  const objects: KubeObject[] = [{ ...kind, namespace: ns, labels: record(metadata.labels) }];
  if (POD_OWNERS.has(key(kind))) {
    const template = asObject(valueAt(asObject(manifest.spec), "template"));
    objects.push({ ...POD, namespace: ns, labels: record(asObject(template.metadata).labels ?? metadata.labels) });
  }
  return objects;
}

/** The bedag/raw chart: exactly the manifests in `values.resources`. No webhooks. */
export const RAW_CHART_ADMISSION: ChartAdmission = {
  source: "bedag/helm-charts charts/raw templates/resources.yaml (renders values.resources as they are)",
  webhooks: () => [],
  objects: (values, namespace) => ((values.resources as JsonObject[] | undefined) ?? []).flatMap((m) => manifestObjects(m, namespace)),
};

/** Kinds of the `kubernetes_*` resources this project uses; a resource of another type is refused. */
const KUBERNETES_RESOURCE_KINDS: Readonly<Record<string, KindRef>> = {
  kubernetes_namespace_v1: { group: "", kind: "Namespace" },
  kubernetes_service_v1: SERVICE,
  kubernetes_service_account_v1: { group: "", kind: "ServiceAccount" },
  kubernetes_secret_v1: { group: "", kind: "Secret" },
  kubernetes_config_map_v1: { group: "", kind: "ConfigMap" },
  kubernetes_persistent_volume_claim_v1: { group: "", kind: "PersistentVolumeClaim" },
  kubernetes_resource_quota_v1: { group: "", kind: "ResourceQuota" },
  kubernetes_limit_range_v1: { group: "", kind: "LimitRange" },
  kubernetes_deployment_v1: { group: "apps", kind: "Deployment" },
  kubernetes_job_v1: { group: "batch", kind: "Job" },
  kubernetes_horizontal_pod_autoscaler_v2: { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  kubernetes_pod_disruption_budget_v1: { group: "policy", kind: "PodDisruptionBudget" },
  kubernetes_ingress_v1: INGRESS,
  kubernetes_network_policy_v1: { group: "networking.k8s.io", kind: "NetworkPolicy" },
  kubernetes_role_v1: { group: "rbac.authorization.k8s.io", kind: "Role" },
  kubernetes_role_binding_v1: { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
  kubernetes_cluster_role_v1: { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
  kubernetes_cluster_role_binding_v1: { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
  kubernetes_storage_class_v1: { group: "storage.k8s.io", kind: "StorageClass" },
};

// --- Resources ---------------------------------------------------------------------

/** One resource of a stack as Terraform JSON: `type.id` and its configuration. */
export interface TerraformNode {
  /** `helm_release.addons_cert_manager_release` */
  readonly address: string;
  readonly type: string;
  readonly config: JsonObject;
}

/** Declarations by chart name; `CHART_ADMISSION` (admission-catalog.ts) is the project's. */
export type AdmissionCatalog = { readonly [K in ChartName]: ChartAdmission };

/** A `helm_release` of a catalogued chart: its chart name, declaration and parsed values. */
export interface ReleaseInfo {
  readonly chart: ChartName;
  readonly admission: ChartAdmission;
  readonly values: JsonObject;
  readonly namespace: string;
}

/** The catalogue entry a `helm_release` installs (same repository and chart); throws for an uncatalogued one. */
export function releaseInfo(node: TerraformNode, charts: Readonly<Record<ChartName, ChartSpec>>, catalog: AdmissionCatalog): ReleaseInfo {
  const c = node.config;
  const name = (Object.keys(charts) as ChartName[]).find((n) => charts[n].chart === c.chart && charts[n].repository === c.repository);
  if (!name)
    throw new Error(
      `${node.address}: chart ${String(c.repository)} ${String(c.chart)} is not in variables/charts.ts, so its admission webhooks are not declared`,
    );
  const docs = (c.values as string[] | undefined) ?? [];
  const values = Object.assign({}, ...docs.map((d) => JSON.parse(d) as JsonObject)) as JsonObject;
  return { chart: name, admission: catalog[name], values, namespace: String(c.namespace ?? "default") };
}

/** Objects a resource creates (none for AWS resources, data sources and the like). */
export function objectsOf(node: TerraformNode, release?: ReleaseInfo): readonly KubeObject[] {
  if (node.type === "helm_release") {
    if (!release) throw new Error(`${node.address}: a helm_release needs its catalogue entry`);
    return release.admission.objects(release.values, release.namespace);
  }
  if (node.type === "kubernetes_manifest") return manifestObjects(asObject(node.config.manifest), "default");
  if (!node.type.startsWith("kubernetes_")) return [];
  const kind = KUBERNETES_RESOURCE_KINDS[node.type];
  if (!kind)
    throw new Error(
      `${node.address}: ${node.type} is not in KUBERNETES_RESOURCE_KINDS (modules/addons/admission.ts); add its kind so admission ordering sees it`,
    );
  const metadata = asObject(node.config.metadata);
  const namespaced = !CLUSTER_SCOPED.has(key(kind));
  const ns = namespaced ? ((metadata.namespace as string | undefined) ?? "default") : undefined;
  const objects: KubeObject[] = [{ ...kind, namespace: ns, labels: record(metadata.labels) }];
  // Their controllers create pods from the template: the pod webhooks (mesh injection) intercept those.
  if (node.type === "kubernetes_deployment_v1" || node.type === "kubernetes_job_v1") {
    const template = asObject(asObject(node.config.spec).template);
    objects.push({ ...POD, namespace: ns, labels: record(asObject(template.metadata).labels) });
  }
  return objects;
}

// --- Selectors ---------------------------------------------------------------------

/** Whether `labels` satisfy `selector` (Kubernetes semantics; an absent selector matches everything). */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const inValues = has && (r.values ?? []).includes(labels[r.key]);
    const ok = r.operator === "In" ? inValues : r.operator === "NotIn" ? !inValues : r.operator === "Exists" ? has : !has;
    if (!ok) return false;
  }
  return true;
}

function intercepts(webhook: AdmissionWebhook, object: KindRef): boolean {
  return webhook.intercepts.some((k) => k.group === object.group && (k.kind === "*" || k.kind === object.kind));
}

interface NamespaceInfo {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const NAMESPACE_REF = /^\$\{kubernetes_namespace_v1\.([A-Za-z0-9_-]+)\.metadata\[0\]\.name\}$/;

/** Namespaces of the stack (by name) and a resolver for namespace names and references. */
function namespaces(nodes: readonly TerraformNode[]): { info: (name: string) => NamespaceInfo; resolve: (ns: string, where: string) => string } {
  const byName = new Map<string, NamespaceInfo>();
  const nameById = new Map<string, string>();
  // Kubernetes labels every namespace with its name.
  for (const name of BUILT_IN_NAMESPACES) byName.set(name, { labels: { [LABELS.namespaceName]: name }, annotations: {} });
  for (const n of nodes.filter((n) => n.type === "kubernetes_namespace_v1")) {
    const m = asObject(n.config.metadata);
    const name = String(m.name);
    nameById.set(n.address.split(".")[1], name);
    byName.set(name, { labels: { ...record(m.labels), [LABELS.namespaceName]: name }, annotations: record(m.annotations) });
  }
  return {
    resolve: (ns, where) => {
      const ref = NAMESPACE_REF.exec(ns);
      if (!ref) return ns;
      const name = nameById.get(ref[1]);
      if (!name) throw new Error(`${where}: namespace ${ns} is not a namespace of this stack`);
      return name;
    },
    // A namespace made elsewhere (by a chart) carries only its name label.
    info: (name) => byName.get(name) ?? { labels: { [LABELS.namespaceName]: name }, annotations: {} },
  };
}

// --- Requirements ------------------------------------------------------------------

/** `consumer` creates `object`, which `webhook` of the release `installer` intercepts. */
export interface AdmissionRequirement {
  readonly consumer: string;
  readonly installer: string;
  readonly webhook: string;
  readonly object: KubeObject;
}

/**
 * Every (resource, webhook release) pair where the resource creates an object a webhook
 * intercepts with `Fail` (or with a mutation that is required there), in resource order.
 * A release's own objects are exempt: its webhooks' object selectors leave them out.
 */
export function admissionRequirements(
  nodes: readonly TerraformNode[],
  charts: Readonly<Record<ChartName, ChartSpec>>,
  catalog: AdmissionCatalog,
): AdmissionRequirement[] {
  const ns = namespaces(nodes);
  const releases = new Map<string, ReleaseInfo>();
  for (const n of nodes) if (n.type === "helm_release") releases.set(n.address, releaseInfo(n, charts, catalog));
  const installers = [...releases.entries()]
    .map(([address, r]) => ({ address, webhooks: r.admission.webhooks(r.values) }))
    .filter((i) => i.webhooks.length > 0);

  const out: AdmissionRequirement[] = [];
  for (const node of nodes) {
    const objects = objectsOf(node, releases.get(node.address));
    for (const installer of installers) {
      if (installer.address === node.address) continue;
      for (const object of objects) {
        const webhook = installer.webhooks.find((w) => ordersBefore(w, object, ns, node.address));
        if (webhook) {
          out.push({ consumer: node.address, installer: installer.address, webhook: webhook.name, object });
          break;
        }
      }
    }
  }
  return out;
}

function ordersBefore(w: AdmissionWebhook, object: KubeObject, ns: ReturnType<typeof namespaces>, where: string): boolean {
  if (!intercepts(w, object) || !selects(w.objectSelector, object.labels ?? {})) return false;
  const info = object.namespace === undefined ? undefined : ns.info(ns.resolve(object.namespace, where));
  // A namespace selector does not apply to cluster-scoped objects.
  if (info && !selects(w.namespaceSelector, info.labels)) return false;
  if (w.failurePolicy === "Fail") return true;
  const required = w.requiredWhereNamespaceAnnotated;
  return !!required && !!info && Object.entries(required).every(([k, v]) => info.annotations[k] === v);
}

// --- Dependency graph ----------------------------------------------------------------

const INTERPOLATION = /\$\{([^}]*)\}/g;
const ADDRESS = /(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** Addresses a configuration depends on: `depends_on` and references in `${...}` expressions. */
export function dependenciesOf(config: JsonObject, known: ReadonlySet<string>): Set<string> {
  const deps = new Set<string>(((config.depends_on as string[] | undefined) ?? []).filter((d) => known.has(d)));
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const expr of v.matchAll(INTERPOLATION)) {
        for (const m of expr[1].matchAll(ADDRESS)) if (known.has(`${m[1]}.${m[2]}`)) deps.add(`${m[1]}.${m[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.entries(v).forEach(([k, x]) => k !== "depends_on" && k !== "//" && walk(x));
  };
  walk(config);
  return deps;
}

/** Whether `to` is reachable from `from` in `graph`. */
export function reaches(graph: ReadonlyMap<string, ReadonlySet<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const a = stack.pop()!;
    if (a === to) return true;
    if (seen.has(a)) continue;
    seen.add(a);
    for (const b of graph.get(a) ?? []) stack.push(b);
  }
  return false;
}

// --- The aspect --------------------------------------------------------------------

class AdmissionOrdering implements IAspect {
  constructor(
    private readonly stack: TerraformStack,
    private readonly charts: Readonly<Record<ChartName, ChartSpec>>,
    private readonly catalog: AdmissionCatalog,
  ) {}

  public visit(node: IConstruct): void {
    // Once per stack, with the whole stack in view.
    if (node !== this.stack) return;
    const resources = this.stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
    const byAddress = new Map<string, TerraformResource>();
    const nodes: TerraformNode[] = [];
    for (const r of resources) {
      // Resolved as synth resolves it: the configurations read here are the ones written to JSON.
      const block = (resolveTokens(this.stack, r.toTerraform()) as { resource?: Record<string, Record<string, JsonObject>> }).resource;
      for (const [id, config] of Object.entries(block?.[r.terraformResourceType] ?? {})) {
        const address = `${r.terraformResourceType}.${id}`;
        byAddress.set(address, r);
        nodes.push({ address, type: r.terraformResourceType, config });
      }
    }
    const known = new Set(byAddress.keys());
    const graph = new Map(nodes.map((n) => [n.address, dependenciesOf(n.config, known)]));
    for (const req of admissionRequirements(nodes, this.charts, this.catalog)) {
      if (reaches(graph, req.consumer, req.installer)) continue;
      if (reaches(graph, req.installer, req.consumer)) {
        throw new Error(
          `admission ordering: ${req.consumer} creates a ${req.object.kind} object, which ${req.webhook} (${req.installer}) intercepts, ` +
            `but ${req.installer} already depends on ${req.consumer}; the order cannot hold both`,
        );
      }
      const consumer = byAddress.get(req.consumer)!;
      consumer.dependsOn = [...(consumer.dependsOn ?? []), dependable(byAddress.get(req.installer)!)];
      graph.get(req.consumer)!.add(req.installer);
    }
  }
}

/**
 * At synth, makes every resource of `stack` that creates an object intercepted by a
 * declared admission webhook (failurePolicy Fail, or a required mutation) depend on the
 * `helm_release` installing it, unless it already does. Throws for a `helm_release` of
 * a chart not in `charts`, a `kubernetes_*` type it does not know, and an order that
 * would be a cycle.
 */
export function orderAfterAdmissionWebhooks(stack: TerraformStack, charts: Readonly<Record<ChartName, ChartSpec>>, catalog: AdmissionCatalog): void {
  Aspects.of(stack).add(new AdmissionOrdering(stack, charts, catalog));
}
