import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Json, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { DNSSEC_SERVICE_ACTIONS, DnsZones, DnsZonesProps, recordLabel } from "../../modules/dns";
import { testContext } from "../fixtures/context";

const PROPS: Omit<DnsZonesProps, "globalProvider"> = {
  context: testContext({ environment: "dev", namePrefix: "authorworks-dev" }),
  zoneName: "dev.authorworks.io",
  parentZoneName: "authorworks.io",
  privateZoneName: "dev.authorworks.internal",
  vpcId: "vpc-0123456789abcdef0",
  cloudFrontAliases: ["media.dev.authorworks.io"],
  dnssec: false,
};
/** production's shape: owns the apex, no managed parent, DNSSEC on. */
const APEX: Partial<DnsZonesProps> = {
  context: testContext({ environment: "production", namePrefix: "authorworks-production" }),
  zoneName: "authorworks.io",
  parentZoneName: undefined,
  privateZoneName: "production.authorworks.internal",
  cloudFrontAliases: ["media.authorworks.io"],
  dnssec: true,
};

function synth(overrides: Partial<DnsZonesProps> = {}): Json {
  return synthWith((stack) => {
    const globalProvider = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
    const dns = new DnsZones(stack, "dns", { ...PROPS, globalProvider, ...overrides });
    new TerraformOutput(stack, "regional_certificate_arn", { value: dns.regionalCertificateArn });
    new TerraformOutput(stack, "cloudfront_certificate_arn", { value: dns.cloudFrontCertificateArn });
    new TerraformOutput(stack, "name_servers", { value: dns.nameServers });
    new TerraformOutput(stack, "private_zone_id", { value: dns.privateZoneId });
    if (dns.dsRecord) new TerraformOutput(stack, "ds_record", { value: dns.dsRecord });
  });
}

const recordsOfType = (json: Json, type: string) => Object.entries(resourcesOf(json, "aws_route53_record")).filter(([, r]) => r.type === type);

describe("DnsZones zones", () => {
  const json = synth();

  test("a public zone named after the environment and a private zone inside the VPC", () => {
    const zone = resource(json, "aws_route53_zone", "dns_zone");
    expect(zone.name).toBe("dev.authorworks.io");
    expect(zone.vpc).toBeUndefined();
    expect(zone.force_destroy).toBe(false);
    const priv = resource(json, "aws_route53_zone", "dns_private_zone");
    expect(priv.name).toBe("dev.authorworks.internal");
    expect(priv.vpc).toEqual([{ vpc_id: "vpc-0123456789abcdef0", vpc_region: "us-east-1" }]);
  });

  test("outputs are references to the zones", () => {
    expect(json.output.name_servers.value).toBe("${aws_route53_zone.dns_zone.name_servers}");
    expect(json.output.private_zone_id.value).toBe("${aws_route53_zone.dns_private_zone.zone_id}");
  });

  test("forceDestroy reaches both zones", () => {
    const zones = Object.values(resourcesOf(synth({ forceDestroy: true }), "aws_route53_zone"));
    expect(zones.map((z) => z.force_destroy)).toEqual([true, true]);
  });
});

describe("DnsZones delegation", () => {
  test("with parentZoneName: the parent is looked up by name and gets an NS record with the zone's name servers", () => {
    const json = synth();
    expect(dataOf(json, "aws_route53_zone").dns_parent_zone).toEqual({ name: "authorworks.io", private_zone: false });
    const ns = resource(json, "aws_route53_record", "dns_delegation");
    expect(ns).toMatchObject({
      zone_id: "${data.aws_route53_zone.dns_parent_zone.zone_id}",
      name: "dev.authorworks.io",
      type: "NS",
      records: "${aws_route53_zone.dns_zone.name_servers}",
    });
    expect(recordsOfType(json, "NS")).toHaveLength(1);
  });

  test("without parentZoneName (the apex): no parent lookup, no NS record", () => {
    const json = synth({ ...APEX, dnssec: false });
    expect(dataOf(json, "aws_route53_zone")).toEqual({});
    expect(recordsOfType(json, "NS")).toHaveLength(0);
  });
});

describe("DnsZones delegation through the parent zone's account", () => {
  const ROLE = "arn:aws:iam::444455556666:role/fixture-owner-dns-delegation-fixture";
  function synthAcross(overrides: Partial<DnsZonesProps> = {}): Json {
    return synthWith((stack) => {
      const globalProvider = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
      const parentZoneProvider = new AwsProvider(stack, "aws-parent", {
        alias: "parent",
        region: "us-east-1",
        assumeRole: [{ roleArn: ROLE, sessionName: "fixture" }],
        allowedAccountIds: ["444455556666"],
      });
      new DnsZones(stack, "dns", { ...PROPS, globalProvider, parentZoneProvider, ...overrides });
    });
  }

  test("the lookup, the NS record and (with DNSSEC) the DS record go through parentZoneProvider; nothing else does", () => {
    const json = synthAcross({ dnssec: true });
    expect(dataOf(json, "aws_route53_zone").dns_parent_zone.provider).toBe("aws.parent");
    expect(resource(json, "aws_route53_record", "dns_delegation").provider).toBe("aws.parent");
    expect(resource(json, "aws_route53_record", "dns_ds").provider).toBe("aws.parent");
    const through = Object.entries<Record<string, Json>>(json.resource).flatMap(([t, byId]) =>
      Object.entries(byId)
        .filter(([, r]) => r.provider === "aws.parent")
        .map(([id]) => `${t}.${id}`),
    );
    expect(through.sort()).toEqual(["aws_route53_record.dns_delegation", "aws_route53_record.dns_ds"]);
  });
});

describe("DnsDelegationRole: the zone owner's role for a delegated sub-zone's account", () => {
  const json = synth({
    ...APEX,
    dnssec: false,
    zoneName: "example.org",
    privateZoneName: "owner.example.internal",
    cloudFrontAliases: ["media.example.org"],
    delegatedZones: [
      { zoneName: "qa.example.org", accountId: "777788889999", roleName: "fixture-owner-dns-delegation-qa" },
      { zoneName: "deep.lab.example.org", accountId: "121212121212", roleName: "fixture-owner-dns-delegation-lab" },
    ],
  });

  test("one role per delegated zone, named as given, trusted by that zone's account only", () => {
    expect(resource(json, "aws_iam_role", "dns_delegation_role_qa_role")).toMatchObject({
      name: "fixture-owner-dns-delegation-qa",
      assume_role_policy: "${data.aws_iam_policy_document.dns_delegation_role_qa_trust.json}",
      max_session_duration: 3600,
    });
    expect(statements(json, "dns_delegation_role_qa_trust")).toEqual([
      {
        sid: "DelegatedZoneAccount",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::777788889999:root"] }],
      },
    ]);
    expect(statements(json, "dns_delegation_role_deep_lab_trust")[0].principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::121212121212:root"] }]);
  });

  test("it may change only NS and DS records of exactly its zone name, in this zone", () => {
    const stmts = statements(json, "dns_delegation_role_qa_policy_document");
    const write = stmts.find((x: Json) => x.sid === "WriteDelegationRecords");
    expect(write).toEqual({
      sid: "WriteDelegationRecords",
      effect: "Allow",
      actions: ["route53:ChangeResourceRecordSets"],
      resources: ["arn:aws:route53:::hostedzone/${aws_route53_zone.dns_zone.zone_id}"],
      condition: [
        { test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsNormalizedRecordNames", values: ["qa.example.org"] },
        { test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsRecordTypes", values: ["NS", "DS"] },
      ],
    });
    expect(statements(json, "dns_delegation_role_deep_lab_policy_document").find((x: Json) => x.sid === "WriteDelegationRecords")?.condition[0].values).toEqual(
      ["deep.lab.example.org"],
    );
    // Reads are limited to this zone; only the lookup by name and GetChange need wider resources.
    const wide = stmts.filter((x: Json) => !x.resources.every((r: string) => r.includes("${aws_route53_zone.dns_zone.zone_id}")));
    expect(wide.map((x: Json) => [x.sid, x.actions, x.resources])).toEqual([
      ["FindParentZone", ["route53:ListHostedZones", "route53:ListHostedZonesByName"], ["*"]],
      ["WaitForChanges", ["route53:GetChange"], ["arn:aws:route53:::change/*"]],
    ]);
    expect(stmts.flatMap((x: Json) => x.actions).filter((a: string) => a.includes("*"))).toEqual([]);
  });

  test("no delegated zones: no role", () => {
    expect(resourcesOf(synth({ ...APEX, dnssec: false }), "aws_iam_role")).toEqual({});
  });
});

describe("DnsZones certificates", () => {
  const json = synth({ cloudFrontAliases: ["media.dev.authorworks.io", "eu.cdn.dev.authorworks.io"] });

  test("regional certificate: zone and wildcard, DNS-validated, default provider, replaced before destroy", () => {
    const cert = resource(json, "aws_acm_certificate", "dns_regional_certificate_certificate");
    expect(cert.provider).toBeUndefined();
    expect(cert.domain_name).toBe("dev.authorworks.io");
    expect(cert.subject_alternative_names).toEqual(["*.dev.authorworks.io"]);
    expect(cert.validation_method).toBe("DNS");
    expect(cert.lifecycle).toEqual({ create_before_destroy: true });
  });

  test("CloudFront certificate is created in us-east-1 (aws.global) and adds aliases the wildcard does not cover", () => {
    const cert = resource(json, "aws_acm_certificate", "dns_cloudfront_certificate_certificate");
    expect(cert.provider).toBe("aws.global");
    expect(cert.domain_name).toBe("dev.authorworks.io");
    // media.dev.authorworks.io is covered by the wildcard; the two-level name is not.
    expect(cert.subject_alternative_names).toEqual(["*.dev.authorworks.io", "eu.cdn.dev.authorworks.io"]);
  });

  test("validation records come from the certificate's domain_validation_options, indexed by name", () => {
    expect(json.locals.dns_regional_certificate_validation_options).toBe(
      "${{ for key, val in toset(tolist(aws_acm_certificate.dns_regional_certificate_certificate.domain_validation_options)): val.domain_name => val }}",
    );
    const apex = resource(json, "aws_route53_record", "dns_regional_certificate_record_apex");
    expect(apex).toMatchObject({
      zone_id: "${aws_route53_zone.dns_zone.zone_id}",
      name: '${local.dns_regional_certificate_validation_options["dev.authorworks.io"].resource_record_name}',
      type: '${local.dns_regional_certificate_validation_options["dev.authorworks.io"].resource_record_type}',
      records: ['${local.dns_regional_certificate_validation_options["dev.authorworks.io"].resource_record_value}'],
      ttl: 60,
      allow_overwrite: true,
    });
    const deep = resource(json, "aws_route53_record", "dns_cloudfront_certificate_record_eu_cdn");
    expect(deep.name).toBe('${local.dns_cloudfront_certificate_validation_options["eu.cdn.dev.authorworks.io"].resource_record_name}');
  });

  test("one validation record per name: the wildcard shares the apex record, the CloudFront certificate reuses the regional one", () => {
    const validationRecords = Object.keys(resourcesOf(json, "aws_route53_record")).filter((id) => id.includes("_record_"));
    expect(validationRecords.sort()).toEqual(["dns_cloudfront_certificate_record_eu_cdn", "dns_regional_certificate_record_apex"]);
  });

  test("each certificate waits for its records through aws_acm_certificate_validation in its own region", () => {
    expect(resource(json, "aws_acm_certificate_validation", "dns_regional_certificate_validation")).toEqual({
      certificate_arn: "${aws_acm_certificate.dns_regional_certificate_certificate.arn}",
      validation_record_fqdns: ["${aws_route53_record.dns_regional_certificate_record_apex.fqdn}"],
    });
    expect(resource(json, "aws_acm_certificate_validation", "dns_cloudfront_certificate_validation")).toEqual({
      provider: "aws.global",
      certificate_arn: "${aws_acm_certificate.dns_cloudfront_certificate_certificate.arn}",
      validation_record_fqdns: [
        "${aws_route53_record.dns_regional_certificate_record_apex.fqdn}",
        "${aws_route53_record.dns_cloudfront_certificate_record_eu_cdn.fqdn}",
      ],
    });
  });

  test("the certificate ARNs consumers get are the validated ones", () => {
    expect(json.output.regional_certificate_arn.value).toBe("${aws_acm_certificate_validation.dns_regional_certificate_validation.certificate_arn}");
    expect(json.output.cloudfront_certificate_arn.value).toBe("${aws_acm_certificate_validation.dns_cloudfront_certificate_validation.certificate_arn}");
  });

  test("record labels are stable names, not positions", () => {
    expect(recordLabel("dev.authorworks.io", "dev.authorworks.io")).toBe("apex");
    expect(recordLabel("media.dev.authorworks.io", "dev.authorworks.io")).toBe("media");
    expect(recordLabel("*.dev.authorworks.io", "dev.authorworks.io")).toBe("wildcard");
    expect(recordLabel("other.example.com", "dev.authorworks.io")).toBe("other-example-com");
  });
});

describe("DnsZones DNSSEC", () => {
  test("off: no signing key, key-signing key, signing or DS record", () => {
    const json = synth({ dnssec: false });
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(resourcesOf(json, "aws_route53_key_signing_key")).toEqual({});
    expect(resourcesOf(json, "aws_route53_hosted_zone_dnssec")).toEqual({});
    expect(recordsOfType(json, "DS")).toHaveLength(0);
    expect(json.output.ds_record).toBeUndefined();
  });

  describe("on, with a managed parent", () => {
    const json = synth({ dnssec: true });

    test("an ECC P-256 signing key in us-east-1 with Route 53's key policy", () => {
      const key = resource(json, "aws_kms_key", "dns_dnssec_key");
      expect(key).toMatchObject({
        provider: "aws.global",
        customer_master_key_spec: "ECC_NIST_P256",
        key_usage: "SIGN_VERIFY",
        enable_key_rotation: false,
        policy: "${data.aws_iam_policy_document.dns_dnssec_key_policy.json}",
      });
      expect(resource(json, "aws_kms_alias", "dns_dnssec_key_alias")).toMatchObject({ provider: "aws.global", name: "alias/authorworks-dev-dnssec" });
      const [admin, sign, grant] = statements(json, "dns_dnssec_key_policy");
      expect(admin.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }]);
      expect(admin.actions).not.toContain("kms:*");
      expect(sign.principals).toEqual([{ type: "Service", identifiers: ["dnssec-route53.amazonaws.com"] }]);
      expect(sign.actions).toEqual(DNSSEC_SERVICE_ACTIONS);
      expect(sign.condition).toEqual([
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
        { test: "ArnLike", variable: "aws:SourceArn", values: ["${aws_route53_zone.dns_zone.arn}"] },
      ]);
      expect(grant.actions).toEqual(["kms:CreateGrant"]);
      expect(grant.condition).toEqual([{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }]);
    });

    test("key-signing key on the public zone, then signing", () => {
      expect(resource(json, "aws_route53_key_signing_key", "dns_key_signing_key")).toEqual({
        hosted_zone_id: "${aws_route53_zone.dns_zone.id}",
        key_management_service_arn: "${aws_kms_key.dns_dnssec_key.arn}",
        name: "authorworks_dev_ksk",
        status: "ACTIVE",
      });
      expect(resource(json, "aws_route53_hosted_zone_dnssec", "dns_dnssec")).toEqual({
        hosted_zone_id: "${aws_route53_key_signing_key.dns_key_signing_key.hosted_zone_id}",
        signing_status: "SIGNING",
        depends_on: ["aws_route53_key_signing_key.dns_key_signing_key"],
      });
    });

    test("the DS record goes to the parent zone once the zone is signed", () => {
      expect(resource(json, "aws_route53_record", "dns_ds")).toEqual({
        zone_id: "${data.aws_route53_zone.dns_parent_zone.zone_id}",
        name: "dev.authorworks.io",
        type: "DS",
        ttl: 3600,
        records: ["${aws_route53_key_signing_key.dns_key_signing_key.ds_record}"],
        depends_on: ["aws_route53_hosted_zone_dnssec.dns_dnssec"],
      });
    });
  });

  test("on, at the apex (no managed parent): signing without a DS record; the DS value is an output for the registrar", () => {
    const json = synth(APEX);
    expect(resource(json, "aws_route53_hosted_zone_dnssec", "dns_dnssec").signing_status).toBe("SIGNING");
    expect(recordsOfType(json, "DS")).toHaveLength(0);
    expect(json.output.ds_record.value).toBe("${aws_route53_key_signing_key.dns_key_signing_key.ds_record}");
    expect(resource(json, "aws_route53_key_signing_key", "dns_key_signing_key").name).toBe("authorworks_production_ksk");
  });
});
