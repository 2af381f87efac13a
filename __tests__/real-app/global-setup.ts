import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_DIR_VARIABLE, startRealSynth } from ".";

/**
 * A fresh directory for this run's shared synth (./index.ts), started now; workers inherit the variable.
 * The workers also inherit NODE_COMPILE_CACHE (unless set already): on Node 22.1 and later each
 * keeps the V8 code of what it loads with Node's own loader (jest, SWC, the packages
 * ../shared-packages-runtime.js shares) for the next run, as scripts/cli-env.mjs does for the
 * cdktf CLI; Node 20 ignores it. Test files' own modules run through jest's vm and are not cached.
 */
export default function globalSetup(): void {
  process.env.NODE_COMPILE_CACHE ??= join(__dirname, "..", "..", "node_modules", ".cache", "node-compile-cache");
  const dir = mkdtempSync(join(tmpdir(), "authorworks-jest-run-"));
  process.env[RUN_DIR_VARIABLE] = dir;
  startRealSynth(dir);
}
