/**
 * What main.ts prints when synth stops. Left uncaught, Node prints the source line an error
 * was thrown from, in compiled JavaScript (under tsx, each file is one long line: a screen of
 * minified code).
 */
import { ConfigError } from "../variables/validation";
import { SettingsError } from "../providers/state";

/** The environment variable that asks for the full stack of an unexpected error. */
export const DEBUG_VARIABLE = "AUTHORWORKS_DEBUG";

/** Printed under an unexpected error's message when the stack is not shown. */
export const DEBUG_HINT = `An unexpected error, not one the configuration checks report: set ${DEBUG_VARIABLE}=1 to print its stack trace.`;

export interface ReportErrorOptions {
  /** Print the stack of an unexpected error (`AUTHORWORKS_DEBUG=1`). @default false */
  readonly debug?: boolean;
  /** Where the text goes. @default console.error */
  readonly write?: (text: string) => void;
}

/**
 * Prints why synth stopped and returns the exit code (always 1). A ConfigError or
 * SettingsError is a bad value, and its message already names the environment, field and
 * what is accepted: printed alone. Anything else is a bug or an unexpected state: one line
 * `Error: <message>` and a hint, or with `debug` the full stack.
 */
export function reportSynthError(error: unknown, options: ReportErrorOptions = {}): number {
  const write = options.write ?? ((text: string) => console.error(text));
  if (error instanceof ConfigError || error instanceof SettingsError) {
    write(error.message);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (options.debug) {
    write(error instanceof Error && error.stack ? error.stack : `Error: ${message}`);
  } else {
    write(`Error: ${message.trim()}`);
    write(DEBUG_HINT);
  }
  return 1;
}
