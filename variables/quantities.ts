/** Kubernetes resource quantities, parsed for validation (requests <= limits, quotas). */

/** CPU quantity in millicores ("500m", "1", "0.5"); undefined if malformed. */
export function parseCpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

/** Memory quantity in bytes ("512Mi", "1Gi", "1G"); undefined if malformed. */
export function parseMemoryBytes(q: string): number | undefined {
  const units: Record<string, number> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  return m ? Number(m[1]) * units[m[2] ?? ""] : undefined;
}

/**
 * A Gateway API duration in milliseconds ("500ms", "10s", "1m", "1h"; one whole number and
 * unit, the subset of the Gateway API `Duration` grammar Linkerd's annotations also read);
 * undefined if malformed.
 */
export function parseDurationMs(d: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^(\d{1,5})(ms|s|m|h)$/.exec(d);
  return m ? Number(m[1]) * units[m[2]] : undefined;
}
