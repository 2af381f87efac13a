/**
 * Node warnings about the packages' code, which the project can neither act on nor fix.
 * No side effect on import: synth-runtime.ts (the app) and the jest runtime
 * (__tests__/shared-packages-runtime.js) call it.
 */

/**
 * DEP0044, `util.isArray` is deprecated: a runtime warning from Node 22 on, printed once per
 * process to stderr. cdktf 0.21 (its last release, lib/terraform-output.js) calls it for
 * every TerraformOutput; the call works the same on every Node version the project supports
 * (package.json `engines`). Every other warning is printed as before.
 */
export function silencePackageDeprecations(): void {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const code = typeof rest[0] === "object" ? (rest[0] as { code?: string } | null)?.code : rest[1];
    if (code === "DEP0044") return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
