import { silencePackageDeprecations } from "../../environments/package-warnings";

describe("silencePackageDeprecations", () => {
  const original = process.emitWarning;
  afterEach(() => {
    process.emitWarning = original;
  });

  test("drops DEP0044 (util.isArray, called by cdktf) in both forms Node emits a warning; every other warning reaches Node's emitWarning", () => {
    const emitted = jest.fn();
    process.emitWarning = emitted as unknown as typeof process.emitWarning;
    silencePackageDeprecations();
    process.emitWarning("The `util.isArray` API is deprecated.", "DeprecationWarning", "DEP0044");
    process.emitWarning("The `util.isArray` API is deprecated.", { type: "DeprecationWarning", code: "DEP0044" });
    process.emitWarning("Buffer() is deprecated", "DeprecationWarning", "DEP0005");
    process.emitWarning("other", { type: "DeprecationWarning", code: "DEP0001" });
    process.emitWarning("plain");
    expect(emitted.mock.calls).toEqual([
      ["Buffer() is deprecated", "DeprecationWarning", "DEP0005"],
      ["other", { type: "DeprecationWarning", code: "DEP0001" }],
      ["plain"],
    ]);
  });
});
