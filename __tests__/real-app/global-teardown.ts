import { rmSync } from "node:fs";
import { RUN_DIR_VARIABLE } from ".";

/** Removes this run's directory: the next run synthesizes again. */
export default function globalTeardown(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
