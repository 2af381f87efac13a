import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cdktf from "cdktf";
import { TokenMap } from "cdktf/lib/tokens/private/token-map";

/** The string tokens cdktf knows of when this file starts (before it makes any). */
const tokensAtStart = (TokenMap.instance() as unknown as { stringTokenMap: Map<string, unknown> }).stringTokenMap.size;

describe("the packages under jest (__tests__/shared-packages-runtime.js)", () => {
  test("cdktf is the worker's one copy: a fresh module registry gets the same module", () => {
    let isolated: unknown;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the registry's own answer is the point
      isolated = require("cdktf");
    });
    expect(isolated).toBe(cdktf);
    // Loaded by Node in the worker's realm, not in this file's.
    expect(typeof cdktf.Testing).toBe("function");
    expect(cdktf.Testing).not.toBeInstanceOf(Function);
  });

  test("its token traces are not collected either", () => {
    const lazy = cdktf.Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] };
    expect(lazy.creationStack).toEqual([]);
  });

  test("cdktf's token map starts each test file empty", () => {
    expect(tokensAtStart).toBe(0);
    cdktf.Token.asString(cdktf.Lazy.anyValue({ produce: () => 1 }));
    expect((TokenMap.instance() as unknown as { stringTokenMap: Map<string, unknown> }).stringTokenMap.size).toBe(1);
  });

  test("a mocked package is still the mock", () => {
    jest.isolateModules(() => {
      jest.doMock("constructs", () => ({ mocked: true }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mock is what require must return
      expect(require("constructs")).toEqual({ mocked: true });
    });
  });
});

describe("the test setup (__tests__/setup.ts)", () => {
  test("every Testing.app() of a file shares one output directory, under the file's temporary directory", () => {
    const [a, b] = [cdktf.Testing.app().outdir, cdktf.Testing.app().outdir];
    expect(a).toBe(b);
    expect(a.startsWith(tmpdir())).toBe(true);
    // Other temporary directories are still new ones.
    expect(mkdtempSync(join(tmpdir(), "other-"))).not.toBe(mkdtempSync(join(tmpdir(), "other-")));
  });
});
