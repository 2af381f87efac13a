#!/usr/bin/env node
// Synth and test benchmark, printed side by side with issue 16's targets:
// - app synth: cdktf.json's app run exactly as `cdktf synth` runs it (scripts/app.mjs: main.ts
//   and its packages prebuilt by esbuild, no type-check, through a V8 code cache), N times into
//   a scratch directory: wall time, and the CPU time and peak memory (max RSS) of the synth
//   process; then the same under tsx (`node --import tsx main.ts`, each module compiled as it
//   loads), measured the same way;
// - npm run synth, N times: `node scripts/synth.mjs` (the same app without the CLI), and the
//   same through npm (`npm run synth`, npm's own start-up included): wall time, and the CPU
//   time of the process tree (as for the CLI and npm test; Linux only). Target <= 1.5 s;
// - the full `cdktf synth` CLI through npx, N times (--cli-runs N, 3 by default; --no-cli skips
//   it): wall time. Target <= 3 s. On Node 22 and later, also with the CLI's compiled code
//   cached (NODE_COMPILE_CACHE, as npm run deploy runs it: scripts/cli-env.mjs), after one
//   run that fills the cache. A first, untimed run checks that the CLI starts on this Node (it
//   does not on Node 24 when npm install has not compiled its node-pty: see the README's Speed section);
// - `npm test` (jest, the whole suite), once (--no-test skips it; --test-runs N): wall time. Target <= 15 s;
// - the same app run the default cdktf template's way (scripts/bench-template.mjs: ts-node
//   with type-checking, provider classes from the package barrels), once (--template-runs N),
//   measured as the app synth; its stacks JSON must be byte-identical to the app's. It costs
//   about 35 CPU-s and 2 GiB of memory, 25-65 s of wall time on the 2-core CI machine: about
//   as long as the rest of the bench; --no-template skips it.
// Usage: npm run bench [-- --runs 5] [-- --no-cli | --cli-runs 3] [-- --no-test | --test-runs 1] [-- --no-template | --template-runs 1]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDirOf } from "./app-bundle.mjs";
import { prepareTemplateApp } from "./bench-template.mjs";
import { cdktfCliEnv } from "./cli-env.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const runs = option("--runs", 5);
const templateRuns = args.includes("--no-template") ? 0 : option("--template-runs", 1);
const testRuns = args.includes("--no-test") ? 0 : option("--test-runs", 1);
const cliRuns = args.includes("--no-cli") ? 0 : option("--cli-runs", 3);
const scratch = mkdtempSync(join(tmpdir(), "authorworks-bench-"));
// The machine may be shared: the load average says how far to trust the wall times.
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const probeFile = join(scratch, "probe.json");
// Preloaded into the synth process: when it exits, writes its peak RSS (KiB), its CPU time
// (user + system, all threads; less skewed than wall time on a busy machine), how many
// modules of the provider packages it loaded from node_modules, and how many stacks it wrote
// (which shows the synth ran in that process).
const probe = join(scratch, "probe.cjs");
writeFileSync(
  probe,
  `const fs = require("fs"), write = fs.writeFileSync;
let stacksWritten = 0;
fs.writeFileSync = function (file, ...rest) {
  if (String(file).endsWith("cdk.tf.json")) stacksWritten++;
  return write.call(this, file, ...rest);
};
process.on("exit", () => write(${JSON.stringify(probeFile)}, JSON.stringify({
  maxRssKiB: process.resourceUsage().maxRSS,
  cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  providerModules: Object.keys(require.cache).filter((m) => /[\\\\/]@cdktf[\\\\/]provider-/.test(m)).length,
  stacksWritten,
})));`,
);

const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The CPU time (user + system, ms) of this process's finished children and everything they
 * waited for (Linux /proc/self/stat `cutime` + `cstime`, in 1/100 s); undefined elsewhere.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Runs `command args` in cwd, N times; fails the bench if one run fails.
 * @returns wall times (ms); `cpuMs`: the median CPU time of a run's process tree (ms), where childrenCpuMs knows it
 */
function timed(label, n, command, argsOf, { cwd = ROOT, envOf = () => env, after = () => {}, quiet = false } = {}) {
  const times = [];
  const cpu = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const cpuBefore = childrenCpuMs();
    const r = spawnSync(command, argsOf(i), { cwd, env: envOf(i), stdio: ["ignore", "ignore", quiet ? "ignore" : "inherit"] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (cpuBefore !== undefined) cpu.push(childrenCpuMs() - cpuBefore);
    if (r.status !== 0) {
      console.error(`${label} failed (exit ${r.status})${quiet ? `: run ${label} for its report` : ""}`);
      process.exit(1);
    }
    after(i);
  }
  return Object.assign(times, { cpuMs: cpu.length ? median(cpu) : undefined });
}

/** The app run by `node <args>` in cwd under the probe, N times. */
function probedSynth(label, n, args, cwd, outPrefix) {
  const probes = [];
  const times = timed(label, n, process.execPath, () => ["--require", probe, ...args], {
    cwd,
    envOf: (i) => ({ ...env, CDKTF_OUTDIR: join(scratch, `${outPrefix}-${i}`) }),
    after: () => probes.push(JSON.parse(readFileSync(probeFile, "utf8"))),
  });
  // None would mean the synth ran in a process the probe does not see.
  if (probes.some((p) => p.stacksWritten === 0)) {
    console.error(`${label}: the probed process wrote no stack, so it did not synthesize: its time and memory would be wrong`);
    process.exit(1);
  }
  return {
    times,
    rssMiB: Math.max(...probes.map((p) => p.maxRssKiB)) / 1024,
    cpuMs: median(probes.map((p) => p.cpuMs)),
    providerModules: probes[0].providerModules,
    stacks: join(scratch, `${outPrefix}-0`, "stacks"),
  };
}

/** Relative paths of the files under dir, sorted. */
const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();

/** The first difference between two stacks directories, or undefined when byte-identical. */
function firstDifference(expected, actual) {
  const [a, b] = [filesUnder(expected), filesUnder(actual)];
  if (a.join("\n") !== b.join("\n")) return `different files: ${a.join(", ")} vs ${b.join(", ")}`;
  const file = a.find((f) => !readFileSync(join(expected, f)).equals(readFileSync(join(actual, f))));
  return file && `stacks/${file} differs`;
}

// cdktf.json's app is a plain `node ...` command (scripts/synth.mjs requires it too).
const appArgs = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8"))
  .app.split(/\s+/)
  .slice(1);
const app = probedSynth("synth", runs, appArgs, ROOT, "out");
const underTsx = probedSynth("synth under tsx", runs, ["--import", "tsx", "main.ts"], ROOT, "tsx-out");
if (firstDifference(app.stacks, underTsx.stacks)) {
  console.error(`the app under tsx synthesized different stacks JSON (${firstDifference(app.stacks, underTsx.stacks)}; both kept in ${scratch})`);
  process.exit(1);
}
const stacks = readdirSync(app.stacks).sort();

// The provider modules the app's dependencies bundle holds (scripts/app-bundle.mjs): it loads no package file.
const bundledProviderModules = JSON.parse(readFileSync(join(cacheDirOf(ROOT), "main.dependencies.json"), "utf8")).inputs.filter((f) =>
  /[\\/]@cdktf[\\/]provider-/.test(f),
).length;

const scriptTimes = timed("node scripts/synth.mjs", runs, process.execPath, (i) => ["scripts/synth.mjs", "--output", join(scratch, `script-out-${i}`)]);
const npmTimes = timed("npm run synth", runs, "npm", (i) => ["run", "--silent", "synth", "--", "--output", join(scratch, `npm-out-${i}`)]);

const cliArgs = () => ["--no-install", "cdktf", "synth", "--output", join(scratch, "cli-out")];
// As typed in a shell without NODE_COMPILE_CACHE: every run compiles the CLI's modules.
const uncachedEnv = { ...env };
delete uncachedEnv.NODE_COMPILE_CACHE;
// cdktf-cli 0.21 does not start where its node-pty has neither a prebuilt binary nor a build of
// its own (Node 24 when npm install did not compile it): one run says whether it starts here;
// its error is printed, and the CLI rows say so instead of stopping the bench.
const cliStarts = cliRuns > 0 && spawnSync("npx", cliArgs(), { cwd: ROOT, env: uncachedEnv, stdio: ["ignore", "ignore", "pipe"] }).status === 0;
const cliTimes = cliStarts ? timed("cdktf synth", cliRuns, "npx", cliArgs, { envOf: () => uncachedEnv }) : [];
// Node 22.1 and later: the compile cache (module.enableCompileCache exists from then on).
const compileCache = cliStarts && typeof (await import("node:module")).enableCompileCache === "function";
const cachedCliEnv = { ...cdktfCliEnv(ROOT, uncachedEnv), NODE_COMPILE_CACHE: join(scratch, "node-compile-cache") };
if (compileCache) timed("cdktf synth (filling the compile cache)", 1, "npx", cliArgs, { envOf: () => cachedCliEnv });
const cachedCliTimes = compileCache ? timed("cdktf synth (compile cache)", cliRuns, "npx", cliArgs, { envOf: () => cachedCliEnv }) : [];

const testTimes = timed("npm test", testRuns, "npm", () => ["test", "--silent"], { quiet: true });

let template;
if (templateRuns > 0) {
  const dir = join(scratch, "template");
  const rewritten = prepareTemplateApp(ROOT, dir);
  // `npx ts-node main.ts` without npx's own start-up, as the app run above has none: ts-node's
  // bin runs a CommonJS program in its own process (a child only for ESM), so the probe sees the synth.
  template = {
    ...probedSynth("default-template synth (ts-node)", templateRuns, [join(ROOT, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"], dir, "template-out"),
    ...rewritten,
  };
  const difference = firstDifference(app.stacks, template.stacks);
  if (difference) {
    console.error(`the default-template run synthesized different stacks JSON than the app (${difference}; both kept in ${scratch}): the comparison is void`);
    process.exit(1);
  }
}
rmSync(scratch, { recursive: true, force: true });

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
/** Issue 16's target for a median wall time (ms), and whether it is met. */
const goal = (times, targetMs) => `<= ${targetMs / 1000} s: ${median(times) <= targetMs ? "met" : "NOT met"}`;
// Wall times, then the median CPU time (of the synth process for the probed synths, of the whole
// process tree for the others: npm, npx and the CLI, jest's workers) and the peak RSS, then the target.
const row = (label, times, { cpuMs, rssMiB } = {}, target = "") =>
  [
    label.padEnd(58),
    String(times.length).padStart(4),
    ...[median(times), Math.min(...times), Math.max(...times)].map((t) => fmt(t).padStart(9)),
    (cpuMs === undefined ? "-" : fmt(cpuMs)).padStart(9),
    (rssMiB === undefined ? "-" : `${rssMiB.toFixed(0)} MiB`).padStart(10),
    target && `  ${target}`,
  ]
    .filter(Boolean)
    .join(" ");
console.log(
  `stacks: ${stacks.length} (${stacks.join(", ")}); load average before: ${loadBefore}, after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(["".padEnd(58), "runs", "   median", "      min", "      max", "      CPU", "  peak RSS", "  target (issue 16, median)"].join(" "));
console.log(row(`app synth (cdktf.json's app: node ${appArgs.join(" ")})`, app.times, app));
console.log(row("the app under tsx (node --import tsx main.ts)", underTsx.times, underTsx));
console.log(row("npm run synth, npm's start-up included", npmTimes, npmTimes, goal(npmTimes, 1500)));
console.log(row("npm run synth's script alone (node scripts/synth.mjs)", scriptTimes, scriptTimes));
if (cliStarts) console.log(row("cdktf synth through npx (CLI included)", cliTimes, cliTimes, goal(cliTimes, 3000)));
else if (cliRuns > 0) console.log(`cdktf synth: the cdktf CLI fails on Node ${process.versions.node} (npx --no-install cdktf synth prints why)`);
if (compileCache) console.log(row("the same, NODE_COMPILE_CACHE set (scripts/cli-env.mjs)", cachedCliTimes, cachedCliTimes, goal(cachedCliTimes, 3000)));
else if (cliStarts) console.log(`(no compile-cache row: Node ${process.versions.node} has no module compile cache; Node 22.1 and later have)`);
if (testRuns > 0) console.log(row("npm test (jest, every test file)", testTimes, testTimes, goal(testTimes, 15000)));
if (template) {
  console.log(row("default cdktf template (ts-node main.ts, provider barrels)", template.times, template));
  console.log(
    `default template / app: ${(median(template.times) / median(app.times)).toFixed(1)}x the wall time, ${(template.cpuMs / app.cpuMs).toFixed(1)}x the CPU time, ` +
      `${(template.rssMiB / app.rssMiB).toFixed(1)}x the peak memory; ` +
      `provider modules loaded: ${template.providerModules} from node_modules vs ${app.providerModules} (${bundledProviderModules} in the app's dependencies bundle); ` +
      `${template.imports} deep imports in ${template.files} files rewritten to barrels; stacks JSON byte-identical`,
  );
}
