/**
 * cdktf records a stack trace for every token it creates (`creationStack`, quoted only when
 * the token fails to resolve), with Error.captureStackTrace on a plain object and the whole
 * stack deep. Collecting and formatting those frames is a large part of synth (see
 * synth-runtime.ts). No side effect on import: main.ts (through synth-runtime.ts) and the
 * jest setup call it.
 */

/** How a real Error's stack is formatted. */
export type ErrorFormatter = (error: Error, frames: NodeJS.CallSite[]) => string;

/** V8's own format: `Name: message`, then one `    at frame` line per frame. */
export const V8_FORMAT: ErrorFormatter = (error, frames) => [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${String(f)}`)].join("\n");

/**
 * From now on, a stack captured on a plain object (a token trace) is the empty string,
 * without its frames being collected, and an Error's stack is `formatError`'s (@default V8_FORMAT). Code that
 * installs its own Error.prepareStackTrace gets real frames on any object while it is in place.
 */
export function dropTokenTraces(formatError: ErrorFormatter = V8_FORMAT): void {
  const format: typeof Error.prepareStackTrace = (error, frames) => (error instanceof Error ? formatError(error, frames) : "");
  Error.prepareStackTrace = format;
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target, constructorOpt) => {
    if (target instanceof Error || Error.prepareStackTrace !== format) capture(target, constructorOpt);
    else (target as { stack?: string }).stack = "";
  };
}
