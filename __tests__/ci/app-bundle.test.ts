import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path, { join } from "node:path";

const ROOT = join(__dirname, "../..");
const MODULE = join(ROOT, "scripts", "app-bundle.mjs");

/**
 * A step: write files under the project root; prepare the bundle of main.ts and run it with
 * node; or run main.ts as scripts/app.mjs does (runApp, in a process of its own: the code
 * cache is written at exit; `nodeFlags` are that process's Node flags).
 */
type Step =
  | { readonly write: Record<string, string> }
  | { readonly mkdir: string }
  | { readonly prepare: true }
  | { readonly recordExtraInput: string }
  | { readonly runApp: true; readonly debug?: boolean; readonly nodeFlags?: readonly string[] };

/**
 * Runs the steps in one process on a scratch project (one esbuild start-up for all) and
 * returns, per `prepare` or `runApp` step, what was built and what the app printed (and for
 * `runApp`, whether its code came from the code caches), then the inputs of the last build.
 */
function run(steps: readonly Step[]): unknown[] {
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
  if (step.runApp) {
    const options = JSON.stringify({ root, entry: "main.ts", cacheDir, debug: !!step.debug });
    const app = "const r = await (await import(" + JSON.stringify(${JSON.stringify(MODULE)}) + ")).runApp(" + options + ");" +
      "process.on('exit', () => console.log('@@' + JSON.stringify(r)));";
    const lines = execFileSync(process.execPath, [...(step.nodeFlags ?? []), "--input-type=module", "-e", app], { encoding: "utf8" }).trim().split("\\n");
    results.push({ ...JSON.parse(lines.pop().slice(2)), output: lines.join("\\n") });
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

  /** A project whose main.ts and other.ts import the package `counter`, which counts how often it is loaded. */
  const COUNTER_PROJECT: Step[] = [
    { mkdir: "node_modules" },
    { mkdir: "node_modules/counter" },
    {
      write: {
        "tsconfig.json": "{}",
        "node_modules/counter/package.json": '{ "name": "counter", "version": "1.0.0", "main": "index.js" }',
        "node_modules/counter/index.js":
          "globalThis.loads = (globalThis.loads || 0) + 1;\nexports.loads = () => globalThis.loads;\nexports.file = __filename;\n",
        "other.ts": 'import { loads } from "counter";\nexport const again: number = loads();\n',
        "main.ts":
          'import { file, loads } from "counter";\nimport { again } from "./other";\n' +
          'console.log(loads(), again, file.slice(file.lastIndexOf("/") + 1), new Error("here").stack!.split("\\n")[1].includes("main.ts:"));\n',
      },
    },
  ];

  /** The counter project run as scripts/app.mjs runs it, through changes; run once for the two tests below. */
  let appRuns: unknown[] | undefined;
  const runAppScenario = () =>
    (appRuns ??= run([
      ...COUNTER_PROJECT,
      { runApp: true },
      { runApp: true },
      // Other V8 flags: V8 would refuse the cache written without them; they get their own, and the first is kept.
      { runApp: true, nodeFlags: ["--stack-size=900"] },
      { runApp: true },
      // A package file changed (size, modification time): its bundle is rebuilt, not the app's.
      {
        write: {
          "node_modules/counter/index.js":
            "globalThis.loads = (globalThis.loads || 0) + 10;\nexports.loads = () => globalThis.loads;\nexports.file = __filename;\n",
        },
      },
      { runApp: true },
      // A package the app did not import before: both are rebuilt.
      { mkdir: "node_modules/second" },
      {
        write: {
          "node_modules/second/index.js": "exports.two = 2;\n",
          "other.ts": 'import { loads } from "counter";\nimport { two } from "second";\nexport const again: number = loads() * two;\n',
        },
      },
      { runApp: true },
      { runApp: true, debug: true },
    ]));

  test("run as cdktf.json's app runs it: its packages from the dependencies bundle, one copy each; compiled code from the code caches from the second run, one cache per set of V8 flags", () => {
    expect(runAppScenario().slice(0, 6)).toEqual([
      { built: true, dependenciesBuilt: true, fromCache: false, output: "1 1 main.dependencies.cjs false" },
      { built: false, dependenciesBuilt: false, fromCache: true, output: "1 1 main.dependencies.cjs false" },
      { built: false, dependenciesBuilt: false, fromCache: false, output: "1 1 main.dependencies.cjs false" },
      { built: false, dependenciesBuilt: false, fromCache: true, output: "1 1 main.dependencies.cjs false" },
      { built: false, dependenciesBuilt: true, fromCache: false, output: "10 10 main.dependencies.cjs false" },
      { built: true, dependenciesBuilt: true, fromCache: false, output: "10 20 main.dependencies.cjs false" },
    ]);
  });

  test("AUTHORWORKS_DEBUG=1 (debug): the packages load from node_modules and stack frames name the .ts sources", () => {
    expect(runAppScenario()[6]).toEqual({ built: false, output: "10 20 index.js true" });
  });

  test("each checkout has its own cache directory under node_modules/.cache (worktrees may share node_modules), per Node major version", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { cacheDirOf } from ${JSON.stringify(MODULE)}; console.log(JSON.stringify([cacheDirOf(${JSON.stringify(ROOT)}), cacheDirOf("/")]));`,
      ],
      { encoding: "utf8" },
    );
    const [here, other] = JSON.parse(r.stdout);
    expect(here).toMatch(
      new RegExp(
        `^${ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/node_modules/\\.cache/authorworks-app/[0-9a-f]{12}-node${process.versions.node.split(".")[0]}$`,
      ),
    );
    expect(other).toMatch(/^\/node_modules\/\.cache\/authorworks-app\/[0-9a-f]{12}-node\d+$/);
    expect(path.basename(here)).not.toBe(path.basename(other));
  });
});
