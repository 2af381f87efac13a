import { readFileSync } from "fs";
import { join } from "path";
import { DEBUG_HINT, reportSynthError } from "../../environments/report-error";
import { AccountSettingsError } from "../../providers/accounts";
import { StateSettingsError } from "../../providers/state";
import { ConfigError } from "../../variables/validation";

/** What `reportSynthError` writes for `error`, and its exit code. */
function report(error: unknown, debug = false): { lines: string[]; code: number } {
  const lines: string[] = [];
  const code = reportSynthError(error, { debug, write: (text) => lines.push(text) });
  return { lines, code };
}

/** An error whose stack holds a line of minified code, as Node shows the throw site of tsx output. */
function minifiedError(): Error {
  const e = new Error("Monitoring monitoring: region eu-west-1 is not us-east-1");
  e.stack = `${e.message}\n"use strict";var __defProp=Object.defineProperty;var __name=(t,v)=>__defProp(t,"name",{value:v});\n    at new Monitoring (/x/modules/monitoring/index.ts:2:2757)`;
  return e;
}

describe("reportSynthError (main.ts's handler)", () => {
  test("a ConfigError prints its own message only, exit code 1", () => {
    const e = new ConfigError("dev", ['region: got "x"; accepted: us-east-1']);
    expect(report(e)).toEqual({
      lines: [`Invalid configuration for environment "dev" (nothing was synthesized):\n  - region: got "x"; accepted: us-east-1`],
      code: 1,
    });
  });

  test("settings errors (state, accounts) print their own message only", () => {
    for (const e of [
      new StateSettingsError("AUTHORWORKS_STATE_REGION", "x", "an AWS region"),
      new AccountSettingsError("AUTHORWORKS_ACCOUNT_IDS", "x", "JSON"),
    ]) {
      expect(report(e)).toEqual({ lines: [e.message], code: 1 });
      expect(e.message).not.toMatch(/^\s+at /m);
    }
  });

  test("an unexpected error is one line `Error: <message>` and the hint: no stack, no code", () => {
    const { lines, code } = report(minifiedError());
    expect(code).toBe(1);
    expect(lines).toEqual(["Error: Monitoring monitoring: region eu-west-1 is not us-east-1", DEBUG_HINT]);
    expect(DEBUG_HINT).toContain("AUTHORWORKS_DEBUG=1");
  });

  test("a TypeError and a thrown non-Error are reported the same way", () => {
    expect(report(new TypeError("Cannot read properties of undefined (reading 'priceClass')")).lines).toEqual([
      "Error: Cannot read properties of undefined (reading 'priceClass')",
      DEBUG_HINT,
    ]);
    expect(report("plain string").lines).toEqual(["Error: plain string", DEBUG_HINT]);
  });

  test("with debug the full stack is printed instead of the hint", () => {
    const e = minifiedError();
    expect(report(e, true)).toEqual({ lines: [e.stack], code: 1 });
    expect(report("plain string", true).lines).toEqual(["Error: plain string"]);
  });

  test("debug does not change how configuration errors are shown", () => {
    const e = new ConfigError("dev", ["a: b"]);
    expect(report(e, true).lines).toEqual([e.message]);
  });
});

describe("main.ts", () => {
  const main = readFileSync(join(__dirname, "../../main.ts"), "utf8");

  test("hands every error to reportSynthError and never rethrows", () => {
    expect(main).toMatch(/catch \(e\) \{[^}]*process\.exit\(reportSynthError\(e, \{ debug \}\)\);\s*\}/);
    expect(main).not.toMatch(/\bthrow\b/);
  });

  test("debug is AUTHORWORKS_DEBUG=1; the token-trace optimisation stays on otherwise", () => {
    const runtime = readFileSync(join(__dirname, "../../environments/synth-runtime.ts"), "utf8");
    expect(runtime).toContain('export const debug = process.env.AUTHORWORKS_DEBUG === "1";');
    expect(runtime).toContain("if (!debug) process.setSourceMapsEnabled(false);");
    expect(runtime).toMatch(/if \(process\.env\.AUTHORWORKS_TOKEN_TRACES !== "1" && !debug\) \{\s*dropTokenTraces\(\);\s*\}/);
  });

  test("token traces: a plain object gets an empty stack without its frames being collected; Errors, and code with its own formatter, get real frames", () => {
    const saved = { prepare: Error.prepareStackTrace, capture: Error.captureStackTrace, env: { ...process.env } };
    const sourceMaps = jest.spyOn(process, "setSourceMapsEnabled").mockImplementation(() => undefined);
    const frames = jest.fn(saved.capture);
    try {
      Error.captureStackTrace = frames;
      delete process.env.AUTHORWORKS_DEBUG;
      delete process.env.AUTHORWORKS_TOKEN_TRACES;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module, so its settings run again
      jest.isolateModules(() => require("../../environments/synth-runtime"));
      expect(sourceMaps).toHaveBeenCalledWith(false);
      const token: { stack?: string } = {};
      Error.captureStackTrace(token);
      expect(token.stack).toBe("");
      expect(frames).not.toHaveBeenCalled();
      const error = new Error("real");
      Error.captureStackTrace(error);
      expect(error.stack).toMatch(/^Error: real\n {4}at /);
      expect(frames).toHaveBeenCalledTimes(1);
      const callSites: { stack?: unknown } = {};
      Error.prepareStackTrace = (_e, sites) => sites;
      Error.captureStackTrace(callSites);
      expect(Array.isArray(callSites.stack) && callSites.stack.length).toBeGreaterThan(0);
    } finally {
      Error.prepareStackTrace = saved.prepare;
      Error.captureStackTrace = saved.capture;
      process.env = saved.env;
      sourceMaps.mockRestore();
    }
  });

  test("the runtime settings are imported before any other module, so they hold while those load", () => {
    const imports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports[0]).toBe("./environments/synth-runtime");
    expect(imports.length).toBeGreaterThan(1);
  });
});
