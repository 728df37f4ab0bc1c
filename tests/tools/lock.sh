#!/usr/bin/env bash
# make lock: resolve tests/requirements.txt afresh in a clean virtual environment and write the exact
# versions it installed to tests/constraints.txt. Run it after editing tests/requirements.txt, or to take
# newer releases on purpose; then run make test and commit both files together.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCK_VENV="$ROOT/build/lock-venv"
rm -rf "$LOCK_VENV"
"$PYTHON" -m venv "$LOCK_VENV"
"$LOCK_VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
"$LOCK_VENV/bin/pip" install -q -r "$ROOT/tests/requirements.txt" 2>&1 | grep -v "is ignored" || true
{
    echo "# Exact versions of everything tests/requirements.txt installs, as they passed CI: make venv installs"
    echo "# with these (-c), so a fresh clone tests what passed. Refresh with 'make lock' (see CONTRIBUTING.md);"
    echo "# make test fails (tests/tools/lock_check.py) when this file no longer matches tests/requirements.txt."
    "$LOCK_VENV/bin/pip" freeze --all | LC_ALL=C sort -f
} > "$ROOT/tests/constraints.txt.new"
mv "$ROOT/tests/constraints.txt.new" "$ROOT/tests/constraints.txt"
rm -rf "$LOCK_VENV"
echo "lock: wrote tests/constraints.txt ($(grep -vc '^#' "$ROOT/tests/constraints.txt") packages)"
