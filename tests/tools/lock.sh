#!/usr/bin/env bash
# make lock: resolve a requirements file afresh in a clean virtual environment and write the exact versions it
# installed to its lock: tests/lock.sh REQUIREMENTS CONSTRAINTS (make lock does tests/requirements.txt and
# tests/importer-requirements.txt). Run it after editing a requirements file, or to take newer releases on
# purpose; then run make test and commit both files together.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="${1:-tests/requirements.txt}"
CONSTRAINTS="${2:-tests/constraints.txt}"
LOCK_VENV="$ROOT/build/lock-venv"
rm -rf "$LOCK_VENV"
"$PYTHON" -m venv "$LOCK_VENV"
"$LOCK_VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
"$LOCK_VENV/bin/pip" install -q -r "$ROOT/$REQUIREMENTS" 2>&1 | grep -v "is ignored" || true
{
    echo "# Exact versions of everything $REQUIREMENTS installs, as they passed CI: its environment installs"
    echo "# with these (-c), so a fresh clone tests what passed. Refresh with 'make lock' (see CONTRIBUTING.md);"
    echo "# make test fails (tests/tools/lock_check.py) when this file no longer matches $REQUIREMENTS."
    "$LOCK_VENV/bin/pip" freeze --all | LC_ALL=C sort -f
} > "$ROOT/$CONSTRAINTS.new"
mv "$ROOT/$CONSTRAINTS.new" "$ROOT/$CONSTRAINTS"
rm -rf "$LOCK_VENV"
echo "lock: wrote $CONSTRAINTS ($(grep -vc '^#' "$ROOT/$CONSTRAINTS") packages)"
