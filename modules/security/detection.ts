/**
 * Threat detection and posture: a GuardDuty detector with its protection plans as
 * `aws_guardduty_detector_feature` resources (the detector's `datasources` block is
 * deprecated), and Security Hub with the AWS Foundational Security Best Practices
 * standard. Both are one per account and region.
 */
import { Construct } from "constructs";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import type { AwsContext } from "../iam";

export type FindingPublishingFrequency = "FIFTEEN_MINUTES" | "ONE_HOUR" | "SIX_HOURS";
type Status = "ENABLED" | "DISABLED";
const status = (on: boolean): Status => (on ? "ENABLED" : "DISABLED");

export interface GuardDutyProps {
  /** How often updated findings are exported to EventBridge (and Security Hub). @default "FIFTEEN_MINUTES" */
  readonly findingPublishingFrequency?: FindingPublishingFrequency;
  /** RDS Protection: anomalous logins to the PostgreSQL databases. @default true */
  readonly rdsLoginEvents?: boolean;
  /** Malware Protection for EC2 (EBS scans of nodes with findings; billed per GB scanned). @default false */
  readonly malwareProtection?: boolean;
}

/** The features the detector manages, by construct id. */
export interface GuardDutyFeatures {
  readonly s3: GuarddutyDetectorFeature;
  readonly eksAuditLogs: GuarddutyDetectorFeature;
  readonly runtimeMonitoring: GuarddutyDetectorFeature;
  readonly rdsLoginEvents: GuarddutyDetectorFeature;
  readonly malwareProtection: GuarddutyDetectorFeature;
}

/** A GuardDuty detector with S3, EKS (audit logs and runtime) and RDS protection. */
export class GuardDuty extends Construct {
  public readonly detector: GuarddutyDetector;
  public readonly detectorId: string;
  public readonly features: GuardDutyFeatures;

  constructor(scope: Construct, id: string, props: GuardDutyProps = {}) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? "FIFTEEN_MINUTES",
    });
    this.detectorId = this.detector.id;
    const feature = (fid: string, name: string, on: boolean, additional?: Array<[string, boolean]>) =>
      new GuarddutyDetectorFeature(this, fid, {
        detectorId: this.detector.id,
        name,
        status: status(on),
        additionalConfiguration: additional?.map(([n, s]) => ({ name: n, status: status(s) })),
      });
    this.features = {
      s3: feature("s3-protection", "S3_DATA_EVENTS", true),
      eksAuditLogs: feature("eks-audit-logs", "EKS_AUDIT_LOGS", true),
      // RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING (AWS refuses both at once) and is
      // what Security Hub control GuardDuty.11 checks. GuardDuty installs and updates its
      // agent as the EKS add-on aws-guardduty-agent. The provider reads back every additional
      // configuration, so all three are written out (no perpetual diff); this platform runs
      // no ECS and no stand-alone EC2, so their agents stay off.
      runtimeMonitoring: feature("runtime-monitoring", "RUNTIME_MONITORING", true, [
        ["EKS_ADDON_MANAGEMENT", true],
        ["ECS_FARGATE_AGENT_MANAGEMENT", false],
        ["EC2_AGENT_MANAGEMENT", false],
      ]),
      rdsLoginEvents: feature("rds-login-events", "RDS_LOGIN_EVENTS", props.rdsLoginEvents ?? true),
      malwareProtection: feature("malware-protection", "EBS_MALWARE_PROTECTION", props.malwareProtection ?? false),
    };
  }
}

/** ARN of the AWS Foundational Security Best Practices standard (v1.0.0) in a region. */
export function foundationalStandardArn(aws: Pick<AwsContext, "region" | "partition">): string {
  return `arn:${aws.partition ?? "aws"}:securityhub:${aws.region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

export interface SecurityHubProps {
  readonly aws: AwsContext;
}

/** Security Hub with the Foundational Security Best Practices standard and consolidated control findings. */
export class SecurityHub extends Construct {
  public readonly account: SecurityhubAccount;
  public readonly foundationalStandard: SecurityhubStandardsSubscription;

  constructor(scope: Construct, id: string, props: SecurityHubProps) {
    super(scope, id);
    this.account = new SecurityhubAccount(this, "account", {
      // The default standards (FSBP and CIS 1.2) would be enabled outside Terraform; the
      // one standard this project wants is subscribed explicitly below.
      enableDefaultStandards: false,
      // One finding per control across standards, not one per standard.
      controlFindingGenerator: "SECURITY_CONTROL",
      autoEnableControls: true,
    });
    this.foundationalStandard = new SecurityhubStandardsSubscription(this, "foundational-best-practices", {
      standardsArn: foundationalStandardArn(props.aws),
      dependsOn: [this.account],
    });
  }
}
