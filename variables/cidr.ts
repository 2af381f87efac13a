/** IPv4 CIDR arithmetic for validation and for deriving the subnet layout, offline. */

export interface Cidr {
  readonly network: number; // unsigned 32-bit
  readonly prefix: number;
  readonly text: string;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined unless the address is the network address of the block. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((addr & mask) >>> 0 !== addr) return undefined; // host bits set: "10.0.0.1/16" is a typo, not a network
  return { network: addr, prefix, text };
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && inner.network + size(inner) <= outer.network + size(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + size(b) && b.network < a.network + size(a);
}

function format(addr: number, prefix: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${prefix}`;
}

/** Terraform's cidrsubnet(): the `index`-th block of `prefix + newBits` inside `base`. */
export function cidrSubnet(base: string, newBits: number, index: number): string {
  const c = parseCidr(base);
  if (!c) throw new Error(`not a CIDR: ${base}`);
  const prefix = c.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) throw new Error(`cidrSubnet(${base}, ${newBits}, ${index}) is out of range`);
  return format(c.network + index * 2 ** (32 - prefix), prefix);
}
