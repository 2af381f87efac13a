/**
 * How meshed clients reach each service (seed 004 section 5 traffic management, section 7
 * canary): Linkerd's client proxies read the service's outbound HTTPRoutes (parent: the
 * service's Service) and the Services' annotations.
 * - `<workload>-reads`: GET and HEAD, idempotent, retried on 5xx (`retry.linkerd.io/*`
 *   annotations, Linkerd edge 2.16+; linkerd.io/2-edge/reference/retries);
 * - `<workload>`: every other request, never retried;
 * - both carry the request timeout (`rules[].timeouts.request`);
 * - circuit breaking by consecutive-failure accrual: `balancer.linkerd.io/failure-accrual*`
 *   on the Services (linkerd.io/2-edge/reference/circuit-breaking).
 * With progressive delivery both routes send to `<workload>-stable` and `<workload>-canary`
 * with weights, and the Rollout's Gateway API plugin moves the weights: 10 % is 10 % of
 * the meshed requests. The public service's Rollout also weights its ALB's forward action
 * over the same two Services (`publicAlbRouting`): 10 % of its internet requests too.
 *
 * Ownership: the routes and the stable/canary Services live in a raw-chart release. Helm
 * patches only what changed between its previous and its new manifest (a JSON merge patch
 * for custom resources, a three-way strategic merge for Services that keeps keys it never
 * set), so the weights (always stable 100 / canary 0 in the manifest) and the selector key
 * the controller adds are never reverted by an apply; Argo CD may not sync either kind
 * (TERRAFORM_OWNED_KINDS). A change to a route's rules (a new timeout) replaces its rules
 * array, weights included, until the controller's next reconcile re-applies the step's weight.
 */
import { HTTP_ROUTE_API } from "./mesh-policy";
import { workloadLabels } from "../../variables/platform";
import { type ServiceDefinition, type ServiceTraffic } from "../../variables/services";
import type { AlbTrafficRouting, CanaryTrafficRouting } from "../addons/delivery/argo-rollouts";

/** Port of every service's ClusterIP Services. */
export const SERVICE_PORT = 80;

/** Statuses Linkerd retries on the reads route (`retry.linkerd.io/http`). */
export const RETRIED_STATUSES = "5xx";

/** Idempotent methods: the only requests retried. */
export const RETRIED_METHODS = ["GET", "HEAD"] as const;

/** Names of a service's outbound routes and canary Services. */
export function routeNames(def: ServiceDefinition): { reads: string; writes: string; stable: string; canary: string } {
  return { reads: `${def.workload}-reads`, writes: def.workload, stable: `${def.workload}-stable`, canary: `${def.workload}-canary` };
}

/**
 * What the Rollout's canary strategy names: the two Services and the two routes, and for
 * the service behind the load balancer its ALB (`publicAlbRouting`).
 */
export function canaryTrafficRouting(def: ServiceDefinition, alb?: AlbTrafficRouting): CanaryTrafficRouting {
  const n = routeNames(def);
  return { stableService: n.stable, canaryService: n.canary, httpRoutes: [n.reads, n.writes], ...(alb ? { alb } : {}) };
}

/**
 * The ALB weighting of the public service's canary: the Ingress and the root Service are
 * both named after the workload (`ServiceWorkloads.ingress`, the Terraform-owned
 * `<workload>` Service, which the controller never edits); the target groups are the
 * stable and canary Services on `SERVICE_PORT`.
 */
export function publicAlbRouting(def: ServiceDefinition, stickinessSeconds?: number): AlbTrafficRouting {
  return { ingress: def.workload, rootService: def.workload, servicePort: SERVICE_PORT, ...(stickinessSeconds !== undefined ? { stickinessSeconds } : {}) };
}

/** Consecutive-failure accrual annotations of a Service (Linkerd reads them from each backend Service). */
export function failureAccrualAnnotations(traffic: ServiceTraffic): Record<string, string> {
  const c = traffic.circuitBreaker;
  const prefix = "balancer.linkerd.io/failure-accrual";
  return {
    [prefix]: "consecutive",
    [`${prefix}-consecutive-max-failures`]: String(c.maxFailures),
    [`${prefix}-consecutive-min-penalty`]: c.minPenalty,
    [`${prefix}-consecutive-max-penalty`]: c.maxPenalty,
    [`${prefix}-consecutive-jitter-ratio`]: String(c.jitterRatio),
  };
}

/** Retry annotations of the reads route; none when `limit` is 0. */
export function retryAnnotations(traffic: ServiceTraffic): Record<string, string> {
  const r = traffic.retries;
  if (r.limit === 0) return {};
  return { "retry.linkerd.io/http": RETRIED_STATUSES, "retry.linkerd.io/limit": String(r.limit), "retry.linkerd.io/timeout": r.perTryTimeout };
}

/**
 * The service's outbound routes, and with progressive delivery its stable and canary
 * Services (selecting the service's pods; the controller narrows each to its ReplicaSet).
 */
export function serviceRoutes(def: ServiceDefinition, namespace: string, traffic: ServiceTraffic, progressive: boolean): object[] {
  const n = routeNames(def);
  const labels = workloadLabels(def);
  const backendRefs = progressive
    ? [
        { name: n.stable, port: SERVICE_PORT, weight: 100 },
        { name: n.canary, port: SERVICE_PORT, weight: 0 },
      ]
    : [{ name: def.workload, port: SERVICE_PORT }];
  const route = (name: string, matches: object[], annotations: Record<string, string>) => ({
    apiVersion: HTTP_ROUTE_API,
    kind: "HTTPRoute",
    metadata: { name, namespace, labels: labels.all, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      // GAMMA: a Service parent makes the route apply to requests meshed clients send to it.
      parentRefs: [{ group: "core", kind: "Service", name: def.workload, port: SERVICE_PORT }],
      rules: [{ matches, timeouts: { request: traffic.requestTimeout }, backendRefs }],
    },
  });
  const everything = { path: { type: "PathPrefix", value: "/" } };
  const canaryService = (name: string) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: labels.all, annotations: failureAccrualAnnotations(traffic) },
    spec: { type: "ClusterIP", selector: labels.selector, ports: [{ name: "http", port: SERVICE_PORT, targetPort: def.port, protocol: "TCP" }] },
  });
  return [
    // A method match outranks a path-only match, so reads take this route (Gateway API precedence).
    route(
      n.reads,
      RETRIED_METHODS.map((method) => ({ ...everything, method })),
      retryAnnotations(traffic),
    ),
    route(n.writes, [everything], {}),
    ...(progressive ? [canaryService(n.stable), canaryService(n.canary)] : []),
  ];
}
