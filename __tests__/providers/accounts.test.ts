import { dev } from "../../environments/dev";
import { AccountSettingsError, resolveAccountIds } from "../../providers/accounts";
import { SettingsError } from "../../providers/state";
import { synthApp } from "../synth-app";

const NAMES = ["dev", "staging", "production"];
const none = () => undefined;

describe("account ids set outside the environment files", () => {
  test("unset: no override", () => {
    expect(resolveAccountIds({}, none, NAMES)).toEqual({});
  });

  test("the variable names environments one by one", () => {
    expect(resolveAccountIds({ AUTHORWORKS_ACCOUNT_IDS: "dev=111111111111, production=333333333333" }, none, NAMES)).toEqual({
      dev: "111111111111",
      production: "333333333333",
    });
  });

  test("context takes an object; the variable wins over it", () => {
    const context = (k: string) => (k === "accountIds" ? { staging: "222222222222" } : undefined);
    expect(resolveAccountIds({}, context, NAMES)).toEqual({ staging: "222222222222" });
    expect(resolveAccountIds({ AUTHORWORKS_ACCOUNT_IDS: "dev=111111111111" }, context, NAMES)).toEqual({ dev: "111111111111" });
  });

  test.each([
    ["qa=111111111111", /AUTHORWORKS_ACCOUNT_IDS \(environment\): got "qa"; accepted: one of dev, staging, production/],
    ["dev=1234", /AUTHORWORKS_ACCOUNT_IDS \(dev\): got "1234"; accepted: a 12-digit AWS account id/],
    ["dev:111111111111", /AUTHORWORKS_ACCOUNT_IDS: got "dev:111111111111"; accepted: comma-separated <environment>=<12-digit account id> pairs/],
  ])("refuses %s", (value, message) => {
    const run = () => resolveAccountIds({ AUTHORWORKS_ACCOUNT_IDS: value }, none, NAMES);
    expect(run).toThrow(AccountSettingsError);
    expect(run).toThrow(SettingsError);
    expect(run).toThrow(message);
  });

  test("a bad context value is named by its context key", () => {
    expect(() => resolveAccountIds({}, (k) => (k === "accountIds" ? ["111111111111"] : undefined), NAMES)).toThrow(/context accountIds: got/);
  });

  test("the override reaches every AWS provider of that environment's stacks, and only that environment's", () => {
    const stacks = synthApp({ processEnv: { AUTHORWORKS_ACCOUNT_IDS: "staging=444444444444,production=555555555555" } });
    const providersOf = (stack: string) => stacks[stack].provider.aws as { alias?: string; allowed_account_ids?: string[] }[];
    expect(providersOf("staging").map((p) => p.alias)).toEqual([undefined, "global", "parent_zone"]);
    expect(providersOf("staging-platform").map((p) => p.alias)).toEqual([undefined]);
    for (const stack of ["staging", "staging-platform"]) {
      const aws = providersOf(stack);
      // The parent zone is production's: its provider is guarded by production's account.
      for (const p of aws) expect(p.allowed_account_ids).toEqual([p.alias === "parent_zone" ? "555555555555" : "444444444444"]);
    }
    for (const p of providersOf("dev")) expect(p.allowed_account_ids).toEqual([p.alias === "parent_zone" ? "555555555555" : dev.accountId]);
  });
});
