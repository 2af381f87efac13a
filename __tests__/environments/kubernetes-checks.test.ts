import { checkKubernetes } from "../../environments/checks/kubernetes";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig, KubernetesConfig, NodeGroupConfig } from "../../environments/types";
import { EKS_VERSION_CALENDAR, instanceArchitecture } from "../../variables/aws-catalog";
import { EKS_STANDARD_VERSIONS, eksSupportStatus } from "../../variables/eks";
import { Checker } from "../../variables/validation";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

type GroupName = keyof KubernetesConfig["nodeGroups"];

/** dev with `kubernetes` changed (and optionally other top-level fields). */
function devWith(kubernetes: Partial<KubernetesConfig>, top: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return { ...dev, ...top, kubernetes: { ...dev.kubernetes, ...kubernetes } };
}

/** dev with one node group changed. */
function groupWith(name: GroupName, change: Partial<NodeGroupConfig>): EnvironmentConfig {
  return devWith({ nodeGroups: { ...dev.kubernetes.nodeGroups, [name]: { ...dev.kubernetes.nodeGroups[name], ...change } } });
}

const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkKubernetes, cfg);

describe("checkKubernetes", () => {
  test.each([dev, staging, production])("the committed $name environment passes", (cfg) => {
    expectCheckPasses(checkKubernetes, cfg);
  });

  describe("version", () => {
    test("a version EKS does not offer is refused, listing the accepted ones", () => {
      const msg = errorOf(devWith({ version: "1.99" }));
      expect(msg).toContain('kubernetes.version: got "1.99"');
      expect(msg).toContain(`accepted: a Kubernetes version EKS offers in standard support`);
      expect(msg).toContain(EKS_STANDARD_VERSIONS.join(", "));
      expect(errorOf(devWith({ version: "1.34.2" }))).toContain('kubernetes.version: got "1.34.2"');
      expect(errorOf(devWith({ version: "1.20" }))).toContain('kubernetes.version: got "1.20"');
    });

    test("a version only in extended support is refused with the reason", () => {
      const msg = errorOf(devWith({ version: "1.33" }));
      expect(msg).toContain('kubernetes.version: got "1.33"');
      expect(msg).toContain("1.33 left standard support on 2026-07-29");
      expect(msg).toContain("extended support bills six times");
    });

    test("the calendar: three versions in standard support on the checked date, status by date", () => {
      expect(EKS_STANDARD_VERSIONS).toEqual(["1.36", "1.35", "1.34"]);
      expect(eksSupportStatus("1.34", "2026-12-01")).toBe("standard");
      expect(eksSupportStatus("1.34", "2026-12-02")).toBe("extended");
      expect(eksSupportStatus("1.34", "2027-12-02")).toBe("unsupported");
      expect(eksSupportStatus("1.36", "2026-06-01")).toBe("unsupported");
      for (const v of EKS_VERSION_CALENDAR) expect(v.released < v.endOfStandardSupport && v.endOfStandardSupport < v.endOfExtendedSupport).toBe(true);
    });
  });

  describe("node group sizes", () => {
    test("min above desired names the group", () => {
      const msg = errorOf(groupWith("application", { minSize: 3, desiredSize: 2 }));
      expect(msg).toContain("kubernetes.nodeGroups.application.minSize (3) is greater than kubernetes.nodeGroups.application.desiredSize (2)");
      expect(msg).toContain("accepted: kubernetes.nodeGroups.application.minSize <= kubernetes.nodeGroups.application.desiredSize");
    });

    test("desired above max names the group", () => {
      const msg = errorOf(groupWith("spot", { desiredSize: 9, maxSize: 4 }));
      expect(msg).toContain("kubernetes.nodeGroups.spot.desiredSize (9) is greater than kubernetes.nodeGroups.spot.maxSize (4)");
    });

    test("the system group needs a node; max at least 1; whole numbers; disk size range", () => {
      expect(errorOf(groupWith("system", { minSize: 0, desiredSize: 0 }))).toContain(
        "kubernetes.nodeGroups.system.minSize: got 0; accepted: a whole number from 1 to 450 (cluster-critical add-ons need a system node)",
      );
      expect(errorOf(groupWith("spot", { minSize: 0, desiredSize: 0, maxSize: 0 }))).toContain(
        "kubernetes.nodeGroups.spot.maxSize: got 0; accepted: a whole number from 1 to 450",
      );
      expect(errorOf(groupWith("application", { desiredSize: 2.5 }))).toContain("kubernetes.nodeGroups.application.desiredSize: got 2.5");
      expect(errorOf(groupWith("application", { diskSizeGb: 8 }))).toContain(
        "kubernetes.nodeGroups.application.diskSizeGb: got 8; accepted: a whole number from 20 to 16384 GiB",
      );
    });
  });

  describe("instance types", () => {
    test("a string that is not an instance type is refused with its index", () => {
      const msg = errorOf(groupWith("spot", { instanceTypes: ["m7g.large", "m7g-large"] }));
      expect(msg).toContain('kubernetes.nodeGroups.spot.instanceTypes[1]: got "m7g-large"; accepted: an EC2 instance type such as "m7g.large"');
      expect(errorOf(groupWith("system", { instanceTypes: ["t4g.gigantic"] }))).toContain('kubernetes.nodeGroups.system.instanceTypes[0]: got "t4g.gigantic"');
      expect(errorOf(groupWith("system", { instanceTypes: [] }))).toContain(
        "kubernetes.nodeGroups.system.instanceTypes: got []; accepted: at least one EC2 instance type",
      );
    });

    test("mixed architectures in one group are refused, naming both sides", () => {
      const msg = errorOf(groupWith("application", { instanceTypes: ["m7g.large", "m7i.large"] }));
      expect(msg).toContain("kubernetes.nodeGroups.application.instanceTypes: mixes CPU architectures (arm64: m7g.large; x86_64: m7i.large)");
      expect(msg).toContain("accepted: instance types of one architecture per node group");
    });

    test("spot needs more than one type; duplicates are refused", () => {
      expect(errorOf(groupWith("spot", { instanceTypes: ["m7g.large"] }))).toContain(
        'kubernetes.nodeGroups.spot.instanceTypes: got ["m7g.large"]; accepted: at least two instance types for spot',
      );
      expect(errorOf(groupWith("spot", { instanceTypes: ["m7g.large", "m7g.large"] }))).toContain("accepted: each instance type at most once");
    });

    test("architecture from the family", () => {
      const arch = (t: string) => instanceArchitecture(t);
      expect(["m7g.large", "t4g.medium", "c6gn.2xlarge", "r8gd.metal-24xl", "im4gn.large", "g5g.xlarge", "a1.large"].map(arch)).toEqual(Array(7).fill("arm64"));
      expect(["m7i.large", "m7i-flex.large", "c5.9xlarge", "g4dn.xlarge", "t3.micro", "m6a.48xlarge"].map(arch)).toEqual(Array(6).fill("x86_64"));
      expect(["m7g", "large", "M7G.LARGE", "m7g.large "].map(arch)).toEqual([undefined, undefined, undefined, undefined]);
    });
  });

  describe("public access CIDRs", () => {
    test("a malformed CIDR is refused with its index", () => {
      const msg = errorOf(devWith({ publicAccessCidrs: ["203.0.113.0/24", "203.0.113.7/24", "300.1.1.0/24"] }));
      expect(msg).toContain('kubernetes.publicAccessCidrs[1]: got "203.0.113.7/24"; accepted: an IPv4 network address in CIDR form');
      expect(msg).toContain('kubernetes.publicAccessCidrs[2]: got "300.1.1.0/24"');
    });

    test.each([dev, production])("0.0.0.0/0 is refused in $name", (cfg) => {
      const msg = errorOf({ ...cfg, kubernetes: { ...cfg.kubernetes, publicAccessCidrs: ["198.51.100.0/24", "0.0.0.0/0"] } });
      expect(msg).toContain(`environment "${cfg.name}"`);
      expect(msg).toContain('kubernetes.publicAccessCidrs[1]: got "0.0.0.0/0"; accepted: specific public CIDRs');
    });

    test("private ranges never reach the public endpoint", () => {
      expect(errorOf(devWith({ publicAccessCidrs: ["10.10.0.0/16"] }))).toContain(
        'kubernetes.publicAccessCidrs[0]: got "10.10.0.0/16"; accepted: a public address range (10.10.0.0/16 is inside 10.0.0.0/8',
      );
    });

    test("at most 40 blocks", () => {
      const many = [...Array(41).keys()].map((i) => `198.51.${i}.0/24`);
      expect(errorOf(devWith({ publicAccessCidrs: many }))).toContain("kubernetes.publicAccessCidrs: got 41; accepted: at most 40 CIDR blocks");
    });
  });

  describe("additional control-plane log types", () => {
    test.each([[[]], [["scheduler"]], [["controllerManager", "scheduler"]]])("%p is accepted", (types) => {
      const c = new Checker("dev");
      checkKubernetes(c, devWith({ additionalLogTypes: types as KubernetesConfig["additionalLogTypes"] }));
      expect(c.ok).toBe(true);
    });

    test.each([[["api"]], [["scheduler", "scheduler"]], [["kubelet"]], [undefined]])("%p is refused, listing the optional types", (types) => {
      expect(errorOf(devWith({ additionalLogTypes: types as unknown as KubernetesConfig["additionalLogTypes"] }))).toContain(
        "kubernetes.additionalLogTypes: got " +
          (types === undefined ? "nothing" : JSON.stringify(types)) +
          '; accepted: a list of distinct control-plane log types among "controllerManager", "scheduler"',
      );
    });
  });

  describe("IAM role names", () => {
    test.each([
      ["adminRoleName", "arn:aws:iam::123456789012:role/Admin"],
      ["adminRoleName", "team/Admin"],
      ["developerRoleName", ""],
      ["developerRoleName", "x".repeat(65)],
      ["developerRoleName", "Dev Role"],
    ] as const)("%s %j is refused", (field, value) => {
      const msg = errorOf(devWith({ [field]: value }));
      expect(msg).toContain(`kubernetes.${field}: got ${JSON.stringify(value)}; accepted: an IAM role name in this account`);
    });

    test("admin and developer must be different roles", () => {
      expect(errorOf(devWith({ developerRoleName: dev.kubernetes.adminRoleName }))).toContain(
        'kubernetes.developerRoleName: got "AuthorWorksPlatformAdmin"; accepted: a role other than kubernetes.adminRoleName',
      );
    });
  });

  test("every problem is reported at once", () => {
    const msg = errorOf(devWith({ version: "1.99", adminRoleName: "bad name", publicAccessCidrs: ["nope"] }));
    expect(msg.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(3);
  });
});
