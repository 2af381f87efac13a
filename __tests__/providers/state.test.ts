import { STATE_DEFAULTS, StateSettingsError, resolveStateSettings } from "../../providers/state";

describe("state settings", () => {
  test("defaults: S3 backend with DynamoDB locking, bootstrap on a local backend", () => {
    const s = resolveStateSettings({});
    expect(s.environments).toEqual({ kind: "s3", ...STATE_DEFAULTS });
    expect(s.bootstrap).toEqual({ kind: "s3", ...STATE_DEFAULTS, backend: "local" });
  });

  test("environment variables win over cdktf context, context over defaults", () => {
    const context = (k: string) => ({ stateBucket: "ctx-bucket", stateLockTable: "ctx-locks" })[k];
    const s = resolveStateSettings({ AUTHORWORKS_STATE_BUCKET: "env-bucket" }, context);
    expect(s.environments).toEqual({ kind: "s3", bucket: "env-bucket", lockTable: "ctx-locks", region: "us-east-1" });
  });

  test("TF_CLOUD_ORGANIZATION switches the environments to Terraform Cloud; bootstrap stays on S3 settings", () => {
    const s = resolveStateSettings({ TF_CLOUD_ORGANIZATION: "authorworks", TF_CLOUD_PROJECT: "platform" });
    expect(s.environments).toEqual({ kind: "cloud", organization: "authorworks", hostname: undefined, project: "platform" });
    expect(s.bootstrap.kind).toBe("s3");
  });

  test.each([
    [{ AUTHORWORKS_STATE_BUCKET: "Bad_Bucket" }, /AUTHORWORKS_STATE_BUCKET: got "Bad_Bucket"; accepted: an S3 bucket name/],
    [{ AUTHORWORKS_STATE_LOCK_TABLE: "x" }, /AUTHORWORKS_STATE_LOCK_TABLE: got "x"; accepted: a DynamoDB table name/],
    [{ AUTHORWORKS_STATE_REGION: "useast1" }, /AUTHORWORKS_STATE_REGION: got "useast1"; accepted: an AWS region/],
    [{ AUTHORWORKS_BOOTSTRAP_BACKEND: "remote" }, /AUTHORWORKS_BOOTSTRAP_BACKEND: got "remote"; accepted: "local" or "s3"/],
  ])("refuses %j", (env, message) => {
    expect(() => resolveStateSettings(env)).toThrow(StateSettingsError);
    expect(() => resolveStateSettings(env)).toThrow(message);
  });

  test("a bad context value is named by its context key", () => {
    expect(() => resolveStateSettings({}, (k) => (k === "stateBucket" ? "UPPER" : undefined))).toThrow(/context stateBucket: got "UPPER"/);
  });
});
