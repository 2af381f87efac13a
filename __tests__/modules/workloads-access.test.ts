import { checkServiceCatalogue } from "../../environments/checks/workloads";
import { CACHE_SECRET_KEYS, checkServiceAccess, serviceSecretMappings } from "../../modules/workloads/access";
import { SECRETS, SecretDefinition } from "../../variables/secrets";
import { SERVICES, ServiceDefinition } from "../../variables/services";
import { FIXTURE } from "../fixtures/environment";
import { configErrorOf } from "../environments/check-helpers";

/** A catalogue of its own: names and keys no real service or secret has. */
const svc = (name: string, o: Partial<ServiceDefinition> = {}): ServiceDefinition => ({
  name,
  workload: `wl-${name}`,
  description: name,
  ownsDatabase: false,
  usesCache: false,
  buckets: [],
  port: 9000,
  ...o,
});
const SERVICES_FIXTURE = [svc("alpha", { ownsDatabase: true, usesCache: true }), svc("beta"), svc("gamma", { usesCache: true })];
const SECRETS_FIXTURE: SecretDefinition[] = [
  { path: "vendor/api-token", owner: "beta", description: "d", format: { kind: "string" }, rotation: "r" },
  {
    path: "signing/key-pair",
    owner: "alpha",
    readers: ["gamma"],
    readerKeys: ["public"],
    description: "d",
    format: { kind: "json", keys: ["id", "private", "public"] },
    rotation: "r",
  },
  { path: "platform/hook", owner: "platform", description: "d", format: { kind: "string" }, rotation: "r" },
];
const NAMES = { namePrefix: "authorworks-qa", cacheSecretName: "authorworks-qa/cache/token" };
const mappingsOf = (name: string) =>
  serviceSecretMappings(
    SERVICES_FIXTURE.find((s) => s.name === name)!,
    SECRETS_FIXTURE,
    NAMES,
  );

describe("serviceSecretMappings: exactly what the catalogue gives each service", () => {
  test("the owner of a JSON secret gets every key; the cache user gets the cache keys", () => {
    expect(mappingsOf("alpha")).toEqual([
      { secretKey: "signing.key-pair.id", remoteKey: "authorworks-qa/signing/key-pair", property: "id" },
      { secretKey: "signing.key-pair.private", remoteKey: "authorworks-qa/signing/key-pair", property: "private" },
      { secretKey: "signing.key-pair.public", remoteKey: "authorworks-qa/signing/key-pair", property: "public" },
      ...CACHE_SECRET_KEYS.map((k) => ({ secretKey: `cache.${k}`, remoteKey: "authorworks-qa/cache/token", property: k })),
    ]);
  });

  test("a reader gets only readerKeys (never the private key), plus the cache", () => {
    const gamma = mappingsOf("gamma");
    expect(gamma.filter((m) => !m.secretKey.startsWith("cache."))).toEqual([
      { secretKey: "signing.key-pair.public", remoteKey: "authorworks-qa/signing/key-pair", property: "public" },
    ]);
    expect(gamma.filter((m) => m.secretKey.startsWith("cache.")).map((m) => m.property)).toEqual([...CACHE_SECRET_KEYS]);
  });

  test("a string secret is one key with the whole value; no cache for a service that does not use it", () => {
    expect(mappingsOf("beta")).toEqual([{ secretKey: "vendor.api-token", remoteKey: "authorworks-qa/vendor/api-token" }]);
  });

  test("the real catalogue: the gateway verifies tokens with the public key only; platform secrets reach no service", () => {
    const names = { namePrefix: "authorworks-dev", cacheSecretName: "authorworks-dev/cache/auth-token" };
    const of = (name: string) =>
      serviceSecretMappings(
        SERVICES.find((s) => s.name === name)!,
        SECRETS,
        names,
      ).map((m) => m.secretKey);
    expect(of("gateway").filter((k) => k.startsWith("auth."))).toEqual(["auth.jwt-signing-key.jwks"]);
    expect(of("user").filter((k) => k.startsWith("auth."))).toEqual([
      "auth.jwt-signing-key.kid",
      "auth.jwt-signing-key.private_key_pem",
      "auth.jwt-signing-key.public_key_pem",
      "auth.jwt-signing-key.jwks",
    ]);
    const all = SERVICES.flatMap((s) => serviceSecretMappings(s, SECRETS, names).map((m) => m.remoteKey));
    expect(all.filter((k) => /alerting|ci\//.test(k))).toEqual([]);
  });
});

describe("checkServiceAccess: a catalogue that does not add up", () => {
  const env = { namePrefix: "authorworks-qa", databaseServices: ["alpha"] };
  test("the fixture catalogue passes", () => {
    expect(checkServiceAccess({ services: SERVICES_FIXTURE, secrets: SECRETS_FIXTURE }, env)).toEqual([]);
  });

  test.each<[string, Partial<{ services: ServiceDefinition[]; secrets: SecretDefinition[]; databaseServices: string[] }>, object]>([
    [
      "a service that needs a database but has none",
      { databaseServices: [] },
      { field: 'services["alpha"].ownsDatabase', got: true, accepted: "a service with a database in this environment (none), or ownsDatabase false" },
    ],
    [
      "a secret read by a service that does not exist",
      { secrets: [{ ...SECRETS_FIXTURE[0], readers: ["delta"] }] },
      { field: 'secrets["vendor/api-token"].readers[0]', got: "delta", accepted: "a service of variables/services.ts (alpha, beta, gamma)" },
    ],
    [
      "a secret owned by a service that does not exist",
      { secrets: [{ ...SECRETS_FIXTURE[0], owner: "delta" }] },
      { field: 'secrets["vendor/api-token"].owner', got: "delta", accepted: 'a service of variables/services.ts (alpha, beta, gamma) or "platform"' },
    ],
    [
      "a secret name outside the environment's prefix",
      { secrets: [{ ...SECRETS_FIXTURE[0], path: "authorworks-production/vendor/api-token" }] },
      {
        field: 'secrets["authorworks-production/vendor/api-token"].path',
        got: "authorworks-production/vendor/api-token",
        accepted: 'a path below the environment\'s prefix "authorworks-qa/" (not a full secret name)',
      },
    ],
    [
      "a platform secret mapped to a service",
      { secrets: [{ ...SECRETS_FIXTURE[2], readers: ["beta"] }] },
      { field: 'secrets["platform/hook"].readers', got: ["beta"], accepted: 'none: the platform\'s secrets (owner "platform") reach no service' },
    ],
    [
      "a malformed path",
      { secrets: [{ ...SECRETS_FIXTURE[0], path: "/vendor/API-token" }] },
      {
        field: 'secrets["/vendor/API-token"].path',
        got: "/vendor/API-token",
        accepted: 'lower-case segments of letters, digits and hyphens separated by "/", e.g. "payments/stripe-api-key"',
      },
    ],
    [
      "a path defined twice",
      { secrets: [SECRETS_FIXTURE[0], { ...SECRETS_FIXTURE[0], owner: "alpha" }] },
      { field: 'secrets["vendor/api-token"].path', got: "vendor/api-token", accepted: "each path once (it is defined twice)" },
    ],
    [
      "readerKeys that are not keys of the secret",
      { secrets: [{ ...SECRETS_FIXTURE[1], readerKeys: ["pub"] }] },
      { field: 'secrets["signing/key-pair"].readerKeys[0]', got: "pub", accepted: "a key of its JSON format (id, private, public)" },
    ],
  ])("%s: one problem naming it", (_, change, problem) => {
    const problems = checkServiceAccess(
      { services: change.services ?? SERVICES_FIXTURE, secrets: change.secrets ?? SECRETS_FIXTURE },
      { ...env, databaseServices: change.databaseServices ?? env.databaseServices },
    );
    expect(problems).toEqual([problem]);
  });

  test("the environment check stops synth with the environment, the field and what is accepted", () => {
    const msg = configErrorOf(
      (c) =>
        checkServiceCatalogue(c, { ...FIXTURE, name: "staging" }, { services: SERVICES_FIXTURE, secrets: [{ ...SECRETS_FIXTURE[0], readers: ["delta"] }] }, [
          "alpha",
        ]),
      "staging",
    );
    expect(msg).toContain(
      'secrets["vendor/api-token"].readers[0] (variables/secrets.ts): got "delta"; accepted: a service of variables/services.ts (alpha, beta, gamma)',
    );
    const db = configErrorOf((c) => checkServiceCatalogue(c, { ...FIXTURE, name: "dev" }, { services: SERVICES_FIXTURE, secrets: [] }, []), "dev");
    expect(db).toContain('services["alpha"].ownsDatabase (variables/services.ts): got true');
  });

  test("the real catalogue passes for every environment name", () => {
    for (const name of ["dev", "staging", "production"] as const) {
      const c = configErrorOf;
      expect(() => c((chk) => checkServiceCatalogue(chk, { ...FIXTURE, name }), name)).toThrow("expected a ConfigError");
    }
  });
});
