"""The module process itself, run the way Ansible runs it (arguments file in, JSON out)."""

import json
import os
import random
import subprocess
import sys

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
