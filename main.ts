/** The app: which stacks exist. Everything else lives in environments/. */
// AUTHORWORKS_DEBUG=1: an unexpected error prints its full, source-mapped stack (synth is slower).
const debug = process.env.AUTHORWORKS_DEBUG === "1";
// cdktf captures a full stack trace for every token it creates; with tsx's source maps on,
// mapping those frames costs about a quarter of synth time. Bad values stop synth with a
// ConfigError's own message, so transpiled positions are enough unless debugging.
if (!debug) process.setSourceMapsEnabled(false);
// Those traces (`creationStack`, only quoted when a token fails to resolve) are taken on a
// plain object; formatting them was another ~15 % of synth. Real Errors keep a normal
// stack; AUTHORWORKS_TOKEN_TRACES=1 (or AUTHORWORKS_DEBUG=1) brings the token traces back.
if (process.env.AUTHORWORKS_TOKEN_TRACES !== "1" && !debug) {
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${String(f)}`)].join("\n") : "";
}
import { buildApp } from "./environments/app";
import { ENVIRONMENTS } from "./environments";
import { reportSynthError } from "./environments/report-error";

try {
  buildApp({ environments: ENVIRONMENTS, processEnv: process.env }).synth();
} catch (e) {
  // Never rethrow: Node would print the throwing line of tsx's one-line output (minified code).
  process.exit(reportSynthError(e, { debug }));
}
