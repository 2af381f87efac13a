/** Tests transpile with SWC (no type-check: `npm run typecheck` is its own gate). */
module.exports = {
  testEnvironment: "node",
  // Jest's default on 2 cores is one worker; synthesis tests are CPU-bound and 2 halve the wall time.
  maxWorkers: "100%",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  // The committed app is synthesized once per run, in a directory these make and remove (__tests__/real-app).
  globalSetup: "<rootDir>/__tests__/real-app/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/real-app/global-teardown.ts",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // cdktf, constructs and the provider packages load once per worker, not once per test file.
  runtime: "<rootDir>/__tests__/shared-packages-runtime.js",
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
