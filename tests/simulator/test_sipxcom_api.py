"""sipXcom simulator: authentication, JSON/XML negotiation, users and user groups
(/sipxconfig/api, Apache CXF), against a real simulator process."""

import xml.etree.ElementTree as ET

import pytest
import requests

from apis import JSON, SipxcomApi
from apis import SIPXCOM_ADMIN as ADMIN

REALM = "pbxsim.example.com"  # Config.sipxcom_realm, what the simulator under test runs with
XML = {"Accept": "application/xml"}


@pytest.fixture
def api(sim):
    return SipxcomApi(sim)


def user_body(name="201", **over):
    body = {"userName": name, "firstName": "Ann", "lastName": "Lee", "sipPassword": "s3cret",
            "voicemailPin": "1234", "aliases": ["ann"], "groups": [{"name": "sales"}]}
    body.update(over)
    return body


# -- authentication ----------------------------------------------------------------
def test_no_credentials_get_a_digest_only_challenge(api):
    r = api("GET", "/api/users", auth=None)
    assert r.status_code == 401
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.startswith('Digest realm="%s", qop="auth", nonce="' % REALM)
    assert "Basic" not in challenge


def test_bad_basic_credentials_get_a_basic_challenge(api):
    r = api("GET", "/api/users", auth=("superadmin", "wrong"))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Basic realm="%s"' % REALM
    assert api("GET", "/rest/branch", auth=("nobody", "x")).status_code == 401


def test_digest_authentication_is_accepted(api):
    assert api("GET", "/api/users", auth=requests.auth.HTTPDigestAuth(*ADMIN)).status_code == 200
    assert api("GET", "/api/users", auth=requests.auth.HTTPDigestAuth("superadmin", "bad")).status_code == 401


def test_a_user_logs_in_with_its_pintoken_but_needs_admin_rights(api):
    api.create("/api/users", user_body(pintoken="web-secret", groups=None))
    assert api("GET", "/api/users", auth=("201", "wrong")).status_code == 401
    forbidden = api("GET", "/api/users", auth=("201", "web-secret"))
    assert forbidden.status_code == 403
    assert api("POST", "/api/users/201/groups/administrators").status_code == 200
    assert api("GET", "/api/users", auth=("ann", "web-secret")).status_code == 200  # by alias too


def test_options_needs_no_credentials(api):
    r = api("OPTIONS", "/api/users", auth=None)
    assert (r.status_code, r.content) == (200, b"")


# -- negotiation and paths -----------------------------------------------------------
def test_json_is_the_default_and_emits_nulls(api):
    api.create("/api/userGroups", {"name": "sales", "weight": 5})
    for headers in ({}, {"Accept": "*/*"}, JSON):
        r = api("GET", "/api/userGroups/sales", headers=headers)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json() == {"id": r.json()["id"], "name": "sales", "description": None, "weight": 5,
                            "count": None}


def test_xml_omits_nulls_and_uses_the_jaxb_wrappers(api):
    gid = api.create("/api/userGroups", {"name": "sales", "weight": 5})
    single = api("GET", "/api/userGroups/sales", headers=XML).text
    assert single == ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      "<group><id>%d</id><name>sales</name><weight>5</weight></group>" % gid)
    listing = ET.fromstring(api("GET", "/api/userGroups", headers=XML).content)
    assert listing.tag == "Groups" and [g.tag for g in listing] == ["Group", "Group"]
    assert api("GET", "/api/phoneGroups", headers=XML).text.endswith("<Groups/>")


def test_suffixes_override_accept_and_trailing_slashes_are_ok(api):
    api.create("/api/userGroups", {"name": "sales", "weight": 1})
    assert api("GET", "/api/userGroups/sales.xml", headers=JSON).text.startswith("<?xml")
    assert api("GET", "/api/userGroups/sales.json", headers=XML).json()["name"] == "sales"
    assert api("GET", "/api/userGroups/sales/").json()["name"] == "sales"
    assert api("GET", "/api/userGroups/", headers=JSON).json()["groups"]


def test_paths_are_case_sensitive_and_unknown_ones_are_empty_404s(api):
    r = api("GET", "/api/usergroups")
    assert (r.status_code, r.content) == (404, b"")
    assert api("POST", "/api/phones/models", json={}).status_code == 405
    assert api("GET", "/api/users", headers={"Accept": "text/plain"}).status_code == 406


def test_xml_bodies_are_read_and_a_wrong_root_is_a_jaxb_400(api):
    r = api("POST", "/api/userGroups", data="<group><name>x</name><weight>2</weight></group>",
            headers={"Content-Type": "application/xml", "Accept": "application/json"})
    assert r.status_code == 200 and api("GET", "/api/userGroups/x").json()["weight"] == 2
    bad = api("POST", "/api/userGroups", data="<Group><name>y</name></Group>",
              headers={"Content-Type": "application/xml", "Accept": "application/json"})
    assert bad.status_code == 400
    assert bad.text.startswith('JAXBException occurred : unexpected element (uri:"", local:"Group")')


def test_a_create_answering_xml_fails_after_the_write(api):
    """The bare Integer id has no JAXB writer: keep Accept: json on writes."""
    r = api("POST", "/api/userGroups", json={"name": "late", "weight": 1}, headers=XML)
    assert r.status_code == 500 and "No message body writer" in r.text
    assert api("GET", "/api/userGroups/late").status_code == 200


def test_unknown_json_keys_are_refused_like_jackson(api):
    r = api("POST", "/api/users", json=user_body(nickname="x"), headers=JSON)
    assert r.status_code == 500
    assert r.text.startswith('org.codehaus.jackson.map.exc.UnrecognizedPropertyException: Unrecognized field '
                             '"nickname" (Class org.sipfoundry.sipxconfig.api.model.UserBean)')
    assert api("GET", "/api/users/201").status_code == 404


# -- users -----------------------------------------------------------------------------
def test_create_returns_the_bare_id_and_reads_back_the_bean(api):
    r = api("POST", "/api/users", json=user_body(pintoken="11111111", voicemailPin="1234", userName="200"),
            headers=JSON)
    assert r.status_code == 200 and r.text.isdigit()
    user = api("GET", "/api/users/ann").json()
    assert list(user) == ["id", "userName", "lastName", "firstName", "aliases", "sipPassword", "pintoken",
                          "voicemailPin", "branchName", "userProfile", "notified", "groups", "permissions"]
    assert user["id"] == int(r.text) and user["userName"] == "200"
    assert user["sipPassword"] == "s3cret" and user["pintoken"] == "11111111"
    # UserApiTestIntegration: user 200 with PIN 1234 reads back this hash.
    assert user["voicemailPin"] == "2331a3a7bce8433908996c6f9f71f2fe"
    assert user["groups"][0]["name"] == "sales" and user["groups"][0]["count"] is None
    assert user["userProfile"]["userId"] == str(user["id"]) and user["userProfile"]["enabled"] is True


def test_names_and_aliases_are_unique_across_users(api):
    api.create("/api/users", user_body())
    for body in (user_body(aliases=[]), user_body("202", aliases=["201"]), user_body("ann", aliases=[])):
        r = api("POST", "/api/users", json=body, headers=JSON)
        assert r.status_code == 500
        assert r.text == "org.sipfoundry.sipxconfig.common.NameInUseException: &error.nameInUse.short"


def test_put_is_partial_groups_add_only_and_aliases_replace(api):
    api.create("/api/users", user_body())
    r = api("PUT", "/api/users/201", json={"lastName": "Kim", "aliases": ["annk"], "groups": [{"name": "hq"}]},
            headers=JSON)
    assert r.status_code == 200 and r.text.isdigit()
    user = api("GET", "/api/users/201").json()
    assert (user["firstName"], user["lastName"], user["sipPassword"]) == ("Ann", "Kim", "s3cret")
    assert user["aliases"] == ["annk"]
    assert sorted(g["name"] for g in user["groups"]) == ["hq", "sales"]
    assert api("GET", "/api/userGroups/hq").json()["count"] == 1  # auto-created
    # UserBean starts with an empty alias set, so a body without "aliases" clears them.
    api("PUT", "/api/users/201", json={"firstName": "Anna"}, headers=JSON)
    assert api("GET", "/api/users/201").json()["aliases"] == []


def test_group_add_skips_names_contained_in_the_current_ones(api):
    """convertToUser tests StringUtils.contains(groupNames, name): a substring match."""
    api.create("/api/users", user_body(groups=[{"name": "sales2"}]))
    api("PUT", "/api/users/201", json={"groups": [{"name": "sales"}, {"name": "ops"}, {"name": "ops"}],
                                       "aliases": ["ann"]}, headers=JSON)
    # The names are read once, before the loop: only names already held hide new ones.
    assert [g["name"] for g in api("GET", "/api/users/201").json()["groups"]] == ["sales2", "ops"]
    api("POST", "/api/users/201/groups/sales")  # the sub-resource has no such test
    assert len(api("GET", "/api/users/201/groups").json()["groups"]) == 3


def test_user_groups_subresource(api):
    api.create("/api/users", user_body(groups=None))
    assert api("GET", "/api/users/201").json()["groups"] is None
    assert api("GET", "/api/users/201/groups").json() == {"groups": []}
    assert api("POST", "/api/users/201/groups/ops").status_code == 200
    assert [u["userName"] for u in api("GET", "/api/users/group/ops").json()["users"]] == ["201"]
    assert api("DELETE", "/api/users/201/groups/nope").status_code == 404
    assert api("DELETE", "/api/users/201/groups/ops").status_code == 200
    assert api("GET", "/api/users/201/groups").json() == {"groups": []}


def test_delete_is_by_user_name_only(api):
    api.create("/api/users", user_body())
    assert api("DELETE", "/api/users/ann").status_code == 500
    assert api("DELETE", "/api/users/201").status_code == 200
    r = api("GET", "/api/users/201")
    assert (r.status_code, r.content) == (404, b"")


def test_paging_and_email_filter(api):
    for n in range(3):
        api.create("/api/users", {"userName": "30%d" % n, "userProfile": {"emailAddress": "U%d@Acme.example" % n}})
    assert [u["userName"] for u in api("GET", "/api/users?start=1&limit=2").json()["users"]] == ["300", "301"]
    found = api("GET", "/api/users/email?emailFilter=u2@acme").json()["users"]
    assert [u["userProfile"]["emailAddress"] for u in found] == ["u2@acme.example"]
    assert api("GET", "/api/users?start=x&limit=1").status_code == 404


def test_branch_name_links_a_branch_and_an_unknown_one_clears_it(api, sim):
    sim.fixtures("sipxcom", "branches", [{"name": "hq"}])
    api.create("/api/users", user_body(branchName="hq"))
    assert api("GET", "/api/users/201").json()["branchName"] == "hq"
    api("PUT", "/api/users/201", json={"branchName": "nowhere", "aliases": ["ann"]}, headers=JSON)
    assert api("GET", "/api/users/201").json()["branchName"] is None


def test_user_settings(api):
    api.create("/api/users", user_body())
    r = api("GET", "/api/users/201/settings/caller-alias/external-number")
    # The exact JSON of UserApiTestIntegration.
    assert r.text == ('{"path":"caller-alias/external-number","type":"string","options":null,"value":null,'
                      '"defaultValue":null,"label":"Caller ID","description":"Externally visible user Caller ID. '
                      'If it is not specified the gateway will create a Caller ID based on the caller\'s extension '
                      'and additional gateway parameters."}')
    assert api("PUT", "/api/users/201/settings/caller-alias/external-number", data="12321").content == b""
    assert api("GET", "/api/users/201/settings/caller-alias/external-number").json()["value"] == "12321"
    assert api("DELETE", "/api/users/201/settings/caller-alias/external-number").status_code == 200
    assert api("GET", "/api/users/201/settings/caller-alias/external-number").json()["value"] is None
    paths = {s["path"] for s in api("GET", "/api/users/201/settings").json()["settings"]}
    assert {"e911/location", "permission/call-handling/Voicemail", "caller-alias/anonymous-caller-alias"} <= paths
    assert not any(p.startswith("voicemail/mailbox/") for p in paths)  # hidden


def test_unknown_setting_paths(api):
    api.create("/api/users", user_body())
    assert api("PUT", "/api/users/201/settings/no/such", data="1").status_code == 200  # silently ignored
    assert api("GET", "/api/users/201/settings/no/such").status_code == 404
    assert api("DELETE", "/api/users/201/settings/no/such").status_code == 500
    branch = api("GET", "/api/users/201/settings/permission/call-handling").json()["settings"]
    assert {s["value"] for s in branch} <= {"ENABLE", "DISABLE"} and len(branch) == 9


def test_group_setting_values_show_through(api):
    api.create("/api/users", user_body())
    api("PUT", "/api/userGroups/sales/settings/permission/call-handling/InternationalDialing", data="DISABLE")
    path = "/api/users/201/settings/permission/call-handling/InternationalDialing"
    assert api("GET", path).json()["value"] == "DISABLE"
    api("PUT", path, data="ENABLE")
    assert api("GET", path).json()["value"] == "ENABLE"


# -- user groups -------------------------------------------------------------------------
def test_user_group_rules(api):
    r = api("POST", "/api/userGroups", json={"name": "noweight"}, headers=JSON)
    assert (r.status_code, r.text) == (500, "java.lang.NullPointerException")
    api.create("/api/userGroups", {"name": "sales", "weight": 1})
    dup = api("POST", "/api/userGroups", json={"name": "sales", "weight": 2}, headers=JSON)
    assert dup.status_code == 500 and "DuplicateGroupException" in dup.text
    assert api("DELETE", "/api/userGroups/administrators").status_code == 403
    api.create("/api/users", user_body())
    assert api("DELETE", "/api/userGroups/sales/empty").status_code == 409
    assert api("DELETE", "/api/userGroups/nope/empty").status_code == 204
    assert api("DELETE", "/api/userGroups/sales/all").status_code == 200
    assert api("GET", "/api/users/201").json()["groups"] is None
    assert api("DELETE", "/api/userGroups/sales/all").status_code == 204


def test_user_group_update_replaces_and_up_down_reorder(api):
    a = api.create("/api/userGroups", {"name": "a", "description": "x", "weight": 10})
    api.create("/api/userGroups", {"name": "b", "weight": 20})
    assert api("PUT", "/api/userGroups/%d" % a, json={"name": "a2", "weight": 10}, headers=JSON).text == str(a)
    assert api("GET", "/api/userGroups/a2").json()["description"] is None
    api("PUT", "/api/userGroups/a2/down", headers=JSON)
    names = [g["name"] for g in api("GET", "/api/userGroups").json()["groups"]]
    assert names.index("b") < names.index("a2")


def test_users_fixture_and_index_survive_a_restart(sim, api):
    sim.fixtures("sipxcom", "branches", [{"name": "acme"}])
    sim.fixtures("sipxcom", "users", [{"userName": "401", "aliases": ["dave"], "branch": "acme", "pin": "2468",
                                       "groups": ["ops"], "settings": {"e911/location": 7}}])
    sim.restart()
    user = api("GET", "/api/users/dave").json()
    assert (user["userName"], user["branchName"], user["groups"][0]["name"]) == ("401", "acme", "ops")
    assert api("GET", "/api/users/401/settings/e911/location").json()["value"] == "7"
    assert api("GET", "/api/users/401", auth=("401", "2468")).status_code == 403


def test_reads_see_every_kind_of_write(sim, api):
    """Reads are served from a cache that any write (API or fixture) voids."""
    before = api("GET", "/api/users").json()["users"]
    sim.fixtures("sipxcom", "users", [{"userName": "501"}])
    assert len(api("GET", "/api/users").json()["users"]) == len(before) + 1
    api("PUT", "/api/users/501/settings/caller-alias/external-number", data="1")
    assert api("GET", "/api/users/501/settings/caller-alias/external-number").json()["value"] == "1"
    api("PUT", "/api/users/501/settings/caller-alias/external-number", data="2")
    assert api("GET", "/api/users/501/settings/caller-alias/external-number").json()["value"] == "2"
    sim.reset()
    assert len(api("GET", "/api/users").json()["users"]) == len(before)


def test_user_listing_shows_group_and_branch_changes_at_once(api, sim):
    """users_list keeps each user's JSON between writes: a group rename or a branch rename must still show."""
    sim.fixtures("sipxcom", "branches", [{"name": "hq"}])
    api.create("/api/users", {"userName": "301", "groups": [{"name": "sales"}], "branchName": "hq"})
    first = api("GET", "/api/users", headers=JSON).json()["users"]
    assert [(u["groups"][0]["name"], u["branchName"]) for u in first if u["userName"] == "301"] == [("sales", "hq")]
    gid = api("GET", "/api/userGroups/sales", headers=JSON).json()["id"]
    assert api("PUT", "/api/userGroups/%d" % gid, json={"name": "retail", "weight": 1}, headers=JSON).status_code == 200
    renamed = [u for u in api("GET", "/api/users", headers=JSON).json()["users"] if u["userName"] == "301"][0]
    assert renamed["groups"][0]["name"] == "retail"
    xml_branch = "<branch><name>head office</name></branch>"
    bid = [b for b in ET.fromstring(api("GET", "/rest/branch").content).iter("branch") if b.findtext("name") == "hq"]
    assert api("PUT", "/rest/branch/%s" % bid[0].findtext("id"), data=xml_branch,
               headers={"Content-Type": "text/xml"}).status_code == 200
    again = [u for u in api("GET", "/api/users", headers=JSON).json()["users"] if u["userName"] == "301"][0]
    assert (again["groups"][0]["name"], again["branchName"]) == ("retail", "head office")
    # And exactly what the uncached renderer gives, byte for byte, XML listing aside.
    assert api("GET", "/api/users/301", headers=JSON).json() == again
