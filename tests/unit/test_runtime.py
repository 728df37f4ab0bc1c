"""meta/runtime.yml must list every module in the `pbx` action group (see tests/tools/action_group.py)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tests" / "tools" / "action_group.py"


def _load_tool():
    spec = importlib.util.spec_from_file_location("action_group", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


action_group = _load_tool()


def _runtime(root: Path) -> dict:
    return yaml.safe_load((root / "meta" / "runtime.yml").read_text(encoding="utf-8"))


def test_action_group_lists_every_module():
    on_disk = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
    assert _runtime(ROOT)["action_groups"]["pbx"] == on_disk, "run: python tests/tools/action_group.py"


def test_requires_ansible_is_the_supported_floor():
    assert _runtime(ROOT)["requires_ansible"] == ">=2.17.0"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A throwaway copy of meta/ and plugins/modules/ for the tool to rewrite."""
    shutil.copytree(ROOT / "meta", tmp_path / "meta")
    modules = tmp_path / "plugins" / "modules"
    if (ROOT / "plugins" / "modules").is_dir():
        shutil.copytree(ROOT / "plugins" / "modules", modules)
    else:
        modules.mkdir(parents=True)
    return tmp_path


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), "--root", str(root), *args], capture_output=True, text=True, check=False
    )


def test_check_fails_when_a_new_module_is_not_in_the_group(checkout: Path):
    (checkout / "plugins" / "modules" / "pbx_brand_new.py").write_text("# a module\n")
    (checkout / "plugins" / "modules" / "_private_helper.py").write_text("# not a module\n")

    result = _run(checkout, "--check")
    assert result.returncode == 1
    assert "pbx_brand_new" in result.stderr
    assert "pbx_brand_new" not in _runtime(checkout)["action_groups"]["pbx"], "--check must not write"

    assert _run(checkout).returncode == 0
    group = _runtime(checkout)["action_groups"]["pbx"]
    assert "pbx_brand_new" in group and "_private_helper" not in group
    assert group == sorted(group)
    assert _run(checkout, "--check").returncode == 0


def test_check_fails_when_the_group_names_a_removed_module(checkout: Path):
    runtime = checkout / "meta" / "runtime.yml"
    runtime.write_text(action_group.rewrite(runtime.read_text(), [*action_group.modules(checkout), "pbx_gone"]))
    assert _run(checkout, "--check").returncode == 1
    assert _run(checkout).returncode == 0
    assert "pbx_gone" not in _runtime(checkout)["action_groups"]["pbx"]


def test_rewrite_keeps_other_keys_and_comments():
    text = (
        "---\n# header\nrequires_ansible: '>=2.17.0'\naction_groups:\n  pbx:\n    - old\n\n"
        "plugin_routing:\n  modules:\n    old:\n      tombstone: {removal_version: 2.0.0}\n"
    )
    out = action_group.rewrite(text, ["a_mod", "b_mod"])
    data = yaml.safe_load(out)
    assert data["action_groups"] == {"pbx": ["a_mod", "b_mod"]}
    assert data["plugin_routing"]["modules"]["old"]["tombstone"]["removal_version"] == "2.0.0"
    assert out.startswith("---\n# header\n")
