"""sipXcom simulator against the examples of seed 004 (the sipXcom REST API
reference). The seed is read at test time from the shared directory (../shared
beside the repository or $PBX_SHARED_DIR, see conftest.py); nothing of it is
copied here, and without it the tests fail."""

import json
import xml.etree.ElementTree as ET

import pytest
import requests

ADMIN = ("superadmin", "superadmin")


@pytest.fixture(scope="module")
def seed_lines(shared_file):
    with open(shared_file("seeds/004_*.txt"), encoding="utf-8") as f:
        return f.read().splitlines()


def line_with(lines, *needles, start=""):
    for line in lines:
        if line.startswith(start) and all(n in line for n in needles):
            return line.strip()
    pytest.fail("no seed line contains %r" % (needles,))


def block_after(lines, marker, end):
    """The multi-line example printed after the curl command containing marker."""
    start = next(i for i, line in enumerate(lines) if marker in line)
    out = []
    for line in lines[start + 1:]:
        out.append(line)
        if line.rstrip() == end:  # the root closes at column 0
            return "\n".join(out)
    pytest.fail("unterminated example after %r" % marker)


def shape(value):
    """Keys (in order), nesting and JSON types, without the values."""
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def tree(elem):
    return (elem.tag, (elem.text or "").strip(), [tree(c) for c in elem])


def api(sim, method, path, **kw):
    return requests.request(method, sim.url + "/sipxconfig" + path, auth=ADMIN, timeout=10, **kw)


def test_gateway_from_the_seed_reads_back_with_its_exact_shape(sim, seed_lines):
    example = json.loads(line_with(seed_lines, '{"gateways":[', '"my_siptrunk"'))["gateways"][0]
    r = api(sim, "POST", "/api/gateways", json=example, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    listed = api(sim, "GET", "/api/gateways").json()["gateways"]
    assert len(listed) == 1
    got = listed[0]
    assert shape(got) == shape(example)
    assert got == dict(example, id=int(r.text))
    single = json.loads(line_with(seed_lines, '"my_siptrunk"', start='{"id":'))
    assert shape(api(sim, "GET", "/api/gateways/%s" % r.text).json()) == shape(single)


def test_gateway_models_match_the_seed(sim, seed_lines):
    example = json.loads(line_with(seed_lines, '{"models":[{"modelId":"acmeGatewayStandard"'))
    assert api(sim, "GET", "/api/gateways/models").json() == example


def test_sip_trunk_settings_have_the_seed_paths_and_types(sim, seed_lines):
    example = json.loads(line_with(seed_lines, '{"settings":[{"path":"itsp-account/user-name"'))["settings"]
    gid = api(sim, "POST", "/api/gateways", json={"name": "t", "model": {"modelId": "sipTrunkStandard"}},
              headers={"Accept": "application/json"}).text
    got = api(sim, "GET", "/api/gateways/%s/settings" % gid).json()["settings"]

    def key(s):
        return (s["path"], s["type"], s["options"], s["label"], s["description"])
    assert [key(s) for s in got] == [key(s) for s in example]
    assert [list(s) for s in got] == [list(s) for s in example]


def test_erls_give_the_xml_of_the_seed_example(sim, seed_lines):
    example = line_with(seed_lines, "<e911Locations>")
    put = api(sim, "PUT", "/rest/erls", data=example.encode(), headers={"Content-Type": "text/xml"})
    assert put.status_code == 200, put.text
    got = api(sim, "GET", "/rest/erls")
    assert got.headers["content-type"].startswith("text/xml")
    assert got.text.startswith('<?xml version="1.0" encoding="UTF-8"?>') and example.startswith(got.text[:38])
    assert tree(ET.fromstring(got.content)) == tree(ET.fromstring(example.encode()))


def test_branch_examples_of_the_seed(sim, seed_lines):
    create = line_with(seed_lines, "-X PUT", "/rest/branch", '{"branch":')
    body = create[create.index("'") + 1:create.rindex("'")]
    r = api(sim, "PUT", "/rest/branch", data=body, headers={"Content-Type": "application/json"})
    expected = line_with(seed_lines, "<code>SUCCESS_CREATED</code>")
    assert r.status_code == 201
    assert tree(ET.fromstring(r.content))[:2] == tree(ET.fromstring(expected.encode()))[:2]
    assert [c[0] for c in tree(ET.fromstring(r.content))[2]] == ["code", "message", "data"]

    item = block_after(seed_lines, "/sipxconfig/rest/branch/1", "</branch>")
    created = api(sim, "PUT", "/rest/branch", data=item.encode(), headers={"Content-Type": "text/xml"})
    bid = ET.fromstring(created.content).findtext("data/id")
    got = api(sim, "GET", "/rest/branch/%s" % bid).content

    def without_ids(node):
        tag, text, children = node
        return (tag, "" if tag == "id" else text, [without_ids(c) for c in children])
    assert without_ids(tree(ET.fromstring(got))) == without_ids(tree(ET.fromstring(item.encode())))

    listing = block_after(seed_lines, "-X GET https://superadmin:password@192.168.1.31/sipxconfig/rest/branch",
                          "</branch>")
    want = [c.tag for c in ET.fromstring(listing.encode())]
    assert [c.tag for c in ET.fromstring(api(sim, "GET", "/rest/branch").content)] == want
