/**
 * Validation of the `budgetAction` section of an environment file (modules/monitoring
 * `BudgetRestriction`): the approval model and who approves. Called through ENVIRONMENT_CHECKS.
 */
import { BUDGET_ACTION_APPROVAL_MODELS, BUDGETS_MAX_EMAIL_SUBSCRIBERS } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";
import { EMAIL_ADDRESS } from "./observability";

/**
 * `budgetAction.approvalModel` is AUTOMATIC or MANUAL; `budgetAction.approvers` are distinct
 * e-mail addresses, at most BUDGETS_MAX_EMAIL_SUBSCRIBERS, and MANUAL has at least one: an
 * action waiting for an approval nobody is told about never runs.
 */
export function checkBudgetAction(c: Checker, cfg: EnvironmentConfig): void {
  const a = cfg.budgetAction;
  const modelOk = c.oneOf("budgetAction.approvalModel", a.approvalModel, BUDGET_ACTION_APPROVAL_MODELS);
  const approvers = a.approvers;
  if (!Array.isArray(approvers) || approvers.length > BUDGETS_MAX_EMAIL_SUBSCRIBERS) {
    c.fail("budgetAction.approvers", approvers, `a list of at most ${BUDGETS_MAX_EMAIL_SUBSCRIBERS} e-mail addresses (AWS Budgets' e-mail subscribers)`);
    return;
  }
  approvers.forEach((e, i) => c.matches(`budgetAction.approvers[${i}]`, e, EMAIL_ADDRESS, "an e-mail address such as finance@example.com"));
  if (new Set(approvers).size !== approvers.length) c.fail("budgetAction.approvers", approvers, "distinct addresses (each is one subscriber)");
  if (modelOk && a.approvalModel === "MANUAL" && approvers.length === 0) {
    c.fail(
      "budgetAction.approvers",
      approvers,
      'at least one e-mail address with approvalModel "MANUAL": AWS Budgets tells the approvers that the action waits for them; with none, nobody approves and nothing is restricted (or approvalModel "AUTOMATIC")',
    );
  }
}
