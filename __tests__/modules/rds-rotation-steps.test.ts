/** The rotation function's four steps against a fake Secrets Manager and a fake PostgreSQL. */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { MASTER_PASSWORD_LENGTH } from "../../modules/rds";
import {
  CURRENT,
  DatabaseSession,
  MasterSecret,
  PENDING,
  PREVIOUS,
  ROTATED_PASSWORD_LENGTH,
  RotationDeps,
  SecretsApi,
  quoteIdentifier,
  quoteLiteral,
  rotate,
  scramVerifier,
} from "../../modules/rds/rotation/steps";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:authorworks-test-content/master-AbCdEf";
const TOKEN = "token-2";
const BASE: MasterSecret = { username: "dbadmin", password: "old0password", engine: "postgres", host: "db.example", port: 5432, dbname: "content_db" };

/** Secrets Manager's versions and staging labels, with the calls recorded. */
class FakeSecrets implements SecretsApi {
  public readonly calls: string[] = [];
  public rotationEnabled = true;
  public readonly values = new Map<string, string>();
  public readonly stages = new Map<string, string[]>();
  public randomPassword = "N3wPassw0rdN3wPassw0rdN3wPassw0rdN3wPass";

  constructor(initial: Record<string, { value: MasterSecret; stages: string[] }>) {
    for (const [id, v] of Object.entries(initial)) {
      this.values.set(id, JSON.stringify(v.value));
      this.stages.set(id, [...v.stages]);
    }
  }

  public async describeSecret() {
    this.calls.push("describeSecret");
    return { RotationEnabled: this.rotationEnabled, VersionIdsToStages: Object.fromEntries([...this.stages].map(([k, v]) => [k, [...v]])) };
  }

  public async getSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }) {
    this.calls.push(`getSecretValue ${input.VersionId ?? ""} ${input.VersionStage ?? ""}`.trim());
    const id = input.VersionId ?? [...this.stages].find(([, s]) => s.includes(input.VersionStage ?? CURRENT))?.[0];
    const ok = id !== undefined && this.values.has(id) && (!input.VersionStage || this.stages.get(id)!.includes(input.VersionStage));
    if (!ok) throw Object.assign(new Error("Secrets Manager can't find the specified secret value"), { name: "ResourceNotFoundException" });
    return { SecretString: this.values.get(id!), VersionId: id };
  }

  public async putSecretValue(input: { SecretId: string; ClientRequestToken: string; SecretString: string; VersionStages: string[] }) {
    this.calls.push(`putSecretValue ${input.ClientRequestToken} ${input.VersionStages.join(",")}`);
    this.values.set(input.ClientRequestToken, input.SecretString);
    const stages = this.stages.get(input.ClientRequestToken) ?? [];
    this.stages.set(input.ClientRequestToken, [...new Set([...stages, ...input.VersionStages])]);
    return {};
  }

  public async updateSecretVersionStage(input: { SecretId: string; VersionStage: string; MoveToVersionId: string; RemoveFromVersionId: string }) {
    this.calls.push(`updateSecretVersionStage ${input.VersionStage} ${input.RemoveFromVersionId}->${input.MoveToVersionId}`);
    if (!this.stages.get(input.RemoveFromVersionId)?.includes(input.VersionStage)) throw new Error("RemoveFromVersionId does not have the label");
    // As Secrets Manager does when AWSCURRENT moves: AWSPREVIOUS goes to the version it left.
    if (input.VersionStage === CURRENT) for (const s of this.stages.values()) if (s.includes(PREVIOUS)) s.splice(s.indexOf(PREVIOUS), 1);
    const from = this.stages.get(input.RemoveFromVersionId)!;
    from.splice(from.indexOf(input.VersionStage), 1);
    if (input.VersionStage === CURRENT) from.push(PREVIOUS);
    this.stages.get(input.MoveToVersionId)!.push(input.VersionStage);
    return {};
  }

  public async getRandomPassword(input: { PasswordLength: number; ExcludePunctuation: boolean; IncludeSpace: boolean }) {
    this.calls.push(`getRandomPassword ${input.PasswordLength} ${input.ExcludePunctuation} ${input.IncludeSpace}`);
    return { RandomPassword: this.randomPassword };
  }

  public valueOf(id: string): MasterSecret {
    return JSON.parse(this.values.get(id)!);
  }
}

/** One PostgreSQL role's password (as a SCRAM verifier after an ALTER ROLE), with the statements run. */
class FakeDatabase {
  public readonly statements: string[] = [];
  public readonly signIns: string[] = [];
  public reachable = true;

  constructor(public password: string) {}

  public readonly connect = async (s: MasterSecret): Promise<DatabaseSession> => {
    if (!this.reachable) throw new Error("connect ETIMEDOUT");
    const ok = s.username === BASE.username && s.host === BASE.host && this.accepts(s.password);
    this.signIns.push(`${s.password}:${ok ? "ok" : "refused"}`);
    if (!ok) throw new Error(`password authentication failed for user "${s.username}"`);
    return {
      query: async (sql: string) => {
        this.statements.push(sql);
        const alter = /^ALTER ROLE "dbadmin" WITH PASSWORD '(.*)'$/.exec(sql);
        if (alter) this.password = alter[1];
        return {};
      },
      end: async () => undefined,
    };
  };

  /** A plain password, or a SCRAM-SHA-256 verifier checked as PostgreSQL does. */
  private accepts(password: string): boolean {
    const scram = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(this.password);
    if (!scram) return password === this.password;
    const salted = pbkdf2Sync(password, Buffer.from(scram[2], "base64"), Number(scram[1]), 32, "sha256");
    const stored = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest("base64");
    return stored === scram[3];
  }
}

function world(extraStages: Record<string, { value: MasterSecret; stages: string[] }> = {}) {
  const secrets = new FakeSecrets({ "token-1": { value: BASE, stages: [CURRENT, "TERRAFORM"] }, ...extraStages });
  const db = new FakeDatabase(BASE.password);
  const logs: string[] = [];
  const deps: RotationDeps = { secrets, connect: db.connect, log: (m) => logs.push(m) };
  const step = (Step: string, token = TOKEN) => rotate({ SecretId: ARN, ClientRequestToken: token, Step }, deps);
  return { secrets, db, logs, deps, step };
}

/** What Secrets Manager does before createSecret: the new version id gets AWSPENDING (RotateSecret). */
function startRotation(secrets: FakeSecrets, token = TOKEN): void {
  secrets.stages.set(token, [PENDING]);
}

describe("a whole rotation", () => {
  test("createSecret, setSecret, testSecret, finishSecret: the role gets a new 40-character password and AWSCURRENT moves to it", async () => {
    const { secrets, db, step, logs } = world();
    startRotation(secrets);
    await step("createSecret");
    const pending = secrets.valueOf(TOKEN);
    expect(pending).toEqual({ ...BASE, password: secrets.randomPassword });
    expect(secrets.calls).toContain(`getRandomPassword ${ROTATED_PASSWORD_LENGTH} true false`);
    expect(secrets.calls).toContain(`putSecretValue ${TOKEN} ${PENDING}`);

    await step("setSecret");
    expect(db.statements).toHaveLength(1);
    // The verifier is sent, never the password itself (log_statement = ddl logs the statement).
    expect(db.statements[0]).toMatch(/^ALTER ROLE "dbadmin" WITH PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(db.statements[0]).not.toContain(secrets.randomPassword);

    await step("testSecret");
    expect(db.signIns.at(-1)).toBe(`${secrets.randomPassword}:ok`);
    expect(db.statements.at(-1)).toBe("SELECT 1");

    await step("finishSecret");
    expect(secrets.stages.get(TOKEN)).toEqual([PENDING, CURRENT]);
    // Terraform's own label stays on its version, now AWSPREVIOUS.
    expect(secrets.stages.get("token-1")).toEqual(["TERRAFORM", PREVIOUS]);
    expect(logs.join("\n")).not.toContain(secrets.randomPassword);
    expect(logs.join("\n")).not.toContain(BASE.password);
  });

  test("the rotated password is as long as the stack's ephemeral one", () => {
    expect(ROTATED_PASSWORD_LENGTH).toBe(MASTER_PASSWORD_LENGTH);
  });

  test("a second rotation signs in with the first one's password and leaves Terraform's version labelled", async () => {
    const { secrets, db, step } = world();
    for (const token of ["token-2", "token-3"]) {
      startRotation(secrets, token);
      secrets.randomPassword = `${token.replace("-", "")}`.padEnd(40, "x");
      for (const s of ["createSecret", "setSecret", "testSecret", "finishSecret"]) await step(s, token);
    }
    expect(secrets.stages.get("token-3")).toContain(CURRENT);
    expect(secrets.stages.get("token-2")).toEqual([PENDING, PREVIOUS]);
    expect(secrets.stages.get("token-1")).toEqual(["TERRAFORM"]);
    expect(db.signIns.at(-1)).toBe(`${"token3".padEnd(40, "x")}:ok`);
  });
});

describe("each step again (Secrets Manager retries a failed rotation)", () => {
  test("createSecret keeps an AWSPENDING version it made before", async () => {
    const { secrets, step } = world();
    startRotation(secrets);
    await step("createSecret");
    const first = secrets.values.get(TOKEN);
    secrets.randomPassword = "another".padEnd(40, "y");
    await step("createSecret");
    expect(secrets.values.get(TOKEN)).toBe(first);
    expect(secrets.calls.filter((c) => c.startsWith("putSecretValue"))).toHaveLength(1);
  });

  test("setSecret does nothing when the pending password signs in already", async () => {
    const { secrets, db, step } = world();
    startRotation(secrets);
    await step("createSecret");
    await step("setSecret");
    await step("setSecret");
    expect(db.statements.filter((s) => s.startsWith("ALTER ROLE"))).toHaveLength(1);
  });

  test("setSecret signs in with AWSPREVIOUS when the current password no longer works", async () => {
    const previous = { ...BASE, password: "prev1ous" };
    const { secrets, db, step } = world({ "token-0": { value: previous, stages: [PREVIOUS] } });
    db.password = previous.password;
    startRotation(secrets);
    await step("createSecret");
    await step("setSecret");
    expect(db.signIns).toEqual([`${secrets.randomPassword}:refused`, `${BASE.password}:refused`, `${previous.password}:ok`]);
    expect(db.statements).toHaveLength(1);
  });

  test("setSecret fails, changing nothing, when no password signs in", async () => {
    const { secrets, db, step } = world();
    db.password = "somethingelse";
    startRotation(secrets);
    await step("createSecret");
    await expect(step("setSecret")).rejects.toThrow(/cannot sign in to db.example as dbadmin/);
    expect(db.statements).toEqual([]);
  });

  test("testSecret fails when the database is out of reach", async () => {
    const { secrets, db, step } = world();
    startRotation(secrets);
    await step("createSecret");
    db.reachable = false;
    await expect(step("testSecret")).rejects.toThrow(/ETIMEDOUT/);
  });

  test("finishSecret on a version that is AWSCURRENT already does nothing", async () => {
    const { secrets, step, logs } = world();
    await step("finishSecret", "token-1");
    expect(secrets.calls).toEqual(["describeSecret"]);
    expect(logs.join("\n")).toMatch(/already AWSCURRENT/);
  });
});

describe("refusals", () => {
  test("rotation disabled, a version not in the rotation, a version not pending, an unknown step", async () => {
    const { secrets, step } = world();
    await expect(step("createSecret")).rejects.toThrow(/token-2 has no stage for rotation/);
    secrets.stages.set(TOKEN, [PREVIOUS]);
    await expect(step("createSecret")).rejects.toThrow(/is not AWSPENDING/);
    await expect(step("rotateEverything")).rejects.toThrow(/unknown step "rotateEverything"/);
    secrets.rotationEnabled = false;
    secrets.stages.set(TOKEN, [PENDING]);
    await expect(step("createSecret")).rejects.toThrow(/rotation is not enabled/);
  });

  test("a pending version for another user or host is not set", async () => {
    const { secrets, db, step } = world();
    startRotation(secrets);
    await step("createSecret");
    secrets.values.set(TOKEN, JSON.stringify({ ...secrets.valueOf(TOKEN), host: "elsewhere.example" }));
    await expect(step("setSecret")).rejects.toThrow(/AWSPENDING host differs from AWSCURRENT's/);
    expect(db.statements).toEqual([]);
  });

  test("a current version that is no postgres master secret", async () => {
    const { secrets, step } = world();
    secrets.values.set("token-1", JSON.stringify({ ...BASE, engine: "mysql" }));
    startRotation(secrets);
    await expect(step("createSecret")).rejects.toThrow(/AWSCURRENT is not a postgres secret/);
    secrets.values.set("token-1", JSON.stringify({ ...BASE, host: "" }));
    await expect(step("createSecret")).rejects.toThrow(/AWSCURRENT has no host/);
  });
});

describe("SQL and SCRAM", () => {
  test("identifiers and literals are quoted", () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("a\\b'")).toBe("E'a\\\\b'''");
  });

  test("the verifier's keys complete RFC 7677's example exchange (user, pencil)", () => {
    // RFC 7677 section 3: the server's signature and the client's proof of that exchange follow from ServerKey and StoredKey.
    const v = scramVerifier("pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"), 4096);
    const [, iterations, salt, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(v)!;
    expect([iterations, salt]).toEqual(["4096", "W22ZaJ0SNY7soEsUEjb6gQ=="]);
    const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    expect(createHmac("sha256", Buffer.from(serverKey, "base64")).update(authMessage).digest("base64")).toBe("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    // ClientKey = ClientProof XOR ClientSignature, and StoredKey = H(ClientKey).
    const proof = Buffer.from("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "base64");
    const signature = createHmac("sha256", Buffer.from(storedKey, "base64")).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    expect(createHash("sha256").update(clientKey).digest("base64")).toBe(storedKey);
  });
});
