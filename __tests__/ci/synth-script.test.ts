import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");

describe("npm run synth (scripts/synth.mjs, the app without the CLI)", () => {
  test("writes every stack and the manifest, and removes stack directories the app no longer makes", () => {
    const out = mkdtempSync(join(tmpdir(), "synth-script-"));
    mkdirSync(join(out, "stacks", "retired-stack"), { recursive: true });
    writeFileSync(join(out, "stacks", "retired-stack", "cdk.tf.json"), "{}");
    const run = spawnSync(process.execPath, ["scripts/synth.mjs", "--output", out], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const stacks = ["bootstrap", "dev", "dev-platform", "production", "production-platform", "staging", "staging-platform"];
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(stacks);
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    for (const s of stacks) expect(JSON.parse(readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8")).terraform.required_providers).toBeDefined();
  });

  test("cdktf.json runs the app with node itself (no npx), which the script requires", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app).toBe("node --import tsx main.ts");
  });
});
