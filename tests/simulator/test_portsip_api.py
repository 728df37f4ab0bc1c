"""The PortSIP simulator through HTTP: authentication and tokens, tenant
scoping, users, phones, ring groups, providers, templates, paging and the
quirks of shared/reference/portsip.md section 5."""

import base64
import re
import time

import pytest
import requests

from simhelper import RunningSimulator

TENANT = {"name": "Acme", "domain": "acme.example.com", "timezone": "UTC", "currency": "USD", "region": "US"}
PHONE = {"mac": "0C-38-3E-63-FE-E8", "filename": "fanvil.ph.xml", "vendor": "Fanvil", "model": "V62 Pro",
         "password": "phone-web", "language": "ENGLISH", "transfer": "BLIND", "timezone": "GMT+8 China(Beijing)",
         "codecs": ["PCMU", "PCMA"], "interface": "WEB_DOMAIN", "preferred_transport": "UDP"}


def user_body(number="101", **over):
    body = {"name": "user%s" % number, "password": "Portal-%s" % number, "email": "u%s@example.com" % number,
            "display_name": "User %s" % number, "role": "StandardUser", "extension_number": number,
            "extension_password": "Sip-%s" % number, "voicemail_pin": "135790"}
    body.update(over)
    return body


class PortSIP:
    """A bare HTTP client: what any PortSIP API user would write."""

    def __init__(self, sim):
        self.sim = sim
        self.base = sim.url + "/api"
        self.http = requests.Session()
        self.http.trust_env = False
        self.token = None
        self.refresh_token = None

    def login(self, username="admin", password="admin", domain=None, path="/auth/sign_in"):
        body = {"username": username, "password": password}
        if domain:
            body["domain"] = domain
        r = self.http.post(self.base + path, json=body, timeout=10)
        assert r.status_code == 200, r.text
        self.token = r.json()["access_token"]
        self.refresh_token = r.json()["refresh_token"]
        return r.json()

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        token = token or self.token
        if token:
            headers["Authorization"] = "Bearer " + token
        return self.http.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, json=body, **kwargs)

    def create(self, path, body, status=201):
        r = self.post(path, body)
        assert r.status_code == status, r.text
        return r.json()["id"]


def error_code(r):
    body = r.json()
    assert set(body) == {"errors"} and body["errors"], body
    return body["errors"][0]["code"]


@pytest.fixture
def admin(sim):
    api = PortSIP(sim)
    api.login()
    return api


@pytest.fixture
def acme(admin):
    """The system admin, switched into a new tenant; yields (client, tenant id)."""
    tenant_id = admin.create("/tenants", TENANT)
    assert admin.post("/tenants/switch", params={"id": tenant_id}).status_code == 200
    return admin, tenant_id


# -- authentication ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/login", "/auth/sign_in"])
def test_login_issues_48_character_bearer_tokens(sim, path):
    api = PortSIP(sim)
    token = api.login(path=path)
    assert re.fullmatch(r"[A-Z0-9]{48}", token["access_token"])
    assert re.fullmatch(r"[A-Z0-9]{48}", token["refresh_token"])
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    status = api.get("/login").json()
    assert status["role"] == "SystemAdmin" and status["access_token"] == api.token
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", status["expires_at"])
    assert api.get("/auth/user").json() == {"role": "SystemAdmin", "password_verified": True,
                                            "password_force_reset": False}


@pytest.mark.parametrize("body", [
    {"username": "admin", "password": "wrong"},
    {"username": "nobody", "password": "admin"},
    {"username": "admin", "password": "admin", "domain": "no-such-tenant.example.com"},
    {"username": "admin"},
    {},
])
def test_failed_login_is_400_unauthorized(sim, body):
    for path in ("/login", "/auth/sign_in"):
        r = requests.post(sim.url + "/api" + path, json=body, timeout=5)
        assert r.status_code == 400
        assert r.json() == {"errors": [{"code": "UNAUTHORIZED", "message": "Login failed, authentication error"}]}


def test_missing_bad_and_signed_out_tokens_get_401(admin):
    for token in ("", "NOT-A-TOKEN"):
        r = admin.http.get(admin.base + "/tenants", headers={"Authorization": "Bearer " + token}, timeout=5)
        assert r.status_code == 401 and error_code(r) == "UNAUTHORIZED"
    assert admin.http.get(admin.base + "/tenants", timeout=5).status_code == 401
    assert admin.post("/auth/sign_out").status_code == 200
    r = admin.get("/tenants")
    assert r.status_code == 401 and error_code(r) == "UNAUTHORIZED"


def test_expired_token_gets_401_and_refresh_gives_a_new_one(sim, admin):
    assert admin.get("/tenants").status_code == 200
    assert sim.ops("POST", "portsip/expire_tokens") == {"expired": 1}
    r = admin.get("/tenants")
    assert r.status_code == 401 and error_code(r) == "UNAUTHORIZED"
    assert admin.get("/login").status_code == 401

    r = admin.http.post(admin.base + "/auth/refresh_token", json={"refresh_token": admin.refresh_token}, timeout=5)
    assert r.status_code == 200
    fresh = r.json()
    assert set(fresh) == {"token_type", "access_token", "refresh_token", "expires_in"}
    assert admin.get("/tenants", token=fresh["access_token"]).status_code == 200
    # A refresh token is good for one refresh.
    again = admin.http.post(admin.base + "/auth/refresh_token", json={"refresh_token": admin.refresh_token},
                            timeout=5)
    assert again.status_code == 400 and error_code(again) == "UNKNOWN"


def test_token_lifetime_follows_the_configured_ttl():
    with RunningSimulator(extra_args=["--portsip-token-ttl", "1"]) as short:
        api = PortSIP(short)
        assert api.login()["expires_in"] == 1
        assert api.get("/auth/user").status_code == 200
        time.sleep(1.2)
        assert api.get("/auth/user").status_code == 401


def test_oauth_password_and_refresh_grants(sim):
    url = sim.url + "/api/login/oauth/token"
    form = {"grant_type": "password", "username": "admin", "password": "admin", "scope": "all",
            "client_id": "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"}
    r = requests.post(url, data=form, timeout=5)
    assert r.status_code == 200 and r.json()["token_type"] == "Bearer"
    refreshed = requests.post(url, data={"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"],
                                         "client_id": form["client_id"]}, timeout=5)
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != r.json()["access_token"]
    bad = requests.post(url, data=dict(form, password="nope"), timeout=5)
    assert bad.status_code == 400 and error_code(bad) == "UNAUTHORIZED"
    bad_refresh = requests.post(url, data={"grant_type": "refresh_token", "refresh_token": "x"}, timeout=5)
    assert bad_refresh.status_code == 400 and error_code(bad_refresh) == "UNKNOWN"


def test_logins_and_tenant_switches_are_not_counted_as_writes(sim, admin):
    sim.reset_stats()
    tenant_id = admin.create("/tenants", TENANT)
    PortSIP(sim).login()
    admin.post("/tenants/switch", params={"id": tenant_id})
    stats = sim.stats()
    assert (stats["writes"], stats["logins"]) == (1, 2)


# -- tenants and scoping -------------------------------------------------------------------------
def test_system_admin_must_switch_into_a_tenant(admin):
    r = admin.get("/users")
    assert r.status_code == 403 and "switch" in r.json()["errors"][0]["message"]
    tenant_id = admin.create("/tenants", TENANT)
    assert admin.post("/tenants/switch", params={"id": tenant_id}).content == b""
    assert admin.get("/users").json() == {"count": 0, "items": []}
    missing = admin.post("/tenants/switch", params={"id": "Tm9TdWNoVGVuYW50"})
    assert missing.status_code == 404
    assert admin.post("/tenants/switch").status_code == 400


def test_switch_rescopes_the_token_between_tenants(admin):
    one = admin.create("/tenants", TENANT)
    two = admin.create("/tenants", dict(TENANT, name="Globex", domain="globex.example.com"))
    admin.post("/tenants/switch", params={"id": one})
    user_one = admin.create("/users", user_body("100"))
    admin.post("/tenants/switch", params={"id": two})
    # Extension numbers are per tenant; ids from another tenant are unknown here.
    admin.create("/users", user_body("100"))
    assert admin.get("/users").json()["count"] == 1
    assert admin.get("/users/" + user_one).status_code == 404


def test_tenant_users_log_in_with_their_domain_and_are_scoped(sim, acme):
    admin, tenant_id = acme
    admin.create("/users", user_body("200", name="boss", role="Admin", password="boss-pw"))
    admin.create("/users", user_body("201", name="worker", password="worker-pw"))

    boss = PortSIP(sim)
    boss.login("boss", "boss-pw", domain="ACME.example.com")
    assert boss.get("/auth/user").json()["role"] == "Admin"
    assert boss.get("/users").json()["count"] == 2
    boss.create("/users", user_body("202"))
    for path in ("/tenants", "/providers"):
        assert boss.get(path).status_code == 403
    assert boss.post("/tenants/switch", params={"id": tenant_id}).status_code == 403

    worker = PortSIP(sim)
    worker.login("worker", "worker-pw", domain="acme.example.com")
    assert worker.get("/auth/user").json()["role"] == "StandardUser"
    r = worker.get("/users")
    assert r.status_code == 403 and error_code(r) == "FORBIDDEN"
    # Tenant users need their domain; the system admin must not send one.
    assert requests.post(sim.url + "/api/auth/sign_in", json={"username": "boss", "password": "boss-pw"},
                         timeout=5).status_code == 400


def test_disabled_users_cannot_log_in(sim, acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("300", name="temp", password="pw"))
    assert admin.post("/users/" + user_id, {"enabled": False}).status_code == 200
    r = requests.post(sim.url + "/api/auth/sign_in",
                      json={"username": "temp", "password": "pw", "domain": "acme.example.com"}, timeout=5)
    assert r.status_code == 400 and error_code(r) == "UNAUTHORIZED"


def test_tenant_crud_and_quirks(admin):
    tenant_id = admin.create("/tenants", TENANT)
    assert base64.b64decode(tenant_id).decode().isdigit()
    detail = admin.get("/tenants/" + tenant_id).json()
    assert detail["max_extensions"] == 1000 and detail["enabled"] is True and detail["website"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", detail["created_at"])
    for dup in ({"domain": "ACME.example.com", "name": "Other"}, {"name": "acme", "domain": "x.example.com"}):
        r = admin.post("/tenants", dict(TENANT, **dup))
        assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"
    r = admin.post("/tenants/" + tenant_id, {"website": "https://acme.example.com"})
    assert r.status_code == 200 and r.content == b""
    assert admin.get("/tenants/" + tenant_id).json()["website"] == "https://acme.example.com"
    assert admin.post("/tenants/" + tenant_id, {"name": "Renamed"}).status_code == 400
    assert admin.post("/tenants/" + tenant_id + "/destroy").status_code == 204
    assert admin.get("/tenants/" + tenant_id).status_code == 404
    assert admin.post("/tenants/" + tenant_id + "/destroy").status_code == 404


def test_destroying_a_tenant_removes_its_users_phones_and_sessions(sim, acme):
    admin, tenant_id = acme
    user_id = admin.create("/users", user_body("400", name="boss", role="Admin", password="pw"))
    admin.create("/users/%s/phones" % user_id, PHONE)
    boss = PortSIP(sim)
    boss.login("boss", "pw", domain=TENANT["domain"])
    assert admin.post("/tenants/%s/destroy" % tenant_id).status_code == 204
    assert boss.get("/users").status_code == 401
    # The switched admin is back at system level, and the MAC is free again.
    assert admin.get("/users").status_code == 403
    other = admin.create("/tenants", dict(TENANT, name="Next", domain="next.example.com"))
    admin.post("/tenants/switch", params={"id": other})
    new_user = admin.create("/users", user_body("400"))
    admin.create("/users/%s/phones" % new_user, PHONE)


def test_only_get_and_post_exist(admin):
    for method in ("PUT", "PATCH", "DELETE"):
        r = admin.call(method, "/tenants")
        assert r.status_code == 405 and error_code(r) == "METHOD_NOT_ALLOWED"
    r = admin.get("/no_such_resource")
    assert r.status_code == 404 and error_code(r) == "NOT_FOUND"


# -- users ---------------------------------------------------------------------------------------
def test_user_create_read_and_defaults(acme):
    admin = acme[0]
    r = admin.post("/users", user_body("101", department="Sales"))
    assert r.status_code == 201 and set(r.json()) == {"id"}
    user_id = r.json()["id"]
    assert re.fullmatch(r"\d{18}", base64.b64decode(user_id).decode())
    detail = admin.get("/users/" + user_id).json()
    assert detail["extension_number"] == "101" and detail["department"] == "Sales"
    assert detail["enabled"] is True and detail["sms"] == "DISABLE" and detail["enable_voicemail_pin"] is True
    assert detail["available_no_answer_forward_rule"] is None and detail["mobile_phone"] is None
    assert "password" not in detail and "extension_password" not in detail
    assert not any(k.startswith("_") for k in detail)
    listed = admin.get("/users").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == user_id
    assert "voicemail_pin" not in listed["items"][0]


@pytest.mark.parametrize("field", ["name", "password", "email", "display_name", "role", "extension_number",
                                   "extension_password", "voicemail_pin"])
def test_user_required_fields(acme, field):
    admin = acme[0]
    body = user_body()
    del body[field]
    r = admin.post("/users", body)
    assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"
    assert field in r.json()["errors"][0]["message"]


@pytest.mark.parametrize("name, ok", [("alice.b", True), ("o'neil-x_1", True), (".alice", False), ("alice.", False),
                                      ("al ice", False), ("al@ice", False), ("ADMIN", False), ("Root", False),
                                      ("system", False), ("administrator", False), ("a" * 65, False)])
def test_user_name_rules(acme, name, ok):
    admin = acme[0]
    r = admin.post("/users", user_body(name=name))
    assert r.status_code == (201 if ok else 400), r.text


@pytest.mark.parametrize("pin, ok", [("135790", True), ("2468013579", True), ("111357", False),
                                     ("130123", False), ("135876", False), ("13579", False),
                                     ("13579246801", False), ("13a579", False)])
def test_voicemail_pin_policy(acme, pin, ok):
    admin = acme[0]
    r = admin.post("/users", user_body(voicemail_pin=pin))
    assert r.status_code == (201 if ok else 400), r.text
    if ok:
        assert admin.post("/users/%s" % r.json()["id"], {"voicemail_pin": "111222"}).status_code == 400


@pytest.mark.parametrize("number", ["12", "abc123", "12a", "1" * 65, ""])
def test_extension_number_format(acme, number):
    admin = acme[0]
    r = admin.post("/users", user_body(number))
    assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"


def test_user_names_and_extension_numbers_are_unique(acme):
    admin = acme[0]
    admin.create("/users", user_body("101", name="alice"))
    assert admin.post("/users", user_body("102", name="ALICE")).status_code == 400
    assert admin.post("/users", user_body("101", name="bob")).status_code == 400
    admin.create("/ring_groups", {"name": "Sales", "extension_number": "600"}, status=200)
    r = admin.post("/users", user_body("600", name="carol"))
    assert r.status_code == 400 and "600" in r.json()["errors"][0]["message"]
    assert admin.post("/ring_groups", {"name": "Support", "extension_number": "101"}).status_code == 400


def test_role_is_checked(acme):
    admin = acme[0]
    # "User" is the spec's example but not a built-in role name.
    for role in ("User", "SystemAdmin", "admin"):
        assert admin.post("/users", user_body(role=role)).status_code == 400


def test_update_is_partial_and_create_only_fields_are_refused(acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101", email="old@example.com"))
    r = admin.post("/users/" + user_id, {"display_name": "Alice Liddell", "enable_dnd": True})
    assert r.status_code == 200 and r.content == b""
    detail = admin.get("/users/" + user_id).json()
    assert (detail["display_name"], detail["enable_dnd"], detail["email"]) == ("Alice Liddell", True,
                                                                               "old@example.com")
    for field, value in (("name", "other"), ("extension_number", "999"), ("password", "x"),
                         ("extension_password", "x"), ("role", "Admin")):
        r = admin.post("/users/" + user_id, {field: value, "display_name": "Changed"})
        assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"
        assert field in r.json()["errors"][0]["message"]
    assert admin.get("/users/" + user_id).json()["display_name"] == "Alice Liddell"
    # Unknown properties are allowed by the spec and ignored.
    assert admin.post("/users/" + user_id, {"no_such_field": 1}).status_code == 200
    assert admin.post("/users/" + user_id, {"email": None}).status_code == 400
    assert admin.post("/users/NzAwNTUxOTA5NzczMTQ4MTYw", {"email": "x@example.com"}).status_code == 404


def test_password_extension_password_and_role_endpoints(sim, acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101", name="alice", password="first"))
    assert admin.post("/users/%s/password" % user_id, {"password": "second"}).status_code == 200
    assert admin.post("/users/%s/extension_password" % user_id, {"password": "sip2"}).status_code == 200
    alice = PortSIP(sim)
    alice.login("alice", "second", domain=TENANT["domain"])
    assert requests.post(sim.url + "/api/auth/sign_in", json={
        "username": "alice", "password": "first", "domain": TENANT["domain"]}, timeout=5).status_code == 400
    assert alice.get("/users").status_code == 403
    assert admin.post("/users/%s/role" % user_id, {"role": "Admin"}).status_code == 200
    assert admin.get("/users/" + user_id).json()["role"] == "Admin"
    assert alice.get("/users").status_code == 200
    assert admin.post("/users/%s/role" % user_id, {"role": "Boss"}).status_code == 400
    assert admin.post("/users/%s/password" % user_id, {}).status_code == 400


def test_destroy_frees_the_extension_number(acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101"))
    assert admin.get("/extension_numbers/101").json() == {
        "id": user_id, "extension_number": "101", "name": "user101", "type": "EXTENSION"}
    r = admin.post("/users/%s/destroy" % user_id)
    assert r.status_code == 204 and r.content == b""
    assert admin.get("/users/" + user_id).status_code == 404
    assert admin.post("/users/%s/destroy" % user_id).status_code == 404
    assert admin.get("/extension_numbers/101").status_code == 404
    admin.create("/users", user_body("101"))


def test_tenant_extension_limit(admin):
    tenant_id = admin.create("/tenants", dict(TENANT, max_extensions=2))
    admin.post("/tenants/switch", params={"id": tenant_id})
    admin.create("/users", user_body("101"))
    admin.create("/users", user_body("102"))
    r = admin.post("/users", user_body("103"))
    assert r.status_code == 400 and "maximum" in r.json()["errors"][0]["message"]


# -- paging, filter, orderby ---------------------------------------------------------------------
@pytest.fixture
def many_users(sim, acme):
    admin = acme[0]
    items = [{"tenant": "Acme", "extension_number": str(1000 + i), "department": "Sales" if i % 2 else "Ops",
              "enabled": i % 5 != 0} for i in range(25)]
    assert sim.fixtures("portsip", "users", items) == {"loaded": 25}
    return admin


def test_paging_uses_top_and_zero_based_skip(many_users):
    page = many_users.get("/users", params={"top": 10, "skip": 20}).json()
    assert page["count"] == 25
    assert [u["extension_number"] for u in page["items"]] == [str(n) for n in range(1020, 1025)]
    first = many_users.get("/users", params={"top": 1}).json()["items"]
    assert [u["extension_number"] for u in first] == ["1000"]
    assert len(many_users.get("/users").json()["items"]) == 25


@pytest.mark.parametrize("params", [{"top": 0}, {"top": 101}, {"skip": -1}, {"top": "ten"},
                                    {"filter": "department eq"}, {"filter": "nope eq 'x'"},
                                    {"filter": "department like 'x'"}, {"orderby": "department sideways"},
                                    {"orderby": "nope"}, {"filter": "startswith(department, 1)"}])
def test_bad_query_options_are_400(many_users, params):
    r = many_users.get("/users", params=params)
    assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"


@pytest.mark.parametrize("expr, expected", [
    ("department eq 'Sales'", 12),
    ("department ne 'Sales'", 13),
    ("extension_number ge '1020'", 5),
    ("extension_number gt '1020' and extension_number lt '1023'", 2),
    ("extension_number eq '1000' or extension_number eq '1001'", 2),
    ("(department eq 'Ops' or department eq 'Sales') and enabled eq false", 5),
    ("startswith(extension_number,'102')", 5),
    ("endswith(name,'7')", 2),
    ("contains(email,'101')", 10),
    ("mobile_phone eq null", 25),
    ("name eq 'o''brien'", 0),
])
def test_filter(many_users, expr, expected):
    r = many_users.get("/users", params={"filter": expr})
    assert r.status_code == 200, r.text
    assert r.json()["count"] == expected


def test_orderby_search_and_filter_with_paging(many_users):
    r = many_users.get("/users", params={"orderby": "department desc, extension_number desc", "top": 3})
    assert [u["extension_number"] for u in r.json()["items"]] == ["1023", "1021", "1019"]
    r = many_users.get("/users", params={"filter": "department eq 'Ops'", "skip": 10, "top": 5})
    assert r.json()["count"] == 13 and len(r.json()["items"]) == 3
    assert many_users.get("/users", params={"search": "user1024"}).json()["count"] == 1


# -- user phones and the provisioning inventory --------------------------------------------------
def test_user_phone_lifecycle(acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101"))
    phone_id = admin.create("/users/%s/phones" % user_id, PHONE)
    phones = admin.get("/users/%s/phones" % user_id).json()
    assert set(phones) == {"items"} and len(phones["items"]) == 1
    phone = admin.get("/users/%s/phones/%s" % (user_id, phone_id)).json()
    assert phone["mac"] == "0c:38:3e:63:fe:e8" and phone["url"] and phone["enable_lldp"] is False
    assert phone["wan_port_id"] is None
    r = admin.post("/users/%s/phones/%s" % (user_id, phone_id), {"language": "FRENCH", "wan_port_id": 10})
    assert r.status_code == 200 and r.content == b""
    phone = admin.get("/users/%s/phones/%s" % (user_id, phone_id)).json()
    assert (phone["language"], phone["wan_port_id"], phone["transfer"]) == ("FRENCH", 10, "BLIND")
    for field, value in (("mac", "0c:38:3e:00:00:01"), ("filename", "yealinkT3x.ph.xml"), ("vendor", "Yealink"),
                         ("model", "V65")):
        assert admin.post("/users/%s/phones/%s" % (user_id, phone_id), {field: value}).status_code == 400
    assert admin.post("/users/%s/phones/%s/destroy" % (user_id, phone_id)).status_code == 204
    assert admin.get("/users/%s/phones/%s" % (user_id, phone_id)).status_code == 404
    assert admin.get("/users/%s/phones" % user_id).json() == {"items": []}


@pytest.mark.parametrize("change", [
    {"mac": "0c:38:3e:63:fe"}, {"mac": "zz:38:3e:63:fe:e8"}, {"filename": "nope.ph.xml"}, {"model": "T46U"},
    {"vendor": "Yealink"}, {"language": "English"}, {"transfer": "blind"}, {"wan_port_id": 4095},
    {"pc_port_priority": 8}, {"door_password1": "12a4"}, {"door_password1": "123"}, {"codecs": "PCMU"},
])
def test_user_phone_create_checks(acme, change):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101"))
    r = admin.post("/users/%s/phones" % user_id, dict(PHONE, **change))
    assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED"


def test_a_mac_belongs_to_one_user_across_tenants(admin):
    one = admin.create("/tenants", TENANT)
    two = admin.create("/tenants", dict(TENANT, name="Globex", domain="globex.example.com"))
    admin.post("/tenants/switch", params={"id": one})
    alice = admin.create("/users", user_body("101"))
    bob = admin.create("/users", user_body("102"))
    admin.create("/users/%s/phones" % alice, PHONE)
    for mac in ("0c:38:3e:63:fe:e8", "0C383E63FEE8"):
        r = admin.post("/users/%s/phones" % bob, dict(PHONE, mac=mac))
        assert r.status_code == 400 and "assigned" in r.json()["errors"][0]["message"]
    admin.post("/tenants/switch", params={"id": two})
    carol = admin.create("/users", user_body("101"))
    assert admin.post("/users/%s/phones" % carol, PHONE).status_code == 400


def test_provisioning_inventory(sim, acme):
    admin = acme[0]
    sim.fixtures("portsip", "phones", [
        {"mac": "24:9a:d8:12:9d:2f", "vendor": "Yealink", "model": "SIP-T42U", "fwver": "108.86.0.164",
         "ip": "192.0.2.10"},
        {"mac": "0C383E63FEE8", "vendor": "Fanvil", "model": "V62 Pro", "fwver": "2.12.17.14", "ip": "192.0.2.11"},
        {"mac": "c0:74:ad:f9:e5:59", "vendor": "Grandstream", "model": "GXP2170"},
    ])
    user_id = admin.create("/users", user_body("101", display_name="Alice"))
    admin.create("/users/%s/phones" % user_id, PHONE)

    items = admin.get("/phones").json()
    assert set(items) == {"items"}
    by_mac = {p["mac"]: p for p in items["items"]}
    assert set(by_mac) == {"24:9a:d8:12:9d:2f", "0c:38:3e:63:fe:e8", "c0:74:ad:f9:e5:59"}
    assigned = by_mac["0c:38:3e:63:fe:e8"]
    assert (assigned["extension_number"], assigned["name"], assigned["fwver"], assigned["vm_pin"],
            assigned["password"]) == ("101", "Alice", "2.12.17.14", "135790", "phone-web")
    assert by_mac["24:9a:d8:12:9d:2f"]["extension_number"] is None
    assert admin.get("/phones/24-9A-D8-12-9D-2F").json()["model"] == "SIP-T42U"
    assert admin.get("/phones/00:00:00:00:00:01").status_code == 404
    assert admin.get("/phones/0c:38:3e:63:fe:e8/assignee").json() == {
        "mac": "0c:38:3e:63:fe:e8", "extension_number": "101", "vendor": "Fanvil", "model": "V62 Pro"}
    assert admin.get("/phones/24:9a:d8:12:9d:2f/assignee").status_code == 404

    for action in ("reboot", "reprovision"):
        r = admin.post("/phones/0c:38:3e:63:fe:e8/%s" % action)
        assert r.status_code == 200 and r.content == b""
        assert admin.post("/phones/00:00:00:00:00:01/%s" % action).status_code == 404
    assert admin.post("/phones/reprovision").status_code == 200
    events = sim.ops("GET", "portsip/phones/0c383e63fee8")
    assert (events["reboots"], events["reprovisions"]) == (1, 2)

    r = admin.post("/phones/not-a-mac/reject")
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == "Invalid mac address."
    assert admin.post("/phones/24:9a:d8:12:9d:2f/reject").status_code == 200
    assert "24:9a:d8:12:9d:2f" not in {p["mac"] for p in admin.get("/phones").json()["items"]}


def test_inventory_is_per_tenant(sim, admin):
    one = admin.create("/tenants", TENANT)
    two = admin.create("/tenants", dict(TENANT, name="Globex", domain="globex.example.com"))
    sim.fixtures("portsip", "phones", [{"mac": "24:9a:d8:12:9d:2f", "model": "SIP-T42U", "tenant": "Globex"}])
    admin.post("/tenants/switch", params={"id": one})
    assert admin.get("/phones").json() == {"items": []}
    admin.post("/tenants/switch", params={"id": two})
    assert len(admin.get("/phones").json()["items"]) == 1


def test_phone_models_and_profiles(admin):
    models = admin.get("/phone_models").json()["items"]
    assert {"filename": "fanvil.ph.xml", "model": "V62 Pro", "display_name": "Fanvil V62 Pro"} in models
    assert all(set(m) == {"filename", "model", "display_name"} for m in models)
    profile = admin.get("/phone_models/fanvil.ph.xml").json()
    assert profile["filename"] == "fanvil.ph.xml" and "ENGLISH" in profile["languages"]
    assert "GMT+8 China(Beijing)" in profile["time_zones"]
    assert admin.get("/phone_models/nope.ph.xml").status_code == 404


def test_templates(sim, admin):
    listed = admin.get("/templates/phones").json()["items"]
    assert {"filename": "fanvil.ph.xml", "is_custom": False} in listed
    stock = admin.get("/templates/phones/fanvil.ph.xml").json()
    assert stock["is_custom"] is False and '<model ua="V62">Fanvil V62</model>' in stock["content"]
    content = stock["content"].replace(">Fanvil ", ">PortSIP ")
    r = admin.post("/templates/phones", {"filename": "PortSIP.ph.xml", "content": content})
    assert r.status_code == 201 and r.json() == {"filename": "PortSIP.ph.xml"}
    assert admin.post("/templates/phones", {"filename": "PortSIP.ph.xml", "content": ""}).status_code == 400
    assert admin.post("/templates/phones", {"content": "x"}).status_code == 400
    models = admin.get("/phone_models").json()["items"]
    assert {"filename": "PortSIP.ph.xml", "model": "V62", "display_name": "PortSIP V62"} in models
    assert admin.post("/templates/phones/PortSIP.ph.xml", {"content": "<doc/>"}).status_code == 200
    assert admin.get("/templates/phones/PortSIP.ph.xml").json() == {
        "filename": "PortSIP.ph.xml", "content": "<doc/>", "is_custom": True}
    assert admin.post("/templates/phones/fanvil.ph.xml", {"content": "x"}).status_code == 400
    assert admin.post("/templates/phones/fanvil.ph.xml/destroy").status_code == 400
    assert admin.post("/templates/phones/PortSIP.ph.xml/destroy").status_code == 204
    assert admin.get("/templates/phones/PortSIP.ph.xml").status_code == 404


def test_phone_model_fixture_extends_the_catalogue(sim, acme):
    admin = acme[0]
    sim.fixtures("portsip", "phone_models", [{"filename": "acme.ph.xml", "vendor": "Acme", "model": "A1",
                                              "display_name": "Acme A1"}])
    assert {"filename": "acme.ph.xml", "model": "A1", "display_name": "Acme A1"} in \
        admin.get("/phone_models").json()["items"]
    user_id = admin.create("/users", user_body("101"))
    admin.create("/users/%s/phones" % user_id, dict(PHONE, filename="acme.ph.xml", vendor="Acme", model="A1"))


# -- ring groups ---------------------------------------------------------------------------------
def test_ring_group_lifecycle_and_agents(acme):
    admin = acme[0]
    for n in ("101", "102", "103"):
        admin.create("/users", user_body(n, display_name="Agent " + n))
    r = admin.post("/ring_groups", {"name": "Sales", "extension_number": "600"})
    assert r.status_code == 200 and set(r.json()) == {"id"}
    group_id = r.json()["id"]
    group = admin.get("/ring_groups/" + group_id).json()
    assert (group["ring_time"], group["enable_prid"], group["no_answer_forward_rule"]) == (20, False, None)
    assert admin.get("/extension_numbers/600").json()["type"] == "RING_GROUP"

    assert admin.post("/ring_groups/%s/agents" % group_id,
                      {"items": [{"extension_number": "101"}, {"extension_number": "102", "skill_level": 5}]}
                      ).status_code == 200
    assert admin.get("/ring_groups/%s/agents" % group_id).json() == {"items": [
        {"extension_number": "101", "display_name": "Agent 101", "skill_level": 1},
        {"extension_number": "102", "display_name": "Agent 102", "skill_level": 5}]}
    # Replaced as a whole.
    admin.post("/ring_groups/%s/agents" % group_id, {"items": [{"extension_number": "103"}]})
    assert [a["extension_number"] for a in admin.get("/ring_groups/%s/agents" % group_id).json()["items"]] == \
        ["103"]
    assert admin.get("/ring_groups/%s/agents/103" % group_id).json()["display_name"] == "Agent 103"
    assert admin.get("/ring_groups/%s/agents/101" % group_id).status_code == 404
    for items in ([{"extension_number": "999"}], [{"extension_number": "600"}],
                  [{"extension_number": "101"}, {"extension_number": "101"}],
                  [{"extension_number": "101", "skill_level": 101}]):
        assert admin.post("/ring_groups/%s/agents" % group_id, {"items": items}).status_code == 400

    assert admin.post("/ring_groups/" + group_id, {"ring_time": 30, "ring_strategy": "CYCLIC_HUNT"}).content == b""
    assert admin.get("/ring_groups/" + group_id).json()["ring_strategy"] == "CYCLIC_HUNT"
    assert admin.post("/ring_groups/" + group_id, {"extension_number": "601"}).status_code == 400
    listed = admin.get("/ring_groups").json()
    assert listed["count"] == 1 and "outbound_caller_ids" not in listed["items"][0]
    assert admin.post("/ring_groups/%s/destroy" % group_id).status_code == 204
    r = admin.post("/ring_groups/%s/destroy" % group_id)
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == "Invalid ring group ID supplied."
    assert admin.get("/extension_numbers/600").status_code == 404


def test_ring_group_needs_name_and_number(acme):
    admin = acme[0]
    for body in ({"name": "Sales"}, {"extension_number": "600"}, {"name": "", "extension_number": "600"}):
        assert admin.post("/ring_groups", body).status_code == 400


def test_deleting_a_user_removes_it_from_ring_groups(acme):
    admin = acme[0]
    alice = admin.create("/users", user_body("101"))
    admin.create("/users", user_body("102"))
    group_id = admin.create("/ring_groups", {"name": "Sales", "extension_number": "600"}, status=200)
    admin.post("/ring_groups/%s/agents" % group_id, {"items": [{"extension_number": "101"},
                                                               {"extension_number": "102"}]})
    admin.post("/users/%s/destroy" % alice)
    assert [a["extension_number"] for a in admin.get("/ring_groups/%s/agents" % group_id).json()["items"]] == \
        ["102"]


# -- providers (trunks) --------------------------------------------------------------------------
TRUNK = {"name": "Carrier", "brand": "Generic", "auth_mode": "REGISTER_AUTH", "transport": "UDP",
         "hostname": "sip.carrier.example", "port": 5060, "outbound_server": "sip.carrier.example",
         "outbound_server_port": 5060, "concurrency": 10, "username": "acct", "password": "trunk-secret",
         "did_numbers": "3000;12000-18000"}


def test_provider_lifecycle(acme):
    admin = acme[0]  # providers are system-level: switching into a tenant does not matter
    provider_id = admin.create("/providers", TRUNK)
    detail = admin.get("/providers/" + provider_id).json()
    assert "password" not in detail and detail["username"] == "acct" and detail["keep_alive_interval"] == 360
    assert detail["shared"] is False and detail["enabled"] is True
    assert admin.get("/providers/%s/status" % provider_id).json() == {"status": "ONLINE"}
    listed = admin.get("/providers").json()
    assert listed["count"] == 1 and set(listed["items"][0]) == {
        "id", "name", "enabled", "brand", "hostname", "port", "did_numbers", "shared"}
    assert admin.post("/providers/" + provider_id, {"port": 5080, "password": "new"}).status_code == 200
    assert admin.get("/providers/" + provider_id).json()["port"] == 5080
    for field, value in (("brand", "Other"), ("auth_mode", "IP_AUTH")):
        assert admin.post("/providers/" + provider_id, {field: value}).status_code == 400
    assert admin.post("/providers", dict(TRUNK, name="carrier")).status_code == 400
    assert admin.post("/providers/%s/destroy" % provider_id).status_code == 204
    r = admin.post("/providers/%s/destroy" % provider_id)
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == "Invalid provider ID supplied."


@pytest.mark.parametrize("field", ["name", "transport", "hostname", "port", "outbound_server",
                                   "outbound_server_port", "concurrency"])
def test_provider_required_fields(admin, field):
    body = dict(TRUNK)
    del body[field]
    assert admin.post("/providers", body).status_code == 400


def test_unregistered_trunk_is_offline(admin):
    provider_id = admin.create("/providers", dict(TRUNK, username="", auth_id=""))
    assert admin.get("/providers/%s/status" % provider_id).json() == {"status": "OFFLINE"}


# -- fixtures ------------------------------------------------------------------------------------
def test_fixtures_reject_bad_items(sim):
    for fixture, items in (("phones", [{"mac": "nope"}]), ("users", [{"tenant": "nowhere", "extension_number": "1"}]),
                           ("tenants", [{"name": "X"}]), ("users", ["not an object"])):
        r = sim.http.post(sim.url + "/_sim/fixtures", json={"platform": "portsip", "fixture": fixture,
                                                            "items": items}, timeout=5)
        assert r.status_code == 400, (fixture, r.text)


def test_ring_group_fixture_with_agents(sim, admin):
    sim.fixtures("portsip", "tenants", [TENANT])
    sim.fixtures("portsip", "users", [{"tenant": "Acme", "extension_number": "101"}])
    assert sim.fixtures("portsip", "ring_groups", [{"tenant": "acme.example.com", "name": "Sales",
                                                    "extension_number": "600", "agents": ["101"]}]) == {"loaded": 1}
    tenant_id = admin.get("/tenants").json()["items"][0]["id"]
    admin.post("/tenants/switch", params={"id": tenant_id})
    group = admin.get("/ring_groups").json()["items"][0]
    assert admin.get("/ring_groups/%s/agents" % group["id"]).json()["items"][0]["extension_number"] == "101"


def test_a_lone_surrogate_escape_is_not_valid_json(acme):
    admin = acme[0]
    r = admin.call("POST", "/users", data='{"name": "x\\ud800", "extension_number": "101"}',
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"errors": [{"code": "VALIDATE_FAILED", "message": "The request body is not valid JSON"}]}
    assert admin.get("/users").json()["count"] == 0


# -- call control: GET /sessions/directly ------------------------------------------------------------
def session_query(**over):
    query = {"extension_number": "101", "password": "Sip-101", "domain": TENANT["domain"], "caller": "101",
             "callee": "102", "send_sdp": "false"}
    query.update(over)
    return {k: v for k, v in query.items() if v is not None}


def test_a_call_session_authenticates_the_extension_password(sim, acme):
    admin = acme[0]
    user_id = admin.create("/users", user_body("101"))
    admin.create("/ring_groups", {"name": "Sales", "extension_number": "600"}, status=200)
    anonymous = requests.Session()
    anonymous.trust_env = False
    url = sim.url + "/api/sessions/directly"
    sim.reset_stats()

    first = anonymous.get(url, params=session_query(), timeout=5)
    assert first.status_code == 201, first.text
    assert set(first.json()) == {"id"} and base64.b64decode(first.json()["id"]).isdigit()
    second = anonymous.get(url, params=session_query(send_sdp="true", domain="ACME.example.com"), timeout=5)
    assert second.status_code == 201 and second.json()["id"] != first.json()["id"]

    failed = {"errors": [{"code": "UNAUTHORIZED", "message": "Login failed, authentication error"}]}
    for bad in (dict(password="Portal-101"),  # the portal password is not the SIP password
                dict(password=""), dict(domain="globex.example.com"), dict(extension_number="102"),
                dict(extension_number="600", password="")):  # a ring group has no SIP password
        r = anonymous.get(url, params=session_query(**bad), timeout=5)
        assert (r.status_code, r.json()) == (400, failed), bad

    # Logins, not reads; nothing is kept.
    stats = sim.stats()
    assert (stats["logins"], stats["reads"], stats["writes"]) == (7, 0, 0)
    assert admin.get("/users").json()["count"] == 1

    # The password it checks is the one /extension_password sets; a disabled user is refused.
    admin.post("/users/%s/extension_password" % user_id, {"password": "new-sip"})
    assert anonymous.get(url, params=session_query(), timeout=5).status_code == 400
    assert anonymous.get(url, params=session_query(password="new-sip"), timeout=5).status_code == 201
    admin.post("/users/" + user_id, {"enabled": False})
    assert anonymous.get(url, params=session_query(password="new-sip"), timeout=5).status_code == 400


@pytest.mark.parametrize("over", [
    {"extension_number": None}, {"password": None}, {"domain": None}, {"caller": None}, {"callee": None},
    {"send_sdp": None}, {"send_sdp": "maybe"}, {"extension_number": "12"}, {"domain": ""},
    {"callee": "1" * 257}, {"trunk": ""}, {"additional_header": "LOUD"},
])
def test_a_call_session_needs_its_parameters(sim, acme, over):
    acme[0].create("/users", user_body("101"))
    r = requests.get(sim.url + "/api/sessions/directly", params=session_query(**over), timeout=5)
    assert r.status_code == 400, r.text
    assert error_code(r) == "VALIDATE_FAILED"


# -- inferred behaviours behind switches ---------------------------------------------------------------
@pytest.fixture(scope="module")
def switched():
    """A simulator where tenant switches answer new tokens and failed logins are 401."""
    with RunningSimulator(extra_args=["--portsip-switch-mode", "token", "--portsip-login-failure-status", "401"]) \
            as running:
        yield running


def test_the_switches_are_in_the_configuration(sim, switched):
    assert (sim.ops("GET", "config")["portsip_switch_mode"], sim.ops("GET", "config")["portsip_login_failure_status"]) \
        == ("rescope", 400)
    config = switched.ops("GET", "config")
    assert (config["portsip_switch_mode"], config["portsip_login_failure_status"]) == ("token", 401)


def test_switch_mode_token_answers_a_tenant_token_and_leaves_the_caller_alone(switched):
    switched.reset()
    admin = PortSIP(switched)
    admin.login()
    system_token = admin.token
    one = admin.create("/tenants", TENANT)
    two = admin.create("/tenants", dict(TENANT, name="Globex", domain="globex.example.com"))
    switched.reset_stats()

    r = admin.post("/tenants/switch", params={"id": one})
    assert r.status_code == 200
    token = r.json()
    assert set(token) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert re.fullmatch(r"[A-Z0-9]{48}", token["access_token"]) and token["access_token"] != system_token
    assert switched.stats()["logins"] == 1

    # The old token is still the system admin's, in no tenant.
    r = admin.get("/users")
    assert r.status_code == 403 and "switch" in r.json()["errors"][0]["message"]
    assert admin.get("/tenants").json()["count"] == 2
    # The new one is scoped to the tenant, still as the system admin.
    in_one = token["access_token"]
    created = admin.call("POST", "/users", token=in_one, json=user_body("100"))
    assert created.status_code == 201, created.text
    assert admin.get("/users", token=in_one).json()["count"] == 1
    assert admin.get("/login", token=in_one).json()["role"] == "SystemAdmin"
    # Switching again gives another token; the first stays in its tenant.
    in_two = admin.call("POST", "/tenants/switch", token=in_one, params={"id": two}).json()["access_token"]
    assert admin.get("/users", token=in_two).json()["count"] == 0
    assert admin.get("/users", token=in_one).json()["count"] == 1
    # A refreshed tenant token keeps its tenant.
    fresh = admin.http.post(admin.base + "/auth/refresh_token", json={"refresh_token": token["refresh_token"]},
                            timeout=5).json()["access_token"]
    assert admin.get("/users", token=fresh).json()["count"] == 1
    assert admin.post("/tenants/switch", params={"id": "Tm9TdWNoVGVuYW50"}).status_code == 404
    assert switched.stats()["internal_errors"] == 0


@pytest.mark.parametrize("body", [{"username": "admin", "password": "wrong"}, {"username": "admin"}, {}])
def test_login_failure_status_401(switched, body):
    failed = {"errors": [{"code": "UNAUTHORIZED", "message": "Login failed, authentication error"}]}
    for path in ("/login", "/auth/sign_in"):
        r = requests.post(switched.url + "/api" + path, json=body, timeout=5)
        assert (r.status_code, r.json()) == (401, failed), path
    # The OAuth grant keeps the 400 its page documents.
    r = requests.post(switched.url + "/api/login/oauth/token", timeout=5, data={
        "grant_type": "password", "username": "admin", "password": "wrong", "scope": "all",
        "client_id": "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"})
    assert (r.status_code, r.json()) == (400, failed)
    # A refused call session is a failed login too; a bad parameter is still 400 VALIDATE_FAILED.
    r = requests.get(switched.url + "/api/sessions/directly", params=session_query(), timeout=5)
    assert (r.status_code, r.json()) == (401, failed)
    assert requests.get(switched.url + "/api/sessions/directly", params=session_query(caller=None),
                        timeout=5).status_code == 400
    assert switched.stats()["internal_errors"] == 0
