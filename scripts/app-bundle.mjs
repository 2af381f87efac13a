// The prebuilt app that scripts/app.mjs runs: main.ts and the project sources it imports,
// built by esbuild into one CommonJS file (dependencies stay in node_modules). Kept in a
// cache directory with the list of source files it was built from, and rebuilt when one of
// them, tsconfig.json, esbuild or Node's major version changes.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** One hash of the files the bundle was built from, and of what else decides its content. */
function digest(root, inputs) {
  const esbuildVersion = require("esbuild/package.json").version;
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\nnode ${process.versions.node.split(".")[0]}\n`);
  for (const file of ["tsconfig.json", ...inputs]) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
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
 * of date. Returns its path and whether it was built now.
 */
export async function prepareBundle({ root, entry, cacheDir }) {
  const bundle = path.join(cacheDir, `${path.basename(entry, path.extname(entry))}.cjs`);
  const record = path.join(cacheDir, `${path.basename(entry, path.extname(entry))}.inputs.json`);
  try {
    const recorded = JSON.parse(fs.readFileSync(record, "utf8"));
    if (fs.existsSync(bundle) && recorded.digest === digest(root, recorded.inputs)) return { bundle, built: false };
  } catch {
    // No record yet, or a file it lists is gone: build.
  }
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
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
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs).sort();
  writeAtomically(bundle, result.outputFiles[0].contents);
  writeAtomically(record, JSON.stringify({ digest: digest(root, inputs), inputs }, null, 2));
  return { bundle, built: true };
}
