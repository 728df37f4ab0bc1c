#!/usr/bin/env bash
# make galaxy-import: build the artifact as a release does and run galaxy-importer (the checker Galaxy runs on
# upload) on it, from its own environment (IMPORTER_VENV). Fails on any error or warning it reports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
IMPORTER_VENV="${IMPORTER_VENV:-$ROOT/build/importer-venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$IMPORTER_VENV" in /*) ;; *) IMPORTER_VENV="$ROOT/$IMPORTER_VENV" ;; esac
DIST="$ROOT/build/dist"
rm -rf "$DIST"
mkdir -p "$DIST"
"$VENV/bin/ansible-galaxy" collection build --force --output-path "$DIST" "$ROOT" 2>&1 | grep -v Cryptography \
    | grep -v "from cryptography" || true
artifact=("$DIST"/pbxops-pbx-*.tar.gz)
log="$DIST/galaxy-importer.log"
# The importer calls ansible-doc and ansible-lint by name: its own, from its environment.
( cd "$DIST" && PATH="$IMPORTER_VENV/bin:$PATH" "$IMPORTER_VENV/bin/python" -m galaxy_importer.main \
    "${artifact[0]}" ) >"$log" 2>&1 || { cat "$log"; echo "galaxy-import: galaxy-importer failed" >&2; exit 1; }
if grep -Eiq "warning|error" "$log" || ! grep -q "Importer processing completed successfully" "$log"; then
    grep -Ei "warning|error" "$log" >&2 || tail -20 "$log" >&2
    echo "galaxy-import: galaxy-importer reported the lines above on ${artifact[0]#"$ROOT/"}" >&2
    exit 1
fi
echo "galaxy-import: ${artifact[0]#"$ROOT/"} ($(du -k "${artifact[0]}" | cut -f1) kB) imports with no error and no warning"
