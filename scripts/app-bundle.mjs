// The prebuilt app that scripts/app.mjs runs, in two CommonJS files kept in a cache directory:
// - the app bundle: main.ts and the project sources it imports, built by esbuild (packages
//   stay imports). Rebuilt when what it was built from changes (the sources as esbuild read
//   them, the file names of their directories, tsconfig.json, esbuild's and Node's versions,
//   this file): an edit, a file saved during the build, or a new file an import now resolves to instead.
// - the dependencies bundle: the packages the app bundle imports (cdktf, constructs, the
//   provider classes it names), as one file without their inline source maps (two thirds of
//   their 25 MB). Rebuilt only when that list of imports or one of the package files changes
//   (size or modification time), so an edit to the app rebuilds in about 0.1 s, not 0.5 s.
// runBundle runs either through a V8 code cache kept beside it: the functions a synth
// compiled are loaded, not compiled again. Node major versions build into cache directories
// of their own (the target differs), and a code cache is named after the exact Node and V8
// versions and the flags it was written with, which V8 requires of a cache it accepts: Node
// 20, 22 and 24 used in turn in one checkout keep one build and one code cache each.
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const require = createRequire(import.meta.url);

/** The major version of the Node running this, which the bundles target. */
const NODE_MAJOR = process.versions.node.split(".")[0];

/**
 * The cache directory of the project at `root` for this Node's major version: one per checkout, as worktrees may
 * share node_modules (`<12 hex digits of the checkout's path hash>-node<major>`).
 */
export function cacheDirOf(root) {
  const real = fs.realpathSync(root);
  return path.join(root, "node_modules", ".cache", "authorworks-app", `${createHash("sha256").update(real).digest("hex").slice(0, 12)}-node${NODE_MAJOR}`);
}

/**
 * What V8 checks before it accepts a code cache: its own version, and the flags of the process
 * (from the command line and NODE_OPTIONS). A cache written under others is refused (and written
 * again), so each combination has its own file. 8 hex digits.
 */
const RUNTIME_KEY = createHash("sha256")
  .update(`${process.version}\nv8 ${process.versions.v8}\n${process.execArgv.join(" ")}\n${process.env.NODE_OPTIONS ?? ""}`)
  .digest("hex")
  .slice(0, 8);

/** What every fingerprint starts with: a bundle built by another esbuild, for another Node or by another version of this file is built again. */
function toolchainHash() {
  return createHash("sha256")
    .update(`esbuild ${require("esbuild/package.json").version}\nnode ${NODE_MAJOR}\n`)
    .update(fs.readFileSync(fileURLToPath(import.meta.url)));
}

/**
 * The fingerprint of an app build: `contents(file)` gives each input's bytes (as esbuild read
 * them when building, from disk when checking).
 */
function fingerprint(root, inputs, contents) {
  const hash = toolchainHash();
  hash.update(fs.readFileSync(path.join(root, "tsconfig.json")));
  for (const file of inputs) hash.update(`\n${file}\n`).update(contents(file));
  // A new file beside an input may take over an import (`./checks` -> checks.ts before checks/index.ts).
  for (const dir of [...new Set(inputs.map((f) => path.dirname(f)))].sort()) hash.update(`\n${dir}/: ${fs.readdirSync(path.join(root, dir)).sort().join(" ")}`);
  return hash.digest("hex");
}

/** The fingerprint of a dependencies build: its imports, and each package file's size and modification time. */
function dependencyFingerprint(root, packages, inputs) {
  const hash = toolchainHash().update(`${packages.join("\n")}\n`);
  for (const file of inputs) {
    const stat = fs.statSync(path.join(root, file));
    hash.update(`${file} ${stat.size} ${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** Writes through a rename, so a synth running beside this one never reads half a file. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/** The line each bundle ends with: runBundle names the code cache after it, so a cache never meets another build. */
const DIGEST_LINE = /\n\/\/ bundle-digest: ([0-9a-f]{64})\n$/;

/** Writes a built bundle, its digest line appended, and removes the code caches of earlier builds. */
function writeBundle(bundle, contents, digest) {
  const prefix = `${path.basename(bundle)}.`;
  for (const f of fs.readdirSync(path.dirname(bundle)))
    if (f.startsWith(prefix) && f.endsWith(".code")) fs.rmSync(path.join(path.dirname(bundle), f), { force: true });
  writeAtomically(bundle, Buffer.concat([contents, Buffer.from(`\n// bundle-digest: ${digest}\n`)]));
}

/** The record of a build, or undefined when there is none (first run, or unreadable). */
function readRecord(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The app bundle of `entry` (relative to `root`) in `cacheDir`, built only when missing or out
 * of date. Returns its path, whether it was built now, and the packages it imports (specifiers
 * as written, Node's built-in modules left out). Throws when esbuild cannot build (it has printed why).
 */
export async function prepareBundle({ root, entry, cacheDir }) {
  const name = path.basename(entry, path.extname(entry));
  const bundle = path.join(cacheDir, `${name}.cjs`);
  const record = path.join(cacheDir, `${name}.inputs.json`);
  const recorded = readRecord(record);
  try {
    const fromDisk = (file) => fs.readFileSync(path.join(root, file));
    if (recorded && fs.existsSync(bundle) && recorded.digest === fingerprint(root, recorded.inputs, fromDisk))
      return { bundle, built: false, packages: recorded.packages };
  } catch {
    // A file the record lists is gone: build.
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
    target: `node${NODE_MAJOR}`,
    // AUTHORWORKS_DEBUG=1 maps an unexpected error's stack back to the .ts sources; the map
    // is its own file, read only then.
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "error",
    plugins: [recordReads],
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs).sort();
  // What the output still requires (type-only imports are gone), Node's own modules aside.
  const packages = [
    ...new Set(
      Object.values(result.metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && !isBuiltin(i.path))
        .map((i) => i.path),
    ),
  ].sort();
  const asBuilt = (file) => read.get(file) ?? fs.readFileSync(path.join(root, file));
  const digest = fingerprint(root, inputs, asBuilt);
  const output = (ext) => result.outputFiles.find((f) => f.path.endsWith(ext)).contents;
  writeAtomically(`${bundle}.map`, output(".cjs.map"));
  writeBundle(bundle, output(".cjs"), digest);
  writeAtomically(record, JSON.stringify({ digest, inputs, packages }, null, 2));
  return { bundle, built: true, packages };
}

/**
 * The dependencies bundle of an app bundle (`name`: its entry's name; `packages`: what
 * prepareBundle returned), built only when missing or out of date. Its exports are a getter
 * per package: a package is loaded when the app first asks for it, as `require` would.
 * Returns its path and whether it was built now.
 */
export async function prepareDependencies({ root, name, packages, cacheDir }) {
  const bundle = path.join(cacheDir, `${name}.dependencies.cjs`);
  const record = path.join(cacheDir, `${name}.dependencies.json`);
  const recorded = readRecord(record);
  try {
    if (
      recorded &&
      fs.existsSync(bundle) &&
      recorded.packages.join("\n") === packages.join("\n") &&
      recorded.digest === dependencyFingerprint(root, packages, recorded.inputs)
    )
      return { bundle, built: false };
  } catch {
    // A package file the record lists is gone: build.
  }
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    stdin: {
      contents: `module.exports = {\n${packages.map((p) => `  get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); },`).join("\n")}\n};\n`,
      resolveDir: root,
      sourcefile: `${name}.dependencies.js`,
      loader: "js",
    },
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${NODE_MAJOR}`,
    metafile: true,
    write: false,
    logLevel: "error",
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => f !== `${name}.dependencies.js`)
    .sort();
  const digest = dependencyFingerprint(root, packages, inputs);
  writeBundle(bundle, result.outputFiles[0].contents, digest);
  writeAtomically(record, JSON.stringify({ digest, packages, inputs }, null, 2));
  return { bundle, built: true };
}

/**
 * Runs a CommonJS bundle as Node would, with `requireFn` as its `require`. Its compiled code is
 * cached beside it (`<bundle>.<digest>.<runtime key>.code`): loaded when present, written at
 * exit when missing or refused. Returns its exports and whether its code
 * came from the cache.
 */
export function runBundle(bundle, requireFn = createRequire(bundle)) {
  const source = fs.readFileSync(bundle, "utf8");
  const digest = DIGEST_LINE.exec(source.slice(-100))?.[1];
  const cacheFile = digest && `${bundle}.${digest.slice(0, 16)}.${RUNTIME_KEY}.code`;
  let cachedData;
  try {
    cachedData = cacheFile ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    // No cache yet: this run writes it.
  }
  // Node's own CommonJS wrapper, so the bundle sees what a required file sees.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: bundle, cachedData });
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  if (cacheFile && !fromCache) {
    // At exit, the code holds every function the run compiled, not only the top level.
    process.once("exit", () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // A cache is an optimisation: a read-only or full disk only costs the next run time.
      }
    });
  }
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script.runInThisContext()(module.exports, requireFn, module, bundle, path.dirname(bundle));
  module.loaded = true;
  return { exports: module.exports, fromCache };
}

/**
 * Runs `entry` (relative to `root`) from its bundles in `cacheDir`, building what is out of
 * date: its packages from the dependencies bundle, one copy each. With `debug`, the packages
 * load from node_modules instead and stack traces map to the .ts sources. Throws when esbuild
 * cannot build (it has printed why). Returns what was built and whether the code came from
 * the caches.
 */
export async function runApp({ root, entry, cacheDir, debug = false }) {
  const app = await prepareBundle({ root, entry, cacheDir });
  if (debug) {
    process.setSourceMapsEnabled(true);
    createRequire(import.meta.url)(app.bundle);
    return { built: app.built };
  }
  const name = path.basename(entry, path.extname(entry));
  const dependencies = await prepareDependencies({ root, name, packages: app.packages, cacheDir });
  const packages = runBundle(dependencies.bundle);
  const nodeRequire = createRequire(app.bundle);
  const run = runBundle(app.bundle, (id) => {
    if (Object.hasOwn(packages.exports, id)) return packages.exports[id];
    if (isBuiltin(id)) return nodeRequire(id);
    // A second copy of a package from node_modules would break cdktf's instanceof checks.
    throw new Error(`${id} is not in the dependencies bundle (${dependencies.bundle}); delete ${cacheDir} to rebuild it`);
  });
  return { built: app.built, dependenciesBuilt: dependencies.built, fromCache: packages.fromCache && run.fromCache };
}
