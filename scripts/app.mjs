#!/usr/bin/env node
// cdktf.json's app: runs main.ts prebuilt by esbuild (no type-check, as with tsx: `npm run
// typecheck` is its own step), kept in node_modules/.cache/authorworks-app and rebuilt when a
// source file changes (scripts/app-bundle.mjs). The packages it imports come from one
// prebuilt file too, and both run through a V8 code cache: no per-module resolution, no
// 16 MB of the packages' inline source maps to read, no compiling what the last run compiled
// (`npm run bench` prints the app beside the same app under tsx); the synthesized JSON is the
// same. With AUTHORWORKS_DEBUG=1 the packages load from node_modules, as they are, and every
// stack frame maps back to its .ts source.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDirOf, runApp } from "./app-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
try {
  await runApp({ root, entry: "main.ts", cacheDir: cacheDirOf(root), debug: process.env.AUTHORWORKS_DEBUG === "1" });
} catch (e) {
  // A build error: esbuild has printed what it could not build (file, line, message); its own stack adds nothing.
  if (e?.errors) process.exit(1);
  throw e;
}
