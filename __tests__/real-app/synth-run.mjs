// The run's synth of the committed app (./index.ts startRealSynth starts it, detached):
// `npm run synth --output=<run dir>/out` with only PATH and HOME set, then, when it succeeds,
// every stack in the form tests read (`JSON.parse(Testing.synth(stack))`: no cdktf `//`
// metadata, keys sorted by code unit), then the record of the run, written whole. Its own
// process writes the record, so a test waiting for it never has to yield to jest's.
//
//   node synth-run.mjs <run dir> <time limit, ms>
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [dir, limit] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const outdir = join(dir, "out");
const run = spawnSync(process.execPath, ["scripts/synth.mjs", `--output=${outdir}`], {
  cwd: root,
  encoding: "utf8",
  env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
  timeout: Number(limit),
});

/** The JSON as `JSON.parse(Testing.synth(stack))` gives it. */
function asTestingSynth(value) {
  if (Array.isArray(value)) return value.map(asTestingSynth);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value)
    .filter((k) => k !== "//")
    .sort();
  return Object.fromEntries(keys.map((k) => [k, asTestingSynth(value[k])]));
}

if (run.status === 0) {
  mkdirSync(join(dir, "testing"));
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  for (const [name, { synthesizedStackPath }] of Object.entries(manifest.stacks)) {
    const stack = JSON.parse(readFileSync(join(outdir, synthesizedStackPath), "utf8"));
    writeFileSync(join(dir, "testing", `${name}.json`), JSON.stringify(asTestingSynth(stack)));
  }
}
const stderr = run.error ? `${run.error}\n${run.stderr ?? ""}` : run.stderr;
// Written whole, then renamed: a waiting file never reads half a record.
writeFileSync(join(dir, "run.json.tmp"), JSON.stringify({ status: run.status, stdout: run.stdout ?? "", stderr, outdir }));
renameSync(join(dir, "run.json.tmp"), join(dir, "run.json"));
