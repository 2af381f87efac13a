#!/usr/bin/env node
// npm run synth: writes cdktf.out as `cdktf synth` does, without the CLI's start-up (about
// 2-3 s of its 4-6 s). It runs cdktf.json's app the way the CLI does: cdktf.json's
// `context` in CDKTF_CONTEXT_JSON, the output directory in CDKTF_OUTDIR, and afterwards the
// stack directories the manifest no longer names are removed. `cdktf synth`, `cdktf diff`
// and `cdktf deploy` still work and write the same files.
//
//   npm run synth [-- --output DIR]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
const args = process.argv.slice(2);
const at = args.indexOf("--output");
const outdir = path.resolve(ROOT, at >= 0 ? args[at + 1] : (config.output ?? "cdktf.out"));

// The app command must be a plain `node` command (no shell, no npx): it is run here directly.
const [command, ...argv] = config.app.split(/\s+/);
if (command !== "node") {
  console.error(`ERROR: cdktf.json's "app" must start with "node" for npm run synth (it is "${config.app}"); use npx cdktf synth instead`);
  process.exit(2);
}
// As the CLI: cdktf.json's context replaces CDKTF_CONTEXT_JSON when it has one; no local
// Terraform modules (cdktf.json's terraformModules is empty), so none to list.
const context = { ...(config.context ?? (process.env.CDKTF_CONTEXT_JSON ? JSON.parse(process.env.CDKTF_CONTEXT_JSON) : {})), cdktfRelativeModules: [] };
const run = spawnSync(process.execPath, argv, {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify(context) },
});
if (run.status !== 0) process.exit(run.status ?? 1);

const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
const kept = new Set(Object.values(manifest.stacks).map((s) => path.basename(path.dirname(s.synthesizedStackPath))));
for (const dir of fs.readdirSync(path.join(outdir, "stacks"))) {
  if (!kept.has(dir)) fs.rmSync(path.join(outdir, "stacks", dir), { recursive: true, force: true });
}
console.log(`synthesized ${kept.size} stacks into ${path.relative(process.cwd(), outdir) || "."}: ${[...kept].join(", ")}`);
