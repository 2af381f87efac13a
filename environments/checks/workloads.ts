/**
 * Validation of the `workloads` section of an environment file (modules/workloads) and of
 * what the platform layer runs with it (modules/tenancy): sizes (quantity formats,
 * requests <= limits), overrides, autoscaling bounds, request-rate target and scaling
 * rates (`checkWorkloads`), then the namespace and workload names Kubernetes will be
 * given, service replicas against the autoscaling ceiling, and the namespace quota and
 * LimitRange against the services they must hold (`checkPlatformWorkloads`). Quantities
 * `checkWorkloads` rejects are skipped by the quota and LimitRange checks, not reported
 * twice.
 */
import type { ContainerLimitRange, NamespaceQuota } from "../../modules/tenancy";
import { MESH, MESH_PROXY_RESOURCES, NAMESPACES, NamespaceDefinition } from "../../variables/platform";
import { DATABASE_SERVICES, SERVICES, SERVICE_NAMES, ServiceDefinition, ServiceTraffic, serviceTraffic } from "../../variables/services";
import { callerProblems } from "../../modules/workloads/mesh-policy";
import { SECRETS } from "../../variables/secrets";
import { AccessCatalogue, checkServiceAccess } from "../../modules/workloads/access";
import { namePrefix } from "../../variables/project";
import { parseCpuMillis, parseDurationMs, parseMemoryBytes } from "../../variables/quantities";
import { Checker, DNS_LABEL } from "../../variables/validation";
import type { EnvironmentConfig, ScalingPolicy, WorkloadConfig, WorkloadOverride, WorkloadSize } from "../types";

/** Kubernetes Service names are RFC 1035 labels: they must start with a letter. */
export const RFC1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Names Kubernetes or the platform's add-ons already own. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease", MESH.namespace];

/**
 * The namespaces the platform stack creates: DNS labels (RFC 1123, at most 63
 * characters), unique, not Kubernetes' or Linkerd's own, at least one for applications
 * and at most one for monitoring. Takes the list so tests can pass a bad one.
 */
export function checkNamespaceNames(c: Checker, namespaces: readonly NamespaceDefinition[], field = "namespaces"): void {
  const seen = new Set<string>();
  namespaces.forEach((ns, i) => {
    const f = `${field}[${i}].name`;
    if (!c.matches(f, ns.name, DNS_LABEL, "a DNS label (lower-case letters, digits and inner hyphens, 1-63 characters)")) return;
    if (RESERVED_NAMESPACES.includes(ns.name) || ns.name.startsWith("kube-")) {
      c.fail(f, ns.name, `a name not reserved by Kubernetes or the platform (not ${RESERVED_NAMESPACES.join(", ")} nor kube-*)`);
    }
    if (seen.has(ns.name)) c.fail(f, ns.name, "each namespace once (it is listed twice)");
    seen.add(ns.name);
  });
  if (!namespaces.some((n) => n.tier === "applications"))
    c.fail(
      field,
      namespaces.map((n) => n.name),
      'at least one namespace of tier "applications"',
    );
  if (namespaces.filter((n) => n.tier === "monitoring").length > 1)
    c.fail(
      field,
      namespaces.map((n) => n.name),
      'at most one namespace of tier "monitoring"',
    );
}

/**
 * The catalogue's Kubernetes names: every `workload` becomes a Deployment, Service and
 * ServiceAccount name, and Service names must be RFC 1035 labels (start with a letter).
 */
export function checkWorkloadNames(c: Checker, services: readonly ServiceDefinition[], field = "services"): void {
  services.forEach((s, i) => {
    c.matches(
      `${field}[${i}].workload`,
      s.workload,
      RFC1035_LABEL,
      "an RFC 1035 label (starts with a lower-case letter; letters, digits, inner hyphens; at most 63 characters)",
    );
  });
}

interface ServiceFootprint {
  readonly name: string;
  /** Pods during a rolling update at the HPA floor (floor + 1 surge pod). */
  readonly pods: number;
  readonly requests: { cpu?: number; memory?: number };
  readonly limits: { cpu?: number; memory?: number };
}

/** What each service needs at rest, per pod including the Linkerd proxy (modules/workloads' rules). */
function footprints(w: WorkloadConfig, services: readonly ServiceDefinition[]): ServiceFootprint[] {
  return services.map((s) => {
    const o = w.overrides?.[s.name] ?? {};
    const requests = { ...w.defaults.requests, ...o.requests };
    const limits = { ...w.defaults.limits, ...o.limits };
    const floor = Math.max(o.replicas ?? w.defaults.replicas, w.autoscaling.minReplicas);
    const add = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);
    return {
      name: s.name,
      pods: floor + 1, // maxSurge 1
      requests: {
        cpu: add(parseCpuMillis(requests.cpu), parseCpuMillis(MESH_PROXY_RESOURCES.requests.cpu)),
        memory: add(parseMemoryBytes(requests.memory), parseMemoryBytes(MESH_PROXY_RESOURCES.requests.memory)),
      },
      limits: {
        cpu: add(parseCpuMillis(limits.cpu), parseCpuMillis(MESH_PROXY_RESOURCES.limits.cpu)),
        memory: add(parseMemoryBytes(limits.memory), parseMemoryBytes(MESH_PROXY_RESOURCES.limits.memory)),
      },
    };
  });
}

function quantity(c: Checker, field: string, value: string, kind: "cpu" | "memory"): number | undefined {
  const v = kind === "cpu" ? parseCpuMillis(value) : parseMemoryBytes(value);
  if (v === undefined)
    c.fail(field, value, kind === "cpu" ? 'a Kubernetes CPU quantity such as "500m" or "4"' : 'a Kubernetes memory quantity such as "512Mi" or "16Gi"');
  return v;
}

/**
 * LimitRange: defaultRequest <= default <= max, and no container of the services (nor
 * the mesh proxy) over `max`, which the API server would reject.
 */
export function checkLimitRange(
  c: Checker,
  l: ContainerLimitRange,
  w: WorkloadConfig,
  services: readonly ServiceDefinition[] = SERVICES,
  field = "workloads.limitRange",
): void {
  for (const kind of ["cpu", "memory"] as const) {
    const req = quantity(c, `${field}.defaultRequest.${kind}`, l.defaultRequest[kind], kind);
    const def = quantity(c, `${field}.default.${kind}`, l.default[kind], kind);
    const max = quantity(c, `${field}.max.${kind}`, l.max[kind], kind);
    if (req !== undefined && def !== undefined && req > def) {
      c.problem(
        `${field}.defaultRequest.${kind} (${l.defaultRequest[kind]}) exceeds ${field}.default.${kind} (${l.default[kind]}); accepted: defaultRequest <= default`,
      );
    }
    if (def !== undefined && max !== undefined && def > max) {
      c.problem(`${field}.default.${kind} (${l.default[kind]}) exceeds ${field}.max.${kind} (${l.max[kind]}); accepted: default <= max`);
    }
    if (max === undefined) continue;
    const containers: Array<[string, string]> = [
      [`workloads.defaults.limits.${kind}`, w.defaults.limits[kind]],
      ...services.flatMap((s): Array<[string, string]> => {
        const o = w.overrides?.[s.name]?.limits?.[kind];
        return o === undefined ? [] : [[`workloads.overrides.${s.name}.limits.${kind}`, o]];
      }),
      [`the Linkerd proxy limit (variables/platform.ts MESH_PROXY_RESOURCES.limits.${kind})`, MESH_PROXY_RESOURCES.limits[kind]],
    ];
    for (const [what, q] of containers) {
      const v = kind === "cpu" ? parseCpuMillis(q) : parseMemoryBytes(q);
      if (v !== undefined && v > max) c.problem(`${field}.max.${kind} (${l.max[kind]}) is below ${what} (${q}); accepted: a max that admits every container`);
    }
  }
}

/**
 * ResourceQuota: room for every service at its HPA floor plus one surge pod (a rolling
 * update), proxies included, and a Service object each. Beyond that the quota caps how
 * far the HPAs can scale, which is its purpose.
 */
export function checkQuota(
  c: Checker,
  q: NamespaceQuota,
  w: WorkloadConfig,
  services: readonly ServiceDefinition[] = SERVICES,
  field = "workloads.quota",
): void {
  const need = footprints(w, services);
  const pods = need.reduce((n, s) => n + s.pods, 0);
  if (c.intRange(`${field}.pods`, q.pods, 1, 10000) && q.pods < pods) {
    c.problem(
      `${field}.pods (${q.pods}) is below the ${pods} pods the services need during a rolling update at their autoscaling floor; accepted: at least ${pods}`,
    );
  }
  if (c.intRange(`${field}.services`, q.services, 1, 1000) && q.services < services.length) {
    c.problem(`${field}.services (${q.services}) is below the ${services.length} services of the catalogue; accepted: at least ${services.length}`);
  }
  c.intRange(`${field}.persistentVolumeClaims`, q.persistentVolumeClaims, 0, 1000);
  for (const bound of ["requests", "limits"] as const) {
    for (const kind of ["cpu", "memory"] as const) {
      const have = quantity(c, `${field}.${bound}.${kind}`, q[bound][kind], kind);
      if (have === undefined || need.some((s) => s[bound][kind] === undefined)) continue;
      const total = need.reduce((n, s) => n + s.pods * (s[bound][kind] as number), 0);
      if (have < total) {
        const shown = kind === "cpu" ? `${Math.ceil(total)}m` : `${Math.ceil(total / 2 ** 20)}Mi`;
        c.problem(
          `${field}.${bound}.${kind} (${q[bound][kind]}) is below the ${shown} the services need during a rolling update at their autoscaling floor (Linkerd proxies included); accepted: at least ${shown}`,
        );
      }
    }
  }
}

/** Everything above for one environment; `checkWorkloads` runs it after its own checks. */
export function checkPlatformWorkloads(
  c: Checker,
  cfg: EnvironmentConfig,
  namespaces: readonly NamespaceDefinition[] = NAMESPACES,
  services: readonly ServiceDefinition[] = SERVICES,
): void {
  checkNamespaceNames(c, namespaces, "namespaces (variables/platform.ts)");
  checkWorkloadNames(c, services, "services (variables/services.ts)");
  const w = cfg.workloads as WorkloadConfig;
  // The HPA takes max(replicas, minReplicas) as its floor and would silently lift its
  // ceiling to a larger replica count: say so instead.
  c.ordered("workloads.defaults.replicas", w.defaults.replicas, "workloads.autoscaling.maxReplicas", w.autoscaling.maxReplicas);
  for (const [name, o] of Object.entries(w.overrides ?? {})) {
    if (o?.replicas !== undefined)
      c.ordered(`workloads.overrides.${name}.replicas`, o.replicas, "workloads.autoscaling.maxReplicas", w.autoscaling.maxReplicas);
  }
  if (w.quota) checkQuota(c, w.quota, w, services);
  if (w.limitRange) checkLimitRange(c, w.limitRange, w, services);
}

function checkSize(c: Checker, field: string, size: WorkloadOverride, base: WorkloadSize): void {
  const replicas = size.replicas ?? base.replicas;
  const requests = { ...base.requests, ...size.requests };
  const limits = { ...base.limits, ...size.limits };
  if (size.replicas !== undefined) c.intRange(`${field}.replicas`, replicas, 1, 100);
  const quantities: Array<[string, string, (q: string) => number | undefined, string]> = [
    ["requests.cpu", requests.cpu, parseCpuMillis, 'a Kubernetes CPU quantity such as "500m" or "1"'],
    ["limits.cpu", limits.cpu, parseCpuMillis, 'a Kubernetes CPU quantity such as "500m" or "1"'],
    ["requests.memory", requests.memory, parseMemoryBytes, 'a Kubernetes memory quantity such as "512Mi" or "1Gi"'],
    ["limits.memory", limits.memory, parseMemoryBytes, 'a Kubernetes memory quantity such as "512Mi" or "1Gi"'],
  ];
  const parsed = new Map<string, number | undefined>();
  for (const [name, q, parse, accepted] of quantities) {
    const v = parse(q);
    parsed.set(name, v);
    if (v === undefined) c.fail(`${field}.${name}`, q, accepted);
  }
  for (const r of ["cpu", "memory"] as const) {
    const [req, lim] = [parsed.get(`requests.${r}`), parsed.get(`limits.${r}`)];
    if (req !== undefined && lim !== undefined && req > lim) {
      c.problem(`${field}.requests.${r} (${requests[r]}) exceeds ${field}.limits.${r} (${limits[r]}); accepted: requests <= limits`);
    }
  }
}

/**
 * What the API server accepts in an HPA's `behavior` (Kubernetes API reference,
 * autoscaling/v2 HPAScalingPolicy: `periodSeconds` greater than zero and at most 1800;
 * HPAScalingRules: `stabilizationWindowSeconds` from 0 to 3600; a policy's value greater
 * than zero). A period of 0 would be refused at apply, after the plan looked fine.
 */
export const HPA_SCALING_LIMITS = {
  periodSeconds: { min: 1, max: 1800 },
  stabilizationWindowSeconds: { min: 0, max: 3600 },
} as const;

/** One direction of the HPA's behavior: pods per period, the period and the stabilization window. */
export function checkScalingPolicy(c: Checker, field: string, p: ScalingPolicy): void {
  const l = HPA_SCALING_LIMITS;
  c.intRange(`${field}.pods`, p.pods, 1, 1000, "pods per period");
  c.intRange(`${field}.periodSeconds`, p.periodSeconds, l.periodSeconds.min, l.periodSeconds.max, "seconds (Kubernetes HPAScalingPolicy)");
  c.intRange(
    `${field}.stabilizationWindowSeconds`,
    p.stabilizationWindowSeconds,
    l.stabilizationWindowSeconds.min,
    l.stabilizationWindowSeconds.max,
    "seconds (Kubernetes HPAScalingRules)",
  );
}

/** Checks `cfg.workloads`: sizes, overrides, autoscaling, and what the platform needs of them (quota, LimitRange). */
export function checkWorkloads(c: Checker, cfg: EnvironmentConfig): void {
  const w = cfg.workloads;
  c.matches("workloads.imageTag", w.imageTag, /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an OCI image tag (letters, digits, _ . -; at most 128 characters)");
  // checkSize checks the replicas too.
  checkSize(c, "workloads.defaults", w.defaults, w.defaults);
  for (const [name, size] of Object.entries(w.overrides ?? {})) {
    if (!SERVICE_NAMES.includes(name)) c.fail("workloads.overrides", name, `service names from variables/services.ts: ${SERVICE_NAMES.join(", ")}`);
    else checkSize(c, `workloads.overrides.${name}`, size ?? {}, w.defaults);
  }
  const a = w.autoscaling;
  c.intRange("workloads.autoscaling.minReplicas", a.minReplicas, 1, 1000);
  c.intRange("workloads.autoscaling.maxReplicas", a.maxReplicas, 1, 1000);
  c.ordered("workloads.autoscaling.minReplicas", a.minReplicas, "workloads.autoscaling.maxReplicas", a.maxReplicas);
  c.intRange("workloads.autoscaling.cpuUtilizationPercent", a.cpuUtilizationPercent, 1, 100, "%");
  c.intRange("workloads.autoscaling.memoryUtilizationPercent", a.memoryUtilizationPercent, 1, 100, "%");
  c.intRange("workloads.autoscaling.requestsPerSecond", a.requestsPerSecond, 1, 1_000_000, "requests per second per pod");
  checkScalingPolicy(c, "workloads.autoscaling.scaleUp", a.scaleUp);
  checkScalingPolicy(c, "workloads.autoscaling.scaleDown", a.scaleDown);
  // A standby's databases are its primary's (read replicas, or restored from its backups): the users come with the data.
  const primaryData = cfg.standby?.readReplicas !== undefined || cfg.standby?.restoreFrom !== undefined;
  if (w.databaseUserJobs !== undefined && c.boolean("workloads.databaseUserJobs", w.databaseUserJobs) && !w.databaseUserJobs && !primaryData) {
    c.fail(
      "workloads.databaseUserJobs",
      w.databaseUserJobs,
      "true (or none) unless standby.readReplicas or standby.restoreFrom is set: without the Jobs nothing creates the services' PostgreSQL users; " +
        "only a standby's databases, its primary's replicas or restored backups, have them already",
    );
  }
  checkPlatformWorkloads(c, cfg);
  checkServiceCatalogue(c, cfg);
}

/**
 * What the services reach, for this environment (modules/workloads/access.ts
 * `checkServiceAccess`): a service that owns a database has one here, every secret's
 * owner and readers exist, and every secret resolves under `<namePrefix>/`. Takes the
 * catalogues so tests can pass bad ones.
 */
export function checkServiceCatalogue(
  c: Checker,
  cfg: EnvironmentConfig,
  catalogue: AccessCatalogue = { services: SERVICES, secrets: SECRETS },
  databaseServices: readonly string[] = DATABASE_SERVICES.map((s) => s.name),
): void {
  for (const p of checkServiceAccess(catalogue, { namePrefix: namePrefix(cfg.name), databaseServices })) {
    c.fail(`${p.field} (variables/${p.field.startsWith("secrets") ? "secrets" : "services"}.ts)`, p.got, p.accepted);
  }
  for (const p of callerProblems(catalogue.services)) c.fail(`${p.field} (variables/services.ts)`, p.got, p.accepted);
  for (const s of catalogue.services) checkServiceTraffic(c, `services["${s.name}"].traffic (variables/services.ts)`, serviceTraffic(s));
}

/** Durations of the routes and the circuit breaker: bounds in milliseconds. */
const TRAFFIC_BOUNDS = {
  requestTimeoutMs: { min: 100, max: 300_000 },
  retryLimit: { min: 0, max: 5 },
  perTryTimeoutMs: { min: 10 },
  maxFailures: { min: 1, max: 100 },
  minPenaltyMs: { min: 100 },
  maxPenaltyMs: { max: 600_000 },
  jitterRatio: { min: 0, max: 100 },
} as const;

function duration(c: Checker, field: string, value: string, min: number, max: number): number | undefined {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms < min || ms > max) {
    c.fail(field, value, `a duration ("500ms", "10s", "1m") from ${min}ms to ${max}ms`);
    return undefined;
  }
  return ms;
}

/**
 * One service's timeouts, retries and circuit breaker (modules/workloads/routes.ts): the
 * request timeout 100ms-5m; at most 5 retries, each attempt at least 10ms, and all
 * (limit + 1) attempts within the request timeout (the per-request retry budget);
 * 1-100 consecutive failures, back-off from at least 100ms to at most 10m, jitter 0-100.
 */
export function checkServiceTraffic(c: Checker, field: string, t: ServiceTraffic): void {
  const b = TRAFFIC_BOUNDS;
  const request = duration(c, `${field}.requestTimeout`, t.requestTimeout, b.requestTimeoutMs.min, b.requestTimeoutMs.max);
  const limitOk = c.intRange(`${field}.retries.limit`, t.retries.limit, b.retryLimit.min, b.retryLimit.max, "retries per request");
  const perTry = duration(c, `${field}.retries.perTryTimeout`, t.retries.perTryTimeout, b.perTryTimeoutMs.min, request ?? b.requestTimeoutMs.max);
  if (request !== undefined && perTry !== undefined && limitOk && (t.retries.limit + 1) * perTry > request) {
    c.fail(
      `${field}.retries`,
      t.retries,
      `(limit + 1) attempts of perTryTimeout within requestTimeout (${t.requestTimeout}): at most ${Math.floor(request / perTry) - 1} retries of ${t.retries.perTryTimeout}`,
    );
  }
  c.intRange(`${field}.circuitBreaker.maxFailures`, t.circuitBreaker.maxFailures, b.maxFailures.min, b.maxFailures.max, "consecutive failures");
  const max = duration(c, `${field}.circuitBreaker.maxPenalty`, t.circuitBreaker.maxPenalty, b.minPenaltyMs.min, b.maxPenaltyMs.max);
  duration(c, `${field}.circuitBreaker.minPenalty`, t.circuitBreaker.minPenalty, b.minPenaltyMs.min, max ?? b.maxPenaltyMs.max);
  c.numberRange(`${field}.circuitBreaker.jitterRatio`, t.circuitBreaker.jitterRatio, b.jitterRatio.min, b.jitterRatio.max);
}
