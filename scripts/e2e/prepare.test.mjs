// node --test scripts/e2e: the emulator copy of a stack (prepare.mjs) and the leftover diff.
import assert from "node:assert/strict";
import test from "node:test";
import { leftovers } from "./leftovers.mjs";
import { addressPattern, prepareStack, providerOverride, unprotect, withLocalBackend } from "./prepare.mjs";

const doc = () => ({
  terraform: { backend: { s3: { bucket: "b" } }, required_providers: { aws: { source: "aws", version: "6.47.0" } } },
  provider: { aws: [{ region: "us-east-1" }, { alias: "global", region: "us-east-1" }] },
  data: { aws_route53_zone: { parent: { name: "example.io" }, private: { name: "internal", private_zone: true } } },
  resource: {
    aws_cloudfront_cache_policy: { cdn_cache: { name: "c" } },
    aws_cloudfront_distribution: {
      cdn: {
        default_cache_behavior: [{ cache_policy_id: "${aws_cloudfront_cache_policy.cdn_cache.id}" }],
        depends_on: ["aws_cloudfront_cache_policy.cdn_cache"],
      },
    },
    aws_eks_access_entry: { admin: { principal_arn: "x" } },
    aws_eks_access_policy_association: { admin: { principal_arn: "${aws_eks_access_entry.admin.principal_arn}" } },
    aws_s3_bucket: { logs: { bucket: "l", lifecycle: { prevent_destroy: true } } },
    aws_db_instance: { db: { deletion_protection: true, skip_final_snapshot: false } },
  },
  output: { cache: { value: "${aws_cloudfront_cache_policy.cdn_cache.id}" }, entry: { value: "${aws_eks_access_entry.admin.principal_arn}" } },
});

const gaps = [
  { phase: "apply", address: "aws_cloudfront_cache_policy.*", error: "404", reason: "no cache policies", substitute: { id: "gap-{name}" } },
  { phase: "apply", address: "aws_eks_access_entry.*", attempt: false, reason: "no access entries" },
];

test("address patterns: * is any run of characters, the rest literal", () => {
  assert.ok(addressPattern("aws_x.*").test("aws_x.a_b"));
  assert.ok(!addressPattern("aws_x.a").test("aws_xxa"));
  assert.ok(!addressPattern("aws_x.*").test("data.aws_x.a"));
});

test("a substituted gap stays in the copy; its dependents read the substitute, and no longer wait for it", () => {
  const { doc: copy, substituted } = prepareStack(doc(), gaps);
  assert.deepEqual(copy.resource.aws_cloudfront_cache_policy.cdn_cache, { name: "c" });
  assert.equal(
    copy.resource.aws_cloudfront_distribution.cdn.default_cache_behavior[0].cache_policy_id,
    "${local.e2e_gap_aws_cloudfront_cache_policy_cdn_cache.id}",
  );
  assert.equal(copy.resource.aws_cloudfront_distribution.cdn.depends_on, undefined);
  assert.deepEqual(copy.locals.e2e_gap_aws_cloudfront_cache_policy_cdn_cache, { id: "gap-cdn_cache" });
  assert.equal(copy.output.cache.value, "${local.e2e_gap_aws_cloudfront_cache_policy_cdn_cache.id}");
  assert.deepEqual(
    substituted.map((s) => s.address),
    ["aws_cloudfront_cache_policy.cdn_cache"],
  );
});

test("a gap not attempted is removed with everything that depends on it and nothing else", () => {
  const { doc: copy, removed } = prepareStack(doc(), gaps);
  assert.deepEqual(removed.map((r) => r.address).sort(), ["aws_eks_access_entry.admin", "aws_eks_access_policy_association.admin"]);
  assert.equal(copy.resource.aws_eks_access_entry, undefined);
  assert.equal(copy.output.entry, undefined);
  assert.ok(copy.resource.aws_s3_bucket.logs);
});

test("protections are recorded, and lifted only in the destroy copy", () => {
  const { doc: copy, protections } = prepareStack(doc(), gaps);
  assert.deepEqual(protections.map((p) => `${p.address}:${p.kind}`).sort(), [
    "aws_db_instance.db:deletion_protection",
    "aws_db_instance.db:final_snapshot",
    "aws_s3_bucket.logs:prevent_destroy",
  ]);
  assert.equal(copy.resource.aws_s3_bucket.logs.lifecycle.prevent_destroy, true);
  const lifted = unprotect(copy, protections);
  assert.equal(lifted.resource.aws_s3_bucket.logs.lifecycle.prevent_destroy, false);
  assert.equal(lifted.resource.aws_db_instance.db.deletion_protection, false);
  assert.equal(lifted.resource.aws_db_instance.db.skip_final_snapshot, true);
  assert.equal(copy.resource.aws_db_instance.db.deletion_protection, true);
});

test("public zones read but not created are seeded; private ones are not", () => {
  assert.deepEqual(prepareStack(doc(), gaps).seeds, ["example.io"]);
  assert.deepEqual(prepareStack(doc(), gaps).foreignSeeds, []);
});

test("a zone read through a provider that assumes a role in another account is seeded in that account, with the role", () => {
  const d = doc();
  const role = "arn:aws:iam::210000000003:role/owner-dns-delegation-dev";
  d.provider.aws.push({
    alias: "parent_zone",
    region: "us-east-1",
    allowed_account_ids: ["210000000003"],
    assume_role: [{ role_arn: role, session_name: "s" }],
  });
  d.data.aws_route53_zone.parent.provider = "aws.parent_zone";
  const { seeds, foreignSeeds } = prepareStack(d, gaps);
  assert.deepEqual(seeds, []);
  assert.deepEqual(foreignSeeds, [{ zone: "example.io", account: "210000000003", roleArn: role }]);
});

test("local backend replaces the remote one; every AWS provider configuration, aliases included, points at the emulator", () => {
  const local = withLocalBackend(doc());
  assert.deepEqual(local.terraform.backend, { local: { path: "terraform.tfstate" } });
  const o = providerOverride(local, { endpoint: "http://127.0.0.1:1", endpointNames: ["s3", "sts"], maxRetries: 2 });
  assert.deepEqual(
    o.provider.aws.map((p) => p.alias ?? "default"),
    ["default", "global"],
  );
  for (const p of o.provider.aws) {
    assert.deepEqual(p.endpoints, [{ s3: "http://127.0.0.1:1", sts: "http://127.0.0.1:1" }]);
    assert.equal(p.s3_use_path_style, true);
  }
});

test("leftovers: new objects only, minus account defaults and what moto keeps in a deleted state", () => {
  const before = { "ec2.VPC": [{ id: "vpc-default" }] };
  const after = {
    "ec2.VPC": [{ id: "vpc-default" }, { id: "vpc-new" }],
    "kms.Key": [
      { id: "k1", key_state: "PendingDeletion", key_manager: "CUSTOMER" },
      { id: "k2", key_state: "Enabled", key_manager: "CUSTOMER" },
      { id: "k3", key_state: "Enabled", key_manager: "AWS" },
      { id: "k4", key_state: "Enabled", key_manager: "CUSTOMER", description: "Default key" },
    ],
    "kms.Alias": [{ name: "alias/aws/dynamodb" }, { name: "alias/app" }],
    "iam.AWSManagedPolicy": [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
    "ec2.NatGateway": [{ id: "nat-1", state: "deleted", network_interface_id: "eni-1" }],
    "ec2.NetworkInterface": [{ id: "eni-1" }],
    // Sessions of an assumed role (temporary ASIA keys) are no resources; a user's AKIA key is.
    "sts.AssumedRole": [{ arn: "arn:aws:sts::210000000003:assumed-role/r/s" }],
    "iam.AccessKey": [{ physical_resource_id: "ASIAEXAMPLE1" }, { physical_resource_id: "AKIAEXAMPLE2" }],
  };
  const found = leftovers(before, after);
  assert.deepEqual(
    found.map((l) => `${l.model} ${l.key}`),
    ["ec2.VPC vpc-new", "kms.Key k2", "kms.Alias alias/app", "ec2.NetworkInterface eni-1", "iam.AccessKey AKIAEXAMPLE2"],
  );
  // The NAT gateway's interface is reported with the gateway's id, so it names that resource.
  assert.deepEqual(found.at(-2).ids, ["eni-1", "nat-1"]);
});
