import type { ErrorFormatter } from "../environments/token-traces";

/** A frame of a file under node_modules. */
const PACKAGE_FILE = /[\\/]node_modules[\\/]/;

/**
 * `format` (jest's source-map-support formatter) with the frames of package files left as
 * V8 prints them, at their .js positions. Mapping one means reading and parsing the file's
 * inline source map, megabytes for cdktf's and the providers' files, again in every test file
 * (each has its own source-map-support), for every error whose stack a test reads (`toThrow`
 * reads them all): a few percent of the suite's CPU time. Project frames keep their .ts positions.
 * @returns undefined when there is no formatter (V8's own format then applies)
 */
export function packageFramesUnmapped(format: ErrorFormatter | undefined): ErrorFormatter | undefined {
  if (!format) return undefined;
  return (error, frames) =>
    format(
      error,
      frames.map((f) => (PACKAGE_FILE.test(f.getFileName() ?? "") ? unmapped(f) : f)),
    );
}

/** A frame source-map-support passes through as it is (it leaves native frames alone). */
function unmapped(frame: NodeJS.CallSite): NodeJS.CallSite {
  return { isNative: () => true, toString: () => frame.toString() } as unknown as NodeJS.CallSite;
}
