/**
 * cdktf's token resolution, `Tokenization.resolve(value, { scope, preparing, resolver })` with
 * the resolver cdktf synthesizes with, for values that are mostly plain data.
 *
 * cdktf resolves a configuration value by value, allocating a resolution context for every
 * key and value on the way, tokens or not, and runs it three times over each stack (its
 * prepare, then each element and the merged whole when writing), a fourth in the admission
 * ordering aspect: about half of a synth's CPU time (profile of `node --cpu-prof` on the
 * prebuilt app, 2026-11-30). Here plain data is walked and copied directly, and each value
 * that holds a token, or that cdktf's resolution could change, is handed to cdktf's: the
 * result is the same (__tests__/modules/resolve.test.ts on every kind of token;
 * __tests__/environments/stack-base.test.ts compares the JSON with cdktf's own toTerraform
 * on every stack of the app). A resolution error names the path from that value on, not from the root.
 *
 * Why not cdktf's API alone: its public entry for resolution, Tokenization.resolve, is the
 * walk that costs the time, and cdktf 0.21 has no option to skip values without tokens;
 * TerraformStack.toTerraform calls it on everything. So this module decides only which
 * values need resolving, and every value that does is resolved by Tokenization.resolve.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

/** The resolver cdktf synthesizes with (its `_tokens.resolve`). */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * A string cdktf's resolution could change: a token marker (`${TfToken[`, `#{TfToken[` for
 * a list, `&{TfToken[` for a map), or what cdktf tests for a number token written into a
 * string (its NUMBER_TOKEN_REGEX, cdktf/lib/tokens/private/encoding.js). Plain strings
 * that match are only resolved by cdktf, unchanged.
 */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
const mayResolve = (s: string): boolean => s.includes("TfToken[") || NUMBER_TOKEN.test(s);

/** Beyond this depth everything is cdktf's: it refuses a structure deeper than 200 as circular. */
const MAX_WALK_DEPTH = 100;

/**
 * `value` with its tokens resolved in `scope`, as cdktf resolves it: plain objects and arrays
 * copied without their `undefined` values and elements, everything else as it is.
 * @param preparing cdktf's preparing run, in which a reference to another stack's resource
 *   registers the cross-stack output and remote state it needs. @default false
 */
export function resolveTokens(scope: IConstruct, value: unknown, preparing = false): unknown {
  const byCdktf = (v: unknown): unknown => Tokenization.resolve(v, { scope, preparing, resolver: RESOLVER });
  const walk = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case "string":
        return mayResolve(v) ? byCdktf(v) : v;
      case "number":
        return Token.isUnresolved(v) ? byCdktf(v) : v;
      case "function":
        // cdktf refuses functions, with its message.
        return byCdktf(v);
      case "object": {
        if (v === null || v instanceof Date) return v;
        if (depth > MAX_WALK_DEPTH) return byCdktf(v);
        if (Array.isArray(v)) {
          // A list token is resolved with the list it is in.
          if (v.some((x) => (typeof x === "string" && x.includes("#{TfToken[")) || (typeof x === "number" && Token.isUnresolved([x])))) return byCdktf(v);
          const out: unknown[] = [];
          for (const x of v) {
            const r = walk(x, depth + 1);
            if (r !== undefined) out.push(r);
          }
          return out;
        }
        const keys = Object.keys(v);
        // Tokens, constructs (which cdktf refuses) and maps whose keys hold tokens: cdktf's.
        if (Tokenization.isResolvable(v) || isConstruct(v) || keys.some(mayResolve)) return byCdktf(v);
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          const r = walk((v as Record<string, unknown>)[k], depth + 1);
          if (r !== undefined) out[k] = r;
        }
        return out;
      }
      default:
        return v;
    }
  };
  return walk(value, 0);
}

/** cdktf's own test (resolve.js isConstruct). */
function isConstruct(x: object): boolean {
  return (x as { _children?: unknown })._children !== undefined && (x as { _metadata?: unknown })._metadata !== undefined;
}
