import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringResource } from "@cdktf/provider-random/lib/string-resource";

const ROOT = join(__dirname, "../..");
const MODULE = join(ROOT, "scripts", "bench-template.mjs");

/** Runs an ES-module snippet with bench-template.mjs as `m`, `require`, and stdin as `input`. */
function withModule(body: string, input = "") {
  const script = [
    `import * as m from ${JSON.stringify(MODULE)};`,
    'import { createRequire } from "node:module";',
    'import { readFileSync } from "node:fs";',
    `const require = createRequire(${JSON.stringify(MODULE)});`,
    'const input = readFileSync(0, "utf8");',
    body,
  ].join("\n");
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, input, encoding: "utf8" });
}

const rewrite = (source: string) => withModule(`process.stdout.write(m.barrelRewriter(${JSON.stringify(join(ROOT, "node_modules"))})(input));`, source);

describe("npm run bench's default-template app (scripts/bench-template.mjs)", () => {
  test("deep provider imports become barrel imports, one namespace import per module, providers kept apart", () => {
    const source = [
      'import { Construct } from "constructs";',
      'import { AwsProvider } from "@cdktf/provider-aws/lib/provider";',
      'import { KubernetesProvider as K8s } from "@cdktf/provider-kubernetes/lib/provider";',
      "import {",
      "  S3BucketLifecycleConfiguration,",
      "  type S3BucketLifecycleConfigurationRule,",
      '} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";',
      'import type { S3BucketLifecycleConfigurationConfig } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";',
      'import { StringResource } from "@cdktf/provider-random/lib/string-resource";',
      "",
    ].join("\n");
    const run = rewrite(source);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      [
        'import { Construct } from "constructs";',
        'import { provider as __aws_provider } from "@cdktf/provider-aws";',
        "import AwsProvider = __aws_provider.AwsProvider;",
        'import { provider as __kubernetes_provider } from "@cdktf/provider-kubernetes";',
        "import K8s = __kubernetes_provider.KubernetesProvider;",
        'import { s3BucketLifecycleConfiguration as __aws_s3BucketLifecycleConfiguration } from "@cdktf/provider-aws";',
        "import S3BucketLifecycleConfiguration = __aws_s3BucketLifecycleConfiguration.S3BucketLifecycleConfiguration;",
        "import S3BucketLifecycleConfigurationRule = __aws_s3BucketLifecycleConfiguration.S3BucketLifecycleConfigurationRule;",
        "import S3BucketLifecycleConfigurationConfig = __aws_s3BucketLifecycleConfiguration.S3BucketLifecycleConfigurationConfig;",
        'import { stringResource as __random_stringResource } from "@cdktf/provider-random";',
        "import StringResource = __random_stringResource.StringResource;",
        "",
      ].join("\n"),
    );
    // The barrel namespaces hold the same classes as the deep paths (shown on the random provider:
    // the kubernetes and AWS barrels take seconds to load).
    const barrels = withModule(
      `const random = require("@cdktf/provider-random");
process.stdout.write(JSON.stringify([require.resolve("@cdktf/provider-random/lib/string-resource") in require.cache, random.stringResource.StringResource === require("@cdktf/provider-random/lib/string-resource").StringResource, random.stringResource.StringResource.tfResourceType]));`,
    );
    expect(barrels.stderr).toBe("");
    expect(JSON.parse(barrels.stdout)).toEqual([true, true, StringResource.tfResourceType]);
  });

  test.each([
    ['import { Nope } from "@cdktf/provider-aws/lib/no-such-resource";\n', "@cdktf/provider-aws has no barrel namespace for lib/no-such-resource"],
    [
      'import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";\nimport * as kms from "@cdktf/provider-aws/lib/kms-key";\n',
      "a deep provider import is left",
    ],
    [
      'import { S3Bucket, "S3BucketConfig" as Config } from "@cdktf/provider-aws/lib/s3-bucket";\n',
      'cannot rewrite import specifier ""S3BucketConfig" as Config"',
    ],
  ])("%j is refused rather than left as it is", (source, message) => {
    const run = rewrite(source);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });

  test("prepareTemplateApp copies the app with every deep provider import rewritten and node_modules linked", () => {
    const scratch = mkdtempSync(join(tmpdir(), "bench-template-"));
    const dir = join(scratch, "app");
    const run = withModule(`process.stdout.write(JSON.stringify(m.prepareTemplateApp(${JSON.stringify(ROOT)}, ${JSON.stringify(dir)})));`);
    expect(run.stderr).toBe("");
    const tsFiles = (base: string, sub: string): string[] =>
      readdirSync(join(base, sub), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && statSync(join(base, sub, f)).isFile())
        .map((f) => join(sub, f));
    const sources = ["main.ts", ...["environments", "modules", "providers", "variables"].flatMap((sub) => tsFiles(ROOT, sub))].sort();
    const deepImport = /^import\s[^;]*?from\s+"@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+";$/gm;
    const expected = sources.map((f) => readFileSync(join(ROOT, f), "utf8").match(deepImport)?.length ?? 0);
    expect(JSON.parse(run.stdout)).toEqual({ files: expected.filter((n) => n > 0).length, imports: expected.reduce((a, b) => a + b, 0) });
    expect(expected.reduce((a, b) => a + b, 0)).toBeGreaterThan(150);
    for (const f of sources) {
      const copy = readFileSync(join(dir, f), "utf8");
      expect([f, /@cdktf\/provider-[a-z]+\/lib\//.test(copy)]).toEqual([f, false]);
      // Files without provider imports are copied unchanged.
      if (!readFileSync(join(ROOT, f), "utf8").includes("@cdktf/provider-")) expect([f, copy]).toEqual([f, readFileSync(join(ROOT, f), "utf8")]);
    }
    expect(readFileSync(join(dir, "tsconfig.json"), "utf8")).toBe(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
    expect(lstatSync(join(dir, "node_modules")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, "node_modules", "ts-node", "dist", "bin.js"))).toBe(true);
    expect(existsSync(join(dir, "__tests__"))).toBe(false);
    // Removes the node_modules link, not what it points to.
    rmSync(scratch, { recursive: true });
    expect(existsSync(join(ROOT, "node_modules", "ts-node", "dist", "bin.js"))).toBe(true);
  });
});
