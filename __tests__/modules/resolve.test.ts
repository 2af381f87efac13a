import { DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, Testing, Token, Tokenization } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AuthorWorksStack } from "../../environments/stack-base";
import { resolveTokens } from "../../modules/resolve";

/** cdktf's own resolution, as its synth runs it. */
const byCdktf = (stack: TerraformStack, value: unknown, preparing = false) =>
  Tokenization.resolve(value, { scope: stack, preparing, resolver: new DefaultTokenResolver(new StringConcat()) });

/** A stack with one bucket and one security group whose attributes make tokens of every kind. */
function fixture() {
  const stack = new AuthorWorksStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const bucket = new S3Bucket(stack, "bucket", { bucket: "b" });
  const group = new SecurityGroup(stack, "group", { name: "g" });
  return { stack, bucket, group };
}

/** Plain data and every kind of token cdktf encodes, nested as resource configurations nest them. */
function values({ bucket, group }: ReturnType<typeof fixture>): Record<string, unknown> {
  return {
    plain: { text: "a ${literal} brace", n: 3, yes: true, nothing: null, gone: undefined, list: [1, undefined, "x", [2, undefined]] },
    // Strings cdktf's number-token pattern matches, resolved unchanged.
    numberLike: ["1e5", "2.5e-3", "id-e2e-9", "-e+"],
    stringToken: bucket.arn,
    embedded: `arn:${bucket.bucket}/*`,
    numberToken: Token.asNumber(bucket.id),
    listToken: Token.asList(group.id),
    inList: ["a", bucket.arn, Token.asNumber(group.id)],
    numberListToken: Token.asNumberList(group.id),
    mapToken: bucket.tags,
    keyToken: { [bucket.id]: "value" },
    lazy: Lazy.stringValue({ produce: () => `lazy-${bucket.bucket}` }),
    lazyObject: Lazy.anyValue({ produce: () => ({ nested: [bucket.arn, undefined], plain: "p" }) }),
    fn: Fn.join(",", [bucket.arn, "x"]),
    deep: { a: { b: { c: { d: [{ e: bucket.arn, f: undefined }] } } } },
    resolvable: { resolve: () => ({ made: bucket.arn }) },
  };
}

describe("resolveTokens: cdktf's resolution without its walk of plain data", () => {
  test("gives what Tokenization.resolve gives, key for key and in order, for plain data and every kind of token", () => {
    const f = fixture();
    const ours = resolveTokens(f.stack, values(f));
    const theirs = byCdktf(f.stack, values(f));
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(ours).toEqual(theirs);
    // The values checked are real resolutions, not tokens passed through.
    expect(ours).toMatchObject({
      stringToken: "${aws_s3_bucket.bucket.arn}",
      embedded: "arn:${aws_s3_bucket.bucket.bucket}/*",
      plain: { list: [1, "x", [2]] },
    });
    expect((ours as { plain: object }).plain).not.toHaveProperty("gone");
  });

  test("the resource configurations of a stack resolve the same", () => {
    const f = fixture();
    for (const element of [f.bucket, f.group])
      expect(JSON.stringify(resolveTokens(f.stack, element.toTerraform()))).toBe(JSON.stringify(byCdktf(f.stack, element.toTerraform())));
  });

  test("plain data never reaches cdktf's resolution; only the values that hold tokens do", () => {
    const f = fixture();
    const resolve = jest.spyOn(Tokenization, "resolve");
    try {
      const plain = Array.from({ length: 200 }, (_, i) => ({ name: `n${i}`, tags: { a: "b" }, ports: [i, i + 1], on: true, off: undefined }));
      resolveTokens(f.stack, plain);
      expect(resolve).not.toHaveBeenCalled();
      const [arn, id] = [f.bucket.arn, f.group.id];
      resolveTokens(f.stack, { ...plain[0], arn, nested: [{ id }] });
      expect(resolve.mock.calls.map((c) => c[0])).toEqual([arn, id]);
    } finally {
      resolve.mockRestore();
    }
  });

  test("a Date is kept as it is, as cdktf keeps one", () => {
    // Checked apart: cdktf runs in the jest worker's realm (__tests__/shared-packages-runtime.js),
    // whose `instanceof Date` does not know this file's Dates.
    const when = new Date(0);
    expect((resolveTokens(fixture().stack, { when }) as { when: Date }).when).toBe(when);
  });

  test("copies: the result shares no object or array with the input", () => {
    const f = fixture();
    const input = { a: { b: [{ c: 1 }] } };
    const out = resolveTokens(f.stack, input) as typeof input;
    expect(out).toEqual(input);
    expect(out.a).not.toBe(input.a);
    expect(out.a.b).not.toBe(input.a.b);
    expect(out.a.b[0]).not.toBe(input.a.b[0]);
  });

  test("what cdktf refuses is refused with cdktf's message: a function, a construct", () => {
    const f = fixture();
    expect(() => resolveTokens(f.stack, { f: () => 1 })).toThrow(/function/i);
    expect(() => byCdktf(f.stack, { f: () => 1 })).toThrow(/function/i);
    expect(() => resolveTokens(f.stack, { c: f.bucket })).toThrow(/construct/i);
  });

  test("a cyclic structure fails with cdktf's circular reference error, not a stack overflow", () => {
    const f = fixture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => resolveTokens(f.stack, cyclic)).toThrow(/circular/i);
  });

  test("preparing: a reference to another stack's resource registers its output and remote state, as cdktf's own prepareStack does", () => {
    /** Two stacks, the second naming the first's bucket, prepared by `prepare`; both synthesized. */
    const synthesized = (prepare: (stack: AuthorWorksStack) => void) => {
      const app = Testing.app();
      const origin = new AuthorWorksStack(app, "origin");
      new AwsProvider(origin, "aws", { region: "us-east-1" });
      const bucket = new S3Bucket(origin, "bucket", { bucket: "b" });
      const user = new AuthorWorksStack(app, "user");
      new AwsProvider(user, "aws", { region: "us-east-1" });
      new S3Bucket(user, "copy", { bucket: bucket.bucket });
      prepare(user);
      return [origin, user].map((s) => JSON.parse(Testing.synth(s)));
    };
    const [origin, user] = synthesized((s) => s.prepareStack());
    expect(Object.keys(user.data.terraform_remote_state)).toEqual(["cross_stack_reference_input_origin"]);
    expect(user.resource.aws_s3_bucket.copy.bucket).toMatch(
      /^\$\{data\.terraform_remote_state\.cross_stack_reference_input_origin\.outputs\.cross_stack_output_/,
    );
    expect(Object.keys(origin.output)).toHaveLength(1);
    expect([origin, user]).toEqual(synthesized((s) => TerraformStack.prototype.prepareStack.call(s)));
  });
});
