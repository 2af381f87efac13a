/** Validation of the `storage` section of an environment file (modules/s3). */
import { S3_BUCKET_NAME } from "../../variables/aws-catalog";
import { Checker, DNS_LABEL } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/** Checks `cfg.storage`: a bucket prefix that keeps every bucket name valid, and the logs expiration. */
export function checkStorage(c: Checker, cfg: EnvironmentConfig): void {
  c.matches(
    "storage.bucketPrefix",
    cfg.storage.bucketPrefix,
    DNS_LABEL,
    "a lower-case DNS label (letters, digits, hyphens; starts and ends with a letter or digit)",
  );
  const longest = `${cfg.storage.bucketPrefix}-artifacts-${cfg.name}`;
  if (cfg.storage.bucketPrefix && !S3_BUCKET_NAME.test(longest)) {
    c.fail("storage.bucketPrefix", cfg.storage.bucketPrefix, `a prefix that keeps bucket names valid (the longest is "${longest}", at most 63 characters)`);
  }
  c.intRange("storage.logExpirationDays", cfg.storage.logExpirationDays, 1, 3650, "days");
}
