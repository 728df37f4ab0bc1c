"""README's "## Benchmarks" section quotes the tables of docs/benchmarks.md (written by make bench and
make bench-sim) verbatim: every table block there, between <!-- bench:NAME --> and <!-- /bench:NAME -->,
must be in README between the same markers, with the same Markdown table lines."""

import os
import re

import pytest

from playbook import REPO

DOCS = os.path.join(REPO, "docs", "benchmarks.md")
README = os.path.join(REPO, "README.md")
BLOCK = re.compile(r"^<!-- bench:([\w-]+) -->\n(.*?)^<!-- /bench:\1 -->$", re.S | re.M)


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def blocks(text):
    """{name: [table lines]} of every marker block in text."""
    out = {}
    for name, body in BLOCK.findall(text):
        assert name not in out, "marker bench:%s appears twice" % name
        out[name] = [line.rstrip() for line in body.splitlines() if line.lstrip().startswith("|")]
    return out


def benchmarks_section(text):
    found = re.search(r"^## Benchmarks\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, "README.md has no '## Benchmarks' section"
    return found.group(1)


def docs_blocks():
    return blocks(read(DOCS)) if os.path.exists(DOCS) else {}


def test_docs_benchmarks_has_table_blocks():
    found = docs_blocks()
    assert found, "docs/benchmarks.md is missing or has no <!-- bench:NAME --> blocks: run make bench, make bench-sim"
    assert all(found.values()), "empty table block(s): %s" % [n for n, lines in found.items() if not lines]


def test_readme_quotes_every_block_and_no_other():
    quoted = blocks(benchmarks_section(read(README)))
    assert sorted(quoted) == sorted(docs_blocks()), (
        "README's Benchmarks section must quote exactly the blocks of docs/benchmarks.md")


@pytest.mark.parametrize("name", sorted(docs_blocks()) or ["(none)"])
def test_readme_table_equals_docs_table(name):
    assert name in docs_blocks(), "docs/benchmarks.md has no bench:%s block" % name
    quoted = blocks(benchmarks_section(read(README)))
    assert name in quoted, "README's Benchmarks section lacks <!-- bench:%s --> ... <!-- /bench:%s -->" % (name, name)
    assert quoted[name] == docs_blocks()[name], "README's bench:%s table differs from docs/benchmarks.md" % name
