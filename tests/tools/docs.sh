#!/usr/bin/env bash
# Render every module's documentation with ansible-doc, from the collection as users get it (built
# tarball, installed offline), and fail on any error or warning.
#   tests/tools/docs.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
OUT="$ROOT/build/docs"
export PATH="$VENV/bin:$PATH" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0

# Building and installing catches what build_ignore or a missing file would break for users.
rm -rf "$OUT"
mkdir -p "$OUT"
ansible-galaxy collection build --output-path "$OUT" "$ROOT" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$OUT/collections"
ansible-galaxy collection install --offline --no-deps -p "$OUT/collections" "$OUT"/pbxops-pbx-*.tar.gz >/dev/null

failed=0
count=0
for path in "$ROOT"/plugins/modules/*.py; do
    name="$(basename "$path" .py)"
    [[ "$name" == _* ]] && continue
    count=$((count + 1))
    # ansible-doc exits 0 on some failures (it prints an [ERROR] and carries on), so stderr counts too.
    if ! ansible-doc -t module "pbxops.pbx.$name" >"$OUT/$name.txt" 2>"$OUT/$name.err" || [[ -s "$OUT/$name.err" ]]; then
        echo "FAIL pbxops.pbx.$name:" >&2
        cat "$OUT/$name.err" >&2
        failed=1
    elif ! grep -q "pbxops.pbx.$name" "$OUT/$name.txt"; then
        echo "FAIL pbxops.pbx.$name: ansible-doc printed no documentation" >&2
        failed=1
    else
        echo "ok   pbxops.pbx.$name"
    fi
done
if [[ $count -eq 0 ]]; then
    echo "no modules found in plugins/modules" >&2
    exit 1
fi
exit "$failed"
