/**
 * Linkerd authorization policy of the application namespace (seed 004 section 5,
 * per-namespace policies), as manifests for one raw-chart release. The namespace's
 * default inbound policy is `all-authenticated` (modules/tenancy, `MESH.defaultInboundPolicy`);
 * here every service's port gets a `Server`, which denies what no policy admits:
 * - its callers (`callers` in variables/services.ts): a `MeshTLSAuthentication` naming
 *   exactly their service accounts, on the whole port;
 * - kubelet probes and Prometheus scraping, which come unmeshed from the VPC's addresses
 *   (node IPs; pod IPs of the VPC CNI): a `NetworkAuthentication` of the cluster network on
 *   the probe and metrics routes only. A Server with routes loses Linkerd's implicit probe
 *   authorization, so probes are admitted explicitly;
 * - the public service's load balancer (ALB ENIs in the VPC): the same network, on its whole port;
 * - the proxies' admin port (4191: their metrics and probes): the cluster network.
 * API versions of Linkerd edge-26.x (CHARTS.linkerdCrds): `policy.linkerd.io/v1beta3`
 * Server, `policy.linkerd.io/v1alpha1` AuthorizationPolicy, MeshTLSAuthentication and
 * NetworkAuthentication; inbound routes are `gateway.networking.k8s.io/v1` HTTPRoutes
 * whose parent is the Server (linkerd.io/2-edge/reference/authorization-policy). Each is
 * served by the CRDs the pinned charts install (variables/crd-versions.ts, tested).
 */
import { METRICS_PATH, workloadLabels } from "../../variables/platform";
import type { ServiceDefinition } from "../../variables/services";

export const LINKERD_POLICY_GROUP = "policy.linkerd.io";
export const SERVER_API = `${LINKERD_POLICY_GROUP}/v1beta3`;
export const AUTHORIZATION_API = `${LINKERD_POLICY_GROUP}/v1alpha1`;
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const HTTP_ROUTE_API = `${GATEWAY_API_GROUP}/v1`;

/** Paths kubelet probes (the Deployment's liveness and readiness probes; the ALB health-checks `liveness`). */
export const PROBE_PATHS = { liveness: "/health", readiness: "/readiness" } as const;

/** Name of the NetworkAuthentication of the unmeshed clients in the VPC. */
export const CLUSTER_NETWORK_AUTHENTICATION = "cluster-network";
/** Name of the Server of every proxy's admin port. */
export const PROXY_ADMIN_SERVER = "linkerd-proxy-admin";

export interface MeshPolicyProps {
  /** Namespace of the services. */
  readonly namespace: string;
  /** The services; each one's `callers` must be among them (`callerProblems`). */
  readonly services: readonly ServiceDefinition[];
  /** VPC CIDR: kubelet, Prometheus (VPC CNI pod IPs) and the ALB's ENIs connect from it. */
  readonly clusterNetworkCidr: string;
  /** The service behind the public load balancer (catalogue name). @default none */
  readonly publicService?: string;
}

/** Callers that are not services of the catalogue, as `Checker.fail` arguments. */
export function callerProblems(services: readonly ServiceDefinition[]): { field: string; got: string; accepted: string }[] {
  const names = services.map((s) => s.name);
  return services.flatMap((s) =>
    (s.callers ?? []).flatMap((c, i) => {
      if (!names.includes(c))
        return [{ field: `services["${s.name}"].callers[${i}]`, got: c, accepted: `a service of variables/services.ts (${names.join(", ")})` }];
      if (c === s.name)
        return [{ field: `services["${s.name}"].callers[${i}]`, got: c, accepted: "another service (a service never calls itself through the mesh)" }];
      return [];
    }),
  );
}

const ref = (kind: string, name: string, group = LINKERD_POLICY_GROUP) => ({ group, kind, name });

function authorization(namespace: string, name: string, target: { group: string; kind: string; name: string }, authn: { kind: string; name: string }) {
  return {
    apiVersion: AUTHORIZATION_API,
    kind: "AuthorizationPolicy",
    metadata: { name, namespace },
    spec: { targetRef: target, requiredAuthenticationRefs: [ref(authn.kind, authn.name)] },
  };
}

/** An inbound route of a Server: GET on exact paths, or every request under `/`. */
function inboundRoute(namespace: string, name: string, server: string, labels: Record<string, string>, paths?: readonly string[]) {
  return {
    apiVersion: HTTP_ROUTE_API,
    kind: "HTTPRoute",
    metadata: { name, namespace, labels },
    spec: {
      parentRefs: [ref("Server", server)],
      rules: [{ matches: paths ? paths.map((value) => ({ path: { type: "Exact", value }, method: "GET" })) : [{ path: { type: "PathPrefix", value: "/" } }] }],
    },
  };
}

/** The policy objects of one service: Server, inbound routes, its callers' authentication and the authorizations. */
export function servicePolicy(def: ServiceDefinition, props: MeshPolicyProps): object[] {
  const ns = props.namespace;
  const w = def.workload;
  const labels = workloadLabels(def).all;
  const network = { kind: "NetworkAuthentication", name: CLUSTER_NETWORK_AUTHENTICATION };
  const callers = (def.callers ?? []).map((c) => {
    const caller = props.services.find((s) => s.name === c);
    if (!caller) throw new Error(`service "${def.name}": caller "${c}" is not among the services: ${props.services.map((s) => s.name).join(", ")}`);
    return caller;
  });
  return [
    {
      apiVersion: SERVER_API,
      kind: "Server",
      metadata: { name: w, namespace: ns, labels },
      spec: { podSelector: { matchLabels: workloadLabels(def).selector }, port: def.port, proxyProtocol: "HTTP/1" },
    },
    inboundRoute(ns, `${w}-api`, w, labels),
    inboundRoute(ns, `${w}-probes`, w, labels, [PROBE_PATHS.liveness, PROBE_PATHS.readiness]),
    inboundRoute(ns, `${w}-metrics`, w, labels, [METRICS_PATH]),
    authorization(ns, `${w}-probes`, ref("HTTPRoute", `${w}-probes`, GATEWAY_API_GROUP), network),
    authorization(ns, `${w}-metrics`, ref("HTTPRoute", `${w}-metrics`, GATEWAY_API_GROUP), network),
    ...(callers.length
      ? [
          {
            apiVersion: AUTHORIZATION_API,
            kind: "MeshTLSAuthentication",
            metadata: { name: `${w}-callers`, namespace: ns, labels },
            // Each caller's pods run as its ServiceAccount (modules/workloads: named after the workload).
            spec: { identityRefs: callers.map((c) => ({ kind: "ServiceAccount", name: c.workload, namespace: ns })) },
          },
          authorization(ns, `${w}-callers`, ref("Server", w), { kind: "MeshTLSAuthentication", name: `${w}-callers` }),
        ]
      : []),
    ...(def.name === props.publicService ? [authorization(ns, `${w}-load-balancer`, ref("Server", w), network)] : []),
  ];
}

/** Every policy object of the namespace: the shared network authentication and admin port, then each service's. */
export function meshPolicyManifests(props: MeshPolicyProps): object[] {
  const ns = props.namespace;
  return [
    {
      apiVersion: AUTHORIZATION_API,
      kind: "NetworkAuthentication",
      metadata: { name: CLUSTER_NETWORK_AUTHENTICATION, namespace: ns },
      spec: { networks: [{ cidr: props.clusterNetworkCidr }] },
    },
    {
      apiVersion: SERVER_API,
      kind: "Server",
      metadata: { name: PROXY_ADMIN_SERVER, namespace: ns },
      // Every meshed pod of the services; `linkerd-admin` is the injected proxy's named port.
      spec: { podSelector: { matchLabels: { "app.kubernetes.io/part-of": "authorworks" } }, port: "linkerd-admin", proxyProtocol: "HTTP/1" },
    },
    authorization(ns, PROXY_ADMIN_SERVER, ref("Server", PROXY_ADMIN_SERVER), { kind: "NetworkAuthentication", name: CLUSTER_NETWORK_AUTHENTICATION }),
    ...props.services.flatMap((s) => servicePolicy(s, props)),
  ];
}
