#!/usr/bin/env node
// Prepares verification COPIES of one synthesized stack. Never writes to the
// synthesized output itself.
//
//   node prepare-stack.mjs <stackDir> <workDir> <checkovDir> <providersManifest.json>
//
// Creates
//   <workDir>/tf/        copy of the stack dir for `tofu init/validate` and tflint:
//                        - terraform.backend / terraform.cloud removed (init runs with
//                          -backend=false anyway; removing them keeps validate and
//                          tflint independent of backend-only arguments)
//                        - verify_override.tf.json relaxing exact provider pins to the
//                          version present in the local mirror, only where they differ
//   <checkovDir>/cdk.tf.json
//                        copy with terraform.required_version removed
//                        (checkov crashes on it: bridgecrewio/checkov#7454)
//   <workDir>/prepare.json  what was changed, for the summary
import fs from "node:fs";
import path from "node:path";

const [stackDir, workDir, ckDir, manifestPath] = process.argv.slice(2);
if (!stackDir || !workDir || !ckDir || !manifestPath) {
  console.error("usage: prepare-stack.mjs <stackDir> <workDir> <checkovDir> <providersManifest.json>");
  process.exit(2);
}

const mainFile = path.join(stackDir, "cdk.tf.json");
const raw = fs.readFileSync(mainFile, "utf8");
const doc = JSON.parse(raw);
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const notes = { stack: path.basename(stackDir), stripped: [], overrides: [], unknownProviders: [] };

const tfDir = path.join(workDir, "tf");
fs.mkdirSync(tfDir, { recursive: true });
fs.mkdirSync(ckDir, { recursive: true });

// Copy everything cdktf put in the stack dir (assets, extra .tf.json files) except
// Terraform working state that a developer may have left there.
for (const entry of fs.readdirSync(stackDir, { withFileTypes: true })) {
  if ([".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "plan"].includes(entry.name)) continue;
  fs.cpSync(path.join(stackDir, entry.name), path.join(tfDir, entry.name), { recursive: true });
}

const clone = (o) => JSON.parse(JSON.stringify(o));

// --- validate/tflint copy --------------------------------------------------
const tfDoc = clone(doc);
for (const key of ["backend", "cloud"]) {
  if (tfDoc.terraform && tfDoc.terraform[key] !== undefined) {
    delete tfDoc.terraform[key];
    notes.stripped.push(`terraform.${key}`);
  }
}
fs.writeFileSync(path.join(tfDir, "cdk.tf.json"), JSON.stringify(tfDoc, null, 2));

// Provider constraint overrides (verification only).
const override = {};
const reqs = (doc.terraform && doc.terraform.required_providers) || {};
for (const [local, spec] of Object.entries(reqs)) {
  const source = typeof spec === "object" && spec ? spec.source || local : local;
  const wanted = typeof spec === "object" && spec ? spec.version : spec;
  // "aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"
  const parts = String(source).split("/");
  const type = parts[parts.length - 1];
  const ns = parts.length >= 2 ? parts[parts.length - 2] : "hashicorp";
  const m = manifest.providers[type];
  if (ns !== "hashicorp" || !m) {
    notes.unknownProviders.push(`${local} (${source} ${wanted ?? ""})`.trim());
    continue;
  }
  const exact = wanted === undefined || wanted === m.mirrorVersion || wanted === `= ${m.mirrorVersion}` || wanted === `=${m.mirrorVersion}`;
  if (!exact) {
    override[local] = { source, version: `= ${m.mirrorVersion}` };
    notes.overrides.push({ provider: local, wanted: String(wanted), used: m.mirrorVersion, built: m.note });
  }
}
if (Object.keys(override).length) {
  fs.writeFileSync(
    path.join(tfDir, "verify_override.tf.json"),
    JSON.stringify(
      {
        "//": "verification-only override written by scripts/verify/prepare-stack.mjs; not part of the synthesized stack",
        terraform: { required_providers: override },
      },
      null,
      2,
    ),
  );
}

// --- checkov copy ----------------------------------------------------------
const ckDoc = clone(doc);
if (ckDoc.terraform && ckDoc.terraform.required_version !== undefined) {
  delete ckDoc.terraform.required_version;
  notes.checkovStripped = ["terraform.required_version"];
}
fs.writeFileSync(path.join(ckDir, "cdk.tf.json"), JSON.stringify(ckDoc, null, 2));

fs.writeFileSync(path.join(workDir, "prepare.json"), JSON.stringify(notes, null, 2));
