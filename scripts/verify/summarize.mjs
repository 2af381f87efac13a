#!/usr/bin/env node
// Reads the raw results written by run.sh, applies checkov-skips.yaml and prints
// the details followed by ONE summary block. Exit 0 only if everything passed.
//
//   node summarize.mjs <runDir> <providersManifest.json> <skipFilePathForMessages>
import fs from "node:fs";
import path from "node:path";

const [runDir, manifestPath, skipFileLabel = "checkov-skips.yaml"] = process.argv.slice(2);
const read = (p) => {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return null;
  }
};
const readJson = (p) => {
  const t = read(p);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
};
const rcOf = (p) => {
  const t = read(p);
  return t === null ? null : Number(t.trim());
};

const manifest = readJson(manifestPath) || { providers: {} };
const tools = readJson(path.join(runDir, "tools.json")) || {};
const problems = []; // reasons the run fails
const warnings = [];
const out = [];
const p = (s = "") => out.push(s);

// ------------------------------------------------------------------ skip file
const skipsDoc = readJson(path.join(runDir, "skips.json"));
const skips = [];
// "type.name" or "data.type.name"; `*` only inside the NAME and never the whole name.
function validResourcePattern(r) {
  if (typeof r !== "string") return false;
  const parts = r.split(".");
  if (parts.length < 2 || parts.some((x) => x === "")) return false;
  const name = parts[parts.length - 1];
  return !parts.slice(0, -1).some((x) => x.includes("*")) && /[^*]/.test(name);
}
{
  const list = skipsDoc && Array.isArray(skipsDoc.skips) ? skipsDoc.skips : null;
  if (!list) problems.push(`${skipFileLabel}: expected a top-level "skips:" list`);
  const seen = new Set();
  for (const [i, e] of (list || []).entries()) {
    const where = `${skipFileLabel} entry #${i + 1}`;
    if (!e || typeof e !== "object") {
      problems.push(`${where}: not a mapping`);
      continue;
    }
    if (typeof e.id !== "string" || !/^CKV2?_[A-Z0-9]+_\d+$/.test(e.id)) {
      problems.push(`${where}: "id" must be one concrete checkov id (got ${JSON.stringify(e.id)})`);
      continue;
    }
    if (typeof e.reason !== "string" || e.reason.trim().length < 10) {
      problems.push(`${where} (${e.id}): needs a one-line "reason"`);
      continue;
    }
    const resources = e.resources ?? null;
    const stacks = e.stacks ?? null;
    if (resources !== null && (!Array.isArray(resources) || resources.length === 0 || resources.some((r) => !validResourcePattern(r)))) {
      problems.push(
        `${where} (${e.id}): "resources" must list addresses like aws_s3_bucket.logs (\`*\` allowed inside the name, not as the whole name or in the type)`,
      );
      continue;
    }
    if (stacks !== null && (!Array.isArray(stacks) || stacks.some((s) => typeof s !== "string"))) {
      problems.push(`${where} (${e.id}): "stacks" must be a list of stack names`);
      continue;
    }
    const key = JSON.stringify([e.id, resources, stacks]);
    if (seen.has(key)) {
      problems.push(`${where} (${e.id}): duplicate entry`);
      continue;
    }
    seen.add(key);
    skips.push({ id: e.id, reason: e.reason.trim(), resources, stacks, used: 0 });
  }
}
const globToRe = (g) =>
  new RegExp(
    "^" +
      g
        .split("*")
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  );
const findSkip = (stack, id, resource) =>
  skips.find((s) => s.id === id && (!s.stacks || s.stacks.includes(stack)) && (!s.resources || s.resources.some((g) => globToRe(g).test(resource))));

// --------------------------------------------------------------------- stacks
const stacksDir = path.join(runDir, "stacks");
const stackNames = fs
  .readdirSync(stacksDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const rows = [];
const overrideNotes = new Map();
let validated = 0,
  warnTotal = 0,
  validateSkipped = 0;
let tflintIssues = 0,
  tflintErrors = 0;
const tflintByRule = new Map();

for (const s of stackNames) {
  const w = path.join(stacksDir, s);
  const row = { stack: s, validate: "", tflint: "", checkov: "" };
  rows.push(row);
  const prepErr = read(path.join(w, "prepare.error"));
  if (prepErr) {
    row.validate = "NOT RUN";
    problems.push(`${s}: ${prepErr.trim()}`);
    continue;
  }
  const prep = readJson(path.join(w, "prepare.json")) || {};
  for (const o of prep.overrides || []) overrideNotes.set(o.provider, o);
  for (const u of prep.unknownProviders || []) warnings.push(`${s}: provider ${u} is not in the local mirror`);

  // validate
  const skippedWhy = read(path.join(w, "validate.skipped"));
  const initRc = rcOf(path.join(w, "init.rc"));
  if (skippedWhy) {
    row.validate = "SKIPPED";
    validateSkipped++;
    const optedOut = process.env.AUTHORWORKS_VERIFY_SKIP_AWS_BUILD === "1";
    (optedOut ? warnings : problems).push(`${s}: tofu validate SKIPPED: ${skippedWhy.trim()}`);
  } else if (initRc !== 0) {
    row.validate = "INIT FAILED";
    const log = read(path.join(w, "init.log")) || "";
    const errLines = log
      .split("\n")
      .filter((l) => l.trim())
      .slice(-12)
      .join("\n    ");
    problems.push(`${s}: tofu init -backend=false failed:\n    ${errLines}`);
  } else {
    const v = readJson(path.join(w, "validate.json"));
    if (!v) {
      row.validate = "VALIDATE CRASHED";
      problems.push(`${s}: tofu validate produced no JSON: ${(read(path.join(w, "validate.stderr")) || "").trim().slice(0, 500)}`);
    } else {
      warnTotal += v.warning_count || 0;
      row.validate = v.error_count ? `FAIL ${v.error_count} err, ${v.warning_count} warn` : `ok (${v.warning_count} warn)`;
      if (!v.error_count && v.valid !== false) validated++;
      for (const d of v.diagnostics || []) {
        const loc = d.range ? ` [${d.range.filename}:${d.range.start?.line}]` : "";
        const addr = d.address ? ` ${d.address}` : "";
        const line = `${s}: ${d.severity.toUpperCase()}${addr}: ${d.summary}${d.detail ? " - " + d.detail.replace(/\s+/g, " ").slice(0, 300) : ""}${loc}`;
        if (d.severity === "error") problems.push(line);
        else warnings.push(line);
      }
    }
  }

  // tflint
  const tl = readJson(path.join(w, "tflint.json"));
  if (!tl) {
    row.tflint = "CRASHED";
    tflintErrors++;
    problems.push(`${s}: tflint produced no JSON (rc ${rcOf(path.join(w, "tflint.rc"))}): ${(read(path.join(w, "tflint.stderr")) || "").trim().slice(0, 500)}`);
  } else {
    const issues = tl.issues || [];
    const errs = tl.errors || [];
    const nErr = issues.filter((i) => i.rule?.severity === "error").length;
    tflintIssues += issues.length;
    tflintErrors += nErr + errs.length;
    row.tflint = `${issues.length} issue(s)${nErr ? `, ${nErr} error` : ""}${errs.length ? `, ${errs.length} tflint error(s)` : ""}`;
    for (const i of issues) {
      const line = `${s}: tflint ${i.rule?.severity} ${i.rule?.name}: ${i.message} [${path.basename(String(i.range?.filename))}:${i.range?.start?.line}]`;
      tflintByRule.set(i.rule?.name, (tflintByRule.get(i.rule?.name) || 0) + 1);
      if (i.rule?.severity === "error") problems.push(line);
      else warnings.push(line);
    }
    for (const e of errs) problems.push(`${s}: tflint error: ${e.message}`);
  }
}

// -------------------------------------------------------------------- checkov
let ckPassed = 0,
  ckFailed = 0,
  ckSkipped = 0,
  ckSkippedByFile = 0;
const ckFailures = [];
const ckAccepted = [];
{
  const rc = rcOf(path.join(runDir, "checkov.rc"));
  let doc = readJson(path.join(runDir, "checkov.json"));
  if (doc === null || doc === undefined || rc !== 0) {
    problems.push(
      `checkov did not complete (rc ${rc}): ${(read(path.join(runDir, "checkov.stderr")) || "").trim().split("\n").slice(-8).join(" | ").slice(0, 1200)}`,
    );
  } else {
    const reports = Array.isArray(doc) ? doc : [doc];
    // checkov's terraform_json runner reports some resources as "resource.<name>" /
    // "data.<name>" (type dropped). Restore the full address from the stack copy when
    // the name is unambiguous, so output and skip entries use real addresses.
    const addrMaps = new Map();
    const fullAddress = (stack, res) => {
      const m = /^(resource|data)\.([^.]+)$/.exec(String(res));
      if (!m) return res;
      if (!addrMaps.has(stack)) {
        const doc2 = readJson(path.join(runDir, "checkov", stack, "cdk.tf.json")) || {};
        const maps = { resource: new Map(), data: new Map() };
        for (const kind of ["resource", "data"]) {
          for (const [type, byName] of Object.entries(doc2[kind] || {})) {
            for (const name of Object.keys(byName || {})) maps[kind].set(name, [...(maps[kind].get(name) || []), type]);
          }
        }
        addrMaps.set(stack, maps);
      }
      const types = addrMaps.get(stack)[m[1]].get(m[2]) || [];
      if (types.length !== 1) return res;
      return m[1] === "data" ? `data.${types[0]}.${m[2]}` : `${types[0]}.${m[2]}`;
    };
    const perStack = new Map(stackNames.map((s) => [s, { passed: 0, failed: 0, skipped: 0 }]));
    const stackOf = (fp) =>
      String(fp || "")
        .replace(/^\.?\/+/, "")
        .split("/")[0];
    for (const r of reports) {
      if (!r || !r.results) continue; // e.g. {"passed":0,...} summary-only report when nothing was scanned
      for (const f of r.results.parsing_errors || []) problems.push(`checkov could not parse ${f}`);
      for (const c of r.results.passed_checks || []) {
        ckPassed++;
        const st = perStack.get(stackOf(c.file_path));
        if (st) st.passed++;
      }
      for (const c of r.results.skipped_checks || []) {
        ckSkipped++;
        const st = perStack.get(stackOf(c.file_path));
        if (st) st.skipped++;
      }
      for (const c of r.results.failed_checks || []) {
        const stack = stackOf(c.file_path);
        c.resource = fullAddress(stack, c.resource);
        const st = perStack.get(stack);
        const skip = findSkip(stack, c.check_id, c.resource);
        if (skip) {
          skip.used++;
          ckSkippedByFile++;
          if (st) st.skipped++;
          ckAccepted.push({ stack, id: c.check_id, resource: c.resource, reason: skip.reason });
        } else {
          ckFailed++;
          if (st) st.failed++;
          ckFailures.push({ stack, id: c.check_id, name: c.check_name, resource: c.resource, guideline: c.guideline, path: c.resource_address || "" });
        }
      }
    }
    for (const row of rows) {
      const st = perStack.get(row.stack);
      row.checkov = st ? `${st.passed}/${st.failed}/${st.skipped}` : "-";
    }
    if (ckPassed + ckFailed + ckSkipped + ckSkippedByFile === 0)
      problems.push("checkov ran no checks: check that --framework terraform_json still matches cdk.tf.json");
  }
}
if (ckFailed) problems.push(`checkov: ${ckFailed} failed check(s) not fixed and not listed in ${skipFileLabel}`);
for (const s of skips)
  if (!s.used) warnings.push(`${skipFileLabel}: stale skip ${s.id}${s.resources ? " " + s.resources.join(",") : ""} matched nothing (remove it)`);

// ---------------------------------------------------------------------- print
if (ckFailures.length) {
  p("checkov failures (fix in the constructs, or add to " + skipFileLabel + " with a reason):");
  const byId = new Map();
  for (const f of ckFailures) {
    if (!byId.has(f.id)) byId.set(f.id, []);
    byId.get(f.id).push(f);
  }
  for (const [id, list] of [...byId.entries()].sort()) {
    p(`  ${id} ${list[0].name}${list[0].guideline ? " (" + list[0].guideline + ")" : ""}`);
    for (const f of list.sort((a, b) => (a.stack + a.resource).localeCompare(b.stack + b.resource))) p(`      ${f.stack}: ${f.resource}`);
  }
  p();
}
if (ckAccepted.length) {
  p(`checkov findings accepted by ${skipFileLabel}: ${ckAccepted.length}`);
  const byId = new Map();
  for (const a of ckAccepted) byId.set(a.id, (byId.get(a.id) || 0) + 1);
  for (const [id, n] of [...byId.entries()].sort()) p(`  ${id} x${n}: ${skips.find((s) => s.id === id)?.reason}`);
  p();
}
if (warnings.length) {
  p(`warnings (${warnings.length}, not failing):`);
  const max = 60;
  for (const w of warnings.slice(0, max)) p("  " + w);
  if (warnings.length > max) p(`  ... ${warnings.length - max} more`);
  p();
}
if (problems.length) {
  p(`FAILURES (${problems.length}):`);
  for (const x of problems) p("  " + x);
  p();
}

const pad = (s, n) => String(s).padEnd(n);
p("================ authorworks verify: summary ================");
p(`tools:     ${tools.tofu || "tofu ?"} | ${tools.tflint || "tflint ?"} | checkov ${tools.checkov || "?"}`);
if (tools.tflintAws) p(`tflint:    aws ruleset ${tools.tflintAws} + bundled terraform ruleset (recommended)`);
else p(`tflint:    bundled terraform ruleset only; AWS RULESET NOT RUN (${tools.tflintAwsMissing})`);
const providerLine = Object.entries(manifest.providers)
  .map(([n, m]) => `${n} ${m.mirrorVersion}`)
  .join(", ");
p(`providers: ${providerLine} (local filesystem mirror, built from source)`);
if (overrideNotes.size) {
  p(`override:  verification-only verify_override.tf.json in the stack COPIES relaxes cdktf's exact pins:`);
  for (const o of overrideNotes.values()) p(`             ${o.provider}: wanted ${o.wanted} -> validated with ${o.used} [${o.built}]`);
}
p("");
const sw = Math.max(14, ...rows.map((r) => r.stack.length + 2));
p(`${pad("stack", sw)}${pad("tofu validate", 26)}${pad("checkov pass/fail/skip", 24)}tflint`);
for (const r of rows) p(`${pad(r.stack, sw)}${pad(r.validate, 26)}${pad(r.checkov, 24)}${r.tflint}`);
p("");
p(
  `stacks validated: ${validated}/${stackNames.length}${validateSkipped ? ` (${validateSkipped} SKIPPED: provider not built)` : ""} (${warnTotal} validate warning(s))`,
);
p(`checkov: passed=${ckPassed} failed=${ckFailed} skipped=${ckSkipped + ckSkippedByFile} (skip file ${ckSkippedByFile}, inline ${ckSkipped})`);
p(
  `tflint issues: ${tflintIssues} (errors ${tflintErrors})${tflintByRule.size ? " " + [...tflintByRule.entries()].map(([k, v]) => `${k}=${v}`).join(" ") : ""}`,
);
p(`time: install check ${tools.installSeconds ?? "?"}s, checks ${tools.checkSeconds ?? "?"}s`);
p(`RESULT: ${problems.length ? "FAIL" : "PASS"}`);
console.log(out.join("\n"));
process.exit(problems.length ? 1 : 0);
