/**
 * jest's runtime (jest.config.js `runtime`) with the packages a cdktf app is made of, cdktf,
 * constructs and @cdktf/provider-*, loaded once per worker by Node and shared by the test
 * files the worker runs, as jest shares Node's own modules. jest's module registry is per
 * test file, so each file loaded them again: about 0.1 s per file that imports the app, and
 * the garbage of 50 copies. Project modules and every other package still load per file.
 * Likewise `semver`, which jest's snapshot module loads for every test file (it is pure
 * functions and needs only the prettier version when an inline snapshot is written): about
 * 5 ms per file, as jest itself shares chalk (its INTERNAL_MODULE_REQUIRE_OUTSIDE_OPTIMIZED_MODULES).
 *
 * What sharing means for a test:
 * - package objects live in the worker's realm: a value a package creates is not `instanceof`
 *   the test file's Array, Date or Error (compare with toEqual, Array.isArray), and cdktf's
 *   own `instanceof Date` does not know the test file's Dates;
 * - a spy on a package object (jest.spyOn(Tokenization, "resolve")) must be restored by the
 *   test that makes it; `jest.mock` of a package still gives that file its mock;
 * - cdktf's token map is the worker's: it is emptied before each test file (the tokens of
 *   earlier files are of no use, and would keep their constructs alive).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- jest requires its runtime as a CommonJS module */
/* global __filename, global */
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const { transformSync } = require("@swc/core");
const Runtime = require("jest-runtime").default;

/** The packages shared: a specifier naming one of them or a file in it. */
const SHARED = /^(?:cdktf|constructs|@cdktf\/provider-[a-z0-9-]+)(?:\/|$)/;
const nodeRequire = createRequire(__filename);

/** A project TypeScript module compiled and loaded in the worker's realm (the test files load their own copies). */
function loadTypeScript(file) {
  const { code } = transformSync(readFileSync(file, "utf8"), {
    filename: file,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  const module = { exports: {} };
  new Function("exports", "require", "module", code)(module.exports, createRequire(file), module);
  return module.exports;
}
const { dropTokenTraces } = loadTypeScript(path.join(__dirname, "../environments/token-traces.ts"));
const { packageFramesUnmapped } = loadTypeScript(path.join(__dirname, "stack-frames.ts"));
// As in the app (environments/synth-runtime.ts): cdktf's util.isArray warning (Node 22+) is not printed.
loadTypeScript(path.join(__dirname, "../environments/package-warnings.ts")).silencePackageDeprecations();

/**
 * V8's code for each module a test file compiled, by file name: the next test file of this
 * worker that loads the same code (the project's modules, jest's own) gets it with its
 * vm.Script instead of parsing and compiling again. `script` is the first file's, whose
 * functions have run (so are compiled) by the time a second file asks; `data` is made then.
 */
const compiled = new Map();

/** vm.Script, with the code cache of `compiled` for the module jest compiles (see createScriptFromCode). */
class CachedScript extends vm.Script {
  constructor(code, options) {
    const entry = compiled.get(options.filename);
    const known = entry?.code === code;
    if (known) entry.data ??= entry.script.createCachedData();
    super(code, known ? { ...options, cachedData: entry.data } : options);
    if (!entry || !known) compiled.set(options.filename, { code, script: this });
  }
}

/** This realm's Error.prepareStackTrace once token traces are dropped in it; it changes when jest installs source-map-support. */
let installedFormatter;

class SharedPackagesRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const tokens = global.__cdktfTokenMap;
    if (tokens) {
      tokens.stringTokenMap.clear();
      tokens.numberTokenMap.clear();
    }
  }

  createScriptFromCode(scriptSource, filename) {
    // jest makes its Script with vm.Script, read from the module at each call.
    const Script = vm.Script;
    vm.Script = CachedScript;
    try {
      return super.createScriptFromCode(scriptSource, filename);
    } finally {
      vm.Script = Script;
    }
  }

  requireModule(from, moduleName, options, isRequireActual) {
    if (options?.isInternalModule && moduleName === "semver") return createRequire(from)(moduleName);
    if (!moduleName || options?.isInternalModule || !SHARED.test(moduleName)) return super.requireModule(from, moduleName, options, isRequireActual);
    // The packages record their token traces with this realm's Error, not the test file's
    // (__tests__/setup.ts): the same settings here, over the formatter jest installed.
    if (Error.prepareStackTrace !== installedFormatter) {
      dropTokenTraces(packageFramesUnmapped(Error.prepareStackTrace));
      installedFormatter = Error.prepareStackTrace;
    }
    return nodeRequire(moduleName);
  }
}

module.exports = SharedPackagesRuntime;
