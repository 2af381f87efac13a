#!/usr/bin/env node
// cdktf.json's app: runs main.ts prebuilt by esbuild into one CommonJS file (no type-check,
// as with tsx: `npm run typecheck` is its own step), kept in node_modules/.cache/authorworks-app
// and rebuilt when a source file changes (scripts/app-bundle.mjs). Loading one prebuilt file
// skips tsx's per-module transform and resolution (`npm run bench` prints both); the
// synthesized JSON is the same. Where Node has a compile cache (22 and later), the compiled
// dependency modules are kept between runs too.
import { createRequire } from "node:module";
import module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareBundle } from "./app-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = path.join(root, "node_modules", ".cache", "authorworks-app");
let bundle;
try {
  ({ bundle } = await prepareBundle({ root, entry: "main.ts", cacheDir }));
} catch {
  // esbuild has printed what it could not build (file, line, message); its own stack adds nothing.
  process.exit(1);
}
module.enableCompileCache?.(path.join(cacheDir, "v8"));
if (process.env.AUTHORWORKS_DEBUG === "1") process.setSourceMapsEnabled(true);
createRequire(import.meta.url)(bundle);
