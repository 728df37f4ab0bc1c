#!/usr/bin/env bash
# ansible-test sanity, offline, with no ignore files.
#   tests/tools/sanity.sh [extra ansible-test sanity args, e.g. --test pylint]
# VENV (default .venv) selects the ansible-core under test; its Python is the one tested.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
PY="$VENV/bin/python"
# ansible-test only runs inside .../ansible_collections/<namespace>/<name>.
DEST="$ROOT/build/ansible_collections/pbxops/pbx"

# The collection is held to every sanity test as it stands: fix findings, never ignore them.
shopt -s nullglob
ignores=("$ROOT"/tests/sanity/ignore-*.txt)
if (( ${#ignores[@]} )); then
    echo "sanity.sh: remove ${ignores[*]#"$ROOT/"}: this collection keeps no sanity ignore files" >&2
    exit 1
fi

# (a) a fresh copy of the collection (tar, because rsync is not on every CI image).
rm -rf "$DEST"
mkdir -p "$DEST"
tar -C "$ROOT" -cf - \
    --exclude='./.venv*' --exclude=./build --exclude=./.git --exclude=./.cache --exclude=./tests/output \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis \
    --exclude='*.sqlite' --exclude='*.sqlite-*' --exclude='*.tar.gz' \
    . | tar -C "$DEST" -xf -
# ansible-test lists content with `git ls-files` of the nearest .git upwards; without its own
# repository the copy would be judged by this checkout's .gitignore, which ignores build/.
git -C "$DEST" init -q

# (b) ansible-test bootstraps pip in each sanity venv with a get-pip script it would download;
# provide an offline one (tests/tools/get_pip.py) under the name ansible-test looks for, for the
# pip version this ansible-test pins. Created only when missing, so a real one is never replaced.
PIP_VERSION="$("$PY" - <<'EOF'
import sys
from types import SimpleNamespace
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(SimpleNamespace(version="%d.%d" % sys.version_info[:2]))["pip"])
EOF
)"
CACHE="$HOME/.ansible/test/cache/get_pip_${PIP_VERSION//./_}.py"
if [[ ! -e "$CACHE" ]]; then
    mkdir -p "$(dirname "$CACHE")"
    cp "$ROOT/tests/tools/get_pip.py" "$CACHE.tmp"
    mv "$CACHE.tmp" "$CACHE"
    echo "sanity.sh: created offline pip bootstrap $CACHE"
fi

# (c) --local: the controller is this venv (its ansible-core, no download); ansible-test still
# builds one cached venv per sanity test under ~/.ansible/test/venv from the package registry,
# which is reachable. --python pins the venv's version so other interpreters on PATH are not tried.
PYVER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cd "$DEST"
export PATH="$VENV/bin:$PATH"
exec "$VENV/bin/ansible-test" sanity --local --python "$PYVER" --color no "$@"
