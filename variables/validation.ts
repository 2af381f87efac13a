/**
 * Validation helpers. Every check reports the field, what it got and what is
 * accepted; `Checker.done()` throws one ConfigError naming the environment, so a bad
 * environment file stops synth before any stack is built or anything is written.
 */

export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for environment "${environment}" (nothing was synthesized):\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value === undefined ? "nothing" : JSON.stringify(value));
}

export class Checker {
  private readonly problems: string[] = [];

  constructor(readonly environment: string) {}

  /** Records a problem with `field`: what it got and what would be accepted. */
  fail(field: string, got: unknown, accepted: string): void {
    this.problems.push(`${field}: got ${show(got)}; accepted: ${accepted}`);
  }

  /** `value` is one of `allowed`. */
  oneOf<T>(field: string, value: T, allowed: Iterable<T>, describe?: string): boolean {
    const list = [...allowed];
    if (list.includes(value)) return true;
    this.fail(field, value, describe ?? `one of ${list.map((v) => show(v)).join(", ")}`);
    return false;
  }

  /** `value` is a boolean (synth does not type-check: the string "false" would count as true). */
  boolean(field: string, value: unknown, describe = "true or false"): boolean {
    if (typeof value === "boolean") return true;
    this.fail(field, value, describe);
    return false;
  }

  /** `value` is an integer in [min, max]. */
  intRange(field: string, value: number, min: number, max: number, unit = ""): boolean {
    if (Number.isInteger(value) && value >= min && value <= max) return true;
    this.fail(field, value, `a whole number from ${min} to ${max}${unit ? ` ${unit}` : ""}`);
    return false;
  }

  /** `value` is a number in [min, max] (fractions allowed). */
  numberRange(field: string, value: number, min: number, max: number, unit = ""): boolean {
    if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return true;
    this.fail(field, value, `a number from ${min} to ${max}${unit ? ` ${unit}` : ""}`);
    return false;
  }

  /** `value` matches `pattern`. */
  matches(field: string, value: string | undefined, pattern: RegExp, describe: string): boolean {
    if (typeof value === "string" && pattern.test(value)) return true;
    this.fail(field, value, describe);
    return false;
  }

  /** `low` <= `high` (both fields named in the message). */
  ordered(lowField: string, low: number, highField: string, high: number): boolean {
    if (low <= high) return true;
    this.problems.push(`${lowField} (${low}) is greater than ${highField} (${high}); accepted: ${lowField} <= ${highField}`);
    return false;
  }

  /** Free-form problem for checks that relate several fields. */
  problem(message: string): void {
    this.problems.push(message);
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one ConfigError listing every problem found, if any. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.environment, this.problems);
  }
}

/** Lower-case DNS label (RFC 1123), as Kubernetes and S3-style names need. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
