// For npm run bench: this app as the default `cdktf init --template=typescript` project
// would run it. That template's app is `npx ts-node main.ts` (type-checked, CommonJS), and
// its code imports provider classes from the package barrels
// (`import { s3Bucket } from "@cdktf/provider-aws"`), which load every resource class of
// every provider. prepareTemplateApp copies the app's sources into a scratch directory and
// rewrites every deep provider import there into a barrel import; the repository's sources
// are not touched.
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the app needs to synthesize (tests and scripts are not part of it). */
const SOURCES = ["main.ts", "tsconfig.json", "environments", "modules", "providers", "variables"];

// `import [type] { A, B as C } from "@cdktf/provider-aws/lib/s3-bucket";`, possibly over several lines.
const DEEP_IMPORT = /^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"@cdktf\/provider-([a-z]+)\/lib\/([a-z0-9-]+)";$/gm;
const SPECIFIER = /^(?:type\s+)?(\w+)(?:\s+as\s+(\w+))?$/;

/** A provider's barrel namespaces by directory, from its lib/index.d.ts: "s3-bucket" -> "s3Bucket". */
function barrelNamespaces(nodeModules, provider) {
  const index = readFileSync(join(nodeModules, "@cdktf", `provider-${provider}`, "lib", "index.d.ts"), "utf8");
  return new Map([...index.matchAll(/^export \* as (\w+) from '\.\/([\w-]+)';$/gm)].map(([, name, dir]) => [dir, name]));
}

/**
 * A rewrite of one file's deep provider imports into barrel imports that keep types and values:
 * `import { s3Bucket as __aws_s3Bucket } from "@cdktf/provider-aws";` then
 * `import C = __aws_s3Bucket.B;` per imported name (the prefix keeps `provider`, which
 * every provider has, apart). It throws on a provider import it cannot rewrite.
 * @param nodeModules where the @cdktf/provider-* packages are installed
 */
export function barrelRewriter(nodeModules) {
  const namespaces = new Map();
  const namespacesOf = (provider) => {
    if (!namespaces.has(provider)) namespaces.set(provider, barrelNamespaces(nodeModules, provider));
    return namespaces.get(provider);
  };
  return (source) => {
    const imported = new Set();
    const rewritten = source.replace(DEEP_IMPORT, (statement, specifiers, provider, dir) => {
      const namespace = namespacesOf(provider).get(dir);
      if (!namespace) throw new Error(`@cdktf/provider-${provider} has no barrel namespace for lib/${dir}: ${statement}`);
      const alias = `__${provider}_${namespace}`;
      const lines = imported.has(alias) ? [] : [`import { ${namespace} as ${alias} } from "@cdktf/provider-${provider}";`];
      imported.add(alias);
      for (const specifier of specifiers
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [, name, local = name] = SPECIFIER.exec(specifier) ?? [];
        if (!name) throw new Error(`cannot rewrite import specifier "${specifier}" in: ${statement}`);
        lines.push(`import ${local} = ${alias}.${name};`);
      }
      return lines.join("\n");
    });
    const left = /@cdktf\/provider-[a-z]+\/lib\//.exec(rewritten);
    if (left)
      throw new Error(
        `a deep provider import is left (a form this rewrite does not know): ...${rewritten.slice(Math.max(0, left.index - 80), left.index + 60)}...`,
      );
    return rewritten;
  };
}

// The node_modules symlink is not followed: the Dirent of a symlink is no directory.
function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/**
 * Copies the app from root into dir (created; root's node_modules reachable through a
 * symlink) with barrel imports in place of deep ones.
 * @returns how many files and import statements were rewritten
 */
export function prepareTemplateApp(root, dir) {
  mkdirSync(dir, { recursive: true });
  for (const source of SOURCES) cpSync(join(root, source), join(dir, source), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const rewrite = barrelRewriter(join(root, "node_modules"));
  let files = 0;
  let imports = 0;
  for (const file of typescriptFiles(dir)) {
    const source = readFileSync(file, "utf8");
    // Every file goes through the rewrite, so that one with only an unknown import form fails too.
    const rewritten = rewrite(source);
    if (rewritten === source) continue;
    writeFileSync(file, rewritten);
    files += 1;
    imports += source.match(DEEP_IMPORT).length;
  }
  return { files, imports };
}
