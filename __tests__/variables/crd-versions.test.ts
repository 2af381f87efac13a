/**
 * Every custom resource the platform stacks install (the raw-chart releases' manifests) and
 * every custom kind they point at (the HPAs' scale targets) names a group/version/kind the
 * pinned CRDs serve (variables/crd-versions.ts), read from the synthesized JSON.
 */
import { SERVED_CRD_VERSIONS, UNVERIFIED_CRD_GROUPS } from "../../variables/crd-versions";
import { CHARTS } from "../../variables/charts";
import { Json, resourcesOf } from "../helpers";
import { realStack } from "../real-app";

/** Why `apiVersion`/`kind` is not known to be served by the pinned CRDs (or the core API); undefined when it is. */
function unserved(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.lastIndexOf("/");
  const [group, version] = slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  // The core group's only version; its kinds are the API server's own.
  if (group === "") return version === "v1" ? undefined : `core group has no version ${version}`;
  if (group in UNVERIFIED_CRD_GROUPS) return undefined;
  const facts = SERVED_CRD_VERSIONS[group];
  if (!facts) return `group ${group} is in neither SERVED_CRD_VERSIONS nor UNVERIFIED_CRD_GROUPS`;
  const served = facts.kinds[kind];
  if (!served) return `${group} has no kind ${kind} (${facts.source})`;
  return served.includes(version) ? undefined : `${group}/${kind} serves ${served.join(", ")}, not ${version} (${facts.source})`;
}

/** The custom resources and kind references of one synthesized platform stack, with where each is. */
function usedKinds(json: Json): { where: string; apiVersion: string; kind: string }[] {
  const raw = Object.entries(resourcesOf(json, "helm_release")).filter(([, r]) => r.chart === CHARTS.raw.chart && r.repository === CHARTS.raw.repository);
  const manifests = raw.flatMap(([id, r]) =>
    (JSON.parse((r.values as string[])[0]).resources as Json[]).map((m) => ({ where: `${id}: ${m.metadata.name}`, apiVersion: m.apiVersion, kind: m.kind })),
  );
  const scaleTargets = Object.entries(resourcesOf(json, "kubernetes_horizontal_pod_autoscaler_v2")).map(([id, h]) => ({
    where: `${id}: scale target`,
    apiVersion: h.spec.scale_target_ref.api_version,
    kind: h.spec.scale_target_ref.kind,
  }));
  return [...manifests, ...scaleTargets];
}

describe.each(["dev", "staging", "production"])("%s-platform", (env) => {
  const used = usedKinds(realStack(`${env}-platform`));

  test("every custom resource and kind reference is served by the pinned CRDs", () => {
    const problems = used.flatMap((u) => {
      const why = unserved(u.apiVersion, u.kind);
      return why ? [`${u.where}: ${u.apiVersion} ${u.kind}: ${why}`] : [];
    });
    expect(problems).toEqual([]);
  });

  test("the mesh policy, routes and Rollouts are among what is checked, at their versions", () => {
    const kinds = new Set(used.map((u) => `${u.apiVersion} ${u.kind}`));
    for (const k of [
      "policy.linkerd.io/v1beta3 Server",
      "policy.linkerd.io/v1alpha1 AuthorizationPolicy",
      "policy.linkerd.io/v1alpha1 MeshTLSAuthentication",
      "policy.linkerd.io/v1alpha1 NetworkAuthentication",
      "gateway.networking.k8s.io/v1 HTTPRoute",
      "argoproj.io/v1alpha1 Rollout",
      "argoproj.io/v1alpha1 ClusterAnalysisTemplate",
    ])
      expect(kinds).toContain(k);
  });
});

describe("what the check refuses", () => {
  test.each([
    ["policy.linkerd.io/v1beta4", "Server", "policy.linkerd.io/Server serves v1alpha1, v1beta1, v1beta2, v1beta3, not v1beta4"],
    ["policy.linkerd.io/v1beta3", "AuthorizationPolicy", "policy.linkerd.io/AuthorizationPolicy serves v1alpha1, not v1beta3"],
    // Gateway API v1.1.1 serves HTTPRoute as v1 and v1beta1 only.
    ["gateway.networking.k8s.io/v1alpha2", "HTTPRoute", "gateway.networking.k8s.io/HTTPRoute serves v1, v1beta1, not v1alpha2"],
    ["gateway.networking.k8s.io/v1alpha2", "TCPRoute", "gateway.networking.k8s.io has no kind TCPRoute"],
    ["argoproj.io/v1beta1", "Rollout", "argoproj.io/Rollout serves v1alpha1, not v1beta1"],
    ["monitoring.coreos.com/v1", "ServiceMonitor", "group monitoring.coreos.com is in neither SERVED_CRD_VERSIONS nor UNVERIFIED_CRD_GROUPS"],
    ["v2", "Service", "core group has no version v2"],
  ])("%s %s", (apiVersion, kind, reason) => {
    expect(unserved(apiVersion, kind)).toContain(reason);
  });

  test("every fact names its source, and no group is both checked and unchecked", () => {
    for (const [group, facts] of Object.entries(SERVED_CRD_VERSIONS)) {
      expect(facts.source).toMatch(/@v?\d|stored copies/);
      expect(UNVERIFIED_CRD_GROUPS).not.toHaveProperty(group);
    }
  });
});
