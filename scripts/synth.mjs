#!/usr/bin/env node
// npm run synth: writes cdktf.out as `cdktf synth` does, without the CLI's start-up (about
// 3-4 s of its 7-8 s on the 2-core CI machine). It runs cdktf.json's app the way the CLI does: cdktf.json's
// `context` in CDKTF_CONTEXT_JSON, the output directory in CDKTF_OUTDIR, and afterwards the
// stack directories the manifest no longer names are removed. `cdktf synth`, `cdktf diff`
// and `cdktf deploy` still work and write the same files. Unlike the CLI, it does not set
// CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: an error annotation stops synth (the app adds
// none; bad input stops it earlier, with one message).
//
//   npm run synth [-- --output DIR]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
const fail = (message) => {
  console.error(`ERROR: ${message}`);
  process.exit(2);
};
// The one option `cdktf synth` takes here: --output DIR (also --output=DIR, -o DIR).
let output = config.output ?? "cdktf.out";
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s);
  if (flag !== "--output" && flag !== "-o") fail(`npm run synth: unknown argument "${args[i]}"; accepted: --output DIR (-o DIR)`);
  output = inline ?? args[++i];
  if (!output) fail("npm run synth: --output needs a directory");
}
const outdir = path.resolve(ROOT, output);

// The app command must be a plain `node` command (no shell, no npx): it is run here directly.
const [command, ...argv] = config.app.split(/\s+/);
if (command !== "node") fail(`cdktf.json's "app" must start with "node" for npm run synth (it is "${config.app}"); use npx cdktf synth instead`);
// As the CLI: cdktf.json's context replaces CDKTF_CONTEXT_JSON when it has one; no local
// Terraform modules (cdktf.json's terraformModules is empty), so none to list.
const context = { ...(config.context ?? (process.env.CDKTF_CONTEXT_JSON ? JSON.parse(process.env.CDKTF_CONTEXT_JSON) : {})), cdktfRelativeModules: [] };
const appEnv = { CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify(context) };
if (argv.length === 1 && /\.[cm]?js$/.test(argv[0])) {
  // `node <script>` alone: run in this process, as its own would (its environment, the project
  // root as working directory), without a second Node start-up. It exits with its code if it fails.
  Object.assign(process.env, appEnv);
  const cwd = process.cwd();
  process.chdir(ROOT);
  await import(pathToFileURL(path.resolve(ROOT, argv[0])).href);
  process.chdir(cwd);
} else {
  const run = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...appEnv } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

const manifestFile = path.join(outdir, "manifest.json");
if (!fs.existsSync(manifestFile)) fail(`the app exited without writing ${manifestFile} (it must call app.synth())`);
const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
const kept = new Set(Object.values(manifest.stacks).map((s) => path.basename(path.dirname(s.synthesizedStackPath))));
// As the CLI: directories of stacks the app no longer makes go; other files stay.
for (const entry of fs.readdirSync(path.join(outdir, "stacks"), { withFileTypes: true })) {
  if (entry.isDirectory() && !kept.has(entry.name)) fs.rmSync(path.join(outdir, "stacks", entry.name), { recursive: true, force: true });
}
console.log(`synthesized ${kept.size} stacks into ${path.relative(process.cwd(), outdir) || "."}: ${[...kept].join(", ")}`);
