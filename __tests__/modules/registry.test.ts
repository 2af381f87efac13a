import { TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Json, resource, resourcesOf, statements, synthWith } from "../helpers";
import { ContainerRegistry, ContainerRegistryProps, ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from "../../modules/registry";
import { SERVICES, SERVICE_NAMES } from "../../variables/services";
import { EnvironmentName, names } from "../../variables/project";
import type { AuthorWorksStack } from "../../environments/stack-base";
import { testContext } from "../fixtures/context";

const CONTEXT = testContext();
const KEY = CONTEXT.keys.storage.arn;
const PROPS: ContainerRegistryProps = { context: CONTEXT, forceDelete: true };

/** `environment` builds the context of that environment. */
type Overrides = Partial<Omit<ContainerRegistryProps, "context">> & { readonly environment?: EnvironmentName };

function synth(overrides: Overrides = {}, extra?: (r: ContainerRegistry, stack: AuthorWorksStack) => void): Json {
  const { environment, ...props } = overrides;
  return synthWith((stack) => {
    const registry = new ContainerRegistry(stack, "registry", { ...PROPS, ...(environment ? { context: testContext({ environment }) } : {}), ...props });
    extra?.(registry, stack);
  });
}

const repoId = (svc: string) => `registry_${svc}_repository`;
const arnRef = (svc: string) => `\${aws_ecr_repository.registry_${svc}_repository.arn}`;

/** The parsed lifecycle policy of one service's repository. */
function lifecycle(json: Json, svc: string): Json {
  const policy = resource(json, "aws_ecr_lifecycle_policy", `registry_${svc}_lifecycle`);
  expect(policy.repository).toBe(`\${aws_ecr_repository.registry_${svc}_repository.name}`);
  return JSON.parse(policy.policy);
}

describe("repositories", () => {
  const json = synth();
  const repos = resourcesOf(json, "aws_ecr_repository");

  test("one repository per catalogue service, named by names.ecrRepository", () => {
    expect(Object.keys(repos)).toHaveLength(SERVICES.length);
    expect(Object.keys(repos).sort()).toEqual(SERVICE_NAMES.map(repoId).sort());
    for (const svc of SERVICE_NAMES) {
      expect(repos[repoId(svc)].name).toBe(names.ecrRepository("dev", svc));
      expect(repos[repoId(svc)].tags).toEqual({ Name: `authorworks-dev/${svc}`, Service: svc });
    }
  });

  test.each(["staging", "production"] as const)("%s names", (env) => {
    const r = resourcesOf(synth({ environment: env }), "aws_ecr_repository");
    expect(
      Object.values(r)
        .map((x) => x.name)
        .sort(),
    ).toEqual(SERVICE_NAMES.map((s) => `authorworks-${env}/${s}`).sort());
  });

  test("immutable tags, scan on push, KMS encryption with the storage key on every repository", () => {
    for (const r of Object.values(repos)) {
      expect(r.image_tag_mutability).toBe("IMMUTABLE");
      expect(r.image_tag_mutability_exclusion_filter).toBeUndefined();
      expect(r.image_scanning_configuration).toEqual({ scan_on_push: true });
      expect(r.encryption_configuration).toEqual([{ encryption_type: "KMS", kms_key: KEY }]);
    }
  });

  test.each([
    [true, true],
    [false, false],
  ])("forceDelete %p: force_delete %p", (forceDelete, force) => {
    const r = Object.values(resourcesOf(synth({ forceDelete }), "aws_ecr_repository"));
    expect(r.map((x) => x.force_delete)).toEqual(Array(SERVICES.length).fill(force));
  });

  test("a subset of services gets only its repositories", () => {
    const r = resourcesOf(synth({ services: SERVICES.filter((s) => s.ownsDatabase) }), "aws_ecr_repository");
    expect(Object.keys(r).sort()).toEqual([
      "registry_content_repository",
      "registry_editor_repository",
      "registry_subscription_repository",
      "registry_user_repository",
    ]);
  });

  test("mutable tag patterns switch to IMMUTABLE_WITH_EXCLUSION with wildcard filters", () => {
    const r = resource(synth({ mutableTagPatterns: ["latest-*"] }), "aws_ecr_repository", repoId("gateway"));
    expect(r.image_tag_mutability).toBe("IMMUTABLE_WITH_EXCLUSION");
    expect(r.image_tag_mutability_exclusion_filter).toEqual([{ filter: "latest-*", filter_type: "WILDCARD" }]);
    expect(() => synth({ mutableTagPatterns: ["latest/dev"] })).toThrow(/mutable tag pattern "latest\/dev"/);
  });
});

describe("lifecycle policy", () => {
  const json = synth();

  test.each(SERVICE_NAMES)("%s: untagged expire after 7 days (priority 1), keep the last 10 (priority 2, any)", (svc) => {
    const { rules } = lifecycle(json, svc);
    expect(rules).toHaveLength(2);
    const [untagged, keep] = rules;
    expect(untagged).toMatchObject({
      rulePriority: 1,
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
      action: { type: "expire" },
    });
    expect(keep).toMatchObject({
      rulePriority: 2,
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
      action: { type: "expire" },
    });
    expect(keep.selection.countUnit).toBeUndefined();
  });

  test("the 'any' rule has the highest priority value and priorities are unique (ECR's rules)", () => {
    const { rules } = lifecycle(json, "gateway");
    const priorities = rules.map((r: Json) => r.rulePriority);
    expect(new Set(priorities).size).toBe(priorities.length);
    const any = rules.find((r: Json) => r.selection.tagStatus === "any");
    expect(any.rulePriority).toBe(Math.max(...priorities));
  });

  test("counts follow the props", () => {
    const { rules } = lifecycle(synth({ keepImages: 25, untaggedExpiryDays: 3 }), "content");
    expect(rules.map((r: Json) => r.selection.countNumber)).toEqual([3, 25]);
    expect(() => synth({ keepImages: 0 })).toThrow(/keepImages 0/);
    expect(() => synth({ untaggedExpiryDays: 1.5 })).toThrow(/untaggedExpiryDays 1.5/);
  });
});

describe("grants", () => {
  function withGrant(grant: (r: ContainerRegistry, role: IamRole) => void): Json {
    return synth({}, (r, stack) => grant(r, new IamRole(stack, "ci", { name: "ci", assumeRolePolicy: "{}" })));
  }

  test("grantPull: GetAuthorizationToken on * (AWS requires it), pull actions on the repositories only", () => {
    const json = withGrant((r, role) => r.grantPull(role));
    const doc = "registry_grant_ci_pull_document";
    const [login, pull, ...rest] = statements(json, doc);
    expect(rest).toHaveLength(0);
    expect(login).toMatchObject({ sid: "RegistryLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
    expect(pull).toMatchObject({ sid: "PullImages", effect: "Allow", actions: ECR_PULL_ACTIONS });
    expect(pull.resources.sort()).toEqual(SERVICE_NAMES.map(arnRef).sort());
    for (const a of pull.actions) expect(ECR_PUSH_ACTIONS).not.toContain(a);
    expect(resource(json, "aws_iam_role_policy", "registry_grant_ci_pull_policy")).toMatchObject({ name: "ecr-pull", role: "${aws_iam_role.ci.name}" });
  });

  test("grantPush adds the upload actions; a subset of services narrows the resources", () => {
    const json = withGrant((r, role) => r.grantPush(role, ["gateway", "content"]));
    const push = statements(json, "registry_grant_ci_push_content_gateway_document").find((s) => s.sid === "PushImages")!;
    expect(push.actions).toEqual([...ECR_PULL_ACTIONS, ...ECR_PUSH_ACTIONS]);
    expect(push.actions).toEqual(expect.arrayContaining(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]));
    expect(push.resources).toEqual([arnRef("content"), arnRef("gateway")]);
    expect(resource(json, "aws_iam_role_policy", "registry_grant_ci_push_content_gateway_policy").name).toBe("ecr-push-content-gateway");
  });

  test("grants are idempotent per role and mode; unknown services are refused", () => {
    const json = withGrant((r, role) => {
      expect(r.grantPull(role)).toBe(r.grantPull(role));
    });
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["registry_grant_ci_pull_policy"]);
    expect(() => withGrant((r, role) => r.grantPull(role, ["billing"]))).toThrow(/no repository for service "billing"/);
  });
});

describe("outputs", () => {
  test("repository URLs and ARNs by service", () => {
    const json = synth({}, (r, stack) => {
      new TerraformOutput(stack, "urls", { value: r.repositoryUrls });
      new TerraformOutput(stack, "arns", { value: r.repositoryArns });
    });
    expect(json.output.urls.value).toEqual(Object.fromEntries(SERVICE_NAMES.map((s) => [s, `\${aws_ecr_repository.registry_${s}_repository.repository_url}`])));
    expect(json.output.arns.value).toEqual(Object.fromEntries(SERVICE_NAMES.map((s) => [s, arnRef(s)])));
  });
});
