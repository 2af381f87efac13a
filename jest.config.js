/** Tests transpile with SWC (no type-check: `npm run typecheck` is its own gate). */
module.exports = {
  testEnvironment: "node",
  // Jest's default on 2 cores is one worker; synthesis tests are CPU-bound and 2 halve the wall time.
  maxWorkers: "100%",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
