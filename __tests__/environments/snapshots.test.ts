/**
 * One regression snapshot per stack: any change to the synthesized Terraform shows up
 * as a snapshot diff. Review it like a plan, then accept with `npx jest -u`.
 */
import { Testing, TerraformStack } from "cdktf";
import { buildApp } from "../../environments/app";
import { ENVIRONMENTS } from "../../environments";

const app = buildApp({ environments: ENVIRONMENTS, processEnv: {}, outdir: Testing.app().outdir });

test.each(["bootstrap", "dev", "dev-platform", "staging", "staging-platform", "production", "production-platform"])("%s stack", (name) => {
  expect(JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack))).toMatchSnapshot();
});
