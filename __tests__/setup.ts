import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dropTokenTraces } from "../environments/token-traces";
import { packageFramesUnmapped } from "./stack-frames";

// No cdktf import here (nor its jest matchers, which no test uses): test files that need
// nothing from cdktf do not pay for loading it, about 0.2 s CPU each.

// Testing.app() makes an output directory (and its stacks/) under the system temp dir for
// every app and never removes it: hundreds per file. Every app of this test file gets the
// same one (none synthesizes to disk: tests that write make their own directory), under one
// directory with the file's other temporary ones, removed at the end.
/* eslint-disable @typescript-eslint/no-require-imports -- the modules themselves, so the spies reach every caller */
const os: typeof import("os") = require("os");
const fs: typeof import("fs") = require("fs");
/* eslint-enable @typescript-eslint/no-require-imports */
const root = mkdtempSync(join(os.tmpdir(), "authorworks-jest-"));
const tmpdir = jest.spyOn(os, "tmpdir").mockReturnValue(root);
const appOutdir = join(root, "cdktf.outdir");
const mkdtemp = fs.mkdtempSync;
const cdktfOutdirs = jest
  .spyOn(fs, "mkdtempSync")
  .mockImplementation(((prefix: string, options?: BufferEncoding) =>
    prefix === join(root, "cdktf.outdir.") ? appOutdir : mkdtemp(prefix, options)) as typeof fs.mkdtempSync);
afterAll(() => {
  tmpdir.mockRestore();
  cdktfOutdirs.mockRestore();
  rmSync(root, { recursive: true, force: true });
});

// cdktf records a full stack trace for every token it creates (quoted only when a token
// fails to resolve). Under jest each went through source-map-support frame by frame, and
// collecting the frames was another ~15 % of a synthesis: as in main.ts, those traces are
// empty strings, never collected (environments/token-traces.ts); real Errors keep their
// source-mapped stack, for the project's frames (./stack-frames.ts). The packages' own
// realm gets the same settings from ./shared-packages-runtime.js.
dropTokenTraces(packageFramesUnmapped(Error.prepareStackTrace));
