import { rmSync } from "node:fs";
import { RUN_DIR_VARIABLE, stopRealSynth } from ".";

/** Stops this run's synth if it still runs and removes its directory: the next run synthesizes again. */
export default function globalTeardown(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir) return;
  stopRealSynth(dir);
  rmSync(dir, { recursive: true, force: true });
}
