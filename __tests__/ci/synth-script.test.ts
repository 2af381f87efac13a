import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { realSynthRun } from "../real-app";

const ROOT = join(__dirname, "../..");

describe("npm run synth (scripts/synth.mjs, the app without the CLI)", () => {
  test("writes every stack and the manifest, and removes stack directories the app no longer makes", () => {
    // The run every test reads the committed app from; its output directory started with a
    // retired stack's directory (stacks/retired-stack/cdk.tf.json) and stacks/notes.txt.
    const run = realSynthRun();
    const out = run.outdir;
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    // production-dr is a pilot light: its platform stack comes with a failover.
    const stacks = [
      "bootstrap",
      "dev",
      "dev-platform",
      "production",
      "production-dr",
      "production-dr-platform",
      "production-platform",
      "staging",
      "staging-platform",
    ];
    // Directories of stacks the app no longer makes go (as the CLI); other files stay.
    expect(readdirSync(join(out, "stacks")).sort()).toEqual([...stacks, "notes.txt"].sort());
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    for (const s of stacks) expect(JSON.parse(readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8")).terraform.required_providers).toBeDefined();
  });

  test.each([
    [["--output"], "npm run synth: --output needs a directory"],
    [["--outdir", "x"], 'npm run synth: unknown argument "--outdir"; accepted: --output DIR (-o DIR)'],
  ])("%j stops before synthesizing, with one message", (argv, message) => {
    const run = spawnSync(process.execPath, ["scripts/synth.mjs", ...argv], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`ERROR: ${message}\n`);
    expect(run.stdout).toBe("");
  });
});
