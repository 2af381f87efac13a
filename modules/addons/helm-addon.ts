/**
 * The shared base of the add-ons that are one Helm release of a catalogued chart (in the
 * style of EKS Blueprints' `HelmAddOn`): an add-on declares its chart, typed values and
 * IAM role; `deploy` is written once here.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { PolicyStatement } from "../iam";
import { PodIdentityRole } from "../iam/pod-identity";
import type { ChartSpec } from "../../variables/charts";
import { AddonContext, PlatformAddon, addonRoleName, helmRelease } from "./types";

/** The Pod Identity role of an add-on that calls AWS. */
export interface HelmAddonRole {
  /** Service account the chart runs as (the values must create it under this name). */
  readonly serviceAccount: string;
  /** IAM role description. */
  description(ctx: AddonContext): string;
  /** Inline policy statements, least privilege. */
  statements(ctx: AddonContext): readonly PolicyStatement[];
}

/**
 * One Helm release (construct id `release`) of `chart` in `namespace`, with `values(ctx)`
 * rendered as its values document. With a `role`, a Pod Identity role (construct id
 * `pod-identity`, IAM name `authorworks-<env>-<name>`) bound to `role.serviceAccount`
 * in `namespace`, and the release waits for the association: pods started before it
 * run without credentials.
 *
 * Add-ons that need more than the release override the hooks: `beforeRelease` (objects
 * the release waits for: Secrets, volumes, network policies) and `afterRelease`
 * (objects that need the release: custom resources through the raw chart).
 */
export abstract class HelmAddon<Values extends object = object> implements PlatformAddon {
  /** Construct id and, by default, Helm release name and IAM role name suffix. */
  public abstract readonly name: string;
  /** Namespace of the release and of the role's service account. */
  public abstract readonly namespace: string;
  /** The chart at its pinned version, from `CHARTS` (variables/charts.ts). */
  public abstract readonly chart: ChartSpec;
  /** The Pod Identity role. @default none: the add-on does not call AWS */
  public readonly role?: HelmAddonRole;
  /** Seconds Helm waits for the release's resources to become ready. @default 600 */
  public readonly timeoutSeconds?: number;

  /** The chart values we set (a typed subset of the chart's values.yaml). */
  public abstract values(ctx: AddonContext): Values;

  /** Helm release name. @default `name` */
  public releaseName(_ctx: AddonContext): string {
    return this.name;
  }

  /** Objects created after `after` that the release waits for (not returned to dependents). @default none */
  protected beforeRelease(_scope: Construct, _ctx: AddonContext, _after: readonly ITerraformDependable[]): ITerraformDependable[] {
    return [];
  }

  /** Objects that need the release; dependents wait for them as well as for the release. @default none */
  protected afterRelease(_scope: Construct, _ctx: AddonContext, _release: Release): ITerraformDependable[] {
    return [];
  }

  public deploy(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const role = this.role
      ? new PodIdentityRole(scope, "pod-identity", {
          aws: ctx.aws,
          clusterName: ctx.clusterName,
          namespace: this.namespace,
          serviceAccount: this.role.serviceAccount,
          roleName: addonRoleName(ctx, this.name),
          description: this.role.description(ctx),
          statements: this.role.statements(ctx),
        })
      : undefined;
    const before = this.beforeRelease(scope, ctx, after);
    const release = helmRelease(scope, "release", {
      name: this.releaseName(ctx),
      chart: this.chart,
      namespace: this.namespace,
      values: this.values(ctx),
      dependsOn: [...after, ...before, ...(role ? [role.ready] : [])],
      timeoutSeconds: this.timeoutSeconds,
    });
    return [release, ...this.afterRelease(scope, ctx, release)];
  }
}
