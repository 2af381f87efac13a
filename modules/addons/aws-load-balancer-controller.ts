import { CHARTS } from "../../variables/charts";
import { albControllerStatements } from "./aws-load-balancer-controller-policy";
import { AdmissionWebhook, ChartAdmission, INGRESS, KindRef, LabelRequirement, LabelSelector, POD, SERVICE, valueAt } from "./admission";
import { HelmAddon, HelmAddonRole } from "./helm-addon";
import { AddonContext, Placement, Resources, Toleration } from "./types";

/** Chart values we set (subset of the chart's values.yaml). */
export interface AwsLoadBalancerControllerValues {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  readonly ingressClass: string;
  readonly createIngressClassResource: boolean;
  readonly ingressClassConfig: { readonly default: boolean };
  readonly enableWaf: boolean;
  readonly enableWafv2: boolean;
  readonly enableShield: boolean;
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  readonly readinessProbe: HttpProbe;
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

export interface AwsLoadBalancerControllerProps {
  /** Controller replicas (leader election: one active, the rest take over). @default 2 */
  readonly replicas?: number;
  /** Make `alb` the cluster's default IngressClass. @default true */
  readonly defaultIngressClass?: boolean;
}

export const ALB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/** A container's HTTP probe as the chart takes it (times in seconds). */
export interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: number; readonly scheme: "HTTP" };
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/**
 * The controller's readiness probe. Its `/readyz` includes the webhook server's started
 * check (main.go: `AddReadyzCheck("ready-webhook", GetWebhookServer().StartedChecker())`),
 * so a ready pod serves the Service and Ingress webhooks and Helm's wait covers them.
 * Port 61779 is the controller's health probe port (chart values.yaml, `livenessProbe`).
 */
export const ALB_CONTROLLER_READINESS_PROBE: HttpProbe = {
  httpGet: { path: "/readyz", port: 61779, scheme: "HTTP" },
  initialDelaySeconds: 10,
  timeoutSeconds: 10,
  failureThreshold: 2,
  successThreshold: 1,
};

const TARGET_GROUP_BINDING: KindRef = { group: "elbv2.k8s.aws", kind: "TargetGroupBinding" };
/** Every webhook leaves the controller's own objects out (chart label `app.kubernetes.io/name`). */
const NOT_THE_CONTROLLER: LabelRequirement = { key: "app.kubernetes.io/name", operator: "NotIn", values: ["aws-load-balancer-controller"] };
const namespaceLabelled = (label: string): LabelSelector => ({ matchExpressions: [{ key: label, operator: "In", values: ["enabled"] }] });

/**
 * Webhooks of the aws-load-balancer-controller chart (templates/webhook.yaml, read from
 * aws/eks-charts and kubernetes-sigs/aws-load-balancer-controller `helm/`; defaults from
 * values.yaml: `enableServiceMutatorWebhook: true`, both mutators' `failurePolicy: Fail`).
 * The Service mutator has no namespace selector: until the controller serves, no Service
 * can be created anywhere in the cluster, whichever chart or resource makes it.
 */
export const AWS_LOAD_BALANCER_CONTROLLER_ADMISSION: ChartAdmission = {
  source: "aws-load-balancer-controller chart templates/webhook.yaml and values.yaml (eks-charts; kubernetes-sigs/aws-load-balancer-controller helm/)",
  webhooks: (values) => {
    const policy = (path: string) => (valueAt(values, path) as AdmissionWebhook["failurePolicy"] | undefined) ?? "Fail";
    const custom = valueAt(values, "webhookNamespaceSelectors") as LabelRequirement[] | undefined;
    const podWebhook = (name: string, label: string, failurePolicy: AdmissionWebhook["failurePolicy"]): AdmissionWebhook => ({
      name,
      type: "Mutating",
      intercepts: [POD],
      failurePolicy,
      namespaceSelector: custom ? { matchExpressions: custom } : namespaceLabelled(label),
      objectSelector: { matchExpressions: [NOT_THE_CONTROLLER] },
    });
    const webhooks: AdmissionWebhook[] = [
      // Readiness gates, in namespaces labelled for them (modules/tenancy labels the application namespaces).
      podWebhook("mpod.elbv2.k8s.aws", "elbv2.k8s.aws/pod-readiness-gate-inject", policy("podMutatorWebhookConfig.failurePolicy")),
      podWebhook("quicid.elbv2.k8s.aws", "elbv2.k8s.aws/quic-server-id-inject", "Fail"),
      {
        name: "alb-target-control.namespace.elbv2.k8s.aws",
        type: "Mutating",
        intercepts: [POD],
        failurePolicy: "Fail",
        namespaceSelector: namespaceLabelled("elbv2.k8s.aws/alb-target-control-agent-injection"),
        objectSelector: {
          matchExpressions: [NOT_THE_CONTROLLER, { key: "elbv2.k8s.aws/alb-target-control-agent-inject", operator: "NotIn", values: ["false"] }],
        },
      },
      {
        name: "alb-target-control.object.elbv2.k8s.aws",
        type: "Mutating",
        intercepts: [POD],
        failurePolicy: "Fail",
        namespaceSelector: { matchExpressions: [{ key: "elbv2.k8s.aws/alb-target-control-agent-injection", operator: "DoesNotExist" }] },
        objectSelector: { matchExpressions: [NOT_THE_CONTROLLER, { key: "elbv2.k8s.aws/alb-target-control-agent-inject", operator: "In", values: ["true"] }] },
      },
      { name: "mtargetgroupbinding.elbv2.k8s.aws", type: "Mutating", intercepts: [TARGET_GROUP_BINDING], failurePolicy: "Fail" },
      {
        name: "vingressclassparams.elbv2.k8s.aws",
        type: "Validating",
        intercepts: [{ group: "elbv2.k8s.aws", kind: "IngressClassParams" }],
        failurePolicy: "Fail",
        objectSelector: { matchExpressions: [NOT_THE_CONTROLLER] },
      },
      { name: "vtargetgroupbinding.elbv2.k8s.aws", type: "Validating", intercepts: [TARGET_GROUP_BINDING], failurePolicy: "Fail" },
    ];
    if (valueAt(values, "enableServiceMutatorWebhook") !== false) {
      webhooks.push({
        name: "mservice.elbv2.k8s.aws",
        type: "Mutating",
        intercepts: [SERVICE],
        failurePolicy: policy("serviceMutatorWebhookConfig.failurePolicy"),
        objectSelector: { matchExpressions: [NOT_THE_CONTROLLER] },
      });
    }
    if (valueAt(values, "webhookConfig.disableIngressValidation") !== true) {
      webhooks.push({ name: "vingress.elbv2.k8s.aws", type: "Validating", intercepts: [INGRESS], failurePolicy: "Fail" });
    }
    return webhooks;
  },
  objects: (_values, namespace) => [SERVICE, POD].map((k) => ({ ...k, namespace, labels: { "app.kubernetes.io/name": "aws-load-balancer-controller" } })),
};

/**
 * The AWS Load Balancer Controller: the cluster's ingress (Ingress -> ALB, Service of
 * type LoadBalancer -> NLB), with its IAM policy through Pod Identity.
 */
export class AwsLoadBalancerControllerAddon extends HelmAddon<AwsLoadBalancerControllerValues> {
  public readonly name = "aws-load-balancer-controller";
  public readonly namespace = "kube-system";
  public readonly chart = CHARTS.awsLoadBalancerController;
  public readonly role: HelmAddonRole = {
    serviceAccount: ALB_CONTROLLER_SERVICE_ACCOUNT,
    description: (ctx) => `AWS Load Balancer Controller of ${ctx.clusterName}`,
    statements: albControllerStatements,
  };

  constructor(private readonly props: AwsLoadBalancerControllerProps = {}) {
    super();
  }

  public values(ctx: AddonContext): AwsLoadBalancerControllerValues {
    return {
      clusterName: ctx.clusterName,
      // Set explicitly: pods cannot read region and VPC from IMDS (hop limit 1 on EKS nodes).
      region: ctx.aws.region,
      vpcId: ctx.vpcId,
      replicaCount: this.props.replicas ?? 2,
      serviceAccount: { create: true, name: ALB_CONTROLLER_SERVICE_ACCOUNT },
      ingressClass: "alb",
      createIngressClassResource: true,
      ingressClassConfig: { default: this.props.defaultIngressClass ?? true },
      // WAF Classic is end of life and Shield Advanced is not subscribed: off, and not in the policy.
      enableWaf: false,
      enableWafv2: true,
      enableShield: false,
      podDisruptionBudget: { maxUnavailable: 1 },
      readinessProbe: ALB_CONTROLLER_READINESS_PROBE,
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    };
  }
}
