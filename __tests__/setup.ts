import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dropTokenTraces } from "../environments/token-traces";
import { packageFramesUnmapped } from "./stack-frames";

// No cdktf import here (nor its jest matchers, which no test uses): test files that need
// nothing from cdktf do not pay for loading it, about 0.2 s CPU each.

// Testing.app() makes an output directory under the system temp dir for every app and
// never removes it: keep this test file's under one directory, removed at the end.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os: typeof import("os") = require("os");
const root = mkdtempSync(join(os.tmpdir(), "authorworks-jest-"));
const tmpdir = jest.spyOn(os, "tmpdir").mockReturnValue(root);
afterAll(() => {
  tmpdir.mockRestore();
  rmSync(root, { recursive: true, force: true });
});

// cdktf records a full stack trace for every token it creates (quoted only when a token
// fails to resolve). Under jest each went through source-map-support frame by frame, and
// collecting the frames was another ~15 % of a synthesis: as in main.ts, those traces are
// empty strings, never collected (environments/token-traces.ts); real Errors keep their
// source-mapped stack, for the project's frames (./stack-frames.ts). The packages' own
// realm gets the same settings from ./shared-packages-runtime.js.
dropTokenTraces(packageFramesUnmapped(Error.prepareStackTrace));
