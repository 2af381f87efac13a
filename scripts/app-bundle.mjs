// The prebuilt app that scripts/app.mjs runs: main.ts and the project sources it imports,
// built by esbuild into one CommonJS file (dependencies stay in node_modules). Kept in a
// cache directory with a fingerprint of what it was built from (the sources as esbuild read
// them, the file names of their directories, tsconfig.json, esbuild's and Node's versions)
// and rebuilt when any of it changes: an edit, a file saved during the build, or a new file
// that an import now resolves to instead.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/**
 * The fingerprint of a build: `contents(file)` gives each input's bytes (as esbuild read
 * them when building, from disk when checking).
 */
function fingerprint(root, inputs, contents) {
  const hash = createHash("sha256").update(`esbuild ${require("esbuild/package.json").version}\nnode ${process.versions.node.split(".")[0]}\n`);
  hash.update(fs.readFileSync(path.join(root, "tsconfig.json")));
  for (const file of inputs) hash.update(`\n${file}\n`).update(contents(file));
  // A new file beside an input may take over an import (`./checks` -> checks.ts before checks/index.ts).
  for (const dir of [...new Set(inputs.map((f) => path.dirname(f)))].sort()) hash.update(`\n${dir}/: ${fs.readdirSync(path.join(root, dir)).sort().join(" ")}`);
  return hash.digest("hex");
}

/** Writes through a rename, so a synth running beside this one never reads half a file. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/**
 * The bundle of `entry` (relative to `root`) in `cacheDir`, built only when missing or out
 * of date. Returns its path and whether it was built now. Throws when esbuild cannot build
 * (it has printed why).
 */
export async function prepareBundle({ root, entry, cacheDir }) {
  const name = path.basename(entry, path.extname(entry));
  const bundle = path.join(cacheDir, `${name}.cjs`);
  const record = path.join(cacheDir, `${name}.inputs.json`);
  try {
    const recorded = JSON.parse(fs.readFileSync(record, "utf8"));
    const fromDisk = (file) => fs.readFileSync(path.join(root, file));
    if (fs.existsSync(bundle) && recorded.digest === fingerprint(root, recorded.inputs, fromDisk)) return { bundle, built: false };
  } catch {
    // No record yet, or a file it lists is gone: build.
  }
  // The sources exactly as built: a file saved during the build then differs from its record.
  const read = new Map();
  const recordReads = {
    name: "record-reads",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        const contents = await fs.promises.readFile(args.path);
        read.set(path.relative(root, args.path).split(path.sep).join("/"), contents);
        return { contents, loader: args.path.endsWith("x") ? "tsx" : "ts" };
      });
    },
  };
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    // Source map paths are relative to the output file: this is where it goes.
    outfile: bundle,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    // AUTHORWORKS_DEBUG=1 maps an unexpected error's stack back to the .ts sources.
    sourcemap: "inline",
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "error",
    plugins: [recordReads],
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const asBuilt = (file) => read.get(file) ?? fs.readFileSync(path.join(root, file));
  writeAtomically(bundle, result.outputFiles[0].contents);
  writeAtomically(record, JSON.stringify({ digest: fingerprint(root, inputs, asBuilt), inputs }, null, 2));
  return { bundle, built: true };
}
