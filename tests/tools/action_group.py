"""Keep the `pbx` action group in meta/runtime.yml equal to the modules in plugins/modules.

`module_defaults: {group/pbxops.pbx.pbx: {...}}` only reaches modules listed in the group, so a
module missing from it silently ignores the connection settings users put there.

    python tests/tools/action_group.py          # rewrite meta/runtime.yml
    python tests/tools/action_group.py --check  # exit 1 (and say what differs) when out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

GROUP = "pbx"
ROOT = Path(__file__).resolve().parents[2]


def modules(root: Path = ROOT) -> list[str]:
    """Short names of the collection's modules (private `_x.py` files are not modules)."""
    directory = root / "plugins" / "modules"
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.py") if not p.name.startswith("_"))


def listed(root: Path = ROOT) -> list[str] | None:
    """The group as meta/runtime.yml has it now (None when the group is missing)."""
    data = yaml.safe_load((root / "meta" / "runtime.yml").read_text(encoding="utf-8")) or {}
    group = (data.get("action_groups") or {}).get(GROUP)
    return None if group is None else list(group)


def render(names: list[str]) -> str:
    # Short names: ansible-core resolves them inside this collection, and this is the form
    # `module_defaults` documentation and the big collections (amazon.aws, community.general) use.
    items = "".join(f"    - {name}\n" for name in names)
    return f"action_groups:\n  {GROUP}:\n{items}" if names else f"action_groups:\n  {GROUP}: []\n"


def rewrite(text: str, names: list[str]) -> str:
    """Replace the top-level action_groups block, leaving every other key and comment alone."""
    block = re.compile(r"^action_groups:.*\n(?:(?:[ \t]+.*|[ \t]*)\n)*", re.MULTILINE)
    new = render(names)
    if block.search(text):
        return block.sub(lambda _: new, text, count=1)
    return text.rstrip("\n") + "\n" + new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, exit 1 when out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="collection root (default: this checkout)")
    args = parser.parse_args(argv)

    wanted = modules(args.root)
    have = listed(args.root)
    if have == wanted:
        return 0
    if args.check:
        have = have or []
        missing = sorted(set(wanted) - set(have))
        extra = sorted(set(have) - set(wanted))
        print(
            f"meta/runtime.yml action_groups.{GROUP} is out of date"
            f" (missing: {missing or 'none'}, not a module: {extra or 'none'}, or not sorted);"
            " run: python tests/tools/action_group.py",
            file=sys.stderr,
        )
        return 1
    path = args.root / "meta" / "runtime.yml"
    path.write_text(rewrite(path.read_text(encoding="utf-8"), wanted), encoding="utf-8")
    if listed(args.root) != wanted:  # the block regex met a layout it does not understand
        print(f"could not rewrite {path}; edit action_groups.{GROUP} by hand", file=sys.stderr)
        return 1
    print(f"{path}: action_groups.{GROUP} = {wanted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
