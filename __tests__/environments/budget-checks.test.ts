/** environments/checks/budget.ts: the budget action's approval model and its approvers. */
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { BudgetActionConfig, EnvironmentConfig } from "../../environments/types";
import { checkBudgetAction } from "../../environments/checks/budget";
import { resolveEnvironment } from "../../environments/config";
import { loadableAlone } from "../helpers";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

const withAction = (budgetAction: Partial<BudgetActionConfig>, base: EnvironmentConfig = production): EnvironmentConfig => ({
  ...base,
  budgetAction: { ...base.budgetAction, ...budgetAction },
});
const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkBudgetAction, cfg);

describe("checkBudgetAction on the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (env) => {
    expectCheckPasses(checkBudgetAction, env);
  });

  test("automatic in dev and staging, manual in production with an approver", () => {
    expect([dev, staging, production].map((e) => e.budgetAction.approvalModel)).toEqual(["AUTOMATIC", "AUTOMATIC", "MANUAL"]);
    expect(production.budgetAction.approvers.length).toBeGreaterThan(0);
  });
});

describe("checkBudgetAction: who approves", () => {
  test("MANUAL with no approver is refused: nobody would be told the action waits", () => {
    const msg = errorOf(withAction({ approvalModel: "MANUAL", approvers: [] }));
    expect(msg).toContain('environment "production"');
    expect(msg).toContain('budgetAction.approvers: got []; accepted: at least one e-mail address with approvalModel "MANUAL"');
    expect(msg).toContain('(or approvalModel "AUTOMATIC")');
  });

  test("AUTOMATIC needs no approver (the critical topic is told it ran)", () => {
    expectCheckPasses(checkBudgetAction, withAction({ approvalModel: "AUTOMATIC", approvers: [] }));
  });

  test("a bad model, address, duplicate or too many approvers are refused", () => {
    expect(errorOf(withAction({ approvalModel: "LATER" as never }))).toContain(
      'budgetAction.approvalModel: got "LATER"; accepted: one of "AUTOMATIC", "MANUAL"',
    );
    expect(errorOf(withAction({ approvers: ["not an address"] }))).toContain('budgetAction.approvers[0]: got "not an address"; accepted: an e-mail address');
    expect(errorOf(withAction({ approvers: ["a@example.com", "a@example.com"] }))).toContain("budgetAction.approvers: got");
    expect(errorOf(withAction({ approvers: ["a@example.com", "a@example.com"] }))).toContain("accepted: distinct addresses");
    const eleven = Array.from({ length: 11 }, (_, i) => `approver${i}@example.com`);
    expect(errorOf(withAction({ approvers: eleven }))).toContain("accepted: a list of at most 10 e-mail addresses");
  });

  test("the refusal stops synth (resolveEnvironment)", () => {
    expect(() => resolveEnvironment(withAction({ approvalModel: "MANUAL", approvers: [] }, loadableAlone(staging)))).toThrow(
      /environment "staging"[\s\S]*budgetAction\.approvers: got \[\]; accepted: at least one e-mail address with approvalModel "MANUAL"/,
    );
  });
});
