#!/usr/bin/env bash
# ansible-lint, production profile, offline (it would otherwise try to reach Galaxy). Settings are in
# .ansible-lint: no skip lists, no ignore file.
#   tests/tools/lint.sh [extra ansible-lint args]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac

# Offline, ansible-lint does not install the collection it lints, so playbooks and module EXAMPLES
# using pbxops.pbx.* would not resolve; expose this checkout under an ansible_collections tree.
COLLECTIONS="$ROOT/build/lint-collections"
mkdir -p "$COLLECTIONS/ansible_collections/pbxops"
ln -sfn "$ROOT" "$COLLECTIONS/ansible_collections/pbxops/pbx"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
export PATH="$VENV/bin:$PATH"

cd "$ROOT"
exec "$VENV/bin/ansible-lint" --profile production --offline --strict "$@"
