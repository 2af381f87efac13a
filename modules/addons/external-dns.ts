import type { PolicyStatement } from "../iam";
import { CHARTS } from "../../variables/charts";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "./admission";
import { HelmAddon, HelmAddonRole } from "./helm-addon";
import { AddonContext, Placement, Resources, Toleration } from "./types";

export const EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns";

/**
 * `sync` also deletes the records it owns when their Ingress/Service goes; `upsert-only`
 * never deletes (safer where the zone also holds hand-made records).
 */
export type ExternalDnsPolicy = "sync" | "upsert-only";

/** Chart values we set (subset of external-dns's values.yaml). */
export interface ExternalDnsValues {
  readonly provider: { readonly name: "aws" };
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly domainFilters: readonly string[];
  readonly txtOwnerId: string;
  readonly policy: ExternalDnsPolicy;
  readonly registry: "txt";
  readonly sources: readonly string[];
  readonly interval: string;
  readonly extraArgs: readonly string[];
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

export interface ExternalDnsProps {
  /** What happens to records whose source is deleted. */
  readonly policy: ExternalDnsPolicy;
  /**
   * Owner id in the TXT ownership records: two clusters writing one zone must differ.
   * @default `authorworks-<env>` (the name prefix)
   */
  readonly txtOwnerId?: string;
}

/** The record types external-dns writes (A/AAAA include ALIAS records to load balancers). */
export const EXTERNAL_DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT"];

export function externalDnsStatements(ctx: AddonContext): PolicyStatement[] {
  return [
    {
      sid: "WriteRecordsInEnvironmentZone",
      actions: ["route53:ChangeResourceRecordSets"],
      resources: [ctx.hostedZone.arn],
      conditions: [{ test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsRecordTypes", values: EXTERNAL_DNS_RECORD_TYPES }],
    },
    { sid: "ReadEnvironmentZone", actions: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], resources: [ctx.hostedZone.arn] },
    // AWS has no resource-level permission for listing zones.
    { sid: "ListZones", actions: ["route53:ListHostedZones"], resources: ["*"] },
  ];
}

/** No webhook; a Deployment and its metrics Service. */
export const EXTERNAL_DNS_ADMISSION: ChartAdmission = noWebhooks(
  "external-dns chart templates/ (deployment.yaml, service.yaml, rbac): no webhook configuration",
  [SERVICE, POD],
);

/** external-dns: Route53 records for Ingresses and Services, in the environment's zone only. */
export class ExternalDnsAddon extends HelmAddon<ExternalDnsValues> {
  public readonly name = "external-dns";
  public readonly namespace = "external-dns";
  public readonly chart = CHARTS.externalDns;
  public readonly role: HelmAddonRole = {
    serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
    description: (ctx) => `external-dns of ${ctx.clusterName}: records in ${ctx.hostedZone.name}`,
    statements: externalDnsStatements,
  };

  constructor(private readonly props: ExternalDnsProps) {
    super();
  }

  public values(ctx: AddonContext): ExternalDnsValues {
    return {
      provider: { name: "aws" },
      env: [{ name: "AWS_DEFAULT_REGION", value: ctx.aws.region }],
      domainFilters: [ctx.hostedZone.name],
      txtOwnerId: this.props.txtOwnerId ?? ctx.namePrefix,
      policy: this.props.policy,
      registry: "txt",
      sources: ["service", "ingress"],
      interval: "1m",
      // Only the environment's public zone, even if the account holds others of the same name.
      extraArgs: [`--zone-id-filter=${ctx.hostedZone.zoneId}`, "--aws-zone-type=public"],
      serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    };
  }
}
