/**
 * The PostgreSQL parameters every service database gets: TLS only, and the logging an
 * operator needs to answer "what was slow, who connected, what was waiting" from the
 * CloudWatch log group without turning on full statement logging.
 */

/** One entry of an `aws_db_parameter_group`. */
export interface DbParameter {
  readonly name: string;
  readonly value: string;
  /**
   * `immediate` for dynamic parameters; static ones (which need a restart) must say
   * `pending-reboot` or RDS rejects the change. @default "immediate"
   */
  readonly applyMethod?: "immediate" | "pending-reboot";
}

/** `postgres<major>` from "17" or "17.4". */
export function parameterGroupFamily(engineVersion: string): string {
  return `postgres${engineVersion.split(".")[0]}`;
}

export interface ParameterOptions {
  /** Statements slower than this are logged with their duration (ms). */
  readonly slowStatementMs: number;
  /** Temporary files larger than this are logged (kB); spills to disk mean work_mem is short. */
  readonly tempFileKb: number;
}

export function defaultParameters(o: ParameterOptions): DbParameter[] {
  return [
    // Refuse unencrypted connections (the RDS default since PostgreSQL 15; explicit so it cannot drift).
    { name: "rds.force_ssl", value: "1" },
    { name: "log_min_duration_statement", value: String(o.slowStatementMs) },
    { name: "log_connections", value: "1" },
    { name: "log_disconnections", value: "1" },
    { name: "log_lock_waits", value: "1" },
    { name: "log_temp_files", value: String(o.tempFileKb) },
    // Schema changes are rare and worth an audit line; data statements are not logged.
    { name: "log_statement", value: "ddl" },
    { name: "log_autovacuum_min_duration", value: "10000" },
    // Per-query statistics for Performance Insights and pg_stat_statements; static, so it waits for a reboot.
    { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
  ];
}

/** Defaults, with `overrides` replacing parameters of the same name and adding new ones. */
export function mergeParameters(defaults: readonly DbParameter[], overrides: readonly DbParameter[]): DbParameter[] {
  const byName = new Map(defaults.map((p) => [p.name, p]));
  for (const p of overrides) byName.set(p.name, p);
  return [...byName.values()];
}
