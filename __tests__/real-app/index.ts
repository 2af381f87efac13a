/**
 * The committed app, synthesized once per `jest` run by `npm run synth` (scripts/synth.mjs)
 * and read by every test file that only reads the real stacks.
 *
 * global-setup.ts starts the synth in the background (startRealSynth) into the run's
 * directory, made fresh for the run and removed by global-teardown.ts, so no result outlives
 * its run: it runs while jest starts its workers and runs the first files. Readers wait for
 * its record. When it succeeds, the stacks are also written in the form tests read them,
 * once; each read parses a file again: test files share no objects.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "../helpers";

/** The variable global-setup.ts sets to this run's directory. */
/** The committed app's stacks, in the order the app makes them (each environment, then its platform layer). */
export const COMMITTED_STACKS: readonly string[] = [
  "bootstrap",
  "dev",
  "dev-platform",
  "staging",
  "staging-platform",
  "production",
  "production-platform",
  "production-dr",
  "production-dr-platform",
];

export const RUN_DIR_VARIABLE = "AUTHORWORKS_JEST_RUN_DIR";

/** How long the synth may take, in ms (it takes 1-2 s; more on a loaded machine). */
const WAIT_MS = 180_000;

/** How `npm run synth` ended, and where it wrote. */
export interface SynthRun {
  /** The exit code; null if it was killed (see `stderr`). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The output directory (`--output`). */
  readonly outdir: string;
}

function runDir(): string {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir) throw new Error(`${RUN_DIR_VARIABLE} is not set: run the tests with jest.config.js, whose globalSetup makes the run's directory`);
  return dir;
}

/** The files of a run's directory: the synth's output, its record, its process (group) id, the stacks as tests read them. */
const runFiles = (dir: string) => ({
  outdir: join(dir, "out"),
  record: join(dir, "run.json"),
  pid: join(dir, "synth.pid"),
  testing: join(dir, "testing"),
});

/**
 * Starts `npm run synth --output=<run dir>/out` of the committed app (./synth-run.mjs, in a
 * process group of its own), with no AUTHORWORKS_* or Terraform Cloud variable set (only PATH
 * and HOME), as `buildApp({ processEnv: {} })`, and returns at once; when it ends, its record
 * (SynthRun) is written. Its output directory starts with a retired stack's directory and a
 * stray file in `stacks/`, as an earlier synth of another app would leave them:
 * __tests__/ci/synth-script.test.ts checks what the script does with them.
 */
export function startRealSynth(dir: string): void {
  const files = runFiles(dir);
  mkdirSync(join(files.outdir, "stacks", "retired-stack"), { recursive: true });
  writeFileSync(join(files.outdir, "stacks", "retired-stack", "cdk.tf.json"), "{}");
  writeFileSync(join(files.outdir, "stacks", "notes.txt"), "not a stack");
  const child = spawn(process.execPath, [join(__dirname, "synth-run.mjs"), dir, String(WAIT_MS)], { detached: true, stdio: "ignore" });
  writeFileSync(files.pid, String(child.pid));
  child.unref();
}

/** Stops the synth startRealSynth started, if it still runs (a run of a few files can end first). */
export function stopRealSynth(dir: string): void {
  const files = runFiles(dir);
  if (existsSync(files.record) || !existsSync(files.pid)) return;
  try {
    // Its group: the script and the synth it runs.
    process.kill(-Number(readFileSync(files.pid, "utf8")));
  } catch {
    // It ended meanwhile.
  }
}

/** How the run's synth ended, waiting for it (started by global-setup.ts) if it still runs. */
export function realSynthRun(): SynthRun {
  const { record } = runFiles(runDir());
  // The synth's own limit, and time to write its record.
  const limit = WAIT_MS + 30_000;
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (const start = Date.now(); !existsSync(record); Atomics.wait(sleep, 0, 0, 20)) {
    if (Date.now() - start > limit) throw new Error(`npm run synth, started by jest's global setup, did not finish within ${limit / 1000} s`);
  }
  return JSON.parse(readFileSync(record, "utf8"));
}

function succeeded(): SynthRun {
  const run = realSynthRun();
  if (run.status !== 0) throw new Error(`npm run synth failed (exit ${run.status}):\n${run.stderr}`);
  return run;
}

/** One stack of the committed app, as `JSON.parse(Testing.synth(stack, true))` gives it. */
export function realStack(name: string): Json {
  succeeded();
  return JSON.parse(readFileSync(join(runFiles(runDir()).testing, `${name}.json`), "utf8"));
}

/** Every stack of the committed app by name, in the manifest's (alphabetical) order. */
export function realStacks(): Record<string, Json> {
  const { outdir } = succeeded();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.fromEntries(Object.keys(manifest.stacks).map((name) => [name, realStack(name)]));
}
