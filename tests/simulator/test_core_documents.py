"""The vendor documents the conformance tests read (the steering repository's
shared directory) are required: a missing one fails with where it was looked
for, and no simulator test skips."""

import os
import re

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def test_a_missing_document_fails_naming_the_path_and_the_variable(shared_file, monkeypatch, tmp_path):
    monkeypatch.setenv("PBX_SHARED_DIR", str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as info:
        shared_file("reference/portsip-openapi-22.2.json")
    message = str(info.value)
    assert os.path.join(str(tmp_path), "reference", "portsip-openapi-22.2.json") in message
    assert "PBX_SHARED_DIR" in message


def test_documents_are_found_through_the_variable(shared_file, monkeypatch):
    found = shared_file("reference/portsip-openapi-22.2.json")
    monkeypatch.setenv("PBX_SHARED_DIR", os.path.dirname(os.path.dirname(found)))
    assert shared_file("reference/portsip-openapi-22.2.json") == found
    assert os.path.basename(shared_file("seeds/004_*.txt")).startswith("004_")


def test_no_simulator_test_skips():
    skipping = re.compile(r"pytest\.skip\(|importorskip|mark\.skip|skipif")
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".py") and name != os.path.basename(__file__):
            with open(os.path.join(HERE, name), encoding="utf-8") as fh:
                assert not skipping.search(fh.read()), name
