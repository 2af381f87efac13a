import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_DIR_VARIABLE, startRealSynth } from ".";

/** A fresh directory for this run's shared synth (./index.ts), started now; workers inherit the variable. */
export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "authorworks-jest-run-"));
  process.env[RUN_DIR_VARIABLE] = dir;
  startRealSynth(dir);
}
