/** The app: which stacks exist. Everything else lives in environments/. */
// cdktf captures a full stack trace for every token it creates; with tsx's source maps on,
// mapping those frames costs about a quarter of synth time. Errors here are ConfigErrors
// with their own message, so transpiled positions are enough.
process.setSourceMapsEnabled(false);
// Those traces (`creationStack`, only quoted when a token fails to resolve) are taken on a
// plain object; formatting them was another ~15 % of synth. Real Errors keep a normal
// stack; AUTHORWORKS_TOKEN_TRACES=1 brings the token traces back for debugging.
if (process.env.AUTHORWORKS_TOKEN_TRACES !== "1") {
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${String(f)}`)].join("\n") : "";
}
import { buildApp } from "./environments/app";
import { ENVIRONMENTS } from "./environments";
import { ConfigError } from "./variables/validation";
import { SettingsError } from "./providers/state";

try {
  buildApp({ environments: ENVIRONMENTS, processEnv: process.env }).synth();
} catch (e) {
  if (e instanceof ConfigError || e instanceof SettingsError) {
    // A bad value in an environment file or setting: say which, without a stack trace.
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
