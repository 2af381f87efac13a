/**
 * DNS for one environment: the public hosted zone (production owns the apex, dev and
 * staging are delegated sub-zones), a private zone inside the VPC, DNS-validated ACM
 * certificates (a regional one for load balancers, one in us-east-1 for CloudFront)
 * and, optionally, DNSSEC signing with a KMS key in us-east-1.
 */
import { Construct } from "constructs";
import { Fn, TerraformIterator, TerraformLocal } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53HostedZoneDnssec } from "@cdktf/provider-aws/lib/route53-hosted-zone-dnssec";
import { Route53KeySigningKey } from "@cdktf/provider-aws/lib/route53-key-signing-key";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { KMS_DELETION_WINDOW_DAYS, ROUTE53_DNSSEC_KEY, SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import type { StackContext } from "../context";
import { policyDocument } from "../iam";
import { KEY_ADMIN_ACTIONS } from "../kms";
import { DnsDelegationRole } from "./delegation";

export { DnsDelegationRole, DELEGATION_RECORD_TYPES, ZONE_LOOKUP_ACTIONS } from "./delegation";

/** TTL of the delegation (NS) and DS records in the parent zone (seconds). */
export const DELEGATION_TTL = 3600;
/** TTL of ACM validation CNAMEs (seconds): short, they are only read by ACM. */
export const VALIDATION_RECORD_TTL = 60;
/** What Route 53 may do with the DNSSEC signing key (Route 53 Developer Guide, "customer managed keys for DNSSEC"). */
export const DNSSEC_SERVICE_ACTIONS = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"];
// An asymmetric signing key cannot be rotated on demand (KMS RotateKeyOnDemand: symmetric keys only).
const DNSSEC_KEY_ADMIN_ACTIONS = KEY_ADMIN_ACTIONS.filter((action) => action !== "kms:RotateKeyOnDemand");

export interface DnsZonesProps {
  /**
   * The environment: `namePrefix` (resource names and tags, e.g. `authorworks-dev`) and
   * `aws` (account: DNSSEC key policy; region: the private zone's VPC association).
   */
  readonly context: StackContext;
  /** Public hosted zone of the environment (`env.dns.zoneName`), e.g. `dev.authorworks.io`. */
  readonly zoneName: string;
  /**
   * Parent zone (`env.dns.parentZoneName`). When set, the zone is looked up by name and the
   * NS delegation record (and the DS record when DNSSEC is on) is created there, through
   * `parentZoneProvider`: the stack owning the parent zone must be deployed first.
   * @default undefined (delegation is done at the registrar, by hand)
   */
  readonly parentZoneName?: string;
  /**
   * Provider signed into the parent zone's account (`providers.parentZone`, which assumes
   * the owner's delegation role). @default the stack's default provider (same account)
   */
  readonly parentZoneProvider?: AwsProvider;
  /**
   * Sub-zones of other accounts delegated from this zone: each gets a `DnsDelegationRole`
   * its account assumes to write exactly its NS and DS records here. @default none
   */
  readonly delegatedZones?: readonly { readonly zoneName: string; readonly accountId: string; readonly roleName: string }[];
  /** Private hosted zone for internal names (`env.dns.privateZoneName`), associated with `vpcId`. */
  readonly privateZoneName: string;
  /** VPC the private zone answers in. */
  readonly vpcId: string;
  /** Provider in us-east-1 (`providers.global`): CloudFront certificate and DNSSEC key. */
  readonly globalProvider: AwsProvider;
  /**
   * Host names CloudFront serves (`env.edge.aliases`). The CloudFront certificate covers the
   * zone, `*.<zone>` and every alias the wildcard does not cover (deeper names).
   * @default [] (zone and wildcard only)
   */
  readonly cloudFrontAliases?: readonly string[];
  /** Sign the public zone with DNSSEC (`env.dns.dnssec`). @default false */
  readonly dnssec?: boolean;
  /** Days between scheduling deletion of the DNSSEC key and its deletion (KMS_DELETION_WINDOW_DAYS: 7-30). @default 30 (the longest) */
  readonly dnssecKeyDeletionWindowDays?: number;
  /** Let `terraform destroy` delete zones that still hold records (dev only). @default false */
  readonly forceDestroy?: boolean;
}

export interface ValidatedCertificateProps {
  /** First name on the certificate. */
  readonly domainName: string;
  /** Further names. @default none */
  readonly subjectAlternativeNames?: readonly string[];
  /** Public zone the validation CNAMEs are written to. */
  readonly zoneId: string;
  /** Zone name: makes record construct ids readable (`record-apex`, `record-media`). */
  readonly zoneName: string;
  /** Provider of the certificate and its validation wait (us-east-1 for CloudFront). @default the stack's default provider */
  readonly provider?: AwsProvider;
  /** `Name` tag. */
  readonly name: string;
  /**
   * Validation records that already exist, by name without wildcard (from another
   * certificate of this account): reused, not created again. ACM gives a domain name the
   * same validation CNAME in every certificate of one account, in every region, so the
   * CloudFront certificate (us-east-1) shares the regional certificate's records; two
   * Terraform resources owning one record would delete it for both on the first destroy.
   * @default none
   */
  readonly existingRecords?: Readonly<Record<string, Route53Record>>;
  /**
   * Every validation record is another stack's (a standby's certificate in its primary's
   * zone: the primary's certificates of the same names wrote them): none is written here and
   * the validation waits for issuance without naming them. @default false
   */
  readonly recordsOfAnotherStack?: boolean;
}

/** `*.a.b` and `a.b` share one validation record: the name without the wildcard label. */
function baseName(domain: string): string {
  return domain.startsWith("*.") ? domain.slice(2) : domain;
}

/** Readable, stable construct id part for a name inside `zone`: `apex`, `media`, `api-v2`. */
export function recordLabel(domain: string, zone: string): string {
  const relative = domain === zone ? "apex" : domain.endsWith(`.${zone}`) ? domain.slice(0, -(zone.length + 1)) : domain;
  return relative
    .replace(/\*/g, "wildcard")
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}

/**
 * An ACM certificate validated through DNS: one CNAME per distinct name (a wildcard and its
 * base name share one) and an `aws_acm_certificate_validation` that waits for issuance.
 * Consumers use `arn` (the validated ARN), so nothing attaches an unissued certificate.
 */
export class ValidatedCertificate extends Construct {
  public readonly certificate: AcmCertificate;
  public readonly validation: AcmCertificateValidation;
  /** The ARN from the validation resource: usable only once the certificate is issued. */
  public readonly arn: string;
  /** Validation records this certificate waits for (created here or reused), by name without wildcard. */
  public readonly records: Readonly<Record<string, Route53Record>>;

  constructor(scope: Construct, id: string, props: ValidatedCertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.subjectAlternativeNames ?? [])];
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames?.length ? [...props.subjectAlternativeNames] : undefined,
      validationMethod: "DNS",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      tags: { Name: props.name },
      // A replacement is issued and attached before the old one is deleted (it is in use).
      lifecycle: { createBeforeDestroy: true },
    });

    // domain_validation_options is a set: a local indexes it by domain name (known at synth),
    // so each record below is a plain resource with a stable address, no for_each.
    // { for key, val in toset(<cert>.domain_validation_options) : val.domain_name => val }
    const options = new TerraformLocal(
      this,
      "validation-options",
      TerraformIterator.fromList(this.certificate.domainValidationOptions).forExpressionForMap("val.domain_name", "val"),
    ).expression;
    const records: Record<string, Route53Record> = {};
    for (const name of props.recordsOfAnotherStack ? [] : names) {
      const base = baseName(name);
      if (records[base]) continue;
      const existing = props.existingRecords?.[base];
      if (existing) {
        records[base] = existing;
        continue;
      }
      const label = recordLabel(base, props.zoneName);
      records[base] = new Route53Record(this, `record-${label}`, {
        zoneId: props.zoneId,
        name: Fn.lookupNested(options, [name, "resource_record_name"]),
        type: Fn.lookupNested(options, [name, "resource_record_type"]),
        records: [Fn.lookupNested(options, [name, "resource_record_value"])],
        ttl: VALIDATION_RECORD_TTL,
        // A certificate made outside this stack (or an earlier one) may have written the same CNAME.
        allowOverwrite: true,
      });
    }
    this.records = records;
    this.validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: props.recordsOfAnotherStack ? undefined : Object.values(records).map((r) => r.fqdn),
    });
    this.arn = this.validation.certificateArn;
  }
}

/** The private zone for internal names, answering inside the VPC only (construct id `private-zone`). */
function privateZone(scope: Construct, props: Pick<DnsZonesProps, "context" | "privateZoneName" | "vpcId" | "forceDestroy">): Route53Zone {
  return new Route53Zone(scope, "private-zone", {
    name: props.privateZoneName,
    comment: `${props.context.namePrefix}: private zone (VPC only)`,
    vpc: [{ vpcId: props.vpcId, vpcRegion: props.context.aws.region }],
    forceDestroy: props.forceDestroy ?? false,
    tags: { Name: props.privateZoneName },
  });
}

/** What a standby's DNS needs: its primary's zone, by name, and its own private zone. */
export type StandbyDnsProps = Pick<DnsZonesProps, "context" | "zoneName" | "privateZoneName" | "vpcId" | "forceDestroy">;

/**
 * DNS of a standby (an environment serving its primary's names from another region): the
 * primary's public zone looked up by name (never created or changed here), the standby's own
 * private zone, and a regional certificate for `<zone>` and `*.<zone>` whose DNS validation
 * records are the primary's (ACM gives a domain name the same validation record in every
 * certificate of one account, in every region).
 */
export class StandbyDns extends Construct {
  /** The primary's public zone. */
  public readonly zone: DataAwsRoute53Zone;
  public readonly zoneId: string;
  public readonly zoneName: string;
  public readonly privateZone: Route53Zone;
  public readonly privateZoneId: string;
  public readonly privateZoneName: string;
  public readonly regionalCertificate: ValidatedCertificate;
  /** Validated certificate for load balancers in the standby's region: `<zone>` and `*.<zone>`. */
  public readonly regionalCertificateArn: string;

  constructor(scope: Construct, id: string, props: StandbyDnsProps) {
    super(scope, id);
    this.zoneName = props.zoneName;
    this.privateZoneName = props.privateZoneName;
    this.zone = new DataAwsRoute53Zone(this, "zone", { name: props.zoneName, privateZone: false });
    this.zoneId = this.zone.zoneId;
    this.privateZone = privateZone(this, props);
    this.privateZoneId = this.privateZone.zoneId;
    this.regionalCertificate = new ValidatedCertificate(this, "regional-certificate", {
      domainName: props.zoneName,
      subjectAlternativeNames: [`*.${props.zoneName}`],
      zoneId: this.zone.zoneId,
      zoneName: props.zoneName,
      name: `${props.context.namePrefix}-regional`,
      recordsOfAnotherStack: true,
    });
    this.regionalCertificateArn = this.regionalCertificate.arn;
  }
}

/** The zones and certificates of one environment. */
export class DnsZones extends Construct {
  public readonly zone: Route53Zone;
  public readonly zoneId: string;
  public readonly zoneName: string;
  /** Name servers of the public zone (what the parent zone or the registrar delegates to). */
  public readonly nameServers: string[];
  public readonly privateZone: Route53Zone;
  public readonly privateZoneId: string;
  public readonly privateZoneName: string;
  public readonly regionalCertificate: ValidatedCertificate;
  /** Validated certificate for load balancers in the environment's region: `<zone>` and `*.<zone>`. */
  public readonly regionalCertificateArn: string;
  public readonly cloudFrontCertificate: ValidatedCertificate;
  /** Validated certificate in us-east-1 for CloudFront. */
  public readonly cloudFrontCertificateArn: string;
  /** The parent zone (data source) when `parentZoneName` is set. */
  public readonly parentZone?: DataAwsRoute53Zone;
  /** NS record delegating the zone in the parent zone, when `parentZoneName` is set. */
  public readonly delegation?: Route53Record;
  /** Roles that delegated sub-zones' accounts assume, by sub-zone name. */
  public readonly delegationRoles: Readonly<Record<string, DnsDelegationRole>>;
  /** KMS key (us-east-1) behind the key-signing key, when DNSSEC is on. */
  public readonly dnssecKey?: KmsKey;
  public readonly keySigningKey?: Route53KeySigningKey;
  public readonly dnssecSigning?: Route53HostedZoneDnssec;
  /**
   * The DS record to publish in the parent (`<key tag> 13 2 <digest>`), when DNSSEC is on.
   * Written to the parent zone when it is managed here; otherwise give it to the registrar.
   */
  public readonly dsRecord?: string;

  constructor(scope: Construct, id: string, props: DnsZonesProps) {
    super(scope, id);
    const { aws, namePrefix } = props.context;
    this.zoneName = props.zoneName;
    this.privateZoneName = props.privateZoneName;

    this.zone = new Route53Zone(this, "zone", {
      name: props.zoneName,
      comment: `${namePrefix}: public zone (managed by Terraform)`,
      forceDestroy: props.forceDestroy ?? false,
      tags: { Name: props.zoneName },
    });
    this.zoneId = this.zone.zoneId;
    this.nameServers = this.zone.nameServers;

    this.privateZone = privateZone(this, props);
    this.privateZoneId = this.privateZone.zoneId;

    if (props.parentZoneName) {
      this.parentZone = new DataAwsRoute53Zone(this, "parent-zone", { provider: props.parentZoneProvider, name: props.parentZoneName, privateZone: false });
      this.delegation = new Route53Record(this, "delegation", {
        provider: props.parentZoneProvider,
        zoneId: this.parentZone.zoneId,
        name: props.zoneName,
        type: "NS",
        ttl: DELEGATION_TTL,
        records: this.zone.nameServers,
      });
    }

    const roles: Record<string, DnsDelegationRole> = {};
    for (const d of props.delegatedZones ?? []) {
      roles[d.zoneName] = new DnsDelegationRole(this, `delegation-role-${recordLabel(d.zoneName, props.zoneName)}`, {
        name: d.roleName,
        parentZoneId: this.zone.zoneId,
        zoneName: d.zoneName,
        trustedAccountId: d.accountId,
        partition: aws.partition,
      });
    }
    this.delegationRoles = roles;

    const wildcard = `*.${props.zoneName}`;
    this.regionalCertificate = new ValidatedCertificate(this, "regional-certificate", {
      domainName: props.zoneName,
      subjectAlternativeNames: [wildcard],
      zoneId: this.zone.zoneId,
      zoneName: props.zoneName,
      name: `${namePrefix}-regional`,
    });
    this.regionalCertificateArn = this.regionalCertificate.arn;

    const coveredByWildcard = (alias: string) => alias === props.zoneName || alias.split(".").slice(1).join(".") === props.zoneName;
    const deeper = [...new Set(props.cloudFrontAliases ?? [])].filter((a) => !coveredByWildcard(a));
    this.cloudFrontCertificate = new ValidatedCertificate(this, "cloudfront-certificate", {
      provider: props.globalProvider,
      domainName: props.zoneName,
      subjectAlternativeNames: [wildcard, ...deeper],
      zoneId: this.zone.zoneId,
      zoneName: props.zoneName,
      name: `${namePrefix}-cloudfront`,
      existingRecords: this.regionalCertificate.records,
    });
    this.cloudFrontCertificateArn = this.cloudFrontCertificate.arn;

    if (props.dnssec) {
      const partition = aws.partition ?? "aws";
      const keyPolicy = policyDocument(this, "dnssec-key-policy", [
        {
          sid: "KeyAdministrationThroughIam",
          actions: DNSSEC_KEY_ADMIN_ACTIONS,
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${aws.accountId}:root`] }],
        },
        {
          sid: "Route53DnssecSigning",
          actions: DNSSEC_SERVICE_ACTIONS,
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.route53Dnssec] }],
          // Confused-deputy guard: only this account's zone may have Route 53 sign with the key.
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [this.zone.arn] },
          ],
        },
        {
          sid: "Route53DnssecGrant",
          actions: ["kms:CreateGrant"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.route53Dnssec] }],
          conditions: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
        },
      ]);
      this.dnssecKey = new KmsKey(this, "dnssec-key", {
        provider: props.globalProvider,
        description: `${namePrefix}: DNSSEC key-signing key of ${props.zoneName}`,
        customerMasterKeySpec: ROUTE53_DNSSEC_KEY.spec,
        keyUsage: ROUTE53_DNSSEC_KEY.usage,
        // Asymmetric keys cannot rotate automatically; a KSK rollover is a deliberate change.
        enableKeyRotation: false,
        deletionWindowInDays: props.dnssecKeyDeletionWindowDays ?? KMS_DELETION_WINDOW_DAYS.max,
        policy: keyPolicy.json,
        tags: { Name: `${namePrefix}-dnssec` },
      });
      new KmsAlias(this, "dnssec-key-alias", {
        provider: props.globalProvider,
        name: `alias/${namePrefix}-dnssec`,
        targetKeyId: this.dnssecKey.keyId,
      });
      this.keySigningKey = new Route53KeySigningKey(this, "key-signing-key", {
        hostedZoneId: this.zone.id,
        keyManagementServiceArn: this.dnssecKey.arn,
        name: `${namePrefix.replace(/[^A-Za-z0-9_]/g, "_")}_ksk`,
        status: "ACTIVE",
      });
      this.dnssecSigning = new Route53HostedZoneDnssec(this, "dnssec", {
        hostedZoneId: this.keySigningKey.hostedZoneId,
        signingStatus: "SIGNING",
        dependsOn: [this.keySigningKey],
      });
      this.dsRecord = this.keySigningKey.dsRecord;
      if (this.parentZone) {
        // The chain of trust: published only once the zone is signed, or resolvers would fail validation.
        new Route53Record(this, "ds", {
          provider: props.parentZoneProvider,
          zoneId: this.parentZone.zoneId,
          name: props.zoneName,
          type: "DS",
          ttl: DELEGATION_TTL,
          records: [this.keySigningKey.dsRecord],
          dependsOn: [this.dnssecSigning],
        });
      }
    }
  }
}
