"""IPCortex authentication (API key, inline credentials, Red60urne session) and the
System-Admin / Company-Admin rights each call enforces."""

import pytest
import requests

COOKIE = "Red60urne"


def post(sim, path, body=None, cookies=None):
    r = requests.post(sim.url + "/rest/" + path, json=body or {}, cookies=cookies, timeout=5)
    assert r.status_code == 200, r.text
    return r


def creds(sim):
    return sim.ops("GET", "config")["credentials"]["ipcortex"]


def key_auth(key):
    return {"type": "auth", "key": key}


def user_auth(username, password):
    return {"type": "auth", "username": username, "password": password}


def call(sim, path, body, auth):
    return post(sim, path, dict(body, auth=auth)).json()


def ok(answer):
    assert answer["result"] == "success", answer
    return answer


def failed(answer, message):
    assert answer == {"result": "fail", "message": message}


@pytest.fixture
def tenants(sim):
    """Companies acme and other; alice administers acme, bob acme and default, carol nothing."""
    sim.fixtures("ipcortex", "companies", ["acme", "other"])
    sim.fixtures("ipcortex", "users", [
        {"uname": "alice", "password": "a-pw", "company": "acme", "admin_company": ["acme"], "api_key": "alice-key-0123456789"},
        {"uname": "bob", "password": "b-pw", "company": "acme", "admin_company": ["acme", "default"]},
        {"uname": "carol", "password": "c-pw", "company": "acme"},
    ])
    admin = key_auth(creds(sim)["api_key"])
    for company in ("acme", "other"):
        ok(call(sim, "dialplan/create/extension", {"values": {"virt_exten": ["10", "11"], "company": company,
                                                              "private": True}}, admin))
    ok(call(sim, "dialplan/create/phone", {"values": {"mac": "0004f2000001", "company": "acme",
                                                      "phone_type": "snom320"}}, admin))
    ok(call(sim, "dialplan/create/phone", {"values": {"mac": "0004f2000002", "company": "other",
                                                      "phone_type": "snom320"}}, admin))
    return admin


READ_EXT = {"type": "extension", "columns": ["scoped_exten"]}


def test_api_key_in_the_body(sim):
    answer = call(sim, "dialplan/readtypes", {"type": "phone"}, key_auth(creds(sim)["api_key"]))
    assert ok(answer)["numrows"] > 300
    failed(call(sim, "dialplan/readtypes", {"type": "phone"}, key_auth("not-a-key")), "Authentication failed")


def test_inline_username_and_password(sim):
    c = creds(sim)
    ok(call(sim, "dialplan/readtypes/phone", {}, user_auth(c["username"], c["password"])))
    failed(call(sim, "dialplan/readtypes/phone", {}, user_auth(c["username"], c["password"] + "x")),
           "Authentication failed")


def test_no_credentials_is_a_fail_with_http_200(sim):
    failed(post(sim, "dialplan/readtypes/phone").json(), "Authentication required")
    r = requests.post(sim.url + "/rest/dialplan/readtypes/phone", data="not json", timeout=5)
    assert r.status_code == 200 and r.json()["result"] == "fail"


def test_session_login_cookie_and_logout(sim):
    c = creds(sim)
    r = post(sim, "auth", {"auth": user_auth(c["username"], c["password"])})
    user = ok(r.json())["user"]
    assert set(user) == {"id", "login", "name", "company", "home", "session", "perms", "companies"}
    assert isinstance(user["id"], int) and user["login"] == c["username"] and user["company"] == user["home"]
    assert r.cookies[COOKIE] == user["session"]
    assert "default" in user["companies"] and user["perms"]
    jar = {COOKIE: user["session"]}

    ok(post(sim, "dialplan/readtypes/phone", cookies=jar).json())
    # A second login carrying the cookie applies to that same session.
    again = post(sim, "auth/", {"auth": user_auth(c["username"], c["password"])}, cookies=jar).json()
    assert again["user"]["session"] == user["session"]

    ok(post(sim, "auth/logout", {"auth": {"type": "auth"}}, cookies=jar).json())
    failed(post(sim, "dialplan/readtypes/phone", cookies=jar).json(), "Authentication required")
    failed(post(sim, "auth/logout", {"auth": {"type": "auth"}}, cookies=jar).json(), "Authentication required")


def test_failed_login(sim):
    r = post(sim, "auth", {"auth": user_auth("admin", "wrong")})
    failed(r.json(), "Authentication failed")
    assert COOKIE not in r.cookies
    failed(post(sim, "auth", {}).json(), "Authentication failed")


def test_key_checked_at_auth_reports_companies_without_a_session(sim, tenants):
    r = post(sim, "auth", {"auth": key_auth("alice-key-0123456789")})
    user = ok(r.json())["user"]
    assert (user["login"], user["companies"], user["session"]) == ("alice", ["acme"], None)
    assert COOKIE not in r.cookies


def test_body_credentials_take_precedence_over_the_cookie(sim, tenants):
    alice = post(sim, "auth", {"auth": user_auth("alice", "a-pw")}).json()["user"]
    jar = {COOKIE: alice["session"]}
    create = {"type": "extension", "values": {"virt_exten": "77", "company": "acme"}}
    failed(post(sim, "dialplan/create", create, cookies=jar).json(), "Permission denied")
    # The System-Admin's key in the body wins over alice's cookie ...
    ok(post(sim, "dialplan/create", dict(create, auth=tenants), cookies=jar).json())
    # ... a bad key is not rescued by the cookie, nor bad inline credentials ...
    failed(post(sim, "dialplan/read", dict(READ_EXT, auth=key_auth("nope")), cookies=jar).json(),
           "Authentication failed")
    failed(post(sim, "dialplan/read", dict(READ_EXT, auth=user_auth("alice", "no")), cookies=jar).json(),
           "Authentication failed")
    # ... and the key wins over inline credentials in the same auth object.
    both = dict(tenants, username="alice", password="wrong")
    ok(post(sim, "dialplan/create", {"type": "extension", "values": {"virt_exten": "78", "company": "acme"},
                                     "auth": both}).json())


def test_company_admin_sees_and_edits_only_its_companies(sim, tenants):
    alice = user_auth("alice", "a-pw")
    rows = ok(call(sim, "dialplan/read", READ_EXT, alice))["values"]
    assert sorted(r["scoped_exten"] for r in rows) == ["10_acme", "11_acme"]
    admin_rows = ok(call(sim, "dialplan/read", READ_EXT, tenants))["values"]
    assert len(admin_rows) == 4
    failed(call(sim, "dialplan/read", dict(READ_EXT, scope={"company": "other"}), alice), "Permission denied")

    ok(call(sim, "dialplan/update/extension", {"scope": {"scoped_exten": "10_acme"}, "values": {"name": "A"}}, alice))
    failed(call(sim, "dialplan/update/extension", {"scope": {"scoped_exten": "10_other"}, "values": {"name": "A"}},
                alice), "Permission denied")
    # Create, delete and clone are for System-Admins only.
    for verb, body in (("create", {"values": {"virt_exten": "12", "company": "acme"}}),
                       ("delete", {"scope": {"scoped_exten": "10_acme"}}),
                       ("clone", {"scope": {"virt_exten": "10", "company": "acme"}, "values": {"virt_exten": "13"}})):
        failed(call(sim, "dialplan/%s/extension" % verb, body, alice), "Permission denied")


def test_company_admin_phone_rights(sim, tenants):
    alice = user_auth("alice", "a-pw")
    assert len(ok(call(sim, "dialplan/read/phone", {"scope": {"mac": "0004f2000001"}}, alice))["values"]) == 1
    assert ok(call(sim, "dialplan/read/phone", {"scope": {"mac": "0004f2000002"}}, alice))["values"] == []
    ok(call(sim, "dialplan/reboot/phone", {"scope": {"mac": "0004f2000001"}}, alice))
    failed(call(sim, "dialplan/reboot/phone", {"scope": {"mac": "0004f2000002"}}, alice), "Permission denied")
    failed(call(sim, "dialplan/update/phone", {"scope": {"mac": "0004f2000002"}, "values": {"name": "x"}}, alice),
           "Permission denied")
    for verb, body in (("create", {"values": {"mac": "0004f2000003", "company": "acme", "phone_type": "snom320"}}),
                       ("delete", {"scope": {"mac": "0004f2000001"}}),
                       ("assign", {"scope": {"mac": "0004f2000001"}, "values": {"company": "acme"}})):
        failed(call(sim, "dialplan/%s/phone" % verb, body, alice), "Permission denied")


def test_provisioning_needs_the_default_company(sim, tenants):
    sim.fixtures("ipcortex", "inactive_phones", [{"phoneid": "0004f2aaaaaa0", "phone_type": "snom320"}])
    failed(call(sim, "dialplan/inactive/phone", {}, user_auth("alice", "a-pw")), "Permission denied")
    bob = user_auth("bob", "b-pw")
    assert ok(call(sim, "dialplan/inactive/phone", {}, bob))["numrows"] == 1
    promote = {"scope": {"phoneid": "0004f2aaaaaa0"}}
    failed(call(sim, "dialplan/promote/phone", dict(promote, values={"company": "other"}), bob), "Permission denied")
    ok(call(sim, "dialplan/promote/phone", dict(promote, values={"company": "acme"}), bob))
    active = ok(call(sim, "dialplan/active/phone", {}, bob))["values"]
    # bob does not administer "other", so its phone is left out.
    assert sorted(r["phoneid"] for r in active) == ["0004f2000001" + "0", "0004f2aaaaaa0"]


def test_a_user_without_admin_rights_can_do_nothing(sim, tenants):
    carol = user_auth("carol", "c-pw")
    for path in ("dialplan/readtypes/phone", "dialplan/read/extension", "dialplan/readlink/user"):
        failed(call(sim, path, {}, carol), "Permission denied")


def test_ops_user_create_is_scoped_and_the_new_user_can_log_in(sim, tenants):
    alice = user_auth("alice", "a-pw")
    answer = ok(call(sim, "ops/create/user", {"values": {"uname": "dave", "name": "Dave", "password": "d-pw",
                                                         "company": "acme", "admin_company": ["acme"]}}, alice))
    # User create answers with a values object, not numrows.
    assert set(answer) == {"result", "values"}
    assert set(answer["values"]) == {"contact_id", "uname"} and answer["values"]["uname"] == "dave"
    ok(call(sim, "dialplan/read/extension", {}, user_auth("dave", "d-pw")))
    failed(call(sim, "ops/create/user", {"values": {"uname": "eve", "name": "Eve", "company": "other"}}, alice),
           "Permission denied")
    failed(call(sim, "ops/create/user", {"values": {"uname": "eve", "name": "Eve", "company": "acme",
                                                    "admin_company": ["other"]}}, alice), "Permission denied")
    failed(call(sim, "ops/create/user", {"values": {"uname": "dave", "name": "Dave 2"}}, tenants), "Already exists")
    rows = ok(call(sim, "ops/read/user", {"scope": {"uname": "dave"}, "columns": ["contact_id", "company"]},
                   tenants))["values"]
    assert rows == [{"contact_id": answer["values"]["contact_id"], "company": "acme"}]


def test_authinfo_mints_and_revokes_keys(sim, tenants):
    alice_id = post(sim, "auth", {"auth": user_auth("alice", "a-pw")}).json()["user"]["id"]
    minted = ok(call(sim, "ops/create/authinfo", {"values": {"contact_id": alice_id, "type": "auth",
                                                             "subtype": "key"}}, tenants))
    token = minted["values"][0]["token"]
    key = key_auth(token)
    assert len(ok(call(sim, "dialplan/read/extension", {}, key))["values"]) == 2  # alice's rights
    failed(call(sim, "dialplan/create/extension", {"values": {"virt_exten": "5", "company": "acme"}}, key),
           "Permission denied")
    rows = ok(call(sim, "ops/read/authinfo", {"scope": {"contact_id": alice_id}}, tenants))["values"]
    assert {r["token"] for r in rows} == {token, "alice-key-0123456789"}
    assert ok(call(sim, "ops/delete/authinfo", {"scope": {"token": token}}, tenants))["numrows"] == 1
    failed(call(sim, "dialplan/read/extension", {}, key), "Authentication failed")


def test_logins_are_counted_apart_from_reads_and_writes(sim):
    c = creds(sim)
    sim.reset_stats()
    post(sim, "auth", {"auth": user_auth(c["username"], c["password"])})
    post(sim, "auth", {"auth": user_auth(c["username"], "bad")})
    call(sim, "dialplan/readtypes/phone", {}, key_auth(c["api_key"]))
    call(sim, "dialplan/create/extension", {"values": {"virt_exten": "1", "company": "default"}},
         key_auth(c["api_key"]))
    stats = sim.stats()["by_platform"]["ipcortex"]
    assert (stats["logins"], stats["reads"], stats["writes"]) == (2, 1, 1)
    assert stats["by_route"]["POST auth"]["logins"] == 2
    assert stats["by_route"]["POST dialplan/create/extension"]["writes"] == 1
