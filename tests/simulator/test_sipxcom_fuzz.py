"""sipXcom simulator: malformed and mistyped bodies sent to the write endpoints
get sipXconfig's own error shapes, never a Python traceback or Starlette's page,
and never the simulator's crash handler (no X-Pbxsim-Internal-Error header; the
autouse fixture of conftest.py asserts internal_errors is 0 after each test)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apis import uncrashed

ADMIN = ("superadmin", "superadmin")
JAVA_ERROR = re.compile(r"^[a-z][\w$]*(\.[\w$]+)+(: |$)", re.S)
REST_CODES = {"SUCCESS_CREATED", "SUCCESS_UPDATED", "SUCCESS_DELETED", "ERROR_MISSING_ID", "ERROR_OBJECT_NOT_FOUND",
              "ERROR_ID_INVALID", "ERROR_VALIDATION_FAILED", "ERROR_UPDATE_FAILED", "ERROR_CREATE_FAILED",
              "ERROR_READ_FAILED", "ERROR_DELETE_FAILED", "ERROR_REFERENCE_EXISTS"}
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text no XML document may hold, and lone surrogates (JSON escapes of no character).
ODD_TEXT = ["\b", "\x00", "a\x1fb", "\ufffe", "\ud800", "x\udfffy"]
scalars = (st.none() | st.booleans() | st.integers(-2 ** 40, 2 ** 40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12) | st.sampled_from(ODD_TEXT))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=8), inner, max_size=3), max_leaves=6)
BEAN_KEYS = ["id", "name", "userName", "serialNo", "model", "groups", "aliases", "weight", "enabled", "addressPort",
             "callerAliasInfo", "lines", "ringBeans", "extension", "userProfile", "branch", "settings", "ids",
             "description", "keepDigits", "voicemailPin"]
mistyped = st.dictionaries(st.sampled_from(BEAN_KEYS), values, max_size=5)
json_bodies = st.one_of(mistyped.map(json.dumps), values.map(json.dumps),
                        st.text(max_size=30), st.binary(max_size=30))
xml_bodies = st.one_of(st.binary(max_size=30), st.builds(
    lambda root, kids: "<%s>%s</%s>" % (root, "".join("<%s>%s</%s>" % (k, v, k) for k, v in kids), root),
    st.sampled_from(["User", "Phone", "Gateway", "group", "CallGroup", "Settings", "junk"]),
    st.lists(st.tuples(st.sampled_from(BEAN_KEYS), st.text("ab1<&", max_size=5)), max_size=4)))


def check_api(r):
    uncrashed(r)
    text = r.text
    assert "Traceback" not in text and "Internal Server Error" not in text
    assert r.status_code in (200, 400, 404, 409, 415, 500), (r.status_code, text)
    if r.status_code == 500:
        assert JAVA_ERROR.match(text), text
    if r.status_code == 400:
        assert text.startswith("JAXBException occurred : "), text


@pytest.fixture
def targets(sim):
    s = requests.Session()
    s.auth = ADMIN
    base = sim.url + "/sipxconfig"
    s.post(base + "/api/users", json={"userName": "201"})
    pid = s.post(base + "/api/phones", json={"serialNo": "0004f2aabbcc", "model": {"modelId": "acmePhoneStandard"}},
                 headers={"Accept": "application/json"}).text
    gid = s.post(base + "/api/gateways", json={"name": "gw", "model": {"modelId": "sipTrunkStandard"}},
                 headers={"Accept": "application/json"}).text
    s.post(base + "/api/callgroups", json={"name": "cg", "extension": "300"})
    writes = [("POST", "/api/users"), ("PUT", "/api/users/201"), ("POST", "/api/phones"), ("PUT", "/api/phones/" + pid),
              ("POST", "/api/phones/%s/lines" % pid), ("POST", "/api/gateways"), ("PUT", "/api/gateways/" + gid),
              ("POST", "/api/userGroups"), ("PUT", "/api/phoneGroups/x"), ("POST", "/api/callgroups"),
              ("PUT", "/api/callgroups/300"), ("PUT", "/api/users/201/settings"),
              ("PUT", "/api/phones/sendProfile")]
    yield s, base, writes
    s.close()


@FUZZ
@given(data=st.data(), body=json_bodies)
def test_api_json_bodies(targets, data, body):
    s, base, writes = targets
    method, path = data.draw(st.sampled_from(writes))
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    r = s.request(method, base + path, data=body, headers=headers, timeout=10)
    check_api(r)


@FUZZ
@given(data=st.data(), body=xml_bodies)
def test_api_xml_bodies(targets, data, body):
    s, base, writes = targets
    method, path = data.draw(st.sampled_from(writes))
    headers = {"Content-Type": "application/xml", "Accept": "application/json"}
    r = s.request(method, base + path, data=body, headers=headers, timeout=10)
    check_api(r)


@FUZZ
@given(path=st.sampled_from(["/rest/branch", "/rest/branch/1", "/rest/erls", "/rest/erl/elin/1", "/rest/user",
                             "/rest/erl/phones"]),
       body=st.one_of(xml_bodies, json_bodies), as_json=st.booleans())
def test_rest_bodies(targets, path, body, as_json):
    s, base = targets[:2]
    r = uncrashed(s.put(base + path, data=body,
                        headers={"Content-Type": "application/json" if as_json else "text/xml"}, timeout=10))
    assert "Traceback" not in r.text and r.status_code in (200, 201, 400, 500), (r.status_code, r.text)
    doc = ET.fromstring(r.content)
    assert doc.tag == "response" and doc.findtext("code") in REST_CODES


# -- regressions the fuzzers found, kept as fixed examples ------------------------------------------
def test_control_characters_never_reach_an_xml_error_body(sim):
    """PUT /rest/branch with {"\\b": null}: the XStream message names the key, which XML 1.0 cannot hold."""
    r = uncrashed(requests.put(sim.url + "/sipxconfig/rest/branch", data='{"\\b": null}', auth=ADMIN,
                               headers={"Content-Type": "application/json"}, timeout=10))
    assert r.status_code == 500
    doc = ET.fromstring(r.content)
    assert doc.findtext("code") == "ERROR_CREATE_FAILED"
    assert doc.findtext("data/additionalMessage") == "com.thoughtworks.xstream.mapper.CannotResolveClassException: "


def test_control_characters_are_dropped_from_xml_documents(sim):
    s = requests.Session()
    s.auth = ADMIN
    base = sim.url + "/sipxconfig"
    r = s.post(base + "/api/users", json={"userName": "201", "firstName": "A\x01n\x1fn\x0b", "lastName": "L\u2603e\te"},
               headers={"Accept": "application/json"}, timeout=10)
    assert r.status_code == 200, r.text
    user = ET.fromstring(uncrashed(s.get(base + "/api/users/201", headers={"Accept": "application/xml"},
                                         timeout=10)).content)
    assert (user.findtext("firstName"), user.findtext("lastName")) == ("Ann", "L\u2603e\te")
    # JSON can carry them, so it does.
    assert s.get(base + "/api/users/201.json", timeout=10).json()["firstName"] == "A\x01n\x1fn\x0b"
    r = s.put(base + "/rest/branch", data="<branch><name>b\x7f1</name><description>x</description></branch>",
              headers={"Content-Type": "text/xml"}, timeout=10)
    assert r.status_code == 201, r.text
    listing = ET.fromstring(uncrashed(s.get(base + "/rest/branch", timeout=10)).content)
    assert [b.findtext("name") for b in listing.findall("branches/branch")] == ["b\x7f1"]  # XML 1.0 allows DEL
    s.close()


@pytest.mark.parametrize("as_json", [True, False])
def test_a_lone_surrogate_escape_is_stored_as_a_question_mark(sim, as_json):
    s = requests.Session()
    s.auth = ADMIN
    base = sim.url + "/sipxconfig"
    r = s.post(base + "/api/users", data='{"userName": "202", "firstName": "x\\ud800y"}',
               headers={"Content-Type": "application/json", "Accept": "application/json"}, timeout=10)
    assert r.status_code == 200, r.text
    if as_json:
        assert uncrashed(s.get(base + "/api/users/202.json", timeout=10)).json()["firstName"] == "x?y"
    else:
        doc = ET.fromstring(uncrashed(s.get(base + "/api/users/202.xml", timeout=10)).content)
        assert doc.findtext("firstName") == "x?y"
    r = uncrashed(s.put(base + "/rest/branch", data='{"branch": {"name": "\\udfff"}}',
                        headers={"Content-Type": "application/json"}, timeout=10))
    assert r.status_code == 201, r.text
    listing = ET.fromstring(uncrashed(s.get(base + "/rest/branch", timeout=10)).content)
    assert [b.findtext("name") for b in listing.findall("branches/branch")] == ["?"]
    s.close()
