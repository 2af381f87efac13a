/**
 * The four steps of a Secrets Manager rotation of one PostgreSQL user's password, the user
 * of the secret itself (single user): the rotation function of `MasterSecretRotation`
 * (../rotation.ts). Secrets Manager calls the function once per step with the same
 * `ClientRequestToken`, the id of the new version (AWS Secrets Manager User Guide, "Lambda
 * rotation functions"):
 * - createSecret: a new password into an `AWSPENDING` version (the other keys copied from `AWSCURRENT`);
 * - setSecret: the database user gets it (`ALTER ROLE ... PASSWORD`, signed in with the current one);
 * - testSecret: sign in with it;
 * - finishSecret: `AWSCURRENT` moves to it (Secrets Manager moves `AWSPREVIOUS` to the old one).
 * Every step may run again after a failure: each checks whether its work is done first.
 *
 * Bundled into the function by ./bundle.ts with `pg`; the Secrets Manager client and the
 * database driver come in through `RotationDeps`, so tests run the steps against fakes.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** Staging labels of Secrets Manager's rotation protocol. */
export const CURRENT = "AWSCURRENT";
export const PENDING = "AWSPENDING";
export const PREVIOUS = "AWSPREVIOUS";

/**
 * Length of a rotated password: what the stack's ephemeral password has
 * (`MASTER_PASSWORD_LENGTH` of ../database.ts; letters and digits, no punctuation). A test
 * keeps the two equal.
 */
export const ROTATED_PASSWORD_LENGTH = 40;

/** The steps Secrets Manager calls, in order. */
export const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type Step = (typeof STEPS)[number];

/** What Secrets Manager sends the function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

/** The calls of the AWS SDK's Secrets Manager client the steps make (request and response shapes of the API). */
export interface SecretsApi {
  describeSecret(input: { SecretId: string }): Promise<{ RotationEnabled?: boolean; VersionIdsToStages?: Record<string, string[]> }>;
  /** Rejects with an error named `ResourceNotFoundException` when the version does not exist. */
  getSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }): Promise<{ SecretString?: string; VersionId?: string }>;
  putSecretValue(input: { SecretId: string; ClientRequestToken: string; SecretString: string; VersionStages: string[] }): Promise<unknown>;
  updateSecretVersionStage(input: { SecretId: string; VersionStage: string; MoveToVersionId: string; RemoveFromVersionId: string }): Promise<unknown>;
  getRandomPassword(input: { PasswordLength: number; ExcludePunctuation: boolean; IncludeSpace: boolean }): Promise<{ RandomPassword?: string }>;
}

/** A database session: the calls of a `pg` Client the steps make. */
export interface DatabaseSession {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** Opens a session as `secret`'s user, or rejects (wrong password, unreachable host). */
export type Connect = (secret: MasterSecret) => Promise<DatabaseSession>;

export interface RotationDeps {
  readonly secrets: SecretsApi;
  readonly connect: Connect;
  /** Where progress goes (CloudWatch Logs); never given a password. @default console.log */
  readonly log?: (message: string) => void;
}

/** The JSON of a master secret (modules/rds `masterSecretValue`: the keys of RDS's own master secrets). */
export interface MasterSecret {
  readonly username: string;
  readonly password: string;
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
}

/** Runs one step for `event`, after checking that the secret and the version are in a rotation. */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  const log = deps.log ?? console.log;
  if (!(STEPS as readonly string[]).includes(step)) throw new Error(`${arn}: unknown step "${step}"`);
  const described = await deps.secrets.describeSecret({ SecretId: arn });
  if (!described.RotationEnabled) throw new Error(`${arn}: rotation is not enabled`);
  const stages = described.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`${arn}: version ${token} has no stage for rotation`);
  if (stages.includes(CURRENT)) {
    log(`${arn}: version ${token} is already ${CURRENT}; ${step} has nothing to do`);
    return;
  }
  if (!stages.includes(PENDING)) throw new Error(`${arn}: version ${token} is not ${PENDING}`);
  const context: StepContext = { arn, token, versions: described.VersionIdsToStages ?? {}, deps, log };
  await STEP_FUNCTIONS[step as Step](context);
  log(`${arn}: ${step} done for version ${token}`);
}

interface StepContext {
  readonly arn: string;
  readonly token: string;
  readonly versions: Record<string, string[]>;
  readonly deps: RotationDeps;
  readonly log: (message: string) => void;
}

const STEP_FUNCTIONS: Record<Step, (c: StepContext) => Promise<void>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

async function createSecret(c: StepContext): Promise<void> {
  const current = await secretAt(c, { VersionStage: CURRENT });
  if (await versionExists(c)) {
    c.log(`${c.arn}: ${PENDING} version ${c.token} exists already`);
    return;
  }
  const { RandomPassword: password } = await c.deps.secrets.getRandomPassword({
    PasswordLength: ROTATED_PASSWORD_LENGTH,
    ExcludePunctuation: true,
    IncludeSpace: false,
  });
  if (!password) throw new Error(`${c.arn}: GetRandomPassword returned no password`);
  await c.deps.secrets.putSecretValue({
    SecretId: c.arn,
    ClientRequestToken: c.token,
    SecretString: JSON.stringify({ ...current, password }),
    VersionStages: [PENDING],
  });
}

async function setSecret(c: StepContext): Promise<void> {
  const pending = await secretAt(c, { VersionId: c.token, VersionStage: PENDING });
  const current = await secretAt(c, { VersionStage: CURRENT });
  for (const key of ["username", "host", "port", "dbname"] as const) {
    if (pending[key] !== current[key]) throw new Error(`${c.arn}: ${PENDING} ${key} differs from ${CURRENT}'s; a rotation changes the password only`);
  }
  // Set already (a retry after a failure in a later step).
  const done = await tryConnect(c, pending);
  if (done) {
    await done.end();
    return;
  }
  // The current password, or the previous one when a rotation stopped between setSecret and finishSecret.
  let session = await tryConnect(c, current);
  const previousId = Object.entries(c.versions).find(([, stages]) => stages.includes(PREVIOUS))?.[0];
  if (!session && previousId) session = await tryConnect(c, await secretAt(c, { VersionId: previousId, VersionStage: PREVIOUS }));
  if (!session) throw new Error(`${c.arn}: cannot sign in to ${current.host} as ${current.username} with the ${CURRENT} or ${PREVIOUS} password`);
  try {
    // The SCRAM verifier, not the password: log_statement = ddl logs the statement.
    await session.query(`ALTER ROLE ${quoteIdentifier(current.username)} WITH PASSWORD ${quoteLiteral(scramVerifier(pending.password))}`);
  } finally {
    await session.end();
  }
}

async function testSecret(c: StepContext): Promise<void> {
  const pending = await secretAt(c, { VersionId: c.token, VersionStage: PENDING });
  const session = await c.deps.connect(pending);
  try {
    await session.query("SELECT 1");
  } finally {
    await session.end();
  }
}

async function finishSecret(c: StepContext): Promise<void> {
  const currentId = Object.entries(c.versions).find(([, stages]) => stages.includes(CURRENT))?.[0];
  if (!currentId) throw new Error(`${c.arn}: no version is ${CURRENT}`);
  await c.deps.secrets.updateSecretVersionStage({ SecretId: c.arn, VersionStage: CURRENT, MoveToVersionId: c.token, RemoveFromVersionId: currentId });
}

/** The secret of one version, checked to be a master secret. */
async function secretAt(c: StepContext, which: { VersionId?: string; VersionStage: string }): Promise<MasterSecret> {
  const { SecretString } = await c.deps.secrets.getSecretValue({ SecretId: c.arn, ...which });
  const label = which.VersionId ? `version ${which.VersionId} (${which.VersionStage})` : which.VersionStage;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(SecretString ?? "");
  } catch {
    throw new Error(`${c.arn}: ${label} is not JSON`);
  }
  const missing = ["username", "password", "host", "port", "dbname"].filter((k) => value[k] === undefined || value[k] === "");
  if (missing.length) throw new Error(`${c.arn}: ${label} has no ${missing.join(", ")}`);
  if (value.engine !== "postgres") throw new Error(`${c.arn}: ${label} is not a postgres secret (engine ${String(value.engine)})`);
  return { ...value, port: Number(value.port) } as unknown as MasterSecret;
}

async function versionExists(c: StepContext): Promise<boolean> {
  try {
    await c.deps.secrets.getSecretValue({ SecretId: c.arn, VersionId: c.token, VersionStage: PENDING });
    return true;
  } catch (e) {
    if ((e as Error).name === "ResourceNotFoundException") return false;
    throw e;
  }
}

/** A session, or undefined when the sign-in fails (the reason is logged, never the password). */
async function tryConnect(c: StepContext, secret: MasterSecret): Promise<DatabaseSession | undefined> {
  try {
    return await c.deps.connect(secret);
  } catch (e) {
    c.log(`${c.arn}: sign-in to ${secret.host} as ${secret.username} failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** A PostgreSQL identifier in double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL string literal (standard_conforming_strings is on by default). */
export function quoteLiteral(value: string): string {
  if (value.includes("\\")) return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, PostgreSQL's
 * `scram_build_secret`): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64.
 * PostgreSQL takes it in `ALTER ROLE ... PASSWORD` as already encrypted, as psql's `\password`
 * sends it. Passwords of letters and digits need no SASLprep.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
