import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_DIR_VARIABLE } from ".";

/** A fresh directory for this run's shared synth (./index.ts); workers inherit the variable. */
export default function globalSetup(): void {
  process.env[RUN_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), "authorworks-jest-run-"));
}
