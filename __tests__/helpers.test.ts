import { TerraformStack, Testing } from "cdktf";
import { buildApp } from "../environments/app";
import { dev } from "../environments/dev";
import { AuthorWorksStack } from "../environments/stack-base";
import { loadableAlone, synthesized } from "./helpers";

describe("synthesized (the tests' Testing.synth)", () => {
  /** The stacks of one build of dev's app, by name. */
  const devStacks = () =>
    Object.fromEntries(
      buildApp({ environments: [loadableAlone(dev)], processEnv: {}, outdir: Testing.app().outdir })
        .node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))
        .map((s) => [s.node.id, s]),
    );

  // Two builds, one per synthesis: synthesis runs the aspects, which must see each stack as synth first does.
  let builds: { ours: Record<string, TerraformStack>; theirs: Record<string, TerraformStack> } | undefined;

  test.each(["bootstrap", "dev", "dev-platform"])("%s: what JSON.parse(Testing.synth(stack, true)) gives, key for key and in order", (name) => {
    builds ??= { ours: devStacks(), theirs: devStacks() };
    const ours = synthesized(builds.ours[name]);
    const theirs = JSON.parse(Testing.synth(builds.theirs[name], true));
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(Object.keys(ours.resource).length).toBeGreaterThan(3);
  });

  test("values without a JSON form, nested metadata and key order, as Testing.synth leaves them", () => {
    const stack = () => {
      const s = new AuthorWorksStack(Testing.app(), "edge");
      s.addOverride("locals", {
        z: 1,
        a: [undefined, -0, NaN, Infinity],
        "//": "gone",
        nested: { "//": "gone", b: undefined, when: new Date(0), Ä: 1, B: 2 },
      });
      return s;
    };
    const ours = synthesized(stack());
    expect(JSON.stringify(ours)).toBe(JSON.stringify(JSON.parse(Testing.synth(stack(), true))));
    expect(ours.locals).toEqual({ a: [0, null, null], nested: { B: 2, when: {}, Ä: 1 }, z: 1 });
  });
});
