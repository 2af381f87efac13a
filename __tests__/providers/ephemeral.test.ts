import { Fn, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { EphemeralRandomPassword } from "../../providers/ephemeral";
import { synthWith } from "../helpers";

describe("EphemeralRandomPassword", () => {
  test("is an ephemeral block under ephemeral.random_password.<id> with only the arguments given, and no resource", () => {
    const json = synthWith((stack) => {
      const scope = new Construct(stack, "db");
      new EphemeralRandomPassword(scope, "master-password", { length: 40, special: false, minUpper: 2 });
    });
    expect(json.ephemeral).toEqual({ random_password: { db_master_password: { length: 40, special: false, min_upper: 2 } } });
    expect(json.resource?.random_password).toBeUndefined();
  });

  test("result renders as a reference to the ephemeral block, alone and inside jsonencode", () => {
    const json = synthWith((stack) => {
      const pw = new EphemeralRandomPassword(stack, "pw", { length: 32 });
      new SecretsmanagerSecretVersion(stack, "plain", { secretId: "s", secretStringWo: pw.result, secretStringWoVersion: 1 });
      new SecretsmanagerSecretVersion(stack, "encoded", { secretId: "s", secretStringWo: Fn.jsonencode({ password: pw.result }), secretStringWoVersion: 1 });
    });
    const versions = json.resource.aws_secretsmanager_secret_version;
    expect(versions.plain.secret_string_wo).toBe("${ephemeral.random_password.pw.result}");
    expect(versions.encoded.secret_string_wo).toBe('${jsonencode({"password" = ephemeral.random_password.pw.result})}');
    expect(json.ephemeral.random_password.pw).toEqual({ length: 32 });
  });

  test("shares no address with a random_password resource of the same id, and two ephemeral ones of one path are refused", () => {
    const json = synthWith((stack) => {
      new RandomProvider(stack, "random");
      new EphemeralRandomPassword(stack, "a", { length: 8 });
      new EphemeralRandomPassword(stack, "b", { length: 9 });
      // Paths c/d and c_d: the same logical id "c_d" in two different Terraform types.
      new Password(new Construct(stack, "c"), "d", { length: 10 });
      new EphemeralRandomPassword(stack, "c_d", { length: 11 });
    });
    expect(Object.keys(json.ephemeral.random_password)).toEqual(["a", "b", "c_d"]);
    expect(json.resource.random_password.c_d.length).toBe(10);
    expect(json.ephemeral.random_password.c_d.length).toBe(11);
    expect(() =>
      synthWith((stack) => {
        new EphemeralRandomPassword(new Construct(stack, "x"), "y", { length: 8 });
        new EphemeralRandomPassword(stack, "x_y", { length: 8 });
      }),
    ).toThrow(/ephemeral\.random_password\.x_y" would be used by both/);
  });

  test.each([
    [{ length: 0 }, /length 0 must be a whole number of at least 1/],
    [{ length: 8.5 }, /length 8.5/],
    [{ length: 8, minLower: -1 }, /min_\* must be whole numbers/],
    [{ length: 4, minLower: 2, minUpper: 2, minNumeric: 1 }, /add up to 5, more than length 4/],
  ])("refuses %j", (props, message) => {
    expect(() => synthWith((stack: TerraformStack) => new EphemeralRandomPassword(stack, "pw", props))).toThrow(message);
  });
});
