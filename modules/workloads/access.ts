/**
 * What each service of the catalogue may reach, as data: the Secrets Manager values its
 * Kubernetes Secret holds (an ExternalSecret per service) and its database. Derived from
 * variables/services.ts (`ownsDatabase`, `usesCache`) and variables/secrets.ts (`owner`,
 * `readers`, `readerKeys`); `checkServiceAccess` refuses a catalogue that does not add up.
 */
import { PROJECT } from "../../variables/project";
import { PLATFORM_OWNER, SECRET_PATH, SecretDefinition } from "../../variables/secrets";
import type { ServiceDefinition } from "../../variables/services";

/** Where a service's Secret is mounted, one file per key (kubelet refreshes the files when the Secret changes). */
export const SECRETS_MOUNT_PATH = "/var/run/secrets/authorworks";
/** Where the RDS CA bundle is mounted (`PGSSLROOTCERT` points at its file). */
export const RDS_CA_MOUNT_PATH = "/etc/ssl/certs/rds";
/** File (ConfigMap key) of the RDS CA bundle. */
export const RDS_CA_BUNDLE_KEY = "ca-bundle.pem";

/**
 * Keys of the cache secret (modules/redis: a JSON object) a cache user gets, as
 * `cache.<key>` in its Secret. `reader_host` spreads reads over the replicas.
 */
export const CACHE_SECRET_KEYS = ["host", "reader_host", "port", "tls", "auth_token"] as const;

/** One value of a service's Kubernetes Secret. */
export interface SecretMapping {
  /** Key in the Kubernetes Secret: the file name under `SECRETS_MOUNT_PATH`. */
  readonly secretKey: string;
  /** Secrets Manager secret name (under the environment's prefix). */
  readonly remoteKey: string;
  /** JSON key of the secret's value. @default the whole value */
  readonly property?: string;
}

/** The catalogues `serviceSecretMappings` and `checkServiceAccess` read; tests pass their own. */
export interface AccessCatalogue {
  readonly services: readonly ServiceDefinition[];
  readonly secrets: readonly SecretDefinition[];
}

/** `payments/stripe-api-key` -> `payments.stripe-api-key`: a valid Secret key and file name. */
function keyOf(path: string): string {
  return path.replace(/\//g, ".");
}

/**
 * What `service` gets in its Secret: every catalogue secret it owns (all keys of a JSON
 * one) or reads (`readerKeys` of a JSON one), and the cache's endpoint and token when it
 * `usesCache`. Keys are `<path with . for />[.<json key>]` and `cache.<key>`.
 * @param names.namePrefix `authorworks-<env>`: secrets are `<namePrefix>/<path>`.
 * @param names.cacheSecretName the cache secret (modules/redis `authTokenSecretName`).
 */
export function serviceSecretMappings(
  service: ServiceDefinition,
  secrets: readonly SecretDefinition[],
  names: { readonly namePrefix: string; readonly cacheSecretName: string },
): SecretMapping[] {
  const mappings: SecretMapping[] = [];
  for (const def of secrets) {
    const owner = def.owner === service.name;
    if (!owner && !(def.readers ?? []).includes(service.name)) continue;
    const remoteKey = `${names.namePrefix}/${def.path}`;
    if (def.format.kind === "string") {
      mappings.push({ secretKey: keyOf(def.path), remoteKey });
    } else {
      const keys = owner ? def.format.keys : (def.readerKeys ?? def.format.keys);
      for (const property of keys) mappings.push({ secretKey: `${keyOf(def.path)}.${property}`, remoteKey, property });
    }
  }
  if (service.usesCache) {
    for (const property of CACHE_SECRET_KEYS) mappings.push({ secretKey: `cache.${property}`, remoteKey: names.cacheSecretName, property });
  }
  return mappings;
}

/** One problem of the catalogue, in the shape of `Checker.fail`. */
export interface AccessProblem {
  readonly field: string;
  readonly got: unknown;
  readonly accepted: string;
}

/**
 * What the wiring relies on, per environment:
 * - a service that owns a database has one in the environment (`databaseServices`);
 * - every path is well formed (lower-case segments) and defined once;
 * - every secret's owner and readers are services of the catalogue (or `PLATFORM_OWNER`
 *   as owner, whose secrets have no readers: they reach no service), and `readerKeys` are
 *   keys of its JSON format;
 * - every secret resolves under the environment's prefix: a path is relative to
 *   `<namePrefix>/`, so one starting with `authorworks-` is another environment's full
 *   name pasted in, and would not be found (nor readable: the External Secrets role
 *   reads only `<namePrefix>/*`).
 */
export function checkServiceAccess(
  catalogue: AccessCatalogue,
  environment: { readonly namePrefix: string; readonly databaseServices: readonly string[] },
): AccessProblem[] {
  const problems: AccessProblem[] = [];
  const names = catalogue.services.map((s) => s.name);
  for (const s of catalogue.services) {
    if (s.ownsDatabase && !environment.databaseServices.includes(s.name)) {
      problems.push({
        field: `services["${s.name}"].ownsDatabase`,
        got: true,
        accepted: `a service with a database in this environment (${environment.databaseServices.join(", ") || "none"}), or ownsDatabase false`,
      });
    }
  }
  const paths = new Set<string>();
  for (const def of catalogue.secrets) {
    const field = `secrets["${def.path}"]`;
    if (!SECRET_PATH.test(def.path)) {
      problems.push({
        field: `${field}.path`,
        got: def.path,
        accepted: 'lower-case segments of letters, digits and hyphens separated by "/", e.g. "payments/stripe-api-key"',
      });
    }
    if (paths.has(def.path)) problems.push({ field: `${field}.path`, got: def.path, accepted: "each path once (it is defined twice)" });
    paths.add(def.path);
    if (def.owner === PLATFORM_OWNER && def.readers?.length) {
      problems.push({
        field: `${field}.readers`,
        got: [...def.readers],
        accepted: `none: the platform's secrets (owner "${PLATFORM_OWNER}") reach no service`,
      });
    }
    if (!names.includes(def.owner) && def.owner !== PLATFORM_OWNER) {
      problems.push({ field: `${field}.owner`, got: def.owner, accepted: `a service of variables/services.ts (${names.join(", ")}) or "${PLATFORM_OWNER}"` });
    }
    (def.readers ?? []).forEach((r, i) => {
      if (!names.includes(r)) problems.push({ field: `${field}.readers[${i}]`, got: r, accepted: `a service of variables/services.ts (${names.join(", ")})` });
    });
    if (def.readerKeys) {
      const keys: readonly string[] = def.format.kind === "json" ? def.format.keys : [];
      def.readerKeys.forEach((k, i) => {
        if (!keys.includes(k))
          problems.push({
            field: `${field}.readerKeys[${i}]`,
            got: k,
            accepted: keys.length ? `a key of its JSON format (${keys.join(", ")})` : "none (a string secret)",
          });
      });
    }
    if (def.path.startsWith(`${PROJECT}-`)) {
      problems.push({
        field: `${field}.path`,
        got: def.path,
        accepted: `a path below the environment's prefix "${environment.namePrefix}/" (not a full secret name)`,
      });
    }
  }
  return problems;
}
