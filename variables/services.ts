/**
 * The service catalogue: which AuthorWorks services exist and what each one owns.
 * Environments size things; this file says what exists. Adding a service here adds
 * its database (if it owns data) to every environment.
 */

/** Container port of every AuthorWorks service (seed 004). */
export const APP_PORT = 8080;

export interface ServiceDefinition {
  /** Short name, a DNS label: used in resource names (`authorworks-<env>-<name>`). */
  readonly name: string;
  /** Kubernetes/ECR name as in the spec (`authorworks-<name>`). */
  readonly workload: string;
  readonly description: string;
  /**
   * The service owns relational data: it gets its own PostgreSQL instance, signs in to it
   * as its own user (`databaseUser`, modules/rds) with IAM tokens, and gets the connection
   * settings (modules/workloads).
   */
  readonly ownsDatabase: boolean;
  /** The service uses the environment's Valkey cache: it gets the endpoint and AUTH token in its Secret. */
  readonly usesCache: boolean;
  /** Buckets (by purpose, see variables/storage.ts) the service reads and writes. */
  readonly buckets: readonly string[];
  /** Container port, the same in every environment. */
  readonly port: number;
  /**
   * Services (catalogue names) whose pods may call this one through the mesh: its Linkerd
   * `AuthorizationPolicy` admits exactly their service accounts' mTLS identities
   * (modules/workloads/mesh-policy.ts). The public service is reached by the load balancer,
   * not by a caller. @default none: no service may call it
   */
  readonly callers?: readonly string[];
  /** Timeouts, retries and circuit breaking of the calls to this service; unset fields keep `DEFAULT_SERVICE_TRAFFIC`. @default DEFAULT_SERVICE_TRAFFIC */
  readonly traffic?: ServiceTrafficOverride;
}

/**
 * How meshed clients call a service (modules/workloads/routes.ts): Linkerd applies it on
 * the client side, from the service's HTTPRoutes and Service annotations. Durations are
 * Gateway API durations: a whole number and a unit, "500ms", "10s", "1m".
 */
export interface ServiceTraffic {
  /**
   * Longest a request may take, retries included (HTTPRoute `rules[].timeouts.request`);
   * the client gets a 504 after it. 100ms to 5m.
   */
  readonly requestTimeout: string;
  /**
   * Retries of failed reads (GET and HEAD: idempotent) answered with a 5xx
   * (`retry.linkerd.io/http: 5xx`). Linkerd's route retries are counted per request; its
   * ratio budget (retryRatio) exists only in ServiceProfiles, which would switch the route
   * configuration off. The budget here is therefore per request: at most `limit` retries,
   * each attempt cut at `perTryTimeout`, and all attempts must fit in `requestTimeout`.
   */
  readonly retries: {
    /** Retries per request (`retry.linkerd.io/limit`): 0 (none) to 5. */
    readonly limit: number;
    /** Timeout of each attempt (`retry.linkerd.io/timeout`): at least 10ms; (limit + 1) attempts fit in `requestTimeout`. */
    readonly perTryTimeout: string;
  };
  /**
   * Circuit breaking per endpoint by consecutive-failure accrual
   * (`balancer.linkerd.io/failure-accrual: consecutive` on the Services): after
   * `maxFailures` failures in a row a pod gets no requests for a back-off between
   * `minPenalty` and `maxPenalty`, jittered by `jitterRatio`.
   */
  readonly circuitBreaker: {
    /** Consecutive failures that trip an endpoint: 1 to 100. */
    readonly maxFailures: number;
    /** First back-off: at least 100ms, at most `maxPenalty`. */
    readonly minPenalty: string;
    /** Longest back-off: at most 10m. */
    readonly maxPenalty: string;
    /** Random spread of each back-off: 0 to 100 (a ratio of the back-off). */
    readonly jitterRatio: number;
  };
}

/** Per-service differences from `DEFAULT_SERVICE_TRAFFIC`. */
export interface ServiceTrafficOverride {
  readonly requestTimeout?: string;
  readonly retries?: Partial<ServiceTraffic["retries"]>;
  readonly circuitBreaker?: Partial<ServiceTraffic["circuitBreaker"]>;
}

/**
 * Defaults of every service.
 * - `requestTimeout` 10s: Linkerd's former route default (ServiceProfile `timeout`, linkerd.io
 *   2.15 "Retries and Timeouts"); far above the 1 s p99 the canary analysis allows.
 * - retries: 2 per request, 3s per attempt (3 attempts x 3s fit in 10s). Linkerd's own
 *   default limit is 1 (linkerd.io/2-edge/tasks/configuring-retries).
 * - circuit breaker: Linkerd's documented defaults for consecutive accrual, 7 failures,
 *   1s to 60s back-off, jitter 0.5 (linkerd.io/2-edge/reference/circuit-breaking).
 */
export const DEFAULT_SERVICE_TRAFFIC: ServiceTraffic = {
  requestTimeout: "10s",
  retries: { limit: 2, perTryTimeout: "3s" },
  circuitBreaker: { maxFailures: 7, minPenalty: "1s", maxPenalty: "60s", jitterRatio: 0.5 },
};

/** A service's traffic settings: its override merged over `DEFAULT_SERVICE_TRAFFIC`. */
export function serviceTraffic(def: ServiceDefinition, defaults: ServiceTraffic = DEFAULT_SERVICE_TRAFFIC): ServiceTraffic {
  const o = def.traffic ?? {};
  return {
    requestTimeout: o.requestTimeout ?? defaults.requestTimeout,
    retries: { ...defaults.retries, ...o.retries },
    circuitBreaker: { ...defaults.circuitBreaker, ...o.circuitBreaker },
  };
}

/**
 * The seeds name the services but not what each one reads. Decided here: the gateway
 * (rate limits, token revocation list), user (sessions), content (rendered chapters) and
 * editor (live editing sessions) use the cache; the secrets each one reads are in
 * variables/secrets.ts (`owner`, `readers`).
 *
 * Who calls whom (`callers`), also decided here: the gateway calls every service behind
 * it; editor saves revisions into content's chapters; export reads manuscripts (content)
 * and checks entitlements (subscription); content checks entitlements (subscription);
 * subscription reads accounts (user); user, subscription and export send mail through
 * notification; notification reads recipients (user).
 */
export const SERVICES: readonly ServiceDefinition[] = [
  { name: "gateway", workload: "authorworks-gateway", description: "Public API gateway", ownsDatabase: false, usesCache: true, buckets: [], port: APP_PORT },
  {
    name: "user",
    workload: "authorworks-user-service",
    description: "Accounts, profiles, authentication",
    ownsDatabase: true,
    usesCache: true,
    buckets: [],
    port: APP_PORT,
    callers: ["gateway", "subscription", "notification"],
  },
  {
    name: "content",
    workload: "authorworks-content",
    description: "Books, chapters, manuscripts",
    ownsDatabase: true,
    usesCache: true,
    buckets: ["content", "media"],
    port: APP_PORT,
    callers: ["gateway", "editor", "export"],
  },
  {
    name: "editor",
    workload: "authorworks-editor",
    description: "Collaborative editing sessions and revisions",
    ownsDatabase: true,
    usesCache: true,
    buckets: [],
    port: APP_PORT,
    callers: ["gateway"],
  },
  {
    name: "subscription",
    workload: "authorworks-subscription",
    description: "Plans, billing state, entitlements",
    ownsDatabase: true,
    usesCache: false,
    buckets: [],
    port: APP_PORT,
    callers: ["gateway", "content", "export"],
  },
  {
    name: "export",
    workload: "authorworks-export",
    description: "EPUB/PDF export jobs",
    ownsDatabase: false,
    usesCache: false,
    buckets: ["content", "exports"],
    port: APP_PORT,
    callers: ["gateway"],
  },
  {
    name: "notification",
    workload: "authorworks-notification",
    description: "E-mail and in-app notifications",
    ownsDatabase: false,
    usesCache: false,
    buckets: [],
    port: APP_PORT,
    callers: ["gateway", "user", "subscription", "export"],
  },
];

export const SERVICE_NAMES: readonly string[] = SERVICES.map((s) => s.name);

export function service(name: string): ServiceDefinition {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service "${name}"; known: ${SERVICE_NAMES.join(", ")}`);
  return found;
}

/** Services that get a PostgreSQL instance. */
export const DATABASE_SERVICES: readonly ServiceDefinition[] = SERVICES.filter((s) => s.ownsDatabase);
