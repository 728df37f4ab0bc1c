"""sipXcom simulator: the E911 behaviours pbx_erl relies on (reference sipxcom.md §11, §2 settings, §8 user
groups; seed 004 "Using the e911 REST API"), checked through the vendor API only."""

import xml.etree.ElementTree as ET

import pytest
import requests

ADMIN = ("superadmin", "superadmin")
XML = {"Content-Type": "text/xml"}
PLAIN = {"Content-Type": "text/plain"}


class Sipx:
    def __init__(self, sim):
        self.base = sim.url + "/sipxconfig"

    def __call__(self, method, path, **kw):
        kw.setdefault("auth", ADMIN)
        return requests.request(method, self.base + path, timeout=10, **kw)


@pytest.fixture
def sipx(sim):
    return Sipx(sim)


def erls(sipx):
    root = ET.fromstring(sipx("GET", "/rest/erls").content)
    return dict((e.findtext("elin"), [(c.tag, c.text) for c in e]) for e in root.iter("e911Location"))


def two(sipx):
    body = ("<e911Locations><e911Location><location>Floor 1</location><elin>4235551212</elin></e911Location>"
            "<e911Location><location>Floor 2</location><elin>4235551213</elin><addressInfo>1 Main St</addressInfo>"
            "</e911Location></e911Locations>")
    r = sipx("PUT", "/rest/erls", data=body.encode(), headers=XML)
    assert r.status_code == 200, r.text


def test_put_erls_saves_a_list_and_an_elin_put_replaces_the_whole_erl(sipx):
    two(sipx)
    assert sorted(erls(sipx)) == ["4235551212", "4235551213"]
    # An upsert by ELIN: a second list with one of them changes that one and keeps the other.
    body = b"<e911Locations><e911Location><location>Floor 1b</location><elin>4235551212</elin></e911Location>" \
        b"</e911Locations>"
    r = sipx("PUT", "/rest/erls", data=body, headers=XML)
    assert r.status_code == 200
    held = erls(sipx)
    assert dict(held["4235551212"])["location"] == "Floor 1b" and "4235551213" in held
    r = sipx("PUT", "/rest/erl/elin/4235551213", data=b"<e911Location><location>Floor 2</location>"
                                                      b"<elin>4235551213</elin></e911Location>", headers=XML)
    assert r.status_code == 200
    assert dict(erls(sipx)["4235551213"]).get("addressInfo") is None, "a PUT of one ERL replaces it whole"
    r = sipx("PUT", "/rest/erl/elin/4235551299", data=b"<e911Location><location>x</location>"
                                                      b"<elin>4235551299</elin></e911Location>", headers=XML)
    assert r.status_code == 400, "PUT on an ELIN updates; it never creates"


def test_a_phone_location_is_cleared_through_its_hidden_setting(sipx):
    two(sipx)
    pid = int(sipx("POST", "/api/phones", json={"serialNo": "0004f2000001", "model": {"modelId": "acmePhoneStandard"}}
                   ).text)
    body = b"<phones><phone><serial>0004f2000001</serial><elin>4235551212</elin></phone></phones>"
    r = sipx("PUT", "/rest/erl/phones", data=body, headers=XML)
    assert r.status_code == 200
    got = ET.fromstring(sipx("GET", "/rest/erl/phone/0004f2000001").content)
    assert got.findtext("e911Location/elin") == "4235551212"
    # Hidden (every phone.xml declares e911 hidden): not readable, but DELETE resets it (inferred).
    assert sipx("GET", "/api/phones/%d/settings/e911/location" % pid).status_code == 404
    assert sipx("DELETE", "/api/phones/%d/settings/e911/location" % pid).status_code == 200
    got = ET.fromstring(sipx("GET", "/rest/erl/phone/0004f2000001").content)
    assert got.find("e911Location") is None


def test_a_user_group_location_is_cleared_through_its_setting(sipx):
    two(sipx)
    gid = int(sipx("POST", "/api/userGroups", json={"name": "floor1", "weight": 1}).text)
    sipx("POST", "/api/users", json={"userName": "201", "groups": [{"name": "floor1"}]})
    assert sipx("PUT", "/rest/erl/group/floor1", data=b"4235551212", headers=PLAIN).status_code == 200
    assert sipx("GET", "/rest/erl/user/201").text == "4235551212", "a user reads its group's location"
    assert sipx("DELETE", "/api/userGroups/%d/settings/e911/location" % gid).status_code == 200
    assert sipx("GET", "/rest/erl/group/floor1").text == ""
    assert sipx("GET", "/rest/erl/user/201").text == ""


def test_own_locations_win_and_the_heaviest_group_gives_the_rest(sipx):
    two(sipx)
    for name, weight in (("light", 1), ("heavy", 2)):
        sipx("POST", "/api/phoneGroups", json={"name": name, "weight": weight})
        sipx("POST", "/api/userGroups", json={"name": "u" + name, "weight": weight})
    sipx("POST", "/api/phones", json={"serialNo": "0004f2000002", "model": {"modelId": "acmePhoneStandard"},
                                      "groups": [{"name": "light"}, {"name": "heavy"}]})
    sipx("POST", "/api/users", json={"userName": "202", "groups": [{"name": "ulight"}, {"name": "uheavy"}]})
    sipx("PUT", "/rest/erl/phonegroup/light", data=b"4235551212", headers=PLAIN)
    sipx("PUT", "/rest/erl/phonegroup/heavy", data=b"4235551213", headers=PLAIN)
    sipx("PUT", "/rest/erl/group/ulight", data=b"4235551212", headers=PLAIN)
    sipx("PUT", "/rest/erl/group/uheavy", data=b"4235551213", headers=PLAIN)

    def phone():
        return ET.fromstring(sipx("GET", "/rest/erl/phone/0004f2000002").content).findtext("e911Location/elin")

    assert phone() == "4235551213" and sipx("GET", "/rest/erl/user/202").text == "4235551213"
    sipx("PUT", "/rest/erl/phones", data=b"<phones><phone><serial>0004f2000002</serial><elin>4235551212</elin>"
                                         b"</phone></phones>", headers=XML)
    sipx("PUT", "/rest/erl/user/202", data=b"4235551212", headers=PLAIN)
    assert phone() == "4235551212" and sipx("GET", "/rest/erl/user/202").text == "4235551212"
    # Deleting an ERL clears every link to it: the heavier group's location shows again.
    assert sipx("DELETE", "/rest/erl/elin/4235551212").status_code == 200
    assert phone() == "4235551213" and sipx("GET", "/rest/erl/user/202").text == "4235551213"
