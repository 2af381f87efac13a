#!/usr/bin/env node
// npm run e2e: plan, apply, re-plan and destroy stacks against a local AWS emulator (moto),
// with the OpenTofu and provider builds of `npm run verify`. See scripts/e2e/README.md.
//
//   npm run e2e [-- --stacks bootstrap,dev,production,production-dr] [--jobs 3] [--keep] [--reuse]
//
// Exit status 0 only when, in every stack: nothing failed outside the listed emulator
// gaps, the second plan has no change outside the listed read-back gaps, every
// protection was really in place, and nothing is left in the emulator after destroy.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addressesOf, addressPattern, prepareStack, providerOverride, unprotect, versionOverride, withLocalBackend, writeJson } from "./prepare.mjs";
import { leftovers, snapshot } from "./leftovers.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const TOOLS = process.env.AUTHORWORKS_TOOLS_DIR || path.join(os.homedir(), ".cache/authorworks-verify");
const TOFU = path.join(TOOLS, "bin/tofu");
const PYTHON = path.join(TOOLS, "moto-venv/bin/python");
/**
 * moto's default account (the one test credentials sign into): the environment whose stack
 * runs is synthesized for it (AUTHORWORKS_ACCOUNT_IDS); every other environment gets an
 * account of its own, as one account per environment requires (production's, holding the
 * parent zone dev writes into, is then a second account in dev's emulator), except a
 * standby, which shares its primary's (production-dr with production).
 */
const EMULATOR_ACCOUNT = "123456789012";
const OTHER_ACCOUNTS = ["210000000001", "210000000002", "210000000003", "210000000004"];
/**
 * Operations in flight per tofu command (tofu's default is 10). Against the emulator most
 * of an apply is the provider's fixed waits (RDS 80 s, S3 lifecycle 55 s, CloudFront 30 s),
 * and ten of them at once hold every slot while the rest of the graph queues behind them.
 */
const PARALLELISM = 30;
/** One tofu command may take this long before it counts as hung. */
const COMMAND_TIMEOUT_MS = 20 * 60 * 1000;

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const STACKS = (opt("--stacks") ?? process.env.AUTHORWORKS_E2E_STACKS ?? "bootstrap,dev,production,production-dr").split(",").filter(Boolean);
const KEEP = args.includes("--keep") || process.env.AUTHORWORKS_E2E_KEEP === "1";
/**
 * Reuse the result of a stack whose inputs are byte for byte those of a run that passed
 * (see inputsKey); .ci/run sets it. Without it, or with AUTHORWORKS_E2E_REUSE=0, every
 * stack runs.
 */
const REUSE = process.env.AUTHORWORKS_E2E_REUSE === "0" ? false : args.includes("--reuse") || process.env.AUTHORWORKS_E2E_REUSE === "1";
/** Passing results by inputs key, in the tool cache (never in the repository). */
const RESULTS_DIR = path.join(TOOLS, "e2e-results");
/**
 * A reused result is at most this old; older ones are deleted. A few listed gaps are
 * nondeterministic, so a pass is not reused for long.
 */
const RESULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Stacks applied at the same time (each against its own emulator). */
const JOBS = Math.max(1, Number(opt("--jobs") ?? process.env.AUTHORWORKS_E2E_JOBS ?? 3));

const say = (m) => process.stderr.write(`[e2e] ${m}\n`);
const gapsFile = JSON.parse(fs.readFileSync(path.join(HERE, "emulator-gaps.json"), "utf8"));
const GAPS = gapsFile.gaps;
// An entry must say what exactly the emulator cannot do: one operation, not a service.
for (const [i, g] of GAPS.entries()) {
  const problem = !["apply", "replan", "destroy", "leftover"].includes(g.phase)
    ? "phase must be apply, replan, destroy or leftover"
    : !g.reason || !g.moto
      ? "reason and moto (the version it was seen with) are required"
      : g.phase === "leftover"
        ? !g.leftover
          ? "leftover (service.Model) is required"
          : !g.address && !g.appliesTo
            ? "address or appliesTo (the resources that make it) is required"
            : ""
        : !g.address || /^[^.]*\*/.test(g.address)
          ? "address must name a resource type (a * only in the name)"
          : g.phase === "replan"
            ? !g.attributes?.length
              ? "attributes are required"
              : ""
            : g.attempt === false
              ? g.error
                ? "an entry not attempted has no error to match"
                : ""
              : !g.error
                ? "error (a pattern of the emulator's error) is required"
                : "";
  if (problem) {
    say(`ERROR: emulator-gaps.json entry ${i} (${g.address ?? g.leftover ?? "?"}): ${problem}`);
    process.exit(2);
  }
}

// ------------------------------------------------------------------ emulator processes
const emulators = new Set();
function stopAll() {
  for (const p of emulators) {
    try {
      process.kill(p.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  emulators.clear();
}
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    stopAll();
    process.exit(130);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startEmulator(logFile) {
  const port = await freePort();
  const log = fs.openSync(logFile, "a");
  const child = spawn(PYTHON, [path.join(HERE, "emulator.py"), "serve", "--port", String(port)], {
    stdio: ["ignore", log, log],
    env: {
      ...cleanEnv(),
      MOTO_PORT: String(port),
      // AWS-managed policy ARNs exist, as in an account (roles attach them).
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
      // DNS validation cannot happen here; certificates are issued at once instead of after 60 s.
      MOTO_ACM_VALIDATION_WAIT: "0",
      // No stack reads AMIs (node groups use EKS AMI types); skipping moto's 2,600 sample
      // AMIs, snapshots and volumes keeps the model dump for the leftover check small.
      MOTO_EC2_LOAD_DEFAULT_AMIS: "false",
    },
  });
  emulators.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`emulator exited (${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return { url, child };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`emulator did not answer on ${url} within 60 s; see ${logFile}`);
}

async function stopEmulator(e) {
  emulators.delete(e.child);
  if (e.child.exitCode !== null) return;
  const exited = new Promise((r) => e.child.once("exit", r));
  e.child.kill("SIGTERM");
  const timer = setTimeout(() => e.child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

// ------------------------------------------------------------------------------ tofu
/** The process environment without any real AWS credentials or Terraform settings. */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The emulator's settings are the harness's own (startEmulator): none from the shell.
    if (/^(AWS_|TF_|MOTO_|PYTHON|HTTPS?_PROXY$|NO_PROXY$)/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function tofuEnv(cliConfig, emulatorUrl) {
  return {
    ...cleanEnv(),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_CLI_CONFIG_FILE: cliConfig,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    // The provider reaches S3 Control at `<account>.<endpoint host>`, a name that does not
    // resolve: plain-HTTP requests to any host but 127.0.0.1 go to the emulator as a proxy
    // (it routes by the request, not the host). HTTPS to anywhere fails at the emulator, so
    // a forgotten endpoint cannot reach AWS.
    HTTP_PROXY: emulatorUrl,
    HTTPS_PROXY: emulatorUrl,
    NO_PROXY: "",
  };
}

function tofu(dir, env, argv, logName) {
  return new Promise((resolve) => {
    const started = Date.now();
    const out = fs.openSync(path.join(dir, `${logName}.out`), "w");
    const err = fs.openSync(path.join(dir, `${logName}.err`), "w");
    const args = ["plan", "apply", "destroy"].includes(argv[0]) ? [argv[0], `-parallelism=${PARALLELISM}`, ...argv.slice(1)] : argv;
    const child = spawn(TOFU, args, { cwd: dir, env, stdio: ["ignore", out, err] });
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      fs.closeSync(out);
      fs.closeSync(err);
      resolve({
        code: signal ? -1 : code,
        timedOut: signal === "SIGKILL",
        seconds: (Date.now() - started) / 1000,
        stdout: fs.readFileSync(path.join(dir, `${logName}.out`), "utf8"),
        stderr: fs.readFileSync(path.join(dir, `${logName}.err`), "utf8"),
      });
    });
  });
}

/** Lines of tofu's -json UI output. */
const jsonLines = (text) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));

/** Errors per resource address from -json output; errors with no address under "". */
function errorsOf(lines) {
  const byAddress = new Map();
  for (const l of lines) {
    if (l.type !== "diagnostic" || l.diagnostic?.severity !== "error") continue;
    const a = l.diagnostic.address ?? "";
    const text = `${l.diagnostic.summary}: ${l.diagnostic.detail ?? ""}`.trim();
    byAddress.set(a, [...(byAddress.get(a) ?? []), text]);
  }
  return byAddress;
}

/** The resource address without its instance key (`aws_x.y["k"]` -> `aws_x.y`). */
const baseAddress = (a) => a.replace(/\[[^\]]*\]$/, "");

/** The listed read-back gaps of one resource. */
function readBackGaps(address) {
  return GAPS.filter((g) => g.phase === "replan" && addressPattern(g.address).test(baseAddress(address)));
}

function gapFor(phase, address, text) {
  return GAPS.find((g) => g.phase === phase && addressPattern(g.address).test(baseAddress(address)) && (!g.error || new RegExp(g.error, "s").test(text)));
}

/**
 * Errors of an apply or destroy, each matched to a gap or not. Diagnostics do not always
 * name their resource (destroy errors do not), so a resource that errored (apply_errored)
 * without a diagnostic of its own is matched against the unaddressed ones.
 * @returns listed: [address, gap][]; unlisted: [address, text][]
 */
function classifyErrors(lines, phase) {
  const errored = new Set(lines.filter((l) => l.type === "apply_errored").map((l) => l.hook.resource.addr));
  const byAddress = errorsOf(lines);
  const loose = byAddress.get("") ?? [];
  const used = new Set();
  const listed = [];
  const unlisted = [];
  for (const a of new Set([...errored, ...[...byAddress.keys()].filter(Boolean)])) {
    const texts = byAddress.get(a) ?? loose;
    const hit = texts.map((t) => [t, gapFor(phase, a, t)]).find(([, g]) => g);
    if (hit) {
      listed.push([a, hit[1]]);
      if (!byAddress.has(a)) used.add(hit[0]);
    } else unlisted.push([a, (byAddress.get(a) ?? ["(see the unaddressed errors)"]).join("\n")]);
  }
  for (const t of loose) if (!used.has(t) && !listed.some(([a, g]) => !byAddress.has(a) && new RegExp(g.error, "s").test(t))) unlisted.push(["", t]);
  return { listed, unlisted };
}

// ---------------------------------------------------------------------- one stack
async function runStack(stack, synthDir, runDir, ctx) {
  const dir = path.join(runDir, "stacks", stack);
  fs.mkdirSync(dir, { recursive: true });
  const r = {
    stack,
    resources: 0,
    planned: 0,
    applied: 0,
    excluded: [],
    failed: [],
    replanChanges: [],
    replanListed: [],
    replanCascades: [],
    protections: [],
    protectionProblems: [],
    destroyed: 0,
    leftBehind: [],
    leftListed: [],
    probes: [],
    addresses: [],
    seconds: {},
    notes: [],
  };
  const phase = async (name, fn) => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      r.seconds[name] = Math.round((Date.now() - t) / 100) / 10;
    }
  };
  const fail = (where, address, text) => r.failed.push({ phase: where, address, error: text.slice(0, 600) });

  const original = JSON.parse(fs.readFileSync(path.join(synthDir, stack, "cdk.tf.json"), "utf8"));
  // Files the stack reads by relative path (a Lambda function's package): named by their
  // content's hash in the JSON, so the inputs key covers them.
  const assets = path.join(synthDir, stack, "assets");
  if (fs.existsSync(assets)) fs.cpSync(assets, path.join(dir, "assets"), { recursive: true });
  const prepared = prepareStack(withLocalBackend(original), GAPS);
  r.addresses = addressesOf(original);
  r.protections = prepared.protections;
  for (const x of prepared.removed) r.excluded.push({ address: x.address, why: x.because, attempted: false });
  const emulator = await startEmulator(path.join(dir, "emulator.log"));
  let probing = Promise.resolve();
  try {
    const env = tofuEnv(ctx.cliConfig, emulator.url);
    const writeCopy = (doc) => {
      writeJson(path.join(dir, "cdk.tf.json"), doc);
      writeJson(path.join(dir, "e2e_override.tf.json"), providerOverride(doc, { endpoint: emulator.url, endpointNames: ctx.endpointNames, maxRetries: 2 }));
      const v = versionOverride(doc, ctx.manifest);
      if (v) writeJson(path.join(dir, "e2e_versions_override.tf.json"), v);
    };
    writeCopy(prepared.doc);
    const regions = [
      ...new Set(
        []
          .concat(original.provider?.aws ?? [])
          .map((p) => p.region)
          .filter(Boolean),
      ),
    ];
    await phase("seed", async () => {
      const args = [
        ...prepared.seeds.flatMap((z) => ["--public-zone", z]),
        ...prepared.foreignSeeds.flatMap((f) => ["--foreign-zone", `${f.zone},${f.account},${f.roleArn}`]),
      ];
      const s = spawnSync(PYTHON, [path.join(HERE, "emulator.py"), "seed", "--endpoint", emulator.url, "--regions", regions.join(","), ...args], {
        env: cleanEnv(),
        encoding: "utf8",
      });
      if (s.status !== 0) throw new Error(`seeding the emulator failed: ${s.stderr}`);
      if (prepared.seeds.length) r.notes.push(`seeded public zone(s) ${prepared.seeds.join(", ")} (owned by another account in real use)`);
      for (const f of prepared.foreignSeeds) {
        r.notes.push(
          `seeded public zone ${f.zone} in account ${f.account}, with a stand-in for the role its owner's stack creates (${f.roleArn}); the stack writes its delegation records there through that role`,
        );
      }
    });
    const baseline = await snapshot(emulator.url);
    // The probe plans in a directory of its own and only reads: it runs beside the stack.
    probing = phase("probe", () => probeSkippedGaps(prepared, original, dir, env, r)).catch((e) => fail("probe", "", String(e?.message ?? e)));

    const init = await phase("init", () => tofu(dir, env, ["init", "-input=false", "-no-color"], "init"));
    if (init.code !== 0) {
      fail("init", "", init.stderr || init.stdout);
      return r;
    }

    // ---- plan + apply
    const plan = await phase("plan", () => tofu(dir, env, ["plan", "-input=false", "-no-color", "-json", "-out=plan.bin"], "plan"));
    if (plan.code !== 0) {
      for (const [a, texts] of errorsOf(jsonLines(plan.stdout))) fail("plan", a, texts.join("\n"));
      if (!r.failed.length) fail("plan", "", plan.stderr);
      return r;
    }
    // The plan's own stream names every change: no `tofu show` (which loads every provider) is needed.
    const creates = jsonLines(plan.stdout)
      .filter((l) => l.type === "planned_change" && !l.change.resource.addr.startsWith("data.") && ["create", "replace"].includes(l.change.action))
      .map((l) => l.change.resource.addr);
    r.planned = creates.length;
    r.resources = creates.length + prepared.removed.filter((x) => !x.address.startsWith("data.")).length;

    const apply = await phase("apply", () => tofu(dir, env, ["apply", "-input=false", "-no-color", "-json", "plan.bin"], "apply"));
    const applyLines = jsonLines(apply.stdout);
    const applied = new Set(applyLines.filter((l) => l.type === "apply_complete" && l.hook.action === "create").map((l) => l.hook.resource.addr));
    r.applied = applied.size;
    const errored = new Set(applyLines.filter((l) => l.type === "apply_errored").map((l) => l.hook.resource.addr));
    const gapFailed = new Set();
    const forgottenIds = new Map(); // emulator object id -> address of a gap forgotten from state
    const applyErrors = classifyErrors(applyLines, "apply");
    for (const [a, g] of applyErrors.listed) {
      gapFailed.add(a);
      r.excluded.push({ address: a, why: `emulator gap: ${g.reason}`, attempted: true });
    }
    for (const [a, text] of applyErrors.unlisted) fail("apply", a, text);
    // A listed gap that was created but cannot be read back would fail every later refresh
    // (re-plan, destroy): it is forgotten from the state, and what it left is listed.
    // One `show` and one `state rm` for all of them: each tofu command loads the providers.
    const inStateAfterApply = new Set(stateAddresses(dir));
    const unreadable = [...gapFailed].filter((a) => inStateAfterApply.has(a));
    if (unreadable.length) {
      const values = showState(dir);
      for (const a of unreadable) {
        for (const v of objectIds(values.get(a) ?? {})) forgottenIds.set(v, a);
        r.notes.push(`${a} created but not readable in the emulator: removed from the state after apply`);
      }
      stateRm(dir, env, unreadable);
    }
    if (apply.timedOut) fail("apply", "", "timed out");
    for (const a of creates) {
      if (!applied.has(a) && !errored.has(a) && !gapFailed.has(a))
        r.excluded.push({ address: a, why: "not applied: depends on a failed or excluded resource", attempted: false });
    }

    // ---- second plan
    const replan = await phase("replan", () => tofu(dir, env, ["plan", "-input=false", "-no-color", "-json", "-out=replan.bin"], "replan"));
    if (replan.code !== 0) {
      for (const [a, texts] of errorsOf(jsonLines(replan.stdout))) fail("replan", a, texts.join("\n"));
    } else {
      const second = JSON.parse(spawnSync(TOFU, ["show", "-json", "replan.bin"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30 }).stdout);
      const notApplied = new Set(r.excluded.map((x) => x.address));
      for (const c of second.resource_changes ?? []) {
        if (c.mode !== "managed" || c.change.actions.every((x) => x === "no-op" || x === "read")) continue;
        // Not applied (an emulator gap, or waiting on one): planned again, as it should be.
        if (notApplied.has(c.address)) continue;
        const { known, unknown } = changedAttributes(c.change);
        const entry = { address: c.address, actions: c.change.actions.join(","), attributes: known };
        // Only values unknown until another resource changes: that change is the cause, and is judged itself.
        if (!known.length && unknown.length && !c.change.actions.includes("delete")) {
          r.replanCascades.push({ ...entry, attributes: unknown });
          continue;
        }
        const listedFor = GAPS.filter((g) => g.phase === "replan" && addressPattern(g.address).test(baseAddress(c.address)));
        const unlisted = known.filter((attr) => !listedFor.some((g) => g.attributes.includes(attr) || g.attributes.includes("*")));
        if (unlisted.length === 0 && known.length) r.replanListed.push(entry);
        else r.replanChanges.push({ ...entry, attributes: unlisted.length ? unlisted : unknown });
      }
    }

    // ---- protections are really there
    // From here on, plans and applies skip the refresh (-refresh=false): the re-plan has
    // just read every object back, and reading them again would only load the emulator.
    const prevent = r.protections.filter((p) => p.kind === "prevent_destroy").map((p) => p.address);
    const inState = new Set(stateAddresses(dir));
    if (prevent.length) {
      const check = await phase("protection", () => tofu(dir, env, ["plan", "-destroy", "-refresh=false", "-input=false", "-no-color", "-json"], "protect"));
      const refused = new Set(
        jsonLines(check.stdout)
          .filter((l) => l.type === "diagnostic" && /cannot be destroyed/i.test(l.diagnostic.summary))
          // OpenTofu 1.6: "Resource X has lifecycle.prevent_destroy set"; 1.11+: "Resource instance X has prevent_destroy set".
          .map((l) =>
            baseAddress(l.diagnostic.address ?? (l.diagnostic.detail.match(/Resource (?:instance )?(\S+) has (?:lifecycle\.)?prevent_destroy/) ?? [])[1] ?? ""),
          ),
      );
      // Terraform stops at the first refusals: a key whose dependents refuse is never reached.
      if (check.code === 0 || refused.size === 0) r.protectionProblems.push("a destroy plan was not refused although prevent_destroy is set");
      for (const a of refused) if (!prevent.includes(a)) r.protectionProblems.push(`${a}: refused a destroy without prevent_destroy in the configuration`);
      const unreached = prevent.filter((a) => inState.has(a) && !refused.has(a));
      r.notes.push(
        `destroy plan refused by prevent_destroy on ${[...refused].join(", ")}${unreached.length ? ` (not reached, their dependents refuse first: ${unreached.join(", ")})` : ""}`,
      );
    }
    const state = showState(dir);
    for (const p of r.protections.filter((x) => x.kind !== "prevent_destroy")) {
      const res = state.get(p.address);
      if (!res) continue;
      const ok = p.kind === "final_snapshot" ? res.skip_final_snapshot === false && res.final_snapshot_identifier : res[p.kind] === true;
      const unreadable = readBackGaps(p.address).find((g) => g.attributes.includes(p.kind));
      if (!ok && unreadable) r.notes.push(`${p.address}: ${p.kind} cannot be checked in the emulator (${unreadable.reason})`);
      else if (!ok) r.protectionProblems.push(`${p.address}: ${p.kind} is not in effect after apply`);
    }

    // ---- destroy (protections lifted in the copy, the state file and the emulator; never in the synthesized files)
    const ownedIds = new Map(); // emulator object id -> address, for the leftover report
    // ids and ARNs only: names such as "default" are not unique across services.
    for (const [a, values] of state) for (const v of objectIds(values)) ownedIds.set(v, a);
    for (const [v, a] of forgottenIds) ownedIds.set(v, a);
    const needsApply = r.protections.some((p) => p.kind !== "prevent_destroy" && inState.has(p.address));
    if (r.protections.length) {
      // The lifted copy changes the protections only: the listed read-back gaps are ignored
      // (they would otherwise be "fixed" by this apply), and only the protected resources
      // are applied (a gap left out of the state is not created again).
      const lifted = unprotect(prepared.doc, r.protections);
      for (const a of new Set(r.protections.map((p) => p.address))) {
        const ignore = [
          ...new Set(
            readBackGaps(a)
              .flatMap((g) => g.attributes)
              .filter((x) => x !== "*"),
          ),
        ];
        const b = lifted.resource[a.split(".")[0]][a.split(".")[1]];
        if (ignore.length) b.lifecycle = { ...(b.lifecycle ?? {}), ignore_changes: ignore };
      }
      writeCopy(lifted);
      r.notes.push(`protections lifted for destroy: ${r.protections.map((p) => `${p.address} (${p.kind})`).join(", ")}`);
      if (needsApply) {
        await phase("unprotect", async () => {
          // What the emulator can lift directly is lifted there and in the state file; an
          // apply would spend 80 s in the provider's RDS waiter for each modified instance.
          const rest = liftDirectly(
            dir,
            emulator.url,
            r.protections.filter((p) => p.kind !== "prevent_destroy" && inState.has(p.address)),
            r,
          );
          if (!rest.length) return;
          const targets = [...new Set(rest.map((p) => `-target=${p.address}`))];
          const lift = await tofu(dir, env, ["apply", "-refresh=false", "-input=false", "-no-color", "-json", "-auto-approve", ...targets], "unprotect");
          for (const [a, text] of classifyErrors(jsonLines(lift.stdout), "apply").unlisted) fail("unprotect", a, text);
        });
      }
    }
    await phase("destroy", async () => {
      for (let round = 1; round <= 3; round++) {
        const d = await tofu(dir, env, ["destroy", "-refresh=false", "-input=false", "-no-color", "-json", "-auto-approve"], `destroy${round}`);
        const lines = jsonLines(d.stdout);
        r.destroyed += lines.filter((l) => l.type === "apply_complete" && l.hook.action === "delete").length;
        if (d.code === 0) return;
        const { listed, unlisted } = classifyErrors(lines, "destroy");
        for (const [a, text] of unlisted) fail("destroy", a, text);
        if (!listed.length || unlisted.length) return;
        // Listed destroy gaps: forget them and destroy the rest; they are reported as left behind.
        for (const [a, g] of listed) r.leftListed.push({ address: a, why: `emulator gap on destroy: ${g.reason}` });
        stateRm(
          dir,
          env,
          listed.map(([a]) => a),
        );
      }
    });
    const remaining = stateAddresses(dir);
    for (const a of remaining) r.leftBehind.push({ what: a, why: "still in state after destroy" });

    // ---- what is left in the emulator
    await phase("leftovers", async () => {
      const after = await snapshot(emulator.url);
      for (const item of leftovers(baseline, after)) {
        const address = item.ids.map((i) => ownedIds.get(i)).find(Boolean);
        const listedAddress = address && (r.leftListed.find((x) => x.address === address) || [...forgottenIds.values()].includes(address));
        const g = GAPS.find(
          (x) => x.phase === "leftover" && x.leftover === item.model && (!x.address || (address && addressPattern(x.address).test(baseAddress(address)))),
        );
        const what = `${item.model} ${item.ids[0] ?? ""}${address ? ` (${address})` : ""}`;
        if (listedAddress) {
          r.leftListed.push({ address: what, why: "left by a listed emulator gap" });
          continue;
        }
        if (g) r.leftListed.push({ address: what, why: `emulator gap: ${g.reason}` });
        else r.leftBehind.push({ what, why: address ? "created by this stack" : "created on the stack's behalf (not in state)" });
      }
    });
    return r;
  } finally {
    await probing;
    await stopEmulator(emulator);
  }
}

/**
 * Gaps not attempted in the stack (a data source moto cannot read fails the whole plan)
 * are read alone in a probe configuration, so an entry that no longer fails is noticed.
 * Only self-contained blocks (no references) can be probed; the others are reported.
 */
async function probeSkippedGaps(prepared, original, dir, env, r) {
  const skipped = prepared.removed.filter((x) => x.because.startsWith("emulator gap"));
  const probe = { terraform: { required_providers: original.terraform.required_providers }, provider: original.provider };
  const probed = [];
  for (const x of skipped) {
    const parts = x.address.split(".");
    const [section, type, name] = parts[0] === "data" ? ["data", parts[1], parts[2]] : ["resource", parts[0], parts[1]];
    const block = original[section][type][name];
    if (JSON.stringify(block).includes("${")) {
      r.probes.push({ address: x.address, result: "not probed (refers to other blocks)" });
      continue;
    }
    probe[section] ??= {};
    probe[section][type] ??= {};
    probe[section][type][name] = block;
    probed.push(x.address);
  }
  if (!probed.length) return;
  const pdir = path.join(dir, "probe");
  writeJson(path.join(pdir, "probe.tf.json"), probe);
  for (const f of ["e2e_override.tf.json", "e2e_versions_override.tf.json"])
    if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(pdir, f));
  const init = await tofu(pdir, env, ["init", "-input=false", "-no-color"], "init");
  if (init.code !== 0) throw new Error(`probe init failed: ${init.stderr}`);
  const plan = await tofu(pdir, env, ["plan", "-input=false", "-no-color", "-json"], "plan");
  const errors = errorsOf(jsonLines(plan.stdout));
  for (const a of probed) {
    const text = (errors.get(a) ?? []).join("\n");
    const g = gapFor("apply", a, text);
    r.probes.push({ address: a, result: text && g ? "still fails" : text ? `fails differently: ${text.slice(0, 200)}` : "STALE: succeeds in the emulator" });
  }
}

/**
 * Top-level attributes of a planned change: `known`, whose planned value differs from the
 * state; `unknown`, whose value is known only after apply (it follows another change).
 */
function changedAttributes(change) {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknownAfter = change.after_unknown ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknownAfter)])].sort();
  const unknown = keys.filter((k) => unknownAfter[k] === true);
  const known = keys.filter((k) => unknownAfter[k] !== true && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null));
  return { known, unknown };
}

/**
 * What identifies a resource's objects in the emulator: its id, ARN, the ARN's last part (a
 * budget's name), and what AWS creates with it (a VPC's default network ACL).
 */
function objectIds(values) {
  const ids = [values.id, values.arn, typeof values.arn === "string" ? values.arn.split(/[/:]/).pop() : undefined, values.default_network_acl_id];
  return ids.filter((v) => typeof v === "string" && v);
}

/**
 * Lifts protections without an apply: in the emulator through its API (RDS deletion
 * protection, DynamoDB deletion protection), and in the state file, which is where the
 * provider reads them on delete (skip_final_snapshot). moto's EKS has no deletion
 * protection, so the cluster's is lifted in the state only. Returns the protections it
 * cannot lift, for an apply of the lifted copy.
 */
function liftDirectly(dir, endpoint, protections, r) {
  const file = path.join(dir, "terraform.tfstate");
  const state = JSON.parse(fs.readFileSync(file, "utf8"));
  const instances = new Map();
  for (const res of state.resources ?? []) {
    if (res.mode === "managed" && !res.module && res.instances?.length === 1 && res.instances[0].index_key === undefined)
      instances.set(`${res.type}.${res.name}`, res.instances[0].attributes);
  }
  const api = [];
  const rest = [];
  for (const p of protections) {
    const a = instances.get(p.address);
    const type = p.address.split(".")[0];
    const [, , , region, account] = String(a?.arn ?? "").split(":");
    const own = account === EMULATOR_ACCOUNT;
    let where = "the state";
    if (a && p.kind === "final_snapshot") a.skip_final_snapshot = true;
    else if (a && own && type === "aws_db_instance" && p.kind === "deletion_protection") {
      api.push("--rds", `${region}/${a.identifier}`);
      a.deletion_protection = false;
      where = "the emulator (ModifyDBInstance) and the state";
    } else if (a && own && type === "aws_dynamodb_table" && p.kind === "deletion_protection_enabled") {
      api.push("--dynamodb", `${region}/${a.name}`);
      a.deletion_protection_enabled = false;
      where = "the emulator (UpdateTable) and the state";
    } else if (a && type === "aws_eks_cluster" && p.kind === "deletion_protection") a.deletion_protection = false;
    else {
      rest.push(p);
      continue;
    }
    r.notes.push(`${p.address}: ${p.kind} lifted in ${where}, not by an apply`);
  }
  if (api.length) {
    const lift = spawnSync(PYTHON, [path.join(HERE, "emulator.py"), "lift", "--endpoint", endpoint, ...api], { env: cleanEnv(), encoding: "utf8" });
    if (lift.status !== 0) throw new Error(`lifting protections in the emulator failed: ${lift.stderr}`);
  }
  state.serial += 1;
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
  return rest;
}

/**
 * Managed resources in the stack's local state file, by address, with their attribute values.
 * Read from the file: `tofu show -json` would load every provider for the same answer.
 */
function showState(dir) {
  const file = path.join(dir, "terraform.tfstate");
  const out = new Map();
  if (!fs.existsSync(file)) return out;
  for (const res of JSON.parse(fs.readFileSync(file, "utf8")).resources ?? []) {
    if (res.mode !== "managed") continue;
    const base = `${res.module ? `${res.module}.` : ""}${res.type}.${res.name}`;
    for (const inst of res.instances ?? []) {
      const key = inst.index_key === undefined ? "" : typeof inst.index_key === "number" ? `[${inst.index_key}]` : `[${JSON.stringify(inst.index_key)}]`;
      out.set(base + key, inst.attributes ?? {});
    }
  }
  return out;
}

function stateAddresses(dir) {
  return [...showState(dir).keys()];
}

function stateRm(dir, env, addresses) {
  const s = spawnSync(TOFU, ["state", "rm", ...addresses], { cwd: dir, env, encoding: "utf8" });
  if (s.status !== 0) throw new Error(`tofu state rm ${addresses.join(" ")} failed: ${s.stderr}`);
}

// ------------------------------------------------------------------------- main
async function main() {
  const t0 = Date.now();
  const stacksDir = path.join(ROOT, "cdktf.out/stacks");
  for (const s of STACKS) {
    if (!fs.existsSync(path.join(stacksDir, s, "cdk.tf.json"))) {
      say(`ERROR: no cdktf.out/stacks/${s}/cdk.tf.json; run 'npm run synth' first (stacks: ${STACKS.join(", ")})`);
      process.exit(1);
    }
  }
  const providers = new Set();
  for (const s of STACKS) {
    const rp = JSON.parse(fs.readFileSync(path.join(stacksDir, s, "cdk.tf.json"), "utf8")).terraform?.required_providers ?? {};
    for (const [k, v] of Object.entries(rp))
      providers.add(
        String(v.source ?? k)
          .split("/")
          .pop(),
      );
  }
  const install = spawnSync("bash", [path.join(ROOT, "scripts/verify/install.sh"), "e2e", ...providers], { stdio: "inherit" });
  if (install.status !== 0) {
    say("ERROR: tool installation failed (see above)");
    process.exit(1);
  }
  const tInstall = Date.now();

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "authorworks-e2e."));
  const cleanup = () => (KEEP ? say(`work dir kept: ${runDir}`) : fs.rmSync(runDir, { recursive: true, force: true }));
  try {
    // The stacks again, for the emulator's accounts, through the normal configuration path:
    // once per environment that runs, that environment in moto's default account.
    const { tsImport } = await import("tsx/esm/api");
    const { ENVIRONMENT_NAMES: names } = await tsImport(path.join(ROOT, "variables/project.ts"), import.meta.url);
    const { ENVIRONMENTS: environments } = await tsImport(path.join(ROOT, "environments/index.ts"), import.meta.url);
    const environmentOf = (stack) => names.find((n) => stack === n || stack === `${n}-platform`) ?? names[0];
    // A standby lives in its primary's account (synth refuses any other): both share one.
    const accountOwner = (n) => environments.find((e) => e.name === n)?.standby?.primary ?? n;
    const synthDirs = new Map();
    for (const focus of new Set(STACKS.map(environmentOf))) {
      const synthDir = path.join(runDir, `synth-${focus}`);
      const accounts = names
        .map((n) => `${n}=${accountOwner(n) === accountOwner(focus) ? EMULATOR_ACCOUNT : OTHER_ACCOUNTS[names.indexOf(accountOwner(n))]}`)
        .join(",");
      const synth = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["main.ts"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: synthDir, AUTHORWORKS_ACCOUNT_IDS: accounts },
      });
      if (synth.status !== 0) throw new Error(`synth for the emulator accounts (${accounts}) failed:\n${synth.stderr}`);
      synthDirs.set(focus, path.join(synthDir, "stacks"));
    }

    const cliConfig = path.join(runDir, "tofurc");
    fs.writeFileSync(cliConfig, fs.readFileSync(path.join(ROOT, "scripts/verify/tofurc.template"), "utf8").replace("@MIRROR@", path.join(TOOLS, "providers")));
    const manifest = JSON.parse(fs.readFileSync(path.join(TOOLS, "providers/manifest.json"), "utf8"));
    const keys = new Map(STACKS.map((s) => [s, inputsKey(path.join(synthDirs.get(environmentOf(s)), s, "cdk.tf.json"))]));
    const reused = new Map(STACKS.map((s) => [s, REUSE ? passedBefore(keys.get(s)) : undefined]));
    const toRun = STACKS.filter((s) => !reused.get(s));
    const ctx = { cliConfig, manifest, endpointNames: toRun.length ? cachedAwsEndpointNames(runDir, cliConfig, manifest) : [] };

    // Each stack has its own emulator, so stacks run side by side: most of an apply is the
    // provider's waiters (RDS, S3 lifecycle), not CPU.
    const results = new Array(STACKS.length);
    let next = 0;
    const worker = async () => {
      while (next < STACKS.length) {
        const i = next++;
        const s = STACKS[i];
        const before = reused.get(s);
        if (before) {
          results[i] = { ...before.result, reused: { at: before.at, key: keys.get(s) } };
          say(`${s}: inputs identical to a run that passed at ${before.at}: result reused`);
          continue;
        }
        say(`${s}: plan, apply, re-plan, destroy ...`);
        results[i] = await runStack(s, synthDirs.get(environmentOf(s)), runDir, ctx);
        say(
          `${s}: done (${Object.entries(results[i].seconds)
            .map(([k, v]) => `${k} ${v}s`)
            .join(", ")})`,
        );
        if (stackPassed(results[i])) remember(keys.get(s), results[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(JOBS, STACKS.length) }, worker));
    // Gaps that matched a resource in these stacks but did not occur anywhere.
    const stale = [];
    for (const g of GAPS) {
      const applicable = results.some((r) => r.addresses.some((a) => addressPattern(g.address ?? g.appliesTo).test(a)));
      if (!applicable || g.nondeterministic) continue;
      const hit = results.some((r) =>
        g.phase === "apply"
          ? r.excluded.some((x) => x.attempted && x.why === `emulator gap: ${g.reason}`) ||
            r.probes.some((p) => addressPattern(g.address).test(p.address) && p.result !== "STALE: succeeds in the emulator")
          : g.phase === "replan"
            ? r.replanListed.some((x) => addressPattern(g.address).test(baseAddress(x.address)))
            : r.leftListed.some((x) => x.why.endsWith(g.reason)),
      );
      if (!hit) stale.push(g);
    }
    const ok = printSummary(results, stale, { install: (tInstall - t0) / 1000, total: (Date.now() - t0) / 1000 });
    writeJson(path.join(runDir, "summary.json"), { results, stale });
    cleanup();
    process.exit(ok ? 0 : 1);
  } catch (e) {
    say(`ERROR: ${e.message}`);
    cleanup();
    process.exit(1);
  }
}

/** awsEndpointNames, kept in the tool cache per build of the AWS provider and OpenTofu. */
function cachedAwsEndpointNames(runDir, cliConfig, manifest) {
  const key = crypto
    .createHash("sha256")
    .update(JSON.stringify(manifest.providers.aws))
    .update(["provider-aws", "tofu"].map((f) => fs.readFileSync(path.join(TOOLS, "stamps", f), "utf8")).join("\0"))
    .digest("hex");
  const file = path.join(TOOLS, "e2e-endpoints", `${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const names = awsEndpointNames(runDir, cliConfig, manifest);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJson(file, names);
  return names;
}

/**
 * Every service endpoint the AWS provider accepts, from its schema, less the aliases: the
 * provider warns "Only one of the following attributes should be set: a, b" for names of
 * one service, and the first it names is the service's own.
 */
function awsEndpointNames(runDir, cliConfig, manifest) {
  const dir = path.join(runDir, "schema");
  const required = { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: manifest.providers.aws.mirrorVersion } } } };
  writeJson(path.join(dir, "main.tf.json"), required);
  const env = { ...cleanEnv(), TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1" };
  const init = spawnSync(TOFU, ["init", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`tofu init for the provider schema failed: ${init.stderr}`);
  const schema = JSON.parse(spawnSync(TOFU, ["providers", "schema", "-json"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30 }).stdout);
  const aws = Object.entries(schema.provider_schemas).find(([k]) => k.endsWith("/aws"))[1];
  const all = Object.keys(aws.provider.block.block_types.endpoints.block.attributes).sort();
  // The warnings come when the provider is configured: a plan reading aws_partition (no API call).
  const offline = {
    access_key: "test",
    secret_key: "test",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  };
  writeJson(path.join(dir, "main.tf.json"), {
    ...required,
    provider: { aws: [{ region: "us-east-1", ...offline, endpoints: [Object.fromEntries(all.map((n) => [n, "http://127.0.0.1:1"]))] }] },
    data: { aws_partition: { current: {} } },
  });
  const plan = spawnSync(TOFU, ["plan", "-json", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30 });
  const aliases = new Set();
  for (const d of jsonLines(plan.stdout)
    .filter((l) => l.type === "diagnostic")
    .map((l) => l.diagnostic)) {
    const m = /Only one of the following attributes should be set: (.*)/.exec(d.detail ?? "");
    if (!m) continue;
    const names = [...m[1].matchAll(/endpoints\[0\]\.([a-z0-9]+)/g)].map((x) => x[1]);
    for (const n of names.slice(1)) aliases.add(n);
  }
  return all.filter((n) => !aliases.has(n));
}

const stackPassed = (r) => !r.failed.length && !r.replanChanges.length && !r.leftBehind.length && !r.protectionProblems.length;

/**
 * What decides a stack's result: its synthesized JSON (for the emulator's accounts), the
 * harness and its gap list, the emulator's patches, the pinned tool versions, the stamps
 * of the builds in the tool cache (OpenTofu, each provider, moto) and the emulator venv's
 * Python and packages.
 */
function inputsKey(stackJson) {
  const h = crypto.createHash("sha256").update("authorworks-e2e-result/1\0");
  const files = [
    ["stack", stackJson],
    ...["run.mjs", "prepare.mjs", "leftovers.mjs", "emulator.py", "emulator-gaps.json"].map((f) => [`e2e/${f}`, path.join(HERE, f)]),
    ...["versions.env", "install.sh", "tofurc.template"].map((f) => [`verify/${f}`, path.join(ROOT, "scripts/verify", f)]),
    ["providers/manifest.json", path.join(TOOLS, "providers/manifest.json")],
    ...fs
      .readdirSync(path.join(TOOLS, "stamps"))
      .filter((f) => /^(tofu|moto|provider-[a-z]+)$/.test(f))
      .sort()
      .map((f) => [`stamps/${f}`, path.join(TOOLS, "stamps", f)]),
  ];
  for (const [label, file] of files) h.update(`${label}\0`).update(fs.readFileSync(file)).update("\0");
  // moto's dependencies (boto3, werkzeug...) are not pinned: the versions installed, and Python's.
  h.update(`emulator\0${emulatorBuild()}\0`);
  return h.digest("hex");
}

/** The emulator's Python version and every package installed in its venv, as name-version (read once). */
let emulatorBuildText;
function emulatorBuild() {
  if (emulatorBuildText !== undefined) return emulatorBuildText;
  const python = spawnSync(PYTHON, ["-c", "import sys; print(sys.version)"], { encoding: "utf8" }).stdout.trim();
  const lib = path.join(TOOLS, "moto-venv/lib");
  const packages = fs
    .readdirSync(lib)
    .flatMap((v) => (fs.existsSync(path.join(lib, v, "site-packages")) ? fs.readdirSync(path.join(lib, v, "site-packages")) : []))
    .filter((d) => d.endsWith(".dist-info"))
    .sort();
  emulatorBuildText = [python, ...packages].join("\n");
  return emulatorBuildText;
}

function passedBefore(key) {
  const file = path.join(RESULTS_DIR, `${key}.json`);
  if (!fs.existsSync(file)) return undefined;
  const saved = JSON.parse(fs.readFileSync(file, "utf8"));
  return Date.now() - Date.parse(saved.at) < RESULT_MAX_AGE_MS && stackPassed(saved.result) ? saved : undefined;
}

function remember(key, result) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  writeJson(path.join(RESULTS_DIR, `${key}.json`), { at: new Date().toISOString(), result });
  for (const f of fs.readdirSync(RESULTS_DIR)) {
    const file = path.join(RESULTS_DIR, f);
    if (Date.now() - fs.statSync(file).mtimeMs > RESULT_MAX_AGE_MS) fs.rmSync(file, { force: true });
  }
}

function printSummary(results, stale, times) {
  let ok = true;
  const lines = ["", "=== npm run e2e: summary (emulator: moto " + gapsFile.moto + ")"];
  for (const r of results) {
    const pct = r.resources ? Math.round((1000 * r.applied) / r.resources) / 10 : 0;
    const gapCount = r.excluded.length;
    const stackOk = stackPassed(r);
    ok &&= stackOk;
    lines.push(
      "",
      `${r.stack}: ${stackOk ? "PASS" : "FAIL"}${r.reused ? ` (reused: a run with identical inputs ${r.reused.key.slice(0, 12)} passed at ${r.reused.at})` : ""}`,
      `  resources ${r.resources}; planned ${r.planned}; applied ${r.applied} (${pct} %); excluded (emulator gaps) ${gapCount}; failed ${r.failed.length}`,
      `  re-plan changes ${r.replanChanges.length} (listed read-back gaps: ${r.replanListed.length}, following from them: ${r.replanCascades.length}); destroyed ${r.destroyed}; left behind ${r.leftBehind.length} (listed destroy gaps: ${r.leftListed.length})`,
      `  protections checked ${r.protections.length}${r.protectionProblems.length ? `, problems ${r.protectionProblems.length}` : ", all in effect"}`,
      `  seconds: ${Object.entries(r.seconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    for (const n of r.notes) lines.push(`  note: ${n}`);
    for (const p of r.probes.filter((x) => x.result !== "still fails")) lines.push(`  probe ${p.address}: ${p.result}`);
    for (const f of r.failed) lines.push(`  FAILED ${f.phase} ${f.address || "(no address)"}: ${f.error.split("\n")[0]}`);
    for (const c of r.replanChanges) lines.push(`  RE-PLAN CHANGE ${c.address} [${c.actions}]: ${c.attributes.join(", ")}`);
    for (const p of r.protectionProblems) lines.push(`  PROTECTION ${p}`);
    for (const l of r.leftBehind) lines.push(`  LEFT BEHIND ${l.what}: ${l.why}`);
  }
  for (const g of stale)
    lines.push(`stale gap entry (did not occur): ${g.phase} ${g.address ?? g.appliesTo}${g.leftover ? ` ${g.leftover}` : ""}: ${g.reason}`);
  lines.push("", `install ${Math.round(times.install)} s, total ${Math.round(times.total)} s`, `e2e: ${ok ? "PASS" : "FAIL"}`);
  process.stdout.write(lines.join("\n") + "\n");
  return ok;
}

main();
