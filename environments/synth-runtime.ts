/**
 * Process settings for synth, imported by main.ts before anything else so that they hold
 * while the app's modules load (imports run in order, before main.ts's own statements).
 * AUTHORWORKS_DEBUG=1: an unexpected error prints its full, source-mapped stack (synth is slower).
 */
export const debug = process.env.AUTHORWORKS_DEBUG === "1";
// tsx (and scripts/app.mjs with AUTHORWORKS_DEBUG=1) turns source maps on; Node then parses and caches every loaded module's inline map
// (about 0.25 s), and maps the frame of every stack trace cdktf captures for its tokens
// (about a quarter of synth). Bad values stop synth with a ConfigError's own message, so
// transpiled positions are enough unless debugging.
if (!debug) process.setSourceMapsEnabled(false);
// Those traces (`creationStack`, only quoted when a token fails to resolve) are taken on a
// plain object; formatting them costs another ~15 % of synth. Real Errors keep a normal
// stack; AUTHORWORKS_TOKEN_TRACES=1 (or AUTHORWORKS_DEBUG=1) brings the token traces back.
if (process.env.AUTHORWORKS_TOKEN_TRACES !== "1" && !debug) {
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${String(f)}`)].join("\n") : "";
}
