"""sipXcom simulator, the phone behaviour pbx_phone relies on, checked against the vendor's code
(sipXcom/sipxecs PhoneApiImpl.java, PhoneGroupApiImpl.java) and reference sipxcom.md §5, §6, §2:
sendProfile counted per phone, the group-name substring test of PUT, the model settings of a phone
group route that never loads the group, booleans of both styles, the line limit."""

import pytest

from apis import JSON, SipxcomApi


@pytest.fixture
def api(sim):
    return SipxcomApi(sim)


def phone(api, serial, model="yealinkPhoneSIPT46S", groups=None):
    return api.create("/api/phones", {"serialNo": serial, "description": None, "model": {"modelId": model},
                                      "deviceVersion": None, "groups": groups, "lines": None})


def sent(sim, serial):
    answer = sim.ops("GET", "sipxcom/phones/%s" % serial)
    return answer["profiles_sent"], answer["restarts"]


def test_every_send_profile_form_is_counted_per_phone(sim, api):
    sim.fixtures("sipxcom", "users", [{"userName": "101"}])
    one, two, three = (phone(api, "0004f200000%d" % n, groups=[{"name": "hq"}] if n == 3 else None)
                       for n in (1, 2, 3))
    assert api("POST", "/api/phones/%d/lines" % two, json={"user": "101"}, headers=JSON).status_code == 200
    sim.reset_stats()
    calls = [("/api/phones/sendProfile", {"ids": [one, two]}), ("/api/phones/sendProfile/restart", {"ids": [one]}),
             ("/api/phones/%d/sendProfile" % three, None), ("/api/phones/0004f2000003/sendProfile/restart", None),
             ("/api/phones/sendProfile/all", None), ("/api/phones/user/name/101/sendProfile", None),
             ("/api/phones/phoneGroup/name/hq/sendProfile", None)]
    for path, body in calls:
        r = api("PUT", path, json=body, headers=JSON) if body else api("PUT", path)
        assert (r.status_code, r.content) == (200, b""), path
    assert [sent(sim, "0004f200000%d" % n) for n in (1, 2, 3)] == [(3, 1), (3, 0), (4, 1)]
    stats = sim.stats()["by_platform"]["sipxcom"]
    assert stats["writes"] == len(calls), "every sendProfile is a PUT, counted as a write"
    assert stats["by_route"]["PUT /sipxconfig/api/phones/sendProfile"]["writes"] == 1


def test_send_profile_with_an_unknown_id_sends_nothing(sim, api):
    one = phone(api, "0004f2000001")
    r = api("PUT", "/api/phones/sendProfile", json={"ids": [one, 999]}, headers=JSON)
    assert r.status_code == 404 and "phone.Phone#999" in r.text
    assert sent(sim, "0004f2000001") == (0, 0)
    assert api("PUT", "/api/phones/sendProfile", data="<Ids/>", headers={"Content-Type": "text/xml"}).status_code == 415
    assert api("PUT", "/api/phones/0004f2999999/sendProfile").status_code == 500  # NPE on a null phone
    missing = sim.http.get(sim.url + "/_sim/sipxcom/phones/0004f2999999", timeout=10)
    assert missing.status_code == 404


def test_put_skips_a_group_whose_name_is_part_of_a_current_group_name(api):
    pid = phone(api, "0004f2000001", groups=[{"name": "sales-team"}])
    body = {"serialNo": "0004f2000001", "description": None, "deviceVersion": None,
            "model": {"modelId": "yealinkPhoneSIPT46S"}, "groups": [{"name": "sales"}, {"name": "hq"}],
            "lines": None}
    assert api("PUT", "/api/phones/%d" % pid, json=body, headers=JSON).status_code == 200

    def names():
        return sorted(g["name"] for g in api("GET", "/api/phones/%d/groups" % pid).json()["groups"])
    assert names() == ["hq", "sales-team"], "StringUtils.contains(groupNames, name) skips sales"
    assert api("POST", "/api/phones/%d/groups/sales" % pid, headers=JSON).status_code == 200
    assert names() == ["hq", "sales", "sales-team"], "the groups sub-resource has no such test"
    body["groups"] = None  # convertToPhone checks for null groups (21.04)
    assert api("PUT", "/api/phones/%d" % pid, json=body, headers=JSON).status_code == 200
    assert names() == ["hq", "sales", "sales-team"], "PUT never removes a group"
    assert api("DELETE", "/api/phones/%d/groups/hq" % pid).status_code == 200
    assert api("DELETE", "/api/phones/%d/groups/nosuch" % pid).status_code == 404


def test_phone_group_model_settings_never_load_the_group(api):
    assert api("GET", "/api/phoneGroups").json()["groups"] == []
    settings = api("GET", "/api/phoneGroups/nosuch/model/yealinkPhoneSIPT46S/settings", headers=JSON).json()
    paths = dict((s["path"], s) for s in settings["settings"])
    assert paths["features/callWaiting"]["defaultValue"] == "1" and paths["features/callWaiting"]["type"] == "boolean"
    assert paths["features/autoAnswer"]["value"] == "false"
    assert len(api("GET", "/api/phoneGroups/42/models").json()["models"]) == 178
    assert api("GET", "/api/phoneGroups/nosuch/model/nokia/settings").status_code == 500  # getModel throws


def test_boolean_settings_hold_what_is_written_and_unknown_paths_are_ignored(api):
    pid = phone(api, "0004f2000001")
    text = {"Content-Type": "text/plain"}
    for path, value in (("features/callWaiting", "0"), ("features/autoAnswer", "true"), ("server/nosuch", "x")):
        assert api("PUT", "/api/phones/%d/settings/%s" % (pid, path), data=value, headers=text).status_code == 200
    values = dict((s["path"], s["value"]) for s in api("GET", "/api/phones/%d/settings" % pid).json()["settings"])
    assert values["features/callWaiting"] == "0" and values["features/autoAnswer"] == "true"
    assert "server/nosuch" not in values
    assert api("GET", "/api/phones/%d/settings/server/nosuch" % pid).status_code == 404
    several = {"settings": [{"path": "network/vlanId", "value": "5"}]}
    assert api("PUT", "/api/phones/%d/settings" % pid, json=several, headers=JSON).status_code == 405, \
        "PhoneApi sets one path per request"


def test_an_all_digit_serial_is_read_as_an_id(api):
    first = phone(api, "0004f2000001")
    digits = phone(api, "00000000000%d" % first)
    assert api("GET", "/api/phones/00000000000%d" % first).json()["serialNo"] == "0004f2000001"
    assert api("GET", "/api/phones/%d" % digits).json()["serialNo"] == "00000000000%d" % first


def test_lines_beyond_the_model_limit_fail(sim, api):
    sim.fixtures("sipxcom", "users", [{"userName": "101"}, {"userName": "102"}])
    pid = phone(api, "0004f2000001", model="yealinkPhoneSIPT19P")
    assert api("POST", "/api/phones/%d/lines" % pid, json={"user": "101"}, headers=JSON).status_code == 200
    r = api("POST", "/api/phones/%d/lines" % pid, json={"user": "102"}, headers=JSON)
    assert r.status_code == 500 and "MaxLinesException" in r.text
