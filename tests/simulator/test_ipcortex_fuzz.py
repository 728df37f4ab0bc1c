"""Malformed IPCortex calls get IPCortex's own envelope (HTTP 200, result
success or fail with a message), never a traceback or another status, and never
the simulator's crash handler (no X-Pbxsim-Internal-Error header; the autouse
fixture of conftest.py asserts internal_errors is 0 after each test)."""

import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apis import uncrashed

# The documented calls, so that most examples get past authentication and dispatch.
EXTENSION_VERBS = ("create", "read", "readfull", "update", "delete", "clone")
PHONE_VERBS = ("create", "read", "update", "delete", "reboot", "newpass", "inactive", "active", "promote", "demote",
               "assign", "readtypes")
CALLS = ([("dialplan", verb, "extension") for verb in EXTENSION_VERBS]
         + [("dialplan", verb, "phone") for verb in PHONE_VERBS]
         + [("dialplan", "link", "user"), ("dialplan", "readlink", "user")]
         + [("ops", verb, kind) for verb in ("create", "read", "delete") for kind in ("user", "authinfo")])
ODD_CALLS = [("dialplan", "frobnicate", "phone"), ("call", "read", "cdr"), ("auth", "logout", None),
             ("dialplan", "read", "barred"), ("ops", "link", "extension"), ("dialplan", "read", "")]
TYPES = [None, "extension", "phone", "user", "authinfo", "barred", ""]
FIELDS = ["mac", "phoneid", "port", "virt_exten", "scoped_exten", "company", "contact_id", "uname", "name",
          "phone_type", "phones", "extensions", "ring_type", "ring_time", "subtype", "nightmode", "private",
          "ip_addr", "ip_dns1", "ip_dns2", "ip_gateway", "ip_domain", "token", "admin_company", "owned_extension"]
KNOWN = ["0004f2a1b2c3", "0004f2a1b2c30", "400", "400_test", "test", "default", "u1", 100, 101, "snom320",
         "link", "spa8000"]

# Control characters and lone surrogates (JSON escapes of no character).
ODD_TEXT = ["\b", "\x00", "a\x1fb", "\ufffe", "\ud800", "x\udfffy"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 40, 2 ** 40), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=12), st.sampled_from(KNOWN), st.sampled_from(ODD_TEXT))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(FIELDS + KNOWN[:4]), st.text(max_size=6)),
                                                 inner, max_size=4)), max_leaves=12)
fields = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
parts = st.one_of(fields, fields, fields, json_values)


def bodies(key, type_):
    good = [{"type": "auth", "key": key}, {"type": "auth", "username": "admin", "password": "admin"},
            {"type": "auth", "username": "u1", "password": "pw"}]
    # Mostly good credentials, so that most examples reach a verb.
    auth = st.one_of(st.sampled_from(good), st.sampled_from(good), st.sampled_from(good), json_values)
    return st.fixed_dictionaries({"auth": auth}, optional={
        "type": st.one_of(st.just(type_), st.sampled_from(TYPES), json_values), "scope": parts, "values": parts,
        "columns": st.one_of(json_values, st.lists(st.sampled_from(FIELDS), max_size=4)), "order": json_values})


@st.composite
def requests_(draw, key):
    """(path, body): a documented call or an odd one, type on the path or in the body."""
    section, verb, type_ = draw(st.sampled_from(CALLS + ODD_CALLS))
    on_path = type_ and draw(st.booleans())
    path = "/rest/%s/%s%s%s" % (section, verb, "/" + type_ if on_path else "", "/" if draw(st.booleans()) else "")
    body = draw(bodies(key, type_))
    if not on_path and type_ and draw(st.booleans()):
        body["type"] = type_
    return path, body


def paths():
    return st.tuples(st.sampled_from(CALLS + ODD_CALLS), st.booleans()).map(
        lambda c: "/rest/%s/%s%s%s" % (c[0][0], c[0][1], "/" + c[0][2] if c[0][2] else "", "/" if c[1] else ""))


def assert_envelope(r):
    uncrashed(r)
    assert r.status_code == 200, (r.status_code, r.text)
    assert "Traceback" not in r.text
    answer = r.json()
    assert answer["result"] in ("success", "fail"), answer
    if answer["result"] == "fail":
        assert set(answer) == {"result", "message"} and isinstance(answer["message"], str) and answer["message"]


def seed_state(sim, key):
    sim.fixtures("ipcortex", "companies", ["test"])
    sim.fixtures("ipcortex", "users", [{"uname": "u1", "password": "pw", "company": "test", "admin_company": ["test"]}])
    sim.fixtures("ipcortex", "extensions", [{"virt_exten": "400", "company": "test", "private": True}])
    sim.fixtures("ipcortex", "phones", [{"mac": "0004f2a1b2c3", "company": "test", "phone_type": "spa112"}])
    sim.fixtures("ipcortex", "inactive_phones", [{"mac": "0004f2a1b2c4", "phone_type": "spa8000"}])


def test_malformed_json_bodies_get_the_envelope(sim):
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    seed_state(sim, key)
    http = requests.Session()

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(call=requests_(key))
    def check(call):
        path, body = call
        assert_envelope(http.post(sim.url + path, json=body, timeout=5))

    check()
    http.close()


def test_bodies_that_are_not_json_objects_count_as_empty(sim):
    http = requests.Session()

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(path=paths(), raw=st.one_of(st.binary(max_size=64), st.text(max_size=64).map(str.encode),
                                       json_values.map(lambda v: json.dumps(v).encode())),
           content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", None]))
    def check(path, raw, content_type):
        headers = {"content-type": content_type} if content_type else {}
        r = http.post(sim.url + path, data=raw, headers=headers, timeout=5)
        assert_envelope(r)
        # Nothing in such a body can authenticate, so every verb fails; logout and login say so too.
        assert r.json()["result"] == "fail"

    check()
    http.close()


def test_a_lone_surrogate_escape_makes_the_body_unreadable(sim):
    """PHP's json_decode refuses "\\ud800" (no character): the call is answered as one with no body."""
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    for raw in ('{"auth": {"type": "auth", "key": "%s"}, "columns": ["\\ud800"]}' % key,
                '{"auth": {"type": "auth", "key": "%s"}, "values": {"virt_exten": "1\\udfff"}}' % key):
        r = uncrashed(requests.post(sim.url + "/rest/dialplan/read/extension", data=raw, timeout=5))
        assert r.json() == {"result": "fail", "message": "Authentication required"}
    # The same call without the escape is served.
    r = requests.post(sim.url + "/rest/dialplan/read/extension", timeout=5,
                      json={"auth": {"type": "auth", "key": key}, "columns": ["virt_exten"]})
    assert r.json() == {"result": "success", "values": [], "numrows": 0}
