// Builds the emulator working copy of one synthesized stack. The synthesized file is
// read, never written. Exported for run.mjs; see README.md for what each change is for.
import fs from "node:fs";
import path from "node:path";

/** `*` in a gap's address pattern matches any run of characters; everything else is literal. */
export function addressPattern(glob) {
  return new RegExp(
    `^${glob
      .split("*")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/** Every resource and data source address of a Terraform JSON document. */
export function addressesOf(doc) {
  const out = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) for (const name of Object.keys(byName)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(doc.data ?? {})) for (const name of Object.keys(byName)) out.push(`data.${type}.${name}`);
  return out;
}

function blockOf(doc, address) {
  const parts = address.split(".");
  const [section, type, name] = parts[0] === "data" ? ["data", parts[1], parts[2]] : ["resource", parts[0], parts[1]];
  return { section, type, name, get: () => doc[section]?.[type]?.[name] };
}

function deleteBlock(doc, address) {
  const b = blockOf(doc, address);
  delete doc[b.section][b.type][b.name];
  if (Object.keys(doc[b.section][b.type]).length === 0) delete doc[b.section][b.type];
}

/** Calls fn(string) -> string on every string in `value`, recursively. */
function mapStrings(value, fn) {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

function referenceRegex(address) {
  // `aws_x.y.attr`, `aws_x.y[0]`, `data.aws_x.y.attr` inside an expression; not `data.aws_x.y` for a resource gap.
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\w.-])${escaped}(?=[.\\[}\\s,)])`, "g");
}

/** Addresses referenced by a block (in `${...}` expressions and depends_on). */
function referencesIn(block, addresses) {
  const text = JSON.stringify(block);
  return addresses.filter((a) => referenceRegex(a).test(text) || text.includes(`"${a}"`));
}

const localName = (address) => `e2e_gap_${address.replace(/[^A-Za-z0-9]/g, "_")}`;

/**
 * @param doc       the synthesized stack (parsed; not modified)
 * @param gaps      the committed gap list (emulator-gaps.json `gaps`)
 * @returns { doc, removed, substituted, protections, seeds, foreignSeeds }
 */
export function prepareStack(doc, gaps) {
  const copy = JSON.parse(JSON.stringify(doc));
  const addresses = addressesOf(copy);
  const removed = []; // { address, because }
  const substituted = []; // { address, gap }

  // Gaps applied before anything runs: substitutes for dependents, and blocks not attempted.
  const applyGaps = gaps.filter((g) => g.phase === "apply");
  const plan = new Map(); // address -> gap
  for (const g of applyGaps) {
    const re = addressPattern(g.address);
    for (const a of addresses) if (re.test(a) && !plan.has(a)) plan.set(a, g);
  }
  const locals = {};
  for (const [address, g] of plan) {
    if (g.substitute) {
      locals[localName(address)] = mapStrings(g.substitute, (s) => s.replaceAll("{name}", address.split(".").pop()));
      substituted.push({ address, gap: g });
    }
  }
  // Rewrite references to substituted addresses everywhere except in the gap's own block.
  const substitutedSet = new Set(substituted.map((s) => s.address));
  for (const section of ["resource", "data", "output", "locals"]) {
    for (const [type, byName] of Object.entries(copy[section] ?? {})) {
      const entries = section === "output" || section === "locals" ? [[type, byName]] : Object.entries(byName);
      for (const [name, block] of entries) {
        const self = section === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        let out = block;
        for (const a of substitutedSet) {
          if (a === self) continue;
          const re = referenceRegex(a);
          out = mapStrings(out, (s) => s.replace(re, `local.${localName(a)}`));
          if (out && typeof out === "object" && Array.isArray(out.depends_on)) {
            out.depends_on = out.depends_on.filter((d) => d !== a);
            if (out.depends_on.length === 0) delete out.depends_on;
          }
        }
        if (section === "output" || section === "locals") copy[section][type] = out;
        else copy[section][type][name] = out;
      }
    }
  }
  if (Object.keys(locals).length) copy.locals = { ...(copy.locals ?? {}), ...locals };

  // Gaps not attempted at all: removed, and (where nothing substitutes them) their dependents too.
  let queue = [...plan].filter(([, g]) => g.attempt === false).map(([a, g]) => ({ address: a, because: `emulator gap: ${g.reason}` }));
  while (queue.length) {
    const next = [];
    for (const r of queue) {
      if (!blockOf(copy, r.address).get()) continue;
      deleteBlock(copy, r.address);
      removed.push(r);
      if (substitutedSet.has(r.address)) continue;
      for (const other of addressesOf(copy)) {
        if (referencesIn(blockOf(copy, other).get(), [r.address]).length) next.push({ address: other, because: `depends on ${r.address}` });
      }
    }
    queue = next;
  }
  for (const [name, out] of Object.entries(copy.output ?? {})) {
    if (removed.some((r) => referenceRegex(r.address).test(JSON.stringify(out)))) delete copy.output[name];
  }

  // Protections: recorded here, lifted only in the destroy copy (unprotect()).
  const protections = [];
  for (const a of addressesOf(copy).filter((x) => !x.startsWith("data."))) {
    const b = blockOf(copy, a).get();
    if (b.lifecycle?.prevent_destroy === true) protections.push({ address: a, kind: "prevent_destroy" });
    for (const attr of ["deletion_protection", "deletion_protection_enabled"]) if (b[attr] === true) protections.push({ address: a, kind: attr });
    if (b.skip_final_snapshot === false) protections.push({ address: a, kind: "final_snapshot" });
  }

  // Public zones the stack reads but does not create: the parent zone another account owns.
  // Read through a provider that assumes a role in another account, the zone is seeded in
  // that account with a stand-in for the role (what the owner's stack creates first).
  const created = new Set(Object.values(copy.resource?.aws_route53_zone ?? {}).map((z) => String(z.name).replace(/\.$/, "")));
  const aliases = new Map(
    []
      .concat(copy.provider?.aws ?? [])
      .filter((p) => p.alias)
      .map((p) => [`aws.${p.alias}`, p]),
  );
  const seeds = [];
  const foreignSeeds = [];
  for (const z of Object.values(copy.data?.aws_route53_zone ?? {})) {
    if (z.private_zone || typeof z.name !== "string" || z.name.includes("${") || created.has(z.name.replace(/\.$/, ""))) continue;
    const name = z.name.replace(/\.$/, "");
    const via = aliases.get(z.provider);
    const roleArn = via?.assume_role?.[0]?.role_arn;
    const account = via?.allowed_account_ids?.[0];
    if (roleArn && account) foreignSeeds.push({ zone: name, account, roleArn });
    else seeds.push(name);
  }

  return { doc: copy, removed, substituted, protections, seeds: [...new Set(seeds)], foreignSeeds };
}

/** The destroy copy: every recorded protection lifted. */
export function unprotect(doc, protections) {
  const copy = JSON.parse(JSON.stringify(doc));
  for (const p of protections) {
    const b = blockOf(copy, p.address).get();
    if (p.kind === "prevent_destroy") b.lifecycle.prevent_destroy = false;
    else if (p.kind === "final_snapshot") b.skip_final_snapshot = true;
    else b[p.kind] = false;
  }
  return copy;
}

/** Local backend instead of S3/Terraform Cloud. */
export function withLocalBackend(doc) {
  const copy = JSON.parse(JSON.stringify(doc));
  delete copy.terraform.backend;
  delete copy.terraform.cloud;
  copy.terraform.backend = { local: { path: "terraform.tfstate" } };
  return copy;
}

/**
 * Override file: every AWS provider configuration (aliases included) pointed at the
 * emulator for every service endpoint the provider knows, test credentials, path-style S3.
 */
export function providerOverride(doc, { endpoint, endpointNames, maxRetries }) {
  const configs = [].concat(doc.provider?.aws ?? []);
  const endpoints = Object.fromEntries(endpointNames.map((n) => [n, endpoint]));
  const aws = configs.map((c) => ({
    ...(c.alias ? { alias: c.alias } : {}),
    access_key: "test",
    secret_key: "test",
    s3_use_path_style: true,
    skip_metadata_api_check: true,
    max_retries: maxRetries,
    endpoints: [endpoints],
  }));
  return { "//": "npm run e2e: emulator endpoints (scripts/e2e); not part of the synthesized stack", provider: { aws } };
}

/** Version pins relaxed to the provider builds in the mirror (as npm run verify does). */
export function versionOverride(doc, manifest) {
  const out = {};
  for (const [local, spec] of Object.entries(doc.terraform?.required_providers ?? {})) {
    const type = String(spec.source ?? local)
      .split("/")
      .pop();
    const m = manifest.providers[type];
    if (m && spec.version !== m.mirrorVersion) out[local] = { source: spec.source ?? local, version: `= ${m.mirrorVersion}` };
  }
  return Object.keys(out).length ? { terraform: { required_providers: out } } : undefined;
}

export function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}
