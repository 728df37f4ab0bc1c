"""The sipXcom driver against a real simulator process: its normalised objects,
its validation and the sipXcom quirks its writes work around."""

import pytest
import requests

from ansible_collections.pbxops.pbx.plugins.module_utils._client import Client, PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import EXTENSION
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom import SipxcomDriver

ADMIN = ("superadmin", "superadmin")


def driver(sim, username="superadmin", password="superadmin"):
    d = SipxcomDriver(Client(sim.url, retries=0), {"username": username, "password": password})
    d.connect()
    return d


def user(sim, name):
    r = requests.get(sim.url + "/sipxconfig/api/users/" + name, auth=ADMIN, timeout=10)
    return r.json() if r.status_code == 200 else None


def test_list_keeps_numeric_users_of_the_tenant(sim):
    sim.fixtures("sipxcom", "branches", [{"name": "acme"}, {"name": "other"}])
    sim.fixtures("sipxcom", "users", [
        {"userName": "101", "branch": "acme", "aliases": ["ann"], "groups": ["sales"],
         "userProfile": {"emailAddress": "ann@acme.example", "enabled": False}},
        {"userName": "102", "branch": "other"},
        {"userName": "operator", "branch": "acme"},
    ])
    d = driver(sim)
    listed = d.kind("extension").list("acme")
    assert [o["number"] for o in listed] == ["101"]
    obj = listed[0]
    assert (obj["email"], obj["enabled"], obj["aliases"], obj["groups"]) == (
        "ann@acme.example", False, ["ann"], ["sales"])
    assert sorted(o["number"] for o in d.kind("extension").list(None)) == ["101", "102"]  # never superadmin
    assert d.kind("extension").get("acme", "101")["number"] == "101"
    assert d.kind("extension").get("acme", "ann") is None  # an alias is not the number
    assert d.kind("extension").get("acme", "102") is None  # another branch


def test_a_missing_branch_stops_the_run_before_any_write(sim):
    d = driver(sim)
    with pytest.raises(TenantMissing, match="branch 'nowhere' does not exist") as info:
        d.kind("extension").list("nowhere")
    assert info.value.creatable, "pbx_tenant can create a branch: check mode predicts instead of failing"
    assert sim.stats()["writes"] == 0


def test_validation(sim):
    d = driver(sim)
    for item, words in (({"number": "12a"}, "digits only"), ({"number": "101", "voicemail_pin": "12"}, "4 digits"),
                        ({"number": "101", "api_fields": {"nickname": "x"}}, "nickname")):
        with pytest.raises(PbxError, match=words):
            d.kind("extension").validate(item, None)


def test_mixed_case_email_is_stored_lower_cased_and_still_equal(sim):
    d = driver(sim)
    item = {"number": "101", "email": "Ann@ACME.example"}
    d.kind("extension").create(None, item)
    current = d.kind("extension").get(None, "101")
    assert current["email"] == "ann@acme.example", "sipXcom stores e-mail addresses lower-cased"
    assert EXTENSION.options["email"].equal(item["email"], current["email"]), "a rerun must not see a change"


def test_update_keeps_aliases_and_the_rest_of_the_profile(sim):
    d = driver(sim)
    d.kind("extension").create(None, {"number": "101", "first_name": "Ann", "aliases": ["ann"],
                                      "email": "a@x.example", "api_fields": {"userProfile": {"jobTitle": "CTO"}}})
    current = d.kind("extension").get(None, "101")
    d.kind("extension").update(None, current, {"email": "b@x.example"}, {"number": "101", "email": "b@x.example"})
    got = user(sim, "101")
    assert got["aliases"] == ["ann"], "a PUT without aliases would have removed them"
    assert (got["userProfile"]["emailAddress"], got["userProfile"]["jobTitle"]) == ("b@x.example", "CTO")
    assert got["firstName"] == "Ann"


def test_group_changes_work_around_the_substring_test(sim):
    d = driver(sim)
    d.kind("extension").create(None, {"number": "101", "groups": ["sales2", "old"]})
    current = d.kind("extension").get(None, "101")
    sim.reset_stats()
    d.kind("extension").update(None, current, {"groups": ["sales2", "sales", "new"]}, {})
    routes = sim.stats()["by_platform"]["sipxcom"]["by_route"]
    assert sorted(g["name"] for g in user(sim, "101")["groups"]) == ["new", "sales", "sales2"]
    assert set(routes) == {"PUT /sipxconfig/api/users/{user}", "POST /sipxconfig/api/users/{user}/groups/{group}",
                           "DELETE /sipxconfig/api/users/{user}/groups/{group}"}


def test_settings_options_are_read_and_written_together(sim):
    d = driver(sim)
    d.kind("extension").create(None, {"number": "101", "caller_id": "4235550101", "voicemail": False})
    current = d.kind("extension").details(None, d.kind("extension").get(None, "101"), {"caller_id"})
    assert (current["caller_id"], current["voicemail"]) == ("4235550101", False)
    sim.reset_stats()
    d.kind("extension").update(None, current, {"caller_id": "", "voicemail": True}, {})
    assert sim.stats()["writes"] == 1
    current = d.kind("extension").details(None, d.kind("extension").get(None, "101"), {"voicemail"})
    assert (current["caller_id"], current["voicemail"]) == (None, True)


def test_errors_carry_sipxcoms_meaning(sim):
    d = driver(sim)
    d.kind("extension").create(None, {"number": "101", "aliases": ["ann"]})
    with pytest.raises(PbxApiError, match="already used by another user") as info:
        d.kind("extension").create(None, {"number": "102", "aliases": ["ann"]})
    assert info.value.status == 500
    with pytest.raises(PbxApiError, match="authentication failed"):
        driver(sim, password="wrong").kind("extension").list(None)
    sim.fixtures("sipxcom", "users", [{"userName": "200", "pintoken": "web-pass"}])
    with pytest.raises(PbxApiError, match="no admin rights"):
        driver(sim, "200", "web-pass").kind("extension").list(None)
