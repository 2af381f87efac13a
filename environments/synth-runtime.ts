/**
 * Process settings for synth, imported by main.ts before anything else so that they hold
 * while the app's modules load (imports run in order, before main.ts's own statements).
 * AUTHORWORKS_DEBUG=1: an unexpected error prints its full, source-mapped stack (synth is slower).
 */
import { silencePackageDeprecations } from "./package-warnings";
import { dropTokenTraces } from "./token-traces";

export const debug = process.env.AUTHORWORKS_DEBUG === "1";
// tsx (and scripts/app.mjs with AUTHORWORKS_DEBUG=1) turns source maps on; Node then parses and caches every loaded module's inline map
// (about 0.25 s), and maps the frame of every stack trace cdktf captures for its tokens
// (about a quarter of synth). Bad values stop synth with a ConfigError's own message, so
// transpiled positions are enough unless debugging.
if (!debug) process.setSourceMapsEnabled(false);
// Those traces, cdktf's `creationStack` of every token (environments/token-traces.ts), are
// taken on plain objects: formatting them as text cost about 15 % of synth, collecting their
// frames 0.1-0.15 CPU-s more (a tenth of the prebuilt app's synth). They become empty
// strings, never collected; real Errors keep a normal stack.
// AUTHORWORKS_TOKEN_TRACES=1 (or AUTHORWORKS_DEBUG=1) brings the token traces back.
if (process.env.AUTHORWORKS_TOKEN_TRACES !== "1" && !debug) {
  dropTokenTraces();
}
// cdktf's call of the deprecated util.isArray warns on Node 22 and later (./package-warnings.ts).
silencePackageDeprecations();
