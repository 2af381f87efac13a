import { TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { buildApp } from "../../environments/app";
import { production } from "../../environments/production";
import { AuthorWorksStack } from "../../environments/stack-base";
import { loadableAlone } from "../helpers";

describe("AuthorWorksStack's prepareStack and toTerraform (resolveTokens instead of cdktf's walk)", () => {
  // Production: its stacks hold every kind of element the app makes (DR region, proxy, alarms, add-ons).
  const app = buildApp({ environments: [loadableAlone(production)], processEnv: {}, outdir: Testing.app().outdir });
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));

  test("every stack of the app is an AuthorWorksStack", () => {
    expect(stacks.map((s) => s.node.id)).toEqual(["bootstrap", "production", "production-platform"]);
    for (const s of stacks) expect(s).toBeInstanceOf(AuthorWorksStack);
  });

  test.each(["bootstrap", "production", "production-platform"])(
    "%s: prepared as synth prepares it, its JSON is cdktf's own toTerraform's, key for key and in order",
    (name) => {
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
    },
  );
});
