/**
 * The committed app, synthesized once per `jest` run by `npm run synth` (scripts/synth.mjs)
 * and read by every test file that only reads the real stacks.
 *
 * The first test file to ask runs the synth into the run's directory (made fresh by
 * global-setup.ts, removed by global-teardown.ts, so no result outlives its run); the others
 * wait for its record. Each read parses the files again: test files share no objects.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "../helpers";

/** The variable global-setup.ts sets to this run's directory. */
export const RUN_DIR_VARIABLE = "AUTHORWORKS_JEST_RUN_DIR";

const ROOT = join(__dirname, "../..");
/** How long the synth may take, in ms (it takes about 5 s; more on a loaded machine). */
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

/**
 * `npm run synth --output=<run dir>/out` of the committed app, with no AUTHORWORKS_* or
 * Terraform Cloud variable set (only PATH and HOME), as `buildApp({ processEnv: {} })`.
 * Its output directory starts with a retired stack's directory and a stray file in `stacks/`,
 * as an earlier synth of another app would leave them: __tests__/ci/synth-script.test.ts
 * checks what the script does with them.
 */
export function realSynthRun(): SynthRun {
  const dir = runDir();
  const record = join(dir, "run.json");
  let first = true;
  try {
    closeSync(openSync(join(dir, "started"), "wx"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    first = false;
  }
  if (first) {
    const outdir = join(dir, "out");
    mkdirSync(join(outdir, "stacks", "retired-stack"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "retired-stack", "cdk.tf.json"), "{}");
    writeFileSync(join(outdir, "stacks", "notes.txt"), "not a stack");
    const run = spawnSync(process.execPath, ["scripts/synth.mjs", `--output=${outdir}`], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      timeout: WAIT_MS,
    });
    const stderr = run.error ? `${run.error}\n${run.stderr ?? ""}` : run.stderr;
    const result: SynthRun = { status: run.status, stdout: run.stdout ?? "", stderr, outdir };
    // Written whole, then renamed: a waiting file never reads half a record.
    writeFileSync(`${record}.tmp`, JSON.stringify(result));
    renameSync(`${record}.tmp`, record);
  } else {
    // The first file's own limit, and time to write its record.
    const limit = WAIT_MS + 30_000;
    const sleep = new Int32Array(new SharedArrayBuffer(4));
    for (const start = Date.now(); !existsSync(record); Atomics.wait(sleep, 0, 0, 20)) {
      if (Date.now() - start > limit)
        throw new Error(`npm run synth, started by another test file, did not finish within ${limit / 1000} s (see that file's failure)`);
    }
  }
  return JSON.parse(readFileSync(record, "utf8"));
}

/** The JSON as `JSON.parse(Testing.synth(stack))` gives it: no cdktf `//` metadata, keys sorted by code unit. */
function asTestingSynth(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asTestingSynth);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value)
    .filter((k) => k !== "//")
    .sort();
  return Object.fromEntries(keys.map((k) => [k, asTestingSynth((value as Json)[k])]));
}

function succeeded(): SynthRun {
  const run = realSynthRun();
  if (run.status !== 0) throw new Error(`npm run synth failed (exit ${run.status}):\n${run.stderr}`);
  return run;
}

/** One stack of the committed app, as `JSON.parse(Testing.synth(stack, true))` gives it. */
export function realStack(name: string): Json {
  const { outdir } = succeeded();
  return asTestingSynth(JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"))) as Json;
}

/** Every stack of the committed app by name, in the manifest's (alphabetical) order. */
export function realStacks(): Record<string, Json> {
  const { outdir } = succeeded();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.fromEntries(Object.keys(manifest.stacks).map((name) => [name, realStack(name)]));
}
