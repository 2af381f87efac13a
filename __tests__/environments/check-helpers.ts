/** Shared by the *-checks tests: run one environment check and read its verdict. */
import type { EnvironmentConfig } from "../../environments/types";
import { Checker, ConfigError } from "../../variables/validation";

/** Runs `check` with a fresh Checker for `environment`; returns the ConfigError message (fails the test if none). */
export function configErrorOf(check: (c: Checker) => void, environment = "dev"): string {
  const c = new Checker(environment);
  check(c);
  try {
    c.done();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    expect(message).toContain(`environment "${environment}"`);
    return message;
  }
  throw new Error("expected a ConfigError");
}

/** The message `check` gives for `cfg`, named after `cfg.name`. */
export function checkErrorOf(check: (c: Checker, cfg: EnvironmentConfig) => void, cfg: EnvironmentConfig): string {
  return configErrorOf((c) => check(c, cfg), cfg.name);
}

/** `check` accepts `cfg`: no problem reported. */
export function expectCheckPasses(check: (c: Checker, cfg: EnvironmentConfig) => void, cfg: EnvironmentConfig): void {
  const c = new Checker(cfg.name);
  check(c, cfg);
  expect(() => c.done()).not.toThrow();
}
