/**
 * Validation of the `availability` section of an environment file (environments/presets.ts),
 * and what it needs from the node groups. Registered in ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { HA_MIN_SYSTEM_NODES } from "../presets";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

export function checkAvailability(c: Checker, cfg: EnvironmentConfig): void {
  const a = cfg.availability;
  for (const field of ["highAvailability", "zonalShift", "applyDatabaseChangesImmediately"] as const) {
    c.boolean(`availability.${field}`, a[field]);
  }
  const systemMin = cfg.kubernetes.nodeGroups.system.minSize;
  if (a.highAvailability === true && Number.isInteger(systemMin) && systemMin < HA_MIN_SYSTEM_NODES) {
    c.problem(
      `availability.highAvailability (true) needs kubernetes.nodeGroups.system.minSize >= ${HA_MIN_SYSTEM_NODES} (got ${systemMin}): ` +
        "two controller replicas spread over nodes must survive one node drained; accepted: a larger system group, or highAvailability false",
    );
  }
}
