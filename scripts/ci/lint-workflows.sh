#!/usr/bin/env bash
# Lints .github/workflows with actionlint (and shellcheck for `run:` scripts), both pinned
# in scripts/verify/versions.env and installed into the verify tool cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/verify/install.sh actionlint
T="${AUTHORWORKS_TOOLS_DIR:-$HOME/.cache/authorworks-verify}"
"$T/bin/actionlint" -no-color -shellcheck "$T/shellcheck-venv/bin/shellcheck"
echo "actionlint: $(ls .github/workflows/*.yml | wc -l) workflows, no problems"
