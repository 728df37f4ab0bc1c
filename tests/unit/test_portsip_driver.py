"""The PortSIP driver against a real simulator process: login and tenant
scope, token renewal, paging, the writes it sends and the checks it makes
before sending anything."""

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import Client, PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip import PortsipDriver, pin_problem

TENANT = {"name": "acme", "domain": "acme.example.com"}
ITEM = {"number": "101", "name": "Ann Lee", "email": "ann@acme.example", "voicemail_pin": "135792",
        "sip_password": "Sip-s3cret", "web_password": "Web-s3cret"}


def driver(sim, tenant="acme", username="admin", password="admin"):
    client = Client(sim.url, sleep=lambda s: None)
    return PortsipDriver(client, {"username": username, "password": password, "tenant": tenant})


def routes(sim):
    return sim.stats()["by_platform"]["portsip"]["by_route"]


def count(sim, route, kind):
    return routes(sim).get(route, {}).get(kind, 0)


@pytest.fixture
def acme(sim):
    sim.fixtures("portsip", "tenants", [TENANT])
    sim.reset_stats()
    return sim


def test_system_admin_enters_the_tenant_and_lists_100_at_a_time(acme):
    acme.fixtures("portsip", "users", [{"tenant": "acme", "extension_number": str(1000 + i)} for i in range(250)])
    acme.reset_stats()
    d = driver(acme)
    d.connect()
    users = d.kind("extension").list("acme")
    assert len(users) == 250 and users[0]["number"] == "1000" and users[0]["login_name"] == "user1000"
    assert set(users[0]) == {"number", "name", "email", "enabled", "login_name", "role", "_id"}
    stats = acme.stats()
    assert (stats["logins"], stats["reads"], stats["writes"]) == (2, 4, 0), routes(acme)
    assert count(acme, "GET /api/users", "reads") == 3
    # The scope is remembered: a second listing is one more page run, no new switch.
    d.kind("extension").list("acme")
    assert acme.stats()["logins"] == 2


def test_tenant_may_be_named_by_its_domain(acme):
    d = driver(acme, tenant="ACME.example.com")
    d.connect()
    assert d.kind("extension").list("ACME.example.com") == []


def test_the_system_admin_needs_an_existing_tenant(acme):
    d = driver(acme, tenant=None)
    d.connect()
    with pytest.raises(PbxError, match="set the tenant option"):
        d.kind("extension").list(None)
    d = driver(acme, tenant="globex")
    d.connect()
    with pytest.raises(PbxError, match="tenant 'globex' not found"):
        d.kind("extension").list("globex")
    assert acme.stats()["writes"] == 0


def test_tenant_admin_logs_in_with_the_domain_and_never_lists_itself(acme):
    acme.fixtures("portsip", "users", [
        {"tenant": "acme", "extension_number": "100", "name": "boss", "role": "Admin", "password": "Boss-pw"},
        {"tenant": "acme", "extension_number": "101"}])
    d = driver(acme, tenant="acme.example.com", username="boss", password="Boss-pw")
    d.connect()
    assert [u["number"] for u in d.kind("extension").list("acme.example.com")] == ["101"]
    # One refused system login, then the tenant login; no tenant listing, no switch.
    assert count(acme, "POST /api/auth/sign_in", "logins") == 2
    assert count(acme, "GET /api/tenants", "reads") == 0


def test_wrong_credentials_fail_without_showing_the_password(acme):
    d = driver(acme, password="Not-The-Password")
    with pytest.raises(PbxError) as info:
        d.connect()
    assert "login failed" in info.value.msg and "Not-The-Password" not in info.value.msg


def test_writes_are_one_request_each(acme):
    d = driver(acme)
    d.connect()
    d.kind("extension").list("acme")
    acme.reset_stats()
    d.kind("extension").create("acme", dict(ITEM, role="Admin", api_fields={"department": "Sales"}))
    assert acme.stats()["writes"] == 1
    current = d.kind("extension").get("acme", "101")
    assert current["login_name"] == "101" and current["role"] == "Admin" and current["name"] == "Ann Lee"

    acme.reset_stats()
    d.kind("extension").update("acme", current, {"name": "Ann B. Lee", "email": "ann.b@acme.example"}, ITEM)
    assert acme.stats()["writes"] == 1
    d.kind("extension").update("acme", current, {"role": "StandardUser", "web_password": "New-Web",
                                                 "sip_password": "New-Sip"}, ITEM)
    assert acme.stats()["writes"] == 4
    fresh = d.kind("extension").get("acme", "101")
    assert (fresh["name"], fresh["email"], fresh["role"]) == ("Ann B. Lee", "ann.b@acme.example", "StandardUser")
    with pytest.raises(PbxError, match="extension 101: login_name is fixed"):
        d.kind("extension").validate_update("acme", fresh, {"login_name": "ann"})
    assert acme.stats()["writes"] == 4

    d.kind("extension").delete("acme", fresh)
    assert acme.stats()["writes"] == 5
    assert d.kind("extension").get("acme", "101") is None


def test_api_fields_are_read_only_when_asked(acme):
    d = driver(acme)
    d.connect()
    d.kind("extension").create("acme", dict(ITEM, api_fields={"department": "Sales", "enable_dnd": True}))
    obj = d.kind("extension").list("acme")[0]
    assert "api_fields" not in obj
    acme.reset_stats()
    assert d.kind("extension").details("acme", obj, {"email"}) is obj and acme.stats()["reads"] == 0
    full = d.kind("extension").details("acme", obj, {"api_fields"})
    assert full["api_fields"]["department"] == "Sales" and full["api_fields"]["enable_dnd"] is True
    assert acme.stats()["reads"] == 1


def test_an_expired_token_is_refreshed_and_the_tenant_entered_again(acme):
    d = driver(acme)
    d.connect()
    d.kind("extension").list("acme")
    acme.ops("POST", "portsip/expire_tokens")
    acme.reset_stats()
    d.kind("extension").create("acme", ITEM)
    assert acme.stats()["writes"] == 2, routes(acme)  # the refused POST and the real one
    assert count(acme, "POST /api/auth/refresh_token", "logins") == 1
    assert count(acme, "POST /api/tenants/switch", "logins") == 1
    assert d.kind("extension").get("acme", "101") is not None


def test_a_dead_refresh_token_means_a_new_login(acme):
    d = driver(acme)
    d.connect()
    d.kind("extension").list("acme")
    d._refresh_token = "NOT-A-REFRESH-TOKEN"
    acme.ops("POST", "portsip/expire_tokens")
    acme.reset_stats()
    assert d.kind("extension").list("acme") == []
    assert count(acme, "POST /api/auth/sign_in", "logins") == 1


def test_vendor_errors_are_reported_with_portsip_codes(acme):
    d = driver(acme)
    d.connect()
    d.kind("extension").create("acme", dict(ITEM, login_name="ann"))
    with pytest.raises(PbxApiError) as info:
        d.kind("extension").create("acme", dict(ITEM, number="102", login_name="ann"))
    assert info.value.status == 400
    assert "VALIDATE_FAILED" in info.value.msg and "already exists" in info.value.msg


@pytest.mark.parametrize("change, words", [
    ({"number": "12"}, ["3 to 64 digits"]),
    ({"number": "12a"}, ["3 to 64 digits"]),
    ({"voicemail_pin": "123456"}, ["voicemail_pin", "consecutive"]),
    ({"voicemail_pin": "111357"}, ["voicemail_pin", "repeat"]),
    ({"voicemail_pin": "12345"}, ["voicemail_pin", "6 to 10"]),
    ({"login_name": ".ann"}, ["login_name"]),
    ({"login_name": "Root"}, ["reserved"]),
    ({"email": "x" * 129}, ["email", "128"]),
    ({"api_fields": {"display_name": "x"}}, ["api_fields", "display_name", "name"]),
])
def test_validation_before_any_request(sim, change, words):
    d = driver(sim)
    with pytest.raises(PbxError) as info:
        d.kind("extension").validate(dict(ITEM, **change), "acme")
    for word in words:
        assert word in info.value.msg


def test_a_create_names_the_options_it_lacks(sim):
    d = driver(sim)
    d.kind("extension").validate_create(ITEM, "acme")
    with pytest.raises(PbxError) as info:
        d.kind("extension").validate_create({"number": "101", "email": "x@example.com"}, "acme")
    assert "name, voicemail_pin, sip_password, web_password" in info.value.msg


@pytest.mark.parametrize("pin, ok", [("135792", True), ("1357924680", True), ("123579", False),
                                     ("135432", False), ("135555", False), ("13579", False), ("12345678901", False)])
def test_pin_policy(pin, ok):
    assert (pin_problem(pin) is None) is ok


def test_a_401_right_after_renewing_is_an_error_not_a_loop(acme, monkeypatch):
    d = driver(acme)
    d.connect()
    d.kind("extension").list("acme")
    renew = d._renew

    def renew_then_expire():
        renew()
        acme.ops("POST", "portsip/expire_tokens")  # the fresh token dies at once too

    monkeypatch.setattr(d, "_renew", renew_then_expire)
    acme.ops("POST", "portsip/expire_tokens")
    acme.reset_stats()
    with pytest.raises(PbxApiError) as failed:
        d.kind("extension").create("acme", ITEM)
    assert failed.value.status == 401
    assert count(acme, "POST /api/auth/refresh_token", "logins") == 1  # one renewal, not a loop
    assert acme.stats()["by_status"].get("401") == 2  # the request and its one resend
    monkeypatch.undo()
    assert d.kind("extension").get("acme", "101") is None  # nothing was written
    d.close()
    assert acme.ops("GET", "portsip/sessions")["open"] == 0
