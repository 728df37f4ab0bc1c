"""The PortSIP simulator's DECT bases (/dect_phones, members, /dect_phone_models), the profile checks
on phones and the re-provisioning counts of phones assigned through the API, through plain HTTP.

The spec (portsip-openapi-22.2.json, x-subcategory dect-phones) gives the shapes; what it leaves open
is marked inferred in portsip_state.py and docs/simulator.md."""

import json
import os

import pytest

from test_portsip_api import PHONE, TENANT, PortSIP, error_code, user_body

DECT = {"name": "Front desk", "mac": "CC-5E-F8-41-B7-94", "template": "yealinkW60B.dect.xml", "vendor": "Yealink",
        "model": "SIP-W60B", "password": "dect-web", "timezone": "GMT", "language": "ENGLISH", "tone": "Germany",
        "codecs": ["PCMU"], "interface": "WEB_DOMAIN", "preferred_transport": "UDP"}
DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pbxsim", "data",
                    "portsip-models.json")


@pytest.fixture
def acme(sim):
    api = PortSIP(sim)
    api.login()
    tenant = api.create("/tenants", TENANT)
    assert api.post("/tenants/switch", params={"id": tenant}).status_code == 200
    api.users = dict((n, api.create("/users", user_body(n))) for n in ("101", "102", "103"))
    return api


def test_dect_models_come_from_the_catalogue(acme):
    with open(DATA, encoding="utf-8") as fh:
        data = json.load(fh)["dect_phone_models"]
    items = acme.get("/dect_phone_models").json()["items"]
    assert [(i["filename"], i["model"], i["lines"], i["display_name"]) for i in items] == [
        (m["name"], m["model"], m["max_handsets"], m["display_name"]) for m in data]
    detail = acme.get("/dect_phone_models/snomM900.dect.xml").json()
    assert detail["template"] == "snomM900.dect.xml" and detail["lines"] == 100
    assert detail["tones"][:2] == ["USA", "Germany"]
    assert error_code(acme.get("/dect_phone_models/nothing.xml")) == "NOT_FOUND"


def test_dect_base_lifecycle(acme):
    base = acme.create("/dect_phones", DECT)
    got = acme.get("/dect_phones/" + base).json()
    assert (got["mac"], got["name"], got["lines"], got["tone"], got["region"]) == (
        "cc:5e:f8:41:b7:94", "Front desk", 8, "Germany", None)
    assert [b["id"] for b in acme.get("/dect_phones").json()["items"]] == [base]
    # create-only fields are refused on update, like a user phone's
    r = acme.post("/dect_phones/" + base, {"template": "yealinkW70B.dect.xml"})
    assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"
    assert acme.post("/dect_phones/" + base, {"name": "Lobby", "region": "Europe"}).status_code == 200
    assert acme.get("/dect_phones/" + base).json()["name"] == "Lobby"
    # one MAC, one device (inferred): neither a second base nor a user phone may take it
    assert acme.post("/dect_phones", DECT).status_code == 400
    assert acme.post("/users/%s/phones" % acme.users["101"], dict(PHONE, mac=DECT["mac"])).status_code == 400
    # /phones is the IP-phone inventory: the base is not there (inferred)
    assert acme.get("/phones").json()["items"] == []
    assert acme.get("/phones/cc:5e:f8:41:b7:94").status_code == 404
    r = acme.post("/dect_phones/%s/destroy" % base)
    assert r.status_code == 204 and r.content == b""
    assert acme.get("/dect_phones/" + base).status_code == 404
    assert acme.post("/dect_phones/%s/destroy" % base).status_code == 400
    acme.create("/dect_phones", DECT)  # the MAC is free again


@pytest.mark.parametrize("change, field", [
    ({"template": "nothing.dect.xml"}, "template"),
    ({"model": "SIP-W70B"}, "model"),
    ({"vendor": "Snom"}, "vendor"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"tone": "Atlantis"}, "tone"),
    ({"codecs": ["PCMU", "OPUS"]}, "codecs"),
    ({"mac": "not-a-mac"}, "mac"),
])
def test_dect_create_refusals(acme, change, field):
    r = acme.post("/dect_phones", dict(DECT, **change))
    assert r.status_code == 400 and r.json()["errors"][0]["detail"][0]["field"] == field, r.text
    assert acme.get("/dect_phones").json()["items"] == []


def test_members_are_replaced_as_a_whole_in_handset_order(acme):
    base = acme.create("/dect_phones", DECT)
    members = "/dect_phones/%s/members" % base
    assert acme.get(members).json() == {"items": []}
    two = {"items": [{"extension_number": "102"}, {"extension_number": "101", "ipui": "0077FF1234"}]}
    assert acme.post(members, two).status_code == 200
    items = acme.get(members).json()["items"]
    assert [(m["extension_number"], m["handset_index"], m["ipui"], m["display_name"]) for m in items] == [
        ("102", "1", None, "User 102"), ("101", "2", "0077FF1234", "User 101")]
    assert items[0]["id"] == acme.users["102"]
    assert acme.get(members + "/101").json()["handset_index"] == "2"
    assert acme.get(members + "/103").status_code == 404
    assert acme.post(members, {"items": [{"extension_number": "103", "handset_index": "4"}]}).status_code == 200
    assert [(m["extension_number"], m["handset_index"]) for m in acme.get(members).json()["items"]] == [("103", "4")]
    for bad in ({"items": [{"extension_number": "999"}]}, {"items": [{"extension_number": "101"}] * 2},
                {"items": [{"extension_number": "1%02d" % n} for n in range(9)]}, {"items": "101"}, {}):
        r = acme.post(members, bad)
        assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED", bad
    assert [m["extension_number"] for m in acme.get(members).json()["items"]] == ["103"]
    # a destroyed user's handset leaves the list (inferred)
    assert acme.post("/users/%s/destroy" % acme.users["103"]).status_code == 204
    assert acme.get(members).json()["items"] == []


def test_user_phones_keep_to_their_templates_profile(acme):
    phones = "/users/%s/phones" % acme.users["101"]
    for change in ({"timezone": "Mars/Olympus"}, {"language": "KLINGON"}, {"codecs": ["OPUS"]},
                   {"backlight": "forever"}):
        r = acme.post(phones, dict(PHONE, **change))
        assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED", change
    phone = acme.create(phones, dict(PHONE, backlight="1 minute"))
    assert acme.post("%s/%s" % (phones, phone), {"timezone": "Mars/Olympus"}).status_code == 400
    assert acme.post("%s/%s" % (phones, phone), {"timezone": "GMT, London"}).status_code == 200


def test_reprovisions_of_phones_assigned_through_the_api_are_counted(acme, sim):
    acme.create("/users/%s/phones" % acme.users["101"], PHONE)
    for dummy in range(2):
        assert acme.post("/phones/0c:38:3e:63:fe:e8/reprovision").status_code == 200
    assert acme.post("/phones/0c:38:3e:63:fe:e8/reboot").status_code == 200
    assert acme.post("/phones/reprovision").status_code == 200
    events = sim.ops("GET", "portsip/phones/0c383e63fee8")
    assert (events["reprovisions"], events["reboots"]) == (3, 1)
