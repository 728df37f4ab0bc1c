"""sipXcom simulator: the Restlet stack (/sipxconfig/rest): branches, E911
locations and their links, the legacy user resource."""

import xml.etree.ElementTree as ET

import pytest
import requests

ADMIN = ("superadmin", "superadmin")
TEXT_XML = {"Content-Type": "text/xml"}


class Rest:
    def __init__(self, sim):
        self.base = sim.url + "/sipxconfig"

    def __call__(self, method, path, **kw):
        kw.setdefault("auth", ADMIN)
        return requests.request(method, self.base + path, timeout=10, **kw)

    def put_xml(self, path, xml):
        return self("PUT", path, data=xml.encode(), headers=TEXT_XML)


@pytest.fixture
def rest(sim):
    return Rest(sim)


def envelope(r):
    doc = ET.fromstring(r.content)
    assert doc.tag == "response"
    return doc.findtext("code"), doc.findtext("message"), doc.findtext("data/id"), \
        doc.findtext("data/additionalMessage")


BRANCH = ("<branch><name>hq</name><description>Head office</description><address><street>1 Main St</street>"
          "<city>Springfield</city></address><phoneNumber>5551212</phoneNumber></branch>")


def test_branch_lifecycle(rest):
    r = rest.put_xml("/rest/branch", BRANCH)
    code, message, bid = envelope(r)[:3]
    assert (r.status_code, code, message) == (201, "SUCCESS_CREATED", "Created") and bid.isdigit()
    got = ET.fromstring(rest("GET", "/rest/branch/" + bid).content)
    assert [c.tag for c in got] == ["id", "name", "description", "address", "phoneNumber"]
    assert [c.tag for c in got.find("address")] == ["id", "street", "city"]
    r = rest.put_xml("/rest/branch/" + bid, "<branch><name>hq</name></branch>")  # a full replacement
    assert (r.status_code, envelope(r)[0]) == (200, "SUCCESS_UPDATED")
    got = ET.fromstring(rest("GET", "/rest/branch/" + bid).content)
    assert [c.tag for c in got] == ["id", "name"]
    assert envelope(rest("DELETE", "/rest/branch/" + bid))[0] == "SUCCESS_DELETED"
    r = rest("GET", "/rest/branch/" + bid)
    assert (r.status_code, envelope(r)[0]) == (400, "ERROR_OBJECT_NOT_FOUND")


def test_branch_errors(rest):
    r = rest("GET", "/rest/branch/abc")
    assert (r.status_code, envelope(r)[0]) == (400, "ERROR_ID_INVALID")
    r = rest("DELETE", "/rest/branch")
    assert (r.status_code, envelope(r)[0]) == (400, "ERROR_MISSING_ID")
    assert rest("POST", "/rest/branch", data=BRANCH, headers=TEXT_XML).status_code == 405
    r = rest.put_xml("/rest/branch", "<branch><description>x</description></branch>")
    assert (r.status_code, envelope(r)[0], envelope(r)[3]) == (
        400, "ERROR_VALIDATION_FAILED", "Name: Cannot be empty")
    rest.put_xml("/rest/branch", BRANCH)
    r = rest.put_xml("/rest/branch", BRANCH)
    assert (r.status_code, envelope(r)[0]) == (500, "ERROR_CREATE_FAILED")
    r = rest("PUT", "/rest/branch", data=b"<branch><name>", headers=TEXT_XML)
    assert r.status_code == 500 and envelope(r)[0] == "ERROR_CREATE_FAILED"


def test_branch_json_needs_the_root_wrapper_and_lists_page(rest):
    r = rest("PUT", "/rest/branch", json={"name": "flat"})
    assert r.status_code == 500 and envelope(r)[0] == "ERROR_CREATE_FAILED"
    for n in range(5):
        assert rest("PUT", "/rest/branch", json={"branch": {"name": "b%d" % n}}).status_code == 201
    listing = rest("GET", "/rest/branch?page=9&pagesize=2&sortby=name&sortdir=reverse",
                   headers={"Accept": "application/json"}).json()["branch"]
    assert listing["metadata"] == {"totalResults": 5, "currentPage": 3, "totalPages": 3, "resultsPerPage": 2}
    assert [b["name"] for b in listing["branches"]] == ["b0"]
    assert rest("GET", "/rest/branch").text.startswith('<?xml version="1.0" encoding="UTF-8"?><branch><metadata>')


def test_deleting_a_branch_unlinks_its_users(rest, sim):
    bid = envelope(rest.put_xml("/rest/branch", BRANCH))[2]
    rest("POST", "/api/users", json={"userName": "201", "branchName": "hq"})
    rest("DELETE", "/rest/branch/" + bid)
    assert rest("GET", "/api/users/201").json()["branchName"] is None


ERLS = ("<e911Locations><e911Location><location>1 Main St</location><elin>4235551212</elin>"
        "<addressInfo>Floor 1</addressInfo></e911Location><e911Location><location>1 Main St</location>"
        "<elin>4235551213</elin><description>Floor 2</description></e911Location></e911Locations>")


def test_erls_upsert_read_update_delete(rest):
    r = rest.put_xml("/rest/erls", ERLS)
    assert (r.status_code, envelope(r)[0]) == (200, "SUCCESS_UPDATED")
    listed = ET.fromstring(rest("GET", "/rest/erls").content)
    assert [e.findtext("elin") for e in listed] == ["4235551212", "4235551213"]
    assert [c.tag for c in listed[0]] == ["location", "elin", "addressInfo"]
    one = ET.fromstring(rest("GET", "/rest/erl/elin/4235551213").content)
    assert one.tag == "e911Location" and one.findtext("description") == "Floor 2"
    rest.put_xml("/rest/erl/elin/4235551213", "<e911Location><location>2 Main St</location><elin>4235551213"
                                              "</elin></e911Location>")
    assert ET.fromstring(rest("GET", "/rest/erl/elin/4235551213").content).findtext("location") == "2 Main St"
    rest.put_xml("/rest/erls", ERLS)  # an upsert by ELIN, not a second copy
    assert len(ET.fromstring(rest("GET", "/rest/erls").content)) == 2
    assert envelope(rest("DELETE", "/rest/erl/elin/4235551212"))[0] == "SUCCESS_DELETED"
    r = rest("GET", "/rest/erl/elin/4235551212")
    assert (r.status_code, envelope(r)[0]) == (400, "ERROR_OBJECT_NOT_FOUND")


def test_erl_validation(rest):
    r = rest.put_xml("/rest/erls", "<e911Locations><e911Location><location>x</location></e911Location>"
                                   "</e911Locations>")
    assert (r.status_code, envelope(r)[3]) == (400, "&blank.elin.error")
    r = rest.put_xml("/rest/erls", "<e911Locations><e911Location><elin>1</elin></e911Location></e911Locations>")
    assert envelope(r)[3] == "&blank.location.error"
    assert rest("GET", "/rest/erls").text.endswith("<e911Locations></e911Locations>")


def test_user_group_and_phone_links(rest):
    rest.put_xml("/rest/erls", ERLS)
    rest("POST", "/api/users", json={"userName": "201", "groups": [{"name": "floor1"}]})
    assert rest("GET", "/rest/erl/user/201").text == ""
    r = rest("PUT", "/rest/erl/user/201", data="4235551212", headers={"Content-Type": "text/plain"})
    assert (r.status_code, envelope(r)[0]) == (200, "SUCCESS_UPDATED")
    assert rest("GET", "/rest/erl/user/201").text == "4235551212"
    location = rest("GET", "/api/users/201/settings/e911/location").json()["value"]
    assert location is not None and location.isdigit()
    r = rest("PUT", "/rest/erl/user/201", data="999", headers={"Content-Type": "text/plain"})
    assert (r.status_code, envelope(r)[0]) == (400, "ERROR_OBJECT_NOT_FOUND")
    assert rest("PUT", "/rest/erl/user/nobody", data="4235551212").status_code == 400
    rest("PUT", "/rest/erl/group/floor1", data="4235551213")
    assert rest("GET", "/rest/erl/group/floor1").text == "4235551213"
    rest("DELETE", "/rest/erl/elin/4235551212")  # clears every link to it: the group's location shows
    assert rest("GET", "/rest/erl/user/201").text == "4235551213"
    rest("DELETE", "/rest/erl/group/floor1")
    assert rest("GET", "/rest/erl/user/201").text == ""
    assert rest("GET", "/api/users/201/settings/e911/location").json()["value"] is None

    rest("POST", "/api/phones", json={"serialNo": "0004f2000001", "model": {"modelId": "acmePhoneStandard"},
                                      "groups": [{"name": "lab"}]})
    assert rest("GET", "/rest/erl/phone/0004f2000001").text.endswith("<e911Locations></e911Locations>")
    rest("PUT", "/rest/erl/phonegroup/lab", data="4235551213")
    got = ET.fromstring(rest("GET", "/rest/erl/phone/0004f2000001").content)
    assert [(c.tag, c.text) for c in got[0]] == [("location", "1 Main St"), ("elin", "4235551213"),
                                                 ("description", "Floor 2"), ("serial", "0004f2000001")]
    bad = rest.put_xml("/rest/erl/phones", "<phones><phone><serial>0004f2000009</serial><elin>4235551213</elin>"
                                           "</phone></phones>")
    assert bad.status_code == 400
    ok = rest.put_xml("/rest/erl/phones", "<phones><phone><serial>0004f2000001</serial><elin>4235551213</elin>"
                                          "</phone></phones>")
    assert ok.status_code == 200


def test_legacy_user_resource(rest):
    gid = rest("POST", "/api/userGroups", json={"name": "sales", "weight": 1}).text
    body = ("<user><userName>301</userName><firstName>Bob</firstName><pin>2468</pin><sipPassword>pw</sipPassword>"
            "<groups><group><id>%s</id></group></groups><aliases><alias><alias>bob</alias></alias></aliases>"
            "</user>" % gid)
    r = rest.put_xml("/rest/user", body)
    code, uid = envelope(r)[0], envelope(r)[2]
    assert (r.status_code, code) == (201, "SUCCESS_CREATED")
    got = ET.fromstring(rest("GET", "/rest/user/" + uid).content)
    assert (got.findtext("pin"), got.findtext("sipPassword")) == ("", "")  # always read back empty
    assert got.findtext("groups/group/name") == "sales" and got.findtext("aliases/alias/alias") == "bob"
    assert rest("GET", "/api/users/bob").json()["sipPassword"] == "pw"
    assert rest("GET", "/api/users", auth=("301", "2468")).status_code == 403  # the PIN logs in
    rest.put_xml("/rest/user/" + uid, "<user><userName>301</userName><pin></pin><sipPassword></sipPassword></user>")
    got = ET.fromstring(rest("GET", "/rest/user/" + uid).content)
    assert got.find("groups") is None and got.find("aliases") is None  # omitted means cleared
    assert rest("GET", "/api/users/301").json()["sipPassword"] == "pw"  # empty keeps it
    r = rest.put_xml("/rest/user", "<user><firstName>x</firstName><pin/><sipPassword/></user>")
    assert (r.status_code, envelope(r)[3]) == (400, "UserName: Cannot be empty")
    assert rest("GET", "/rest/user/9999").status_code == 400
    listing = ET.fromstring(rest("GET", "/rest/user?sortby=username&sortdir=reverse").content)
    assert [u.findtext("userName") for u in listing.find("users")] == ["superadmin", "301"]
