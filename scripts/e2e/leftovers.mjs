// What a stack left in the emulator: the objects moto's backends still hold after destroy
// (emulator.py's /e2e-api/live), compared with those held before apply (each region's
// default VPC, AWS-managed policies, the seeded zones are in both).

/** Objects AWS owns in every account, created on first use and never deleted by a destroy. */
const ACCOUNT_DEFAULTS = [
  (model) => model === "iam.AWSManagedPolicy",
  // AWS-managed KMS keys (aws/dynamodb, aws/s3...) and their aliases.
  (model, o) => model === "kms.Key" && o.key_manager === "AWS",
  // moto makes the AWS-managed keys (alias/aws/dynamodb, alias/aws/s3...) as customer keys
  // with these descriptions when a service or a lookup first needs one.
  (model, o) => model === "kms.Key" && /^Default (key$|master key that protects)/.test(String(o.description ?? "")),
  (model, o) => model === "kms.Alias" && String(o.name ?? "").startsWith("alias/aws/"),
  // The default event bus and ElastiCache's "default" user exist in every account and region.
  (model, o) => model === "events.EventBus" && o.name === "default",
  (model, o) => model === "elasticache.User" && o.id === "default",
];

/** Objects moto keeps but AWS treats as deleted or on their way out. */
const GONE = [
  // A provider that assumes a role (aws.parent_zone) leaves sessions: temporary credentials
  // (access key ids ASIA...) that expire; AWS holds nothing a destroy could delete.
  (model) => model === "sts.AssumedRole",
  (model, o) => model === "iam.AccessKey" && /^ASIA/.test(String(o.physical_resource_id ?? o.id ?? "")),
  (model, o) => model === "kms.Key" && o.key_state === "PendingDeletion",
  (model, o) => model === "secretsmanager.FakeSecret" && o.deleted_date != null,
  (model, o) => /^ec2\.(NatGateway|VPCEndPoint)$/.test(model) && /^delet/i.test(String(o.state ?? o._state ?? "")),
  // AWS Backup keeps a deleted plan (with its DeletionDate) for ListBackupPlans(IncludeDeleted).
  (model, o) => model === "backup.Plan" && o.deletion_date != null,
];

export async function snapshot(url) {
  const res = await fetch(`${url}/e2e-api/live`);
  if (!res.ok) throw new Error(`emulator live-object listing failed: HTTP ${res.status}`);
  return res.json();
}

const ID_FIELDS = [
  "arn",
  "id",
  "backup_vault_arn",
  "backup_plan_arn",
  "name",
  "budget_name",
  "backup_vault_name",
  "physical_resource_id",
  "identifier",
  "key_id",
];

function identity(item) {
  const ids = ID_FIELDS.map((f) => item[f]).filter((v) => typeof v === "string" && v);
  return { key: ids[0] ?? JSON.stringify(item), ids };
}

/**
 * Objects held after but not before, minus account defaults and what moto keeps deleted.
 * An object another one made for itself (a NAT gateway's network interface) also carries
 * its maker's id, so it is reported with the resource that made it.
 */
export function leftovers(before, after) {
  const out = [];
  const madeBy = new Map();
  for (const items of Object.values(after)) for (const o of items) if (o.network_interface_id) madeBy.set(o.network_interface_id, o.id);
  for (const [model, items] of Object.entries(after)) {
    const seen = new Set((before[model] ?? []).map((i) => identity(i).key));
    for (const item of items) {
      const id = identity(item);
      if (seen.has(id.key) || [...ACCOUNT_DEFAULTS, ...GONE].some((g) => g(model, item))) continue;
      out.push({ model, ids: madeBy.has(id.key) ? [...id.ids, madeBy.get(id.key)] : id.ids, key: id.key });
    }
  }
  return out;
}
