import js from "@eslint/js";
import tseslint from "typescript-eslint";

const providerPackages = ["aws", "kubernetes", "helm", "random"].map((p) => `@cdktf/provider-${p}`);

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", "bench-out/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // The barrel loads every resource class of a provider (thousands): synth goes from ~1 s to ~10 s.
      "no-restricted-imports": [
        "error",
        {
          paths: providerPackages.map((name) => ({
            name,
            message: `Import the class by deep path (${name}/lib/<resource>); the barrel makes synth slow.`,
          })),
          patterns: providerPackages.map((name) => ({
            group: [`${name}/lib`, `${name}/lib/index`],
            message: "Import the class by deep path; the barrel makes synth slow.",
          })),
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", module: "writable", require: "readonly", __dirname: "readonly" } },
  },
);
