import { TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { buildApp } from "../../environments/app";
import { ENVIRONMENTS } from "../../environments";
import { AuthorWorksStack, TERRAFORM_REQUIRED_VERSION } from "../../environments/stack-base";
import { COMMITTED_STACKS } from "../real-app";

const STACKS = COMMITTED_STACKS;

describe("AuthorWorksStack's prepareStack and toTerraform (resolveTokens instead of cdktf's walk)", () => {
  // The committed app, every stack: each environment makes elements of other shapes (durability and availability presets, zone counts, a DR region in production only, a warm standby).
  const app = buildApp({ environments: ENVIRONMENTS, processEnv: {}, outdir: Testing.app().outdir });
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));

  test("every stack of the app is an AuthorWorksStack", () => {
    expect(stacks.map((s) => s.node.id)).toEqual(STACKS);
    for (const s of stacks) expect(s).toBeInstanceOf(AuthorWorksStack);
  });

  test.each(STACKS)("%s: prepared as synth prepares it, its JSON is cdktf's own toTerraform's, key for key and in order", (name) => {
    const stack = stacks.find((s) => s.node.id === name)!;
    stack.prepareStack();
    invokeAspects(stack);
    const ours = JSON.stringify(stack.toTerraform());
    expect(ours).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
    // A real stack: metadata, resources and their references resolved.
    const json = JSON.parse(ours);
    expect(json["//"].metadata.stackName).toBe(name);
    expect(Object.keys(json.resource).length).toBeGreaterThan(3);
    expect(ours).not.toContain("TfToken[");
    // Write-only arguments (RDS master passwords) need Terraform/OpenTofu 1.11; every stack says so once, without a raw override.
    expect(json.terraform.required_version).toBe(">= 1.11.0");
    expect(json["//"].metadata.overrides?.stack ?? []).not.toContain("terraform.required_version");
  });

  test("the version constraint is 1.11 or later and one stack-wide constant", () => {
    expect(TERRAFORM_REQUIRED_VERSION).toBe(">= 1.11.0");
    const fresh = new AuthorWorksStack(Testing.app(), "fresh");
    expect(JSON.parse(Testing.synth(fresh)).terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
  });
});
