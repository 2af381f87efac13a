import fs from "node:fs";
import path from "node:path";
import { AWS_PROVIDER_VERSION } from "../../providers/aws";
import { realStacks } from "../real-app";

const stacks = Object.entries(realStacks());

describe("AWS provider version", () => {
  test("is the release npm run verify and npm run e2e build (versions.env MIRROR_VERSION)", () => {
    const env = fs.readFileSync(path.join(__dirname, "../../scripts/verify/versions.env"), "utf8");
    const aws = env.split("\n").find((l) => l.startsWith("aws|"));
    expect(aws?.split("|")[3]).toBe(AWS_PROVIDER_VERSION);
  });

  test("has the fixes this project needs (6.43.0 or later in 6.x)", () => {
    const [major, minor] = AWS_PROVIDER_VERSION.split(".").map(Number);
    expect(major).toBe(6);
    expect(minor).toBeGreaterThanOrEqual(43);
  });

  test.each(stacks.map(([id]) => id))("%s requires exactly that version", (id) => {
    const json = stacks.find(([s]) => s === id)![1];
    expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: AWS_PROVIDER_VERSION });
  });
});
