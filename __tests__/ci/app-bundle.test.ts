import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");
const MODULE = join(ROOT, "scripts", "app-bundle.mjs");

/** prepareBundle on a two-file project in `root`: prints { built, output of running the bundle }. */
function prepare(root: string, cacheDir: string) {
  const script = [
    `import { prepareBundle } from ${JSON.stringify(MODULE)};`,
    'import { execFileSync } from "node:child_process";',
    `const r = await prepareBundle({ root: ${JSON.stringify(root)}, entry: "main.ts", cacheDir: ${JSON.stringify(cacheDir)} });`,
    "console.log(JSON.stringify({ built: r.built, output: execFileSync(process.execPath, [r.bundle], { encoding: 'utf8' }).trim() }));",
  ].join("\n");
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as { built: boolean; output: string };
}

describe("the prebuilt app (scripts/app-bundle.mjs, run by cdktf.json's app)", () => {
  const root = mkdtempSync(join(tmpdir(), "app-bundle-"));
  const cacheDir = join(root, "cache");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("built once, reused while no source changes, rebuilt when an imported file or tsconfig.json changes", () => {
    writeFileSync(join(root, "tsconfig.json"), "{}");
    writeFileSync(join(root, "main.ts"), 'import { word } from "./dep";\nconsole.log(word satisfies string);\n');
    writeFileSync(join(root, "dep.ts"), 'export const word: string = "first";\n');
    expect(prepare(root, cacheDir)).toEqual({ built: true, output: "first" });
    expect(prepare(root, cacheDir)).toEqual({ built: false, output: "first" });
    // A file main.ts does not import directly is in the record too.
    writeFileSync(join(root, "dep.ts"), 'export const word: string = "second";\n');
    expect(prepare(root, cacheDir)).toEqual({ built: true, output: "second" });
    writeFileSync(join(root, "tsconfig.json"), '{ "compilerOptions": {} }');
    expect(prepare(root, cacheDir).built).toBe(true);
    const record = JSON.parse(readFileSync(join(cacheDir, "main.inputs.json"), "utf8"));
    expect(record.inputs).toEqual(["dep.ts", "main.ts"]);
  });

  test("a recorded input that is gone means a rebuild, not an error", () => {
    writeFileSync(join(root, "tsconfig.json"), "{}");
    writeFileSync(join(root, "main.ts"), 'console.log("alone");\n');
    expect(prepare(root, cacheDir)).toEqual({ built: true, output: "alone" });
    const record = JSON.parse(readFileSync(join(cacheDir, "main.inputs.json"), "utf8"));
    writeFileSync(join(cacheDir, "main.inputs.json"), JSON.stringify({ ...record, inputs: [...record.inputs, "gone.ts"] }));
    expect(prepare(root, cacheDir)).toEqual({ built: true, output: "alone" });
  });
});
