import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");
const MODULE = join(ROOT, "scripts", "app-bundle.mjs");

/** A step: write files under the project root, or prepare the bundle of main.ts and run it. */
type Step = { readonly write: Record<string, string> } | { readonly mkdir: string } | { readonly prepare: true } | { readonly recordExtraInput: string };

/**
 * Runs the steps in one process on a scratch project (one esbuild start-up for all) and
 * returns, per `prepare` step, whether it built and what the bundle printed.
 */
function run(steps: readonly Step[]): Array<{ built: boolean; output: string }> {
  const root = mkdtempSync(join(tmpdir(), "app-bundle-"));
  const script = `
import { prepareBundle } from ${JSON.stringify(MODULE)};
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const root = ${JSON.stringify(root)}, cacheDir = join(root, "cache"), results = [];
for (const step of ${JSON.stringify(steps)}) {
  if (step.mkdir) mkdirSync(join(root, step.mkdir));
  if (step.write) for (const [file, text] of Object.entries(step.write)) writeFileSync(join(root, file), text);
  if (step.recordExtraInput) {
    const record = JSON.parse(readFileSync(join(cacheDir, "main.inputs.json"), "utf8"));
    writeFileSync(join(cacheDir, "main.inputs.json"), JSON.stringify({ ...record, inputs: [...record.inputs, step.recordExtraInput] }));
  }
  if (step.prepare) {
    const r = await prepareBundle({ root, entry: "main.ts", cacheDir });
    results.push({ built: r.built, output: execFileSync(process.execPath, [r.bundle], { encoding: "utf8" }).trim() });
  }
}
results.push(JSON.parse(readFileSync(join(cacheDir, "main.inputs.json"), "utf8")).inputs);
console.log(JSON.stringify(results));`;
  try {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const PREPARE = { prepare: true } as const;

describe("the prebuilt app (scripts/app-bundle.mjs, run by cdktf.json's app)", () => {
  test("built once, reused while no source changes, rebuilt when an imported file or tsconfig.json changes", () => {
    const results = run([
      {
        write: {
          "tsconfig.json": "{}",
          "main.ts": 'import { word } from "./dep";\nconsole.log(word satisfies string);\n',
          "dep.ts": 'export const word: string = "first";\n',
        },
      },
      PREPARE,
      PREPARE,
      // A file main.ts imports is in the record too.
      { write: { "dep.ts": 'export const word: string = "second";\n' } },
      PREPARE,
      { write: { "tsconfig.json": '{ "compilerOptions": {} }' } },
      PREPARE,
    ]);
    expect(results).toEqual([
      { built: true, output: "first" },
      { built: false, output: "first" },
      { built: true, output: "second" },
      { built: true, output: "second" },
      ["dep.ts", "main.ts"],
    ]);
  });

  test("a new file that an import now resolves to (lib.ts before lib/index.ts) means a rebuild", () => {
    const results = run([
      { write: { "tsconfig.json": "{}", "main.ts": 'import { where } from "./lib";\nconsole.log(where);\n' } },
      { mkdir: "lib" },
      { write: { "lib/index.ts": 'export const where = "lib/index.ts";\n' } },
      PREPARE,
      { write: { "lib.ts": 'export const where = "lib.ts";\n' } },
      PREPARE,
    ]);
    expect(results.slice(0, 2)).toEqual([
      { built: true, output: "lib/index.ts" },
      { built: true, output: "lib.ts" },
    ]);
  });

  test("a recorded input that is gone means a rebuild, not an error", () => {
    const results = run([{ write: { "tsconfig.json": "{}", "main.ts": 'console.log("alone");\n' } }, PREPARE, { recordExtraInput: "gone.ts" }, PREPARE]);
    expect(results.slice(0, 2)).toEqual([
      { built: true, output: "alone" },
      { built: true, output: "alone" },
    ]);
  });
});
