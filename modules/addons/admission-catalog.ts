/**
 * What every chart of the catalogue (variables/charts.ts) brings to admission, by chart
 * name: the declarations live next to the add-on that installs each chart. A chart added
 * to `CHARTS` without one does not type-check, and a `helm_release` of a chart outside
 * `CHARTS` fails the synth (modules/addons/admission.ts).
 */
import { AdmissionCatalog, RAW_CHART_ADMISSION } from "./admission";
import { AWS_LOAD_BALANCER_CONTROLLER_ADMISSION } from "./aws-load-balancer-controller";
import { CERT_MANAGER_ADMISSION } from "./cert-manager";
import { CLUSTER_AUTOSCALER_ADMISSION } from "./cluster-autoscaler";
import { EXTERNAL_DNS_ADMISSION } from "./external-dns";
import { EXTERNAL_SECRETS_ADMISSION } from "./external-secrets";
import { INGRESS_NGINX_ADMISSION } from "./ingress-nginx";
import { LINKERD_CNI_ADMISSION, LINKERD_CONTROL_PLANE_ADMISSION, LINKERD_CRDS_ADMISSION } from "./linkerd";
import { METRICS_SERVER_ADMISSION } from "./metrics-server";
import { RELOADER_ADMISSION } from "./reloader";
import { TRUST_MANAGER_ADMISSION } from "./trust-manager";
import { ARC_CONTROLLER_ADMISSION, ARC_RUNNER_SCALE_SET_ADMISSION } from "./delivery/actions-runners";
import { ARGO_CD_ADMISSION } from "./delivery/argo-cd";
import { ARGO_ROLLOUTS_ADMISSION } from "./delivery/argo-rollouts";
import { ALLOY_ADMISSION } from "./observability/alloy";
import { JAEGER_ADMISSION } from "./observability/jaeger";
import { KUBE_PROMETHEUS_STACK_ADMISSION } from "./observability/kube-prometheus-stack";
import { LOKI_ADMISSION } from "./observability/loki";
import { OPENTELEMETRY_OPERATOR_ADMISSION } from "./observability/opentelemetry";
import { PROMETHEUS_ADAPTER_ADMISSION } from "./observability/prometheus-adapter";

export const CHART_ADMISSION: AdmissionCatalog = {
  awsLoadBalancerController: AWS_LOAD_BALANCER_CONTROLLER_ADMISSION,
  certManager: CERT_MANAGER_ADMISSION,
  trustManager: TRUST_MANAGER_ADMISSION,
  externalDns: EXTERNAL_DNS_ADMISSION,
  clusterAutoscaler: CLUSTER_AUTOSCALER_ADMISSION,
  metricsServer: METRICS_SERVER_ADMISSION,
  linkerdCrds: LINKERD_CRDS_ADMISSION,
  linkerdControlPlane: LINKERD_CONTROL_PLANE_ADMISSION,
  linkerdCni: LINKERD_CNI_ADMISSION,
  raw: RAW_CHART_ADMISSION,
  argoCd: ARGO_CD_ADMISSION,
  argoRollouts: ARGO_ROLLOUTS_ADMISSION,
  externalSecrets: EXTERNAL_SECRETS_ADMISSION,
  reloader: RELOADER_ADMISSION,
  arcController: ARC_CONTROLLER_ADMISSION,
  arcRunnerScaleSet: ARC_RUNNER_SCALE_SET_ADMISSION,
  ingressNginx: INGRESS_NGINX_ADMISSION,
  kubePrometheusStack: KUBE_PROMETHEUS_STACK_ADMISSION,
  prometheusAdapter: PROMETHEUS_ADAPTER_ADMISSION,
  loki: LOKI_ADMISSION,
  alloy: ALLOY_ADMISSION,
  opentelemetryOperator: OPENTELEMETRY_OPERATOR_ADMISSION,
  jaeger: JAEGER_ADMISSION,
};
