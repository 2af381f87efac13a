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
}

/**
 * The seeds name the services but not what each one reads. Decided here: the gateway
 * (rate limits, token revocation list), user (sessions), content (rendered chapters) and
 * editor (live editing sessions) use the cache; the secrets each one reads are in
 * variables/secrets.ts (`owner`, `readers`).
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
  },
  {
    name: "content",
    workload: "authorworks-content",
    description: "Books, chapters, manuscripts",
    ownsDatabase: true,
    usesCache: true,
    buckets: ["content", "media"],
    port: APP_PORT,
  },
  {
    name: "editor",
    workload: "authorworks-editor",
    description: "Collaborative editing sessions and revisions",
    ownsDatabase: true,
    usesCache: true,
    buckets: [],
    port: APP_PORT,
  },
  {
    name: "subscription",
    workload: "authorworks-subscription",
    description: "Plans, billing state, entitlements",
    ownsDatabase: true,
    usesCache: false,
    buckets: [],
    port: APP_PORT,
  },
  {
    name: "export",
    workload: "authorworks-export",
    description: "EPUB/PDF export jobs",
    ownsDatabase: false,
    usesCache: false,
    buckets: ["content", "exports"],
    port: APP_PORT,
  },
  {
    name: "notification",
    workload: "authorworks-notification",
    description: "E-mail and in-app notifications",
    ownsDatabase: false,
    usesCache: false,
    buckets: [],
    port: APP_PORT,
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
