"""The module process itself, run the way Ansible runs it (arguments file in, JSON out)."""

import json
import os
import random
import subprocess
import sys

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._module import occurring
from playbook import REPO, ensure_collection_link

MODULE = os.path.join(REPO, "plugins", "modules", "pbx_extension.py")


def run_module(tmp_path, args, prelude=""):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    code = "%s\nimport runpy, sys\nsys.argv = ['pbx_extension', %r]\nrunpy.run_path(%r, run_name='__main__')" % (
        prelude, str(path), MODULE)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=ensure_collection_link()), timeout=60)
    return json.loads(proc.stdout)


def test_missing_requests_gives_ansibles_missing_library_message(tmp_path):
    result = run_module(tmp_path, {"platform": "sipxcom", "url": "http://127.0.0.1:9", "number": "101"},
                        prelude="import sys; sys.modules['requests'] = None")
    assert result["failed"] is True
    assert "Failed to import the required Python library (requests)" in result["msg"]


def test_options_a_platform_cannot_honour_fail_before_any_request(tmp_path):
    # Port 9 (discard) is never contacted: the check happens before the first request.
    result = run_module(tmp_path, {"platform": "portsip", "url": "http://127.0.0.1:9", "number": "101",
                                   "aliases": ["ann"], "groups": ["sales"]})
    assert result["failed"] is True
    assert result["msg"] == ("extension 101: options aliases, groups cannot be managed on PortSIP (its API has no "
                             "such field); remove them")


def test_invocation_masks_every_secret_option(tmp_path):
    result = run_module(tmp_path, {"platform": "sipxcom", "url": "http://127.0.0.1:9", "password": "Pw-1",
                                   "extensions": [{"number": "1x", "sip_password": "Sip-1"}]})
    assert "Pw-1" not in json.dumps(result) and "Sip-1" not in json.dumps(result)


def test_occurring_secrets_are_those_found_in_the_joined_strings():
    """_module.occurring() keeps exactly the secrets a scan of the joined strings finds, both ways it works."""
    rng = random.Random(7)
    alphabet = "ab1-"
    for few in (True, False):
        for unused in range(200):
            strings = ["".join(rng.choice(alphabet) for dummy in range(rng.randint(0, 12))) for dummy in range(8)]
            count = rng.randint(1, 5) if few else rng.randint(600, 700)
            secrets = set("".join(rng.choice(alphabet) for dummy in range(rng.randint(0, 6))) for dummy in range(count))
            secrets.add("x\x00y")
            blob = "\x00".join(strings)
            assert occurring(secrets, strings) == set(v for v in secrets if "\x00" in v or v in blob)


@pytest.mark.parametrize("refused", [
    {"bogus": 1},                       # an unknown option: refused before the item's own values are read
    {"voicemail_pin": ["Pin-L1st-77"]},  # a secret of the wrong shape
    {"enabled": {"nested": "junk"}},    # another option of the wrong shape, beside the secrets
])
def test_no_secret_of_any_item_in_a_refusal(tmp_path, refused):
    """Input refused part-way through the list still masks the secrets of every item, those before the refused
    one, the refused one and those after it (the checks had not reached them), in the message and the echo."""
    first = {"number": "101", "sip_password": "Sip-F1rst-77", "web_password": "Web-F1rst-77"}
    bad = dict({"number": "102", "sip_password": "Sip-B4d-77"}, **refused)
    after = {"number": "103", "sip_password": "Sip-Aft3r-77", "voicemail_pin": "246801"}
    result = run_module(tmp_path, {"platform": "portsip", "url": "http://127.0.0.1:9", "password": "Pw-Adm1n-77",
                                   "extensions": [first, bad, after]})
    assert result["failed"] is True and "extensions[1]" in result["msg"]
    text = json.dumps(result)
    for secret in ("Sip-F1rst-77", "Web-F1rst-77", "Sip-B4d-77", "Pin-L1st-77", "Sip-Aft3r-77", "246801", "Pw-Adm1n-77"):
        assert secret not in text, "%s in %s" % (secret, text)
    assert result["invocation"]["module_args"]["extensions"][2]["number"] == "103"


def test_a_refused_long_list_is_not_echoed(tmp_path):
    items = [{"number": str(100 + n), "sip_password": "Sip-%d-77" % n} for n in range(150)] + [{"bogus": 1}]
    result = run_module(tmp_path, {"platform": "portsip", "url": "http://127.0.0.1:9", "extensions": items})
    assert result["failed"] is True
    assert result["invocation"]["module_args"]["extensions"] == "151 items (lists of more than 100 are not echoed)"
