#!/usr/bin/env bash
# npm run verify: check every synthesized stack (cdktf.out/stacks/*/cdk.tf.json)
# with OpenTofu (init -backend=false + validate), checkov and tflint, then print
# one summary. Exit code 0 only when everything passed.
#
# Environment:
#   AUTHORWORKS_TOOLS_DIR          tool cache (default ~/.cache/authorworks-verify)
#   AUTHORWORKS_VERIFY_STACKS_DIR  stacks dir (default <repo>/cdktf.out/stacks)
#   AUTHORWORKS_VERIFY_KEEP=1      keep the temporary work dir and print its path
#   AUTHORWORKS_VERIFY_JOBS=N      stacks checked in parallel (default: nproc)
#   AUTHORWORKS_VERIFY_SKIP_AWS_BUILD=1
#                                  do not build the AWS provider when it is not
#                                  cached (~35 min cold): stacks needing it are
#                                  reported "validate SKIPPED" (loudly, not a
#                                  failure); checkov and tflint still run
# See scripts/verify/README.md.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
T="${AUTHORWORKS_TOOLS_DIR:-$HOME/.cache/authorworks-verify}"
STACKS_DIR="${AUTHORWORKS_VERIFY_STACKS_DIR:-$ROOT/cdktf.out/stacks}"
T0=$(date +%s)

say() { printf '[verify] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ inputs first
shopt -s nullglob
stack_dirs=()
for d in "$STACKS_DIR"/*/; do
  d="${d%/}"
  [[ -f "$d/cdk.tf.json" ]] && stack_dirs+=("$d")
done
if [[ ${#stack_dirs[@]} -eq 0 ]]; then
  say "ERROR: no $STACKS_DIR/*/cdk.tf.json found; run 'npm run synth' first"
  exit 1
fi

# ------------------------------------------------------------------------ tools
# Build only the providers the stacks require (by type name, e.g. "aws random").
mapfile -t needed_providers < <(node -e '
  const fs = require("fs"); const out = new Set();
  for (const f of process.argv.slice(1)) {
    const rp = (JSON.parse(fs.readFileSync(f, "utf8")).terraform || {}).required_providers || {};
    for (const [k, v] of Object.entries(rp)) out.add(String((v && v.source) || k).split("/").pop());
  }
  console.log([...out].sort().join("\n"));' "${stack_dirs[@]/%//cdk.tf.json}")
if ! bash "$HERE/install.sh" all "${needed_providers[@]}"; then
  say "ERROR: tool installation failed (see messages above)"
  exit 1
fi
T_INSTALL=$(date +%s)

# shellcheck source=versions.env
source "$HERE/versions.env"
TOFU="$T/bin/tofu"
TFLINT="$T/bin/tflint"
CHECKOV="$T/checkov-venv/bin/checkov"
PY="$T/checkov-venv/bin/python"

RUN="$(mktemp -d "${TMPDIR:-/tmp}/authorworks-verify.XXXXXX")"
cleanup() {
  if [[ "${AUTHORWORKS_VERIFY_KEEP:-0}" == 1 ]]; then say "work dir kept: $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
export TFLINT_DISABLE_VERSION_CHECK=1 TFLINT_PLUGIN_DIR="$T/tflint-plugins"
unset TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_validate
sed "s#@MIRROR@#$T/providers#" "$HERE/tofurc.template" >"$RUN/tofurc"
export TF_CLI_CONFIG_FILE="$RUN/tofurc"

# tflint config: the committed one, minus the aws plugin block when the ruleset
# could not be installed (reported in the summary).
if [[ -x "$TFLINT_PLUGIN_DIR/tflint-ruleset-aws" ]]; then
  cp "$HERE/.tflint.hcl" "$RUN/tflint.hcl"
else
  awk '/^plugin "aws"/{skip=1} !skip{print} skip&&/^}/{skip=0}' "$HERE/.tflint.hcl" >"$RUN/tflint.hcl"
fi

# Skip file (YAML) -> JSON with the venv's PyYAML (a checkov dependency).
if ! "$PY" - "$HERE/checkov-skips.yaml" "$RUN/skips.json" <<'PYEOF'; then
import json, sys, yaml
with open(sys.argv[1]) as f:
    data = yaml.safe_load(f) or {}
with open(sys.argv[2], "w") as f:
    json.dump(data, f)
PYEOF
  say "ERROR: cannot parse $HERE/checkov-skips.yaml"
  exit 1
fi

# --------------------------------------------------------------- prepare copies
mkdir -p "$RUN/stacks" "$RUN/checkov"
for d in "${stack_dirs[@]}"; do
  s="$(basename "$d")"
  if ! node "$HERE/prepare-stack.mjs" "$d" "$RUN/stacks/$s" "$RUN/checkov/$s" "$T/providers/manifest.json" 2>"$RUN/stacks/$s.prepare.err"; then
    mkdir -p "$RUN/stacks/$s"
    echo "prepare failed: $(cat "$RUN/stacks/$s.prepare.err")" >"$RUN/stacks/$s/prepare.error"
  fi
done

# --------------------------------------------- checkov (one process, background)
(
  cd "$RUN/checkov" &&
    "$CHECKOV" -d . --framework terraform_json --skip-download --output json \
      --soft-fail --compact >"$RUN/checkov.json" 2>"$RUN/checkov.stderr"
  echo $? >"$RUN/checkov.rc"
) &

# ------------------------------------------ tofu + tflint, per stack, N at a time
check_stack() {
  local s="$1" w="$RUN/stacks/$1"
  [[ -f "$w/prepare.error" ]] && return 0
  # Providers this stack needs that are not in the mirror (only possible with
  # AUTHORWORKS_VERIFY_SKIP_AWS_BUILD=1): skip init/validate, run the other checks.
  local missing
  missing="$(node -e '
    const fs = require("fs"); const [f, mirror, plat] = process.argv.slice(1);
    const m = JSON.parse(fs.readFileSync(mirror + "/manifest.json", "utf8"));
    const rp = (JSON.parse(fs.readFileSync(f, "utf8")).terraform || {}).required_providers || {};
    const miss = [];
    for (const [k, v] of Object.entries(rp)) {
      const t = String((v && v.source) || k).split("/").pop(); const e = m.providers[t];
      if (e && !fs.existsSync(`${mirror}/registry.opentofu.org/hashicorp/${t}/${e.mirrorVersion}/${plat}`)) miss.push(t);
    }
    console.log(miss.join(" "));' "$w/tf/cdk.tf.json" "$T/providers" "$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).platform' "$T/providers/manifest.json")")"
  if [[ -n "$missing" ]]; then
    echo "provider(s) not built: $missing (AUTHORWORKS_VERIFY_SKIP_AWS_BUILD=${AUTHORWORKS_VERIFY_SKIP_AWS_BUILD:-0})" >"$w/validate.skipped"
  else
    "$TOFU" -chdir="$w/tf" init -backend=false -input=false -no-color >"$w/init.log" 2>&1
    echo $? >"$w/init.rc"
    if [[ "$(cat "$w/init.rc")" == 0 ]]; then
      "$TOFU" -chdir="$w/tf" validate -json -no-color >"$w/validate.json" 2>"$w/validate.stderr"
      echo $? >"$w/validate.rc"
    fi
  fi
  # tflint reads *.tf and *.tf.json (including the override) in the copy; .terraform/ is ignored.
  "$TFLINT" --chdir="$w/tf" --config="$RUN/tflint.hcl" --format=json --no-color >"$w/tflint.json" 2>"$w/tflint.stderr"
  echo $? >"$w/tflint.rc"
}
JOBS="${AUTHORWORKS_VERIFY_JOBS:-$(nproc)}"
running=0
for d in "${stack_dirs[@]}"; do
  if ((running >= JOBS)); then wait -n; running=$((running - 1)); fi
  check_stack "$(basename "$d")" &
  running=$((running + 1))
done
# Plain `wait`: every per-stack job and checkov (its status is in checkov.rc) must have
# finished before the summary reads their files. (`wait -n` above may already have reaped
# checkov, so it is not waited for by pid.)
wait

# ---------------------------------------------------------------------- summary
TOOLS_JSON="$RUN/tools.json"
{
  printf '{"tofu": "%s", ' "$("$TOFU" version 2>/dev/null | head -n1)"
  printf '"tflint": "%s", ' "$("$TFLINT" --version 2>/dev/null | head -n1)"
  printf '"checkov": "%s", ' "$("$CHECKOV" --version 2>/dev/null | head -n1)"
  if [[ -x "$TFLINT_PLUGIN_DIR/tflint-ruleset-aws" ]]; then
    printf '"tflintAws": "%s", "tflintAwsMissing": null, ' "$TFLINT_AWS_VERSION"
  else
    reason="$(sed -n 2p "$T/stamps/tflint-ruleset-aws.unavailable" 2>/dev/null | tr -d '"\\' | cut -c1-200)"
    printf '"tflintAws": null, "tflintAwsMissing": "%s", ' "$TFLINT_AWS_PKG@$TFLINT_AWS_VERSION: ${reason:-not installed}"
  fi
  printf '"installSeconds": %d, "checkSeconds": %d}\n' "$((T_INSTALL - T0))" "$(($(date +%s) - T_INSTALL))"
} >"$TOOLS_JSON"

node "$HERE/summarize.mjs" "$RUN" "$T/providers/manifest.json" "scripts/verify/checkov-skips.yaml"
rc=$?
say "total $(($(date +%s) - T0))s (install/check $((T_INSTALL - T0))s)"
exit $rc
