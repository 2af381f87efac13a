import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { DnsConfig, EdgeConfig, EnvironmentConfig } from "../../environments/types";
import { DOMAIN_NAME, checkDns, isWithinZone } from "../../environments/checks/dns";
import { checkEdge as checkEdgeSection } from "../../environments/checks/edge";
import { CLOUDFRONT_PRICE_CLASSES, WAF_RATE_LIMIT } from "../../variables/aws-catalog";
import { Checker, ConfigError } from "../../variables/validation";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

/** dev with parts of `dns` and `edge` replaced (the sections this check reads). */
function devWith(dns: Partial<DnsConfig> = {}, edge: Partial<Omit<EdgeConfig, "priceClass">> & { priceClass?: string } = {}): EnvironmentConfig {
  return { ...dev, dns: { ...dev.dns, ...dns }, edge: { ...dev.edge, ...edge } as EdgeConfig };
}

/** The two sections this file tests, as synth runs them (dns, then edge). */
function checkEdge(c: Checker, cfg: EnvironmentConfig): void {
  checkDns(c, cfg);
  checkEdgeSection(c, cfg);
}

const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkEdge, cfg);

function problemsOf(cfg: EnvironmentConfig): readonly string[] {
  const c = new Checker(cfg.name);
  checkEdge(c, cfg);
  try {
    c.done();
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
}

describe("checkEdge on the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (env) => {
    expectCheckPasses(checkEdge, env);
  });
});

describe("checkEdge: domain names", () => {
  test.each([
    ["upper case", "Dev.AuthorWorks.io"],
    ["a single label", "authorworks"],
    ["a trailing dot", "dev.authorworks.io."],
    ["a label ending in a hyphen", "dev-.authorworks.io"],
    ["an underscore", "dev_env.authorworks.io"],
    ["a numeric top-level label", "dev.authorworks.123"],
    ["a label over 63 characters", `${"a".repeat(64)}.authorworks.io`],
    ["an empty label", "dev..authorworks.io"],
  ])("zoneName with %s is refused", (_what, zoneName) => {
    const msg = errorOf(devWith({ zoneName, parentZoneName: undefined }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`dns.zoneName: got ${JSON.stringify(zoneName)}`);
    expect(msg).toContain("accepted: a lower-case domain name");
  });

  test("privateZoneName must be a domain name", () => {
    const msg = errorOf(devWith({ privateZoneName: "dev authorworks internal" }));
    expect(msg).toContain('dns.privateZoneName: got "dev authorworks internal"; accepted: a lower-case domain name');
  });

  test("privateZoneName may not equal zoneName (split horizon would hide the public records inside the VPC)", () => {
    const msg = errorOf(devWith({ privateZoneName: "dev.authorworks.io" }));
    expect(msg).toContain('dns.privateZoneName: got "dev.authorworks.io"; accepted: a name other than dns.zoneName');
  });

  test("parentZoneName must itself be a domain name", () => {
    expect(errorOf(devWith({ parentZoneName: "authorworks" }))).toContain('dns.parentZoneName: got "authorworks"; accepted: a lower-case domain name');
  });

  test.each([
    ["an unrelated zone", "example.com"],
    ["the zone itself", "dev.authorworks.io"],
    ["a child of the zone", "x.dev.authorworks.io"],
    ["a suffix that is not at a label boundary", "v.authorworks.io"],
  ])("parentZoneName that is %s is refused: it must be a proper suffix of zoneName", (_what, parentZoneName) => {
    const msg = errorOf(devWith({ parentZoneName }));
    expect(msg).toContain(`dns.parentZoneName: got ${JSON.stringify(parentZoneName)}; accepted: a proper suffix of dns.zoneName (dev.authorworks.io)`);
  });

  test("a parent two levels up is a proper suffix and accepted", () => {
    expect(problemsOf(devWith({ zoneName: "eu.dev.authorworks.io", parentZoneName: "authorworks.io" }, { aliases: ["media.eu.dev.authorworks.io"] }))).toEqual(
      [],
    );
  });

  test("dnssec must be a boolean", () => {
    const cfg = devWith({ dnssec: "yes" as unknown as boolean });
    expect(errorOf(cfg)).toContain('dns.dnssec: got "yes"; accepted: true or false');
  });
});

describe("checkEdge: aliases", () => {
  test("every alias must be a domain name (no wildcard)", () => {
    const msg = errorOf(devWith({}, { aliases: ["media.dev.authorworks.io", "*.dev.authorworks.io"] }));
    expect(msg).toContain('edge.aliases[1]: got "*.dev.authorworks.io"; accepted: a lower-case domain name');
    expect(msg).not.toContain("edge.aliases[0]");
  });

  test("an alias outside zoneName is refused", () => {
    const msg = errorOf(devWith({}, { aliases: ["media.authorworks.io"] }));
    expect(msg).toContain('edge.aliases[0]: got "media.authorworks.io"; accepted: a host name inside dns.zoneName (dev.authorworks.io)');
  });

  test("an alias that merely ends with the zone's text is outside it", () => {
    expect(errorOf(devWith({}, { aliases: ["mediadev.authorworks.io"] }))).toContain("accepted: a host name inside dns.zoneName");
  });

  test("the API origin name cannot be an alias", () => {
    expect(errorOf(devWith({}, { aliases: ["api.dev.authorworks.io"] }))).toContain(
      'edge.aliases[0]: got "api.dev.authorworks.io"; accepted: a name other than api.dev.authorworks.io',
    );
  });

  test("duplicates and an empty list are refused", () => {
    expect(errorOf(devWith({}, { aliases: ["media.dev.authorworks.io", "media.dev.authorworks.io"] }))).toContain(
      'edge.aliases[1]: got "media.dev.authorworks.io"; accepted: each host name once',
    );
    expect(errorOf(devWith({}, { aliases: [] }))).toContain("edge.aliases: got []; accepted: 1 to 100 host names inside dns.zoneName");
  });

  test("the zone apex itself is a valid alias", () => {
    expect(problemsOf(devWith({}, { aliases: ["dev.authorworks.io"] }))).toEqual([]);
  });
});

describe("checkEdge: WAF rate limit and price class", () => {
  test.each([9, 0, -1, 99.5, 2_000_000_001])("wafRateLimit %p is refused with AWS's range", (wafRateLimit) => {
    const msg = errorOf(devWith({}, { wafRateLimit }));
    expect(msg).toContain(`edge.wafRateLimit: got ${wafRateLimit}; accepted: a whole number from 10 to 2000000000 requests per 5 minutes per IP`);
  });

  test.each([WAF_RATE_LIMIT.min, 100, WAF_RATE_LIMIT.max])("wafRateLimit %p is accepted (the minimum is 10 since 2024, not 100)", (wafRateLimit) => {
    expect(problemsOf(devWith({}, { wafRateLimit }))).toEqual([]);
  });

  test("an unknown price class is refused, naming the three", () => {
    const msg = errorOf(devWith({}, { priceClass: "PriceClass_300" }));
    expect(msg).toContain('edge.priceClass: got "PriceClass_300"; accepted: one of "PriceClass_100", "PriceClass_200", "PriceClass_All"');
    expect(CLOUDFRONT_PRICE_CLASSES).toHaveLength(3);
  });

  test("every problem is reported at once", () => {
    // A bad zone name is reported once: checks that compare against it (parent, aliases) stay quiet.
    const problems = problemsOf(devWith({ zoneName: "BAD", privateZoneName: "x" }, { priceClass: "x", wafRateLimit: 1 }));
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["dns.privateZoneName", "dns.zoneName", "edge.priceClass", "edge.wafRateLimit"]);
  });
});

describe("checkEdge: gateway hold", () => {
  test.each([{}, { allowPath: "/health" }])("%p is accepted", (gatewayHold) => {
    expect(problemsOf(devWith({}, { gatewayHold }))).toEqual([]);
  });

  test.each([["on"], [{ allow: "/health" }], [null]])("%p is refused with the two shapes", (gatewayHold) => {
    expect(errorOf(devWith({}, { gatewayHold: gatewayHold as never }))).toContain(
      "edge.gatewayHold: got " +
        JSON.stringify(gatewayHold) +
        '; accepted: {} (block every request) or { allowPath: "/health" } (block every request but that path), or none',
    );
  });

  test("allowPath must be a path", () => {
    expect(errorOf(devWith({}, { gatewayHold: { allowPath: "health" } }))).toContain(
      'edge.gatewayHold.allowPath: got "health"; accepted: a path starting with /',
    );
  });

  test("a pilot light has no gateway to hold", () => {
    const pilotLight: EnvironmentConfig = { ...devWith({}, { aliases: [], gatewayHold: {} }), standby: { primary: "production", pilotLight: true } };
    expect(errorOf(pilotLight)).toContain(
      "edge.gatewayHold: got {}; accepted: none while standby.pilotLight is true: a pilot light has no gateway web ACL to hold",
    );
    const running: EnvironmentConfig = { ...pilotLight, standby: { primary: "production", pilotLight: false } };
    expect(problemsOf(running).filter((p) => p.startsWith("edge.gatewayHold"))).toEqual([]);
  });
});

describe("helpers", () => {
  test("isWithinZone works at label boundaries", () => {
    expect(isWithinZone("a.dev.authorworks.io", "dev.authorworks.io")).toBe(true);
    expect(isWithinZone("dev.authorworks.io", "dev.authorworks.io")).toBe(true);
    expect(isWithinZone("xdev.authorworks.io", "dev.authorworks.io")).toBe(false);
  });

  test("DOMAIN_NAME accepts the committed names and 253 characters at most", () => {
    for (const n of ["authorworks.io", "dev.authorworks.io", "production.authorworks.internal", "xn--bcher-kva.example"])
      expect(DOMAIN_NAME.test(n)).toBe(true);
    const long = `${Array(4).fill("a".repeat(62)).join(".")}.io`; // 4*62 + 3 + 3 = 254
    expect(long.length).toBe(254);
    expect(DOMAIN_NAME.test(long)).toBe(false);
  });
});
