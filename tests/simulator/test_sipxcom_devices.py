"""sipXcom simulator: phones (lines, groups, settings, sendProfile), phone groups,
gateways (models, settings, ports, dial rules) and call groups."""

import json
import os

import pytest

from apis import JSON, SipxcomApi
MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pbxsim", "data",
                      "sipxcom-models.json")


@pytest.fixture
def api(sim):
    return SipxcomApi(sim)


def phone(serial="0004f2ae4838", model="acmePhoneStandard", **over):
    body = {"serialNo": serial, "description": "Desk", "model": {"modelId": model}, "deviceVersion": "acmePhone1",
            "groups": [{"name": "hq"}], "lines": None}
    body.update(over)
    return body


# -- phones ----------------------------------------------------------------------------
def test_phone_create_and_read_back(api):
    pid = api.create("/api/phones", phone())
    got = api("GET", "/api/phones/0004f2ae4838").json()
    assert list(got) == ["id", "serialNo", "deviceVersion", "description", "model", "lines", "groups"]
    assert got["id"] == pid and got["deviceVersion"] == "acmePhone1"
    assert got["model"] == {"modelId": "acmePhoneStandard", "label": "Acme", "vendor": None,
                            "versions": ["acmePhone1", "acmePhone2"]}
    assert got["lines"] is None
    assert [(g["name"], g["count"]) for g in got["groups"]] == [("hq", None)]
    assert api("GET", "/api/phones/%d" % pid).json() == got
    assert api("GET", "/api/phoneGroups/hq").json()["count"] == 1


@pytest.mark.parametrize("serial", ["0004F2AE4838", "00:04:f2:ae:48:38", "0004f2ae48", "zz04f2ae4838"])
def test_serials_must_match_the_model_pattern_unnormalised(api, serial):
    r = api("POST", "/api/phones", json=phone(serial), headers=JSON)
    assert r.status_code == 500
    assert r.text.endswith("PhoneContextImpl$InvalidSerialNumberException: &error.invalidSerialNumberException")
    assert api("GET", "/api/phoneGroups/hq").status_code == 404, "nothing may be half-created"


def test_non_mac_models_take_other_serials(api):
    api.create("/api/phones", phone("BriaDesk01", "counterpathCMCEnterprise", deviceVersion=None))


def test_phone_create_errors(api):
    api.create("/api/phones", phone())
    dup = api("POST", "/api/phones", json=phone(), headers=JSON)
    assert dup.status_code == 500 and dup.text.endswith("&error.duplicateSerialNumberException")
    no_model = api("POST", "/api/phones", json=phone("0004f2ae4839", model=None) | {"model": None}, headers=JSON)
    assert (no_model.status_code, no_model.text) == (404, "No such phone model defined")
    bad = api("POST", "/api/phones", json=phone("0004f2ae4839", "nokia3310"), headers=JSON)
    assert (bad.status_code, bad.text) == (500, "java.lang.IllegalArgumentException: No such model with id "
                                                "'nokia3310'")
    missing = api("POST", "/api/phones", json=phone(None), headers=JSON)
    assert (missing.status_code, missing.text) == (500, "java.lang.NullPointerException")


def test_phone_put_sets_three_fields_and_adds_groups(api):
    api.create("/api/phones", phone())
    body = {"serialNo": "0004f2ae4839", "groups": [{"name": "lab"}], "model": {"modelId": "polycom335"}}
    r = api("PUT", "/api/phones/0004f2ae4838", json=body, headers=JSON)
    assert r.status_code == 200
    got = api("GET", "/api/phones/0004f2ae4839").json()
    assert (got["description"], got["deviceVersion"], got["model"]["modelId"]) == (None, None, "acmePhoneStandard")
    assert sorted(g["name"] for g in got["groups"]) == ["hq", "lab"]
    assert api("GET", "/api/phones/0004f2ae4838").status_code == 404
    r = api("PUT", "/api/phones/0004f2ae4839", json={"description": "no serial"}, headers=JSON)
    assert r.status_code == 500


def test_an_all_digit_mac_is_taken_for_an_id(api):
    api.create("/api/phones", phone("000000000123"))
    r = api("GET", "/api/phones/000000000123")
    assert r.status_code == 404
    assert "HibernateObjectRetrievalFailureException" in r.text and "Phone#123" in r.text
    missing = api("GET", "/api/phones/0004f2ffffff")
    assert (missing.status_code, missing.content) == (404, b"")


def test_lines(api):
    api.create("/api/users", {"userName": "201", "firstName": "Ann", "lastName": "Lee", "sipPassword": "pw"})
    api.create("/api/phones", phone())
    assert api("GET", "/api/phones/0004f2ae4838/lines").json() == {"lines": []}
    r = api("POST", "/api/phones/0004f2ae4838/lines", json={"user": "201"}, headers=JSON)
    assert (r.status_code, r.content) == (200, b"")
    line = api("GET", "/api/phones/0004f2ae4838").json()["lines"][0]
    assert line["uri"] == '"Ann Lee"<sip:201@pbxsim.example.com>'
    assert (line["user"], line["userId"], line["password"]) == ("201", "201", "pw")
    assert api("POST", "/api/phones/0004f2ae4838/lines", json={"user": "nobody"}, headers=JSON).text == \
        "User not found"
    api("POST", "/api/phones/0004f2ae4838/lines", json={"user": "201"}, headers=JSON)  # twice is fine
    api("POST", "/api/phones/0004f2ae4838/lines", json={"userId": "ext", "registrationServer": "sip.example"},
        headers=JSON)
    over = api("POST", "/api/phones/0004f2ae4838/lines", json={"user": "201"}, headers=JSON)  # acme: 3 lines
    assert over.status_code == 500 and "MaxLinesException" in over.text
    assert [p["serialNo"] for p in api("GET", "/api/users/name/201/phones").json()["phones"]] == ["0004f2ae4838"]
    assert len(api("GET", "/api/phones/line?lineFilter=201").json()["phones"]) == 1
    lid = line["id"]
    api("PUT", "/api/phones/x/lines/%d/settings/credential/displayName" % lid, data="Front desk")
    assert api("GET", "/api/phones/x/lines/%d/settings/credential/displayName" % lid).json()["value"] == \
        "Front desk"
    assert api("DELETE", "/api/phones/0004f2ae4838/lines/%d" % lid).status_code == 200
    assert len(api("GET", "/api/phones/0004f2ae4838/lines").json()["lines"]) == 2


def test_phone_groups_settings_and_send_profile(api):
    pid = api.create("/api/phones", phone(groups=None))
    assert api("GET", "/api/phones/%d/groups" % pid).json() == {"groups": []}
    assert api("POST", "/api/phones/%d/groups/lab" % pid).status_code == 200
    assert api("DELETE", "/api/phones/%d/groups/none" % pid).status_code == 404
    api("PUT", "/api/phones/%d/settings/server/outboundProxy" % pid, data="proxy.example", headers={})
    assert api("GET", "/api/phones/%d/settings/server/outboundProxy" % pid).json()["value"] == "proxy.example"
    assert api("GET", "/api/phones/%d/settings/e911/location" % pid).status_code == 404  # hidden on phones
    for path in ("/api/phones/%d/sendProfile" % pid, "/api/phones/%d/sendProfile/restart" % pid,
                 "/api/phones/sendProfile/all", "/api/phones/phoneGroup/name/lab/sendProfile"):
        r = api("PUT", path)
        assert (r.status_code, r.content) == (200, b""), path
    assert api("PUT", "/api/phones/sendProfile", json={"ids": [pid]}).status_code == 200
    assert api("PUT", "/api/phones/0004f2ffffff/sendProfile").status_code == 500
    assert api("DELETE", "/api/phones/%d" % pid).status_code == 200
    assert api("GET", "/api/phoneGroups/lab").json()["count"] is None


def test_phone_group_models_and_model_settings(api):
    api.create("/api/phoneGroups", {"name": "lab", "weight": 1})
    catalogue = json.load(open(MODELS))
    models = api("GET", "/api/phoneGroups/lab/models").json()["models"]
    assert [m["modelId"] for m in models] == [m["modelId"] for m in catalogue["phone_models"]]
    path = "/api/phoneGroups/lab/model/polycom335/settings/network/ntpServer"
    assert api("PUT", path, data="ntp.example").status_code == 200
    assert api("GET", path).json()["value"] == "ntp.example"
    defaults = api("GET", "/api/phoneGroups/lab/model/polycom335/settings").json()["settings"]
    assert {s["path"]: s["value"] for s in defaults}["network/ntpServer"] is None  # the model's defaults
    assert api("GET", "/api/phoneGroups/lab/model/nokia/settings").status_code == 500


def test_phone_model_catalogue(api):
    catalogue = json.load(open(MODELS))
    models = api("GET", "/api/phones/models").json()["models"]
    assert len(models) == len(catalogue["phone_models"]) == 178
    assert all(list(m) == ["modelId", "label", "vendor", "versions"] for m in models)
    assert all(m["versions"] is None or m["versions"] for m in models)
    assert [m["modelId"] for m in models][:2] == ["SPA501G", "SPA502G"]


# -- gateways ------------------------------------------------------------------------------
def gateway(**over):
    body = {"name": "gw1", "description": "d", "model": {"modelId": "sipTrunkStandard"}, "enabled": True,
            "address": "192.0.2.10", "addressPort": 0, "outboundAddress": None, "outboundPort": 5060,
            "addressTransport": "none", "prefix": None, "shared": True, "useInternalBridge": True, "branch": None,
            "callerAliasInfo": {"anonymous": False, "ignoreUserInfo": False, "transformUserExtension": False,
                                "keepDigits": 0}}
    body.update(over)
    return body


def test_gateway_put_replaces_everything(api):
    gid = api.create("/api/gateways", gateway(prefix=500))
    assert api("GET", "/api/gateways/%d" % gid).json()["prefix"] == "500"
    r = api("PUT", "/api/gateways/%d" % gid, json={"name": "gw1", "address": "192.0.2.11"}, headers=JSON)
    assert r.text == str(gid)
    got = api("GET", "/api/gateways/%d" % gid).json()
    assert (got["enabled"], got["shared"], got["useInternalBridge"]) == (False, False, False)
    assert (got["outboundPort"], got["description"], got["prefix"]) == (0, None, None)
    assert got["callerAliasInfo"]["keepDigits"] == 0 and got["serialNo"] is None
    assert got["model"]["modelId"] == "sipTrunkStandard"


def test_gateway_errors_and_lookups(api):
    api.create("/api/gateways", gateway())
    dup = api("POST", "/api/gateways", json=gateway(), headers=JSON)
    assert dup.status_code == 500 and dup.text.endswith("DuplicateNameException: &error.duplicateNameException")
    assert api("POST", "/api/gateways", json=gateway(name="x", model=None), headers=JSON).text == \
        "No such phone model defined"
    assert api("POST", "/api/gateways", json=gateway(name="x", model={"modelId": "nope"}), headers=JSON) \
        .status_code == 404
    assert api("POST", "/api/gateways", json=gateway(name="att", model={"modelId": "itspAtt"}),
               headers=JSON).status_code == 200  # ITSP templates are accepted though not listed
    assert api("GET", "/api/gateways/gw1").status_code == 500  # names are not keys
    missing = api("GET", "/api/gateways/999")
    assert missing.status_code == 404 and "Gateway#999" in missing.text
    assert api("DELETE", "/api/gateways/999").status_code == 404


def test_gateway_models_ports_settings_and_rules(api):
    models = api("GET", "/api/gateways/models").json()["models"]
    assert len(models) == 10 and not any(m["modelId"].startswith("itsp") for m in models)
    trunk = api.create("/api/gateways", gateway())
    fxo = api.create("/api/gateways", gateway(name="fxo", model={"modelId": "audiocodesMP1X4_4_FXO"}))
    assert "Maximum number of ports is 0" in api("POST", "/api/gateways/%d/ports" % trunk, headers=JSON).text
    ports = [api("POST", "/api/gateways/%d/ports" % fxo, headers=JSON) for _n in range(5)]
    assert [p.status_code for p in ports] == [200] * 4 + [500]
    listed = api("GET", "/api/gateways/%d/ports" % fxo).json()["ports"]
    assert [p["id"] for p in listed] == [int(p.text) for p in ports[:4]]
    port = listed[0]["id"]
    api("PUT", "/api/gateways/%d/ports/%d/settings/Port/extension" % (fxo, port), data="300")
    assert api("GET", "/api/gateways/%d/ports/%d/settings/Port/extension" % (fxo, port)).json()["value"] == "300"
    assert api("DELETE", "/api/gateways/%d/ports/%d" % (fxo, port)).status_code == 200
    settings = api("GET", "/api/gateways/%d/settings" % trunk).json()["settings"]
    assert {s["path"] for s in settings} >= {"itsp-account/user-name", "itsp-account/registration-interval"}
    rules = api("GET", "/api/gateways/%d/availablerules" % trunk).json()["rules"]
    assert api("PUT", "/api/gateways/%d/rules/%d" % (trunk, rules[0]["id"])).status_code == 200
    assert len(api("GET", "/api/gateways/%d/availablerules" % trunk).json()["rules"]) == len(rules) - 1
    api("DELETE", "/api/gateways/%d/rules/%d" % (trunk, rules[0]["id"]))
    assert len(api("GET", "/api/gateways/%d/availablerules" % trunk).json()["rules"]) == len(rules)


# -- call groups -------------------------------------------------------------------------
def test_call_groups(api):
    for n in ("201", "202"):
        api.create("/api/users", {"userName": n})
    body = {"name": "sales", "extension": "300", "did": "4235550300", "description": "d", "enabled": True,
            "ringBeans": [{"userName": "201", "typeStr": "At the same time", "enabled": True, "expiration": 20},
                          {"userName": "nobody", "expiration": 5},
                          {"userName": "202", "typeStr": "At the same time", "enabled": True, "expiration": 20,
                           "extra": "ignored"}]}
    assert api("POST", "/api/callgroups", json=body, headers=JSON).status_code == 200
    for key in ("300", "sales", "4235550300"):
        got = api("GET", "/api/callgroups/" + key).json()
        assert got["extension"] == "300"
    assert "id" not in got and (got["voicemailFallback"], got["userForward"]) == (True, True)
    assert [(r["userName"], r["typeStr"]) for r in got["ringBeans"]] == [("201", None), ("202", "At the same time")]
    miss = api("GET", "/api/callgroups/999")
    assert (miss.status_code, miss.content) == (204, b"")
    clash = api("POST", "/api/callgroups", json={"name": "x", "extension": "201"}, headers=JSON)
    assert clash.status_code == 500 and "nameInUse" in clash.text
    user_clash = api("POST", "/api/users", json={"userName": "sales"}, headers=JSON)
    assert user_clash.status_code == 500
    assert api("PUT", "/api/callgroups/300", json=dict(body, description="new"), headers=JSON).status_code == 200
    assert api("GET", "/api/callgroups/prefix/3").json()["callGroups"][0]["description"] == "new"
    assert api("DELETE", "/api/callgroups/sales").status_code == 200
    assert api("DELETE", "/api/callgroups/sales").status_code == 200
    assert api("GET", "/api/callgroups").json() == {"callGroups": []}
