/**
 * Bad input for DNS failover (`dns.failover`) and the CloudFront health check
 * (`edge.healthCheckPath`): each stops synth with the environment, the field, what it got
 * and what is accepted.
 */
import { checkDns } from "../../environments/checks/dns";
import { checkEdge } from "../../environments/checks/edge";
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { DnsFailoverConfig, EnvironmentConfig } from "../../environments/types";
import { ROUTE53_HEALTH_CHECK } from "../../variables/aws-catalog";
import { Checker } from "../../variables/validation";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

/** The two checks that read these fields, as synth runs them. */
function check(c: Checker, cfg: EnvironmentConfig): void {
  checkDns(c, cfg);
  checkEdge(c, cfg);
}
const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(check, cfg);
const FAILOVER = production.dns.failover!;

/** production with its failover settings replaced (undefined fields removed as a file would omit them). */
function withFailover(failover: unknown, over: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return { ...production, ...over, dns: { ...production.dns, failover: failover as DnsFailoverConfig } };
}

test.each([dev, staging, production])("$name passes", (env) => {
  expectCheckPasses(check, env);
});

test("production fails api.authorworks.io over to us-west-2, its DR region, and dev and staging have no failover", () => {
  expect(FAILOVER.secondaryRegion).toBe(production.drRegion);
  expect([dev.dns.failover, staging.dns.failover, dev.edge.healthCheckPath, staging.edge.healthCheckPath]).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});

describe("dns.failover", () => {
  test("a failover record without a health check on the primary is refused: Route 53 would always count it healthy", () => {
    const msg = errorOf(withFailover({ secondaryRegion: "us-west-2", ttlSeconds: 60 }));
    expect(msg).toContain('environment "production"');
    expect(msg).toContain("dns.failover.healthCheck: got nothing; accepted: { path, intervalSeconds, failureThreshold }");
    expect(msg).toContain("a PRIMARY without one never fails over");
  });

  test("the secondary region must not be the primary region", () => {
    const msg = errorOf(withFailover({ ...FAILOVER, secondaryRegion: "us-east-1" }));
    expect(msg).toContain('dns.failover.secondaryRegion: got "us-east-1"; accepted: a region other than region (us-east-1)');
  });

  test("the secondary region must be the DR region, where the data is replicated", () => {
    const msg = errorOf(withFailover({ ...FAILOVER, secondaryRegion: "us-east-2" }));
    expect(msg).toContain('dns.failover.secondaryRegion: got "us-east-2"; accepted: drRegion ("us-west-2")');
  });

  test("failover needs a DR region", () => {
    const msg = errorOf(withFailover(FAILOVER, { drRegion: undefined }));
    expect(msg).toContain('drRegion: got nothing; accepted: "us-west-2" (dns.failover.secondaryRegion)');
  });

  test("an unknown secondary region is refused with the regions accepted", () => {
    const msg = errorOf(withFailover({ ...FAILOVER, secondaryRegion: "mars-north-1" }));
    expect(msg).toContain('dns.failover.secondaryRegion: got "mars-north-1"; accepted: a region of variables/aws-catalog.ts (REGIONS): us-east-1, ');
  });

  test.each([61, -1, 3600, 1.5])("a TTL of %p s is refused: resolvers would keep a failed region's answer longer than 60 s", (ttl) => {
    const msg = errorOf(withFailover({ ...FAILOVER, ttlSeconds: ttl }));
    expect(msg).toContain(`dns.failover.ttlSeconds: got ${ttl}; accepted: a whole number from 0 to 60 seconds (Route 53 recommends 60 or less`);
  });

  test.each([5, 20, 60])("a health-check interval of %p s is refused: Route 53 offers 10 and 30", (interval) => {
    const msg = errorOf(withFailover({ ...FAILOVER, healthCheck: { ...FAILOVER.healthCheck, intervalSeconds: interval } }));
    expect(msg).toContain(
      `dns.failover.healthCheck.intervalSeconds: got ${interval}; accepted: 10 or 30 (seconds between two requests of one Route 53 health checker)`,
    );
    expect(ROUTE53_HEALTH_CHECK.intervalsSeconds).toEqual([10, 30]);
  });

  test.each([0, 11, 2.5])("a failure threshold of %p is refused (1-10)", (threshold) => {
    const msg = errorOf(withFailover({ ...FAILOVER, healthCheck: { ...FAILOVER.healthCheck, failureThreshold: threshold } }));
    expect(msg).toContain(
      `dns.failover.healthCheck.failureThreshold: got ${threshold}; accepted: a whole number from 1 to 10 consecutive failed requests (Route 53)`,
    );
  });

  test.each(["health", "/health?deep=1", `/${"a".repeat(255)}`])("the health-check path %p is refused", (path) => {
    const msg = errorOf(withFailover({ ...FAILOVER, healthCheck: { ...FAILOVER.healthCheck, path } }));
    expect(msg).toContain(`dns.failover.healthCheck.path: got ${JSON.stringify(path)}; accepted: a path starting with / of letters, digits and . _ ~ / -`);
  });

  test("a section that is not an object is refused with its shape", () => {
    expect(errorOf(withFailover("us-west-2"))).toContain('dns.failover: got "us-west-2"; accepted: { secondaryRegion, ttlSeconds, healthCheck }');
  });

  test("a standby writes no failover records: its primary's stack writes both", () => {
    const standby = { ...withFailover(FAILOVER, { drRegion: undefined }), standby: { primary: "production", pilotLight: true } } as EnvironmentConfig;
    expect(errorOf({ ...standby, name: "staging" })).toContain(
      'dns.failover: got "(set)"; accepted: none in a standby: its primary\'s stack (production) writes both failover records',
    );
  });

  test("through resolveEnvironment, the whole environment is refused and nothing is built", () => {
    expect(() => resolveEnvironment(withFailover({ ...FAILOVER, ttlSeconds: 300 }))).toThrow(
      /environment "production"[\s\S]*dns\.failover\.ttlSeconds: got 300/,
    );
  });
});

describe("edge.healthCheckPath", () => {
  const withPath = (healthCheckPath: string): EnvironmentConfig => ({ ...production, edge: { ...production.edge, healthCheckPath } });

  test.each(["/", "/_health/", "_health/cloudfront.txt", "/_health/cloud front.txt"])("%p is refused: the canary is an object at a path", (path) => {
    const msg = errorOf(withPath(path));
    expect(msg).toContain(`edge.healthCheckPath: got ${JSON.stringify(path)}; accepted:`);
  });

  test("a folder path names what is accepted", () => {
    expect(errorOf(withPath("/_health/"))).toContain("accepted: the path of an object (the canary written into the media bucket), not a folder");
  });
});

test("a CloudFront alias may not be a region's own API name (each region's external-dns owns it)", () => {
  const msg = errorOf({ ...production, edge: { ...production.edge, aliases: ["media.authorworks.io", "api-us-west-2.authorworks.io"] } });
  expect(msg).toContain(
    'edge.aliases[1]: got "api-us-west-2.authorworks.io"; accepted: a name other than api-us-east-1.authorworks.io and api-us-west-2.authorworks.io',
  );
});
