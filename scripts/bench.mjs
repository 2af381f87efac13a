#!/usr/bin/env node
// Synth benchmark: runs the app exactly as `cdktf synth` does (tsx, no type-check)
// N times into a scratch directory and prints the median wall time and the peak
// memory (max RSS) of the synth process; then `npm run synth` (scripts/synth.mjs) N times,
// and the full `cdktf synth` CLI once.
// Usage: npm run bench [-- --runs 5] [-- --no-cli]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const withCli = !args.includes("--no-cli");
const scratch = mkdtempSync(join(tmpdir(), "authorworks-bench-"));
const rssFile = join(scratch, "rss");
// Preloaded into the synth process: writes its own peak RSS (KiB) when it exits.
const probe = join(scratch, "rss-probe.cjs");
writeFileSync(probe, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`);

const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const times = [];
const rss = [];
let stacks = [];
for (let i = 0; i < runs; i++) {
  const outdir = join(scratch, `out-${i}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", probe, "--import", "tsx", "main.ts"], { env: { ...env, CDKTF_OUTDIR: outdir }, stdio: ["ignore", "ignore", "inherit"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(`synth failed (exit ${r.status})`);
    process.exit(1);
  }
  times.push(ms);
  rss.push(Number(spawnSync("cat", [rssFile]).stdout.toString()) / 1024);
  stacks = readdirSync(join(outdir, "stacks"));
}

// `npm run synth` (scripts/synth.mjs: the app without the CLI), median of the same runs.
const scriptTimes = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["scripts/synth.mjs", "--output", join(scratch, `script-out-${i}`)], { env, stdio: ["ignore", "ignore", "inherit"] });
  scriptTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (r.status !== 0) {
    console.error(`npm run synth failed (exit ${r.status})`);
    process.exit(1);
  }
}

let cliMs;
if (withCli) {
  const start = process.hrtime.bigint();
  const r = spawnSync("npx", ["--no-install", "cdktf", "synth", "--output", join(scratch, "cli-out")], { env, stdio: ["ignore", "ignore", "inherit"] });
  cliMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(`cdktf synth failed (exit ${r.status})`);
    process.exit(1);
  }
}
rmSync(scratch, { recursive: true, force: true });

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`stacks: ${stacks.length} (${stacks.sort().join(", ")})`);
console.log(`app synth, ${runs} runs: median ${fmt(median(times))} (min ${fmt(Math.min(...times))}, max ${fmt(Math.max(...times))})`);
console.log(`peak memory (max RSS of the synth process): ${Math.max(...rss).toFixed(0)} MiB`);
console.log(`npm run synth (scripts/synth.mjs, no CLI), ${runs} runs: median ${fmt(median(scriptTimes))}`);
if (cliMs !== undefined) console.log(`cdktf synth (CLI included), 1 run: ${fmt(cliMs)}`);
