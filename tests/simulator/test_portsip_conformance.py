"""The PortSIP simulator against PortSIP's own OpenAPI 22.2 spec.

- The simulator's request tables (pbxsim/platforms/portsip_schema.py) equal
  the spec's request schemas, keyword for keyword.
- Every response of every implemented operation validates against the spec
  (openapi-core), in a scenario that walks all of them, errors included.
- Request bodies derived from the spec's constraints so that the spec rejects
  them (wrong type, null, missing required, out of range, bad enum, too long,
  pattern) are rejected by the simulator with VALIDATE_FAILED.
- Fuzzed bodies and query options always get the {"errors": [...]} shape.

The spec is read from ../shared/reference/ beside the repository, or from
$PBX_SHARED_DIR/reference/ (the shared_file fixture of conftest.py); the
tests fail, never skip, when it is absent.  Two documented facts are applied
to the copy used for responses, and only there:
1. nullable properties: PortSIP's API guide says "Blank fields are
   explicitly included as null values", which the schemas do not express;
2. additionalProperties false on response objects: stricter than the spec, so
   a field the spec does not name is caught.  This also makes the sign_in
   response's oneOf decidable (its two object branches have no required
   properties, so any object matches both).
The spec itself fails openapi-spec-validator (tag "Authentication" is listed
twice), which has nothing to do with the schemas, so that check is skipped.
"""

import copy
import json
import re

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apis import uncrashed

TENANT = {"name": "Acme", "domain": "acme.example.com", "timezone": "UTC", "currency": "USD", "region": "US"}
USER = {"name": "alice", "password": "portal-pw", "email": "alice@example.com", "display_name": "Alice",
        "role": "Admin", "extension_number": "101", "extension_password": "sip-pw", "voicemail_pin": "135790"}
PHONE = {"mac": "0c:38:3e:63:fe:e8", "filename": "fanvil.ph.xml", "vendor": "Fanvil", "model": "V62 Pro",
         "password": "phone-web", "language": "ENGLISH", "transfer": "BLIND", "timezone": "GMT+8 China(Beijing)",
         "codecs": ["PCMU", "PCMA"], "interface": "WEB_DOMAIN", "preferred_transport": "UDP"}
DECT = {"name": "Front desk", "mac": "cc:5e:f8:41:b7:94", "template": "yealinkW60B.dect.xml", "vendor": "Yealink",
        "model": "SIP-W60B", "password": "dect-web", "timezone": "GMT-5:00 US Eastern Time, New York",
        "language": "ENGLISH", "tone": "United States", "codecs": ["PCMU", "PCMA"], "interface": "WEB_DOMAIN",
        "preferred_transport": "UDP"}
TRUNK = {"name": "Carrier", "brand": "Generic", "auth_mode": "REGISTER_AUTH", "transport": "UDP",
         "hostname": "sip.carrier.example", "port": 5060, "outbound_server": "sip.carrier.example",
         "outbound_server_port": 5060, "concurrency": 10, "username": "acct", "password": "secret"}

# Every operation the simulator implements, as (method, spec path).
OPERATIONS = {
    ("post", "/login"), ("get", "/login"), ("post", "/logout"), ("post", "/auth/sign_in"),
    ("post", "/auth/refresh_token"), ("post", "/auth/sign_out"), ("get", "/auth/user"), ("get", "/info"),
    ("get", "/tenants"), ("post", "/tenants"), ("post", "/tenants/switch"), ("get", "/tenants/{id}"),
    ("post", "/tenants/{id}"), ("post", "/tenants/{id}/destroy"),
    ("get", "/users"), ("post", "/users"), ("get", "/users/{id}"), ("post", "/users/{id}"),
    ("post", "/users/{id}/password"), ("post", "/users/{id}/extension_password"), ("post", "/users/{id}/role"),
    ("post", "/users/{id}/destroy"), ("get", "/extension_numbers/{extension_number}"),
    ("get", "/users/{id}/phones"), ("post", "/users/{id}/phones"), ("get", "/users/{id}/phones/{phone_id}"),
    ("post", "/users/{id}/phones/{phone_id}"), ("post", "/users/{id}/phones/{phone_id}/destroy"),
    ("get", "/phones"), ("post", "/phones/reprovision"), ("get", "/phones/{mac}"), ("get", "/phones/{mac}/assignee"),
    ("post", "/phones/{mac}/reprovision"), ("post", "/phones/{mac}/reboot"), ("post", "/phones/{mac}/reject"),
    ("get", "/phone_models"), ("get", "/phone_models/{filename}"), ("get", "/templates/phones"),
    ("post", "/templates/phones"), ("get", "/templates/phones/{filename}"), ("post", "/templates/phones/{filename}"),
    ("post", "/templates/phones/{filename}/destroy"),
    ("get", "/dect_phone_models"), ("get", "/dect_phone_models/{name}"), ("get", "/dect_phones"),
    ("post", "/dect_phones"), ("get", "/dect_phones/{id}"), ("post", "/dect_phones/{id}"),
    ("post", "/dect_phones/{id}/destroy"), ("get", "/dect_phones/{id}/members"), ("post", "/dect_phones/{id}/members"),
    ("get", "/dect_phones/{id}/members/{extension_number}"),
    ("get", "/ring_groups"), ("post", "/ring_groups"), ("get", "/ring_groups/{id}"), ("post", "/ring_groups/{id}"),
    ("post", "/ring_groups/{id}/destroy"), ("get", "/ring_groups/{id}/agents"), ("post", "/ring_groups/{id}/agents"),
    ("get", "/ring_groups/{id}/agents/{agent_number}"),
    ("get", "/providers"), ("post", "/providers"), ("get", "/providers/{id}"), ("post", "/providers/{id}"),
    ("get", "/providers/{id}/status"), ("post", "/providers/{id}/destroy"), ("get", "/sessions/directly"),
}
_KEEP = ("type", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum", "format", "default", "items",
         "properties", "required", "oneOf", "anyOf")


# -- the spec, parsed once -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def spec(shared_file):
    with open(shared_file("reference/portsip-openapi-22.2.json"), encoding="utf-8") as fh:
        return json.load(fh)


def _openapi(document):
    from openapi_core import Config, OpenAPI

    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="session")
def request_oracle(spec):
    """The spec exactly as published: the judge of request bodies."""
    return _openapi(spec)


@pytest.fixture(scope="session")
def response_oracle(spec):
    document = copy.deepcopy(spec)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                for answer in operation.get("responses", {}).values():
                    for media in (answer.get("content") or {}).values():
                        media["schema"] = _strict(media["schema"])
    return _openapi(document)


@pytest.fixture(scope="session")
def operations(spec):
    """(method, concrete path) -> (method, spec path), literal segments winning over parameters."""
    table = []
    for template, item in spec["paths"].items():
        regex = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        table.append((template.count("{"), template, regex, set(item)))
    table.sort()

    def find(method, path):
        for entry in table:
            template, regex, methods = entry[1:]
            if method in methods and regex.match(path):
                return method, template
        return None
    return find


def merge(schema):
    """allOf folded into one schema (PortSIP uses it only to attach descriptions and mixins)."""
    if not isinstance(schema, dict) or "allOf" not in schema:
        return schema
    out = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = merge(part)
        for key, value in part.items():
            if key == "properties":
                out.setdefault("properties", {}).update(value)
            elif key == "required":
                out["required"] = out.get("required", []) + value
            else:
                out.setdefault(key, value)
    return out


def _norm(schema):
    schema = merge(schema)
    out = {k: v for k, v in schema.items() if k in _KEEP}
    if "properties" in out:
        out["properties"] = {k: _norm(v) for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = _norm(out["items"])
    if "required" in out:
        out["required"] = sorted(out["required"])
    return out


def _strict(schema):
    schema = merge(schema)
    out = dict(schema)
    if "properties" in out:
        required = set(out.get("required", ()))
        out["properties"] = {k: _strict(v) if k in required else {"anyOf": [_strict(v), {"type": "null"}]}
                             for k, v in out["properties"].items()}
        out["additionalProperties"] = False
    if "items" in out:
        out["items"] = _strict(out["items"])
    for key in ("oneOf", "anyOf"):
        if key in out:
            out[key] = [_strict(s) for s in out[key]]
    return out


def _request_schema(spec, method, template):
    return merge(spec["paths"][template][method]["requestBody"]["content"]["application/json"]["schema"])


# -- a client whose every response is checked against the spec ------------------------------------
class Checked:
    def __init__(self, sim, oracle, find):
        from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

        self.base = sim.url + "/api"
        self.http = requests.Session()
        self.http.trust_env = False
        self.token = None
        self.covered = set()

        def check(response, *args, **kwargs):
            uncrashed(response)
            path = requests.utils.urlparse(response.request.url).path
            op = find(response.request.method.lower(), path[len("/api"):])
            if op is None:
                return  # not a spec operation (the OAuth grant of variant C, a 404 path)
            responses = oracle.spec / "paths" / op[1] / op[0] / "responses"
            codes = set(responses.keys())
            if response.status_code in (401, 403) and not codes & {"4XX", str(response.status_code)}:
                return  # the spec documents no auth failure for this operation
            oracle.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
            if response.status_code >= 400:
                _assert_error_shape(response)
            self.covered.add(op)
        self.http.hooks["response"].append(check)

    def login(self, path="/auth/sign_in", **body):
        r = self.http.post(self.base + path, json=body or {"username": "admin", "password": "admin"}, timeout=10)
        assert r.status_code == 200, r.text
        self.token = r.json()["access_token"]
        return r.json()

    def call(self, method, path, body=None, status=None, **kwargs):
        headers = {"Authorization": "Bearer " + self.token} if self.token else {}
        r = self.http.request(method, self.base + path, json=body, headers=headers, timeout=10, **kwargs)
        if status is not None:
            assert r.status_code == status, (method, path, r.status_code, r.text)
        return r

    def get(self, path, status=200, **kwargs):
        return self.call("GET", path, status=status, **kwargs)

    def post(self, path, body=None, status=200, **kwargs):
        return self.call("POST", path, body, status=status, **kwargs)


def _assert_error_shape(response):
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"errors"}, body
    assert body["errors"] and all(isinstance(e.get("code"), str) and re.fullmatch(r"[A-Z_]+", e["code"])
                                  and isinstance(e.get("message"), str) for e in body["errors"]), body


@pytest.fixture
def checked(sim, response_oracle, operations):
    api = Checked(sim, response_oracle, operations)
    api.login()
    return api


def _world(api, sim):
    """One of everything, created through the API: ids by name."""
    ids = {"tenant": api.post("/tenants", TENANT, status=201).json()["id"]}
    api.post("/tenants/switch", params={"id": ids["tenant"]})
    ids["user"] = api.post("/users", USER, status=201).json()["id"]
    ids["user2"] = api.post("/users", dict(USER, name="bob", extension_number="102"), status=201).json()["id"]
    ids["phone"] = api.post("/users/%s/phones" % ids["user"], PHONE, status=201).json()["id"]
    ids["dect"] = api.post("/dect_phones", DECT, status=201).json()["id"]
    ids["group"] = api.post("/ring_groups", {"name": "Sales", "extension_number": "600"}).json()["id"]
    ids["provider"] = api.post("/providers", TRUNK, status=201).json()["id"]
    api.post("/templates/phones", {"filename": "Custom.ph.xml", "content": "<doc/>"}, status=201)
    sim.fixtures("portsip", "phones", [{"mac": "24:9a:d8:12:9d:2f", "vendor": "Yealink", "model": "SIP-T42U",
                                        "fwver": "108.86.0.164", "ip": "192.0.2.10"}])
    return ids


# -- 1. the request tables are the spec's ----------------------------------------------------------
def test_request_tables_match_the_spec(spec):
    from pbxsim.platforms import portsip_schema

    for (method, template), table in portsip_schema.REQUEST_BODIES.items():
        assert _norm(table) == _norm(_request_schema(spec, method, template)), (method, template)
        assert (method, template) in OPERATIONS
    for (method, template), table in portsip_schema.QUERY_PARAMETERS.items():
        parameters = [p for p in spec["paths"][template][method]["parameters"] if p["in"] == "query"]
        as_object = {"type": "object", "properties": {p["name"]: p["schema"] for p in parameters},
                     "required": [p["name"] for p in parameters if p.get("required")]}
        assert _norm(table) == _norm(as_object), (method, template)
        assert (method, template) in OPERATIONS


# -- 2. every response validates -----------------------------------------------------------------
def test_every_operation_answers_as_the_spec_says(sim, checked, spec):
    api = checked
    ids = _world(api, sim)
    u, p, g, t, pr = ids["user"], ids["phone"], ids["group"], ids["tenant"], ids["provider"]

    # authentication
    api.login(path="/login")
    api.get("/login")
    api.get("/auth/user")
    token = api.login()
    fresh = api.http.post(api.base + "/auth/refresh_token", json={"refresh_token": token["refresh_token"]},
                          timeout=10)
    assert fresh.status_code == 200
    api.token = fresh.json()["access_token"]
    api.get("/info")
    api.get("/info", params={"domain": TENANT["domain"]})
    api.post("/login", {"username": "admin", "password": "wrong"}, status=400)
    api.post("/auth/sign_in", {"username": "admin", "password": "wrong"}, status=400)
    api.post("/auth/refresh_token", {"refresh_token": "unknown"}, status=400)
    api.post("/tenants/switch", params={"id": t})
    call = {"extension_number": "101", "password": USER["extension_password"], "domain": TENANT["domain"],
            "caller": "101", "callee": "102", "send_sdp": "false"}
    api.get("/sessions/directly", params=call, status=201)
    api.get("/sessions/directly", params=dict(call, password=USER["password"]), status=400)
    api.get("/sessions/directly", params=dict(call, send_sdp="perhaps"), status=400)

    # tenants
    api.get("/tenants")
    api.get("/tenants", params={"filter": "startswith(name,'Ac')", "orderby": "name desc", "top": 5})
    api.get("/tenants/" + t)
    api.post("/tenants/" + t, {"website": "https://acme.example.com", "max_extensions": 50})
    api.post("/tenants", TENANT, status=400)
    api.get("/tenants/Tm9uZQ==", status=404)

    # users
    api.get("/users")
    api.get("/users", params={"filter": "extension_number eq '101'"})
    api.get("/users/" + u)
    api.post("/users/" + u, {"display_name": "Alice L", "enable_dnd": True,
                             "available_no_answer_forward_rule": {"action": "FORWARD_TO_VOICEMAIL", "timeout": 30}})
    api.get("/users/" + u)
    api.post("/users/%s/password" % u, {"password": "new-portal"})
    api.post("/users/%s/extension_password" % u, {"password": "new-sip"})
    api.post("/users/%s/role" % u, {"role": "Admin"})
    api.get("/extension_numbers/101")
    api.get("/extension_numbers/600")
    api.get("/extension_numbers/999", status=404)
    api.post("/users", USER, status=400)
    api.get("/users", params={"top": 0}, status=400)
    api.get("/users/Tm9uZQ==", status=404)

    # phones
    api.get("/users/%s/phones" % u)
    api.get("/users/%s/phones/%s" % (u, p))
    api.post("/users/%s/phones/%s" % (u, p), {"language": "GERMAN", "wan_port_id": 100})
    api.get("/users/%s/phones/%s" % (u, p))
    api.get("/phones")
    api.get("/phones/0c:38:3e:63:fe:e8")
    api.get("/phones/24:9a:d8:12:9d:2f")
    api.get("/phones/00:00:00:00:00:01", status=404)
    api.get("/phones/0c:38:3e:63:fe:e8/assignee")
    api.get("/phones/24:9a:d8:12:9d:2f/assignee", status=404)
    api.post("/phones/reprovision")
    api.post("/phones/0c:38:3e:63:fe:e8/reprovision")
    api.post("/phones/0c:38:3e:63:fe:e8/reboot")
    api.post("/phones/not-a-mac/reject", status=400)
    api.post("/phones/24:9a:d8:12:9d:2f/reject")
    api.get("/phone_models")
    api.get("/phone_models/fanvil.ph.xml")
    api.get("/phone_models/Custom.ph.xml")
    api.get("/templates/phones")
    api.get("/templates/phones/fanvil.ph.xml")
    api.post("/templates/phones/Custom.ph.xml", {"content": "<doc>2</doc>"})
    api.get("/templates/phones/Custom.ph.xml")
    api.post("/templates/phones/fanvil.ph.xml/destroy", status=400)
    api.post("/templates/phones/Custom.ph.xml/destroy", status=204)
    api.post("/users/%s/phones/%s/destroy" % (u, p), status=204)

    # DECT bases
    d = ids["dect"]
    api.get("/dect_phone_models")
    api.get("/dect_phone_models/yealinkW60B.dect.xml")
    api.get("/dect_phone_models/none.dect.xml", status=404)
    api.get("/dect_phones")
    api.get("/dect_phones/" + d)
    api.post("/dect_phones/" + d, {"name": "Lobby", "tone": "Germany", "user_password": "u-pw"})
    api.post("/dect_phones/" + d, {"model": "SIP-W70B"}, status=400)
    api.post("/dect_phones/" + d, {"timezone": "Mars/Olympus"}, status=400)
    api.post("/dect_phones", DECT, status=400)
    api.post("/dect_phones/%s/members" % d, {"items": [{"extension_number": "102"}, {"extension_number": "101"}]})
    api.post("/dect_phones/%s/members" % d, {"items": [{"extension_number": "777"}]}, status=400)
    api.get("/dect_phones/%s/members" % d)
    api.get("/dect_phones/%s/members/102" % d)
    api.get("/dect_phones/%s/members/103" % d, status=404)
    api.post("/dect_phones/%s/destroy" % d, status=204)
    api.post("/dect_phones/%s/destroy" % d, status=400)
    api.get("/dect_phones/" + d, status=404)

    # ring groups
    api.post("/ring_groups/%s/agents" % g, {"items": [{"extension_number": "101", "skill_level": 3},
                                                      {"extension_number": "102"}]})
    api.get("/ring_groups")
    api.get("/ring_groups/" + g)
    api.post("/ring_groups/" + g, {"ring_time": 40, "no_answer_forward_rule": {"action": "HANGUP"}})
    api.get("/ring_groups/" + g)
    api.get("/ring_groups/%s/agents" % g)
    api.get("/ring_groups/%s/agents/101" % g)
    api.post("/ring_groups/%s/destroy" % g, status=204)
    api.post("/ring_groups/%s/destroy" % g, status=400)

    # providers
    api.get("/providers")
    api.get("/providers/" + pr)
    api.post("/providers/" + pr, {"port": 5080, "inbound_parameters": {"caller_num": "FROM_USER_PART"}})
    api.get("/providers/" + pr)
    api.get("/providers/%s/status" % pr)
    api.post("/providers/%s/destroy" % pr, status=204)
    api.post("/providers/%s/destroy" % pr, status=400)

    # the rest of the lifecycle, then expired and missing tokens
    api.post("/users/%s/destroy" % ids["user2"], status=204)
    api.post("/tenants/%s/destroy" % t, status=204)
    api.post("/tenants/%s/destroy" % t, status=404)
    sim.ops("POST", "portsip/expire_tokens")
    api.get("/tenants", status=401)
    api.token = None
    api.get("/providers", status=401)
    api.login()
    api.post("/auth/sign_out")
    api.login()
    api.post("/logout", status=204)

    assert OPERATIONS - api.covered == set()


def test_the_inferred_switches_answer_as_the_spec_allows(response_oracle, operations):
    """--portsip-switch-mode token puts a token object where the spec's 200 declares no body;
    --portsip-login-failure-status 401 is within the logins' 4XX."""
    from simhelper import RunningSimulator

    args = ["--portsip-switch-mode", "token", "--portsip-login-failure-status", "401"]
    with RunningSimulator(extra_args=args) as running:
        api = Checked(running, response_oracle, operations)
        api.login()
        tenant = api.post("/tenants", TENANT, status=201).json()["id"]
        token = api.post("/tenants/switch", params={"id": tenant}).json()
        assert token["token_type"] == "Bearer"
        api.token = token["access_token"]
        api.post("/users", USER, status=201)
        api.post("/login", {"username": "admin", "password": "wrong"}, status=401)
        api.post("/auth/sign_in", {"username": "admin", "password": "wrong"}, status=401)
        api.get("/sessions/directly", status=401, params={
            "extension_number": "101", "password": "wrong", "domain": TENANT["domain"], "caller": "101",
            "callee": "102", "send_sdp": "true"})
        assert {("post", "/tenants/switch"), ("post", "/login"), ("post", "/auth/sign_in"),
                ("get", "/sessions/directly")} <= api.covered
        assert running.stats()["internal_errors"] == 0


def test_the_response_check_is_not_vacuous(response_oracle):
    """What the relaxed copy still refuses: undeclared fields, wrong types, bad enums, a missing list."""
    from openapi_core.testing import MockRequest, MockResponse

    good = {"id": "x", "name": "Sales", "extension_number": "600", "ring_time": 20, "ring_strategy": "CYCLIC_HUNT",
            "no_answer_forward_rule": None}
    request = MockRequest("http://pbx.example:8887", "get", "/api/ring_groups/x")
    response_oracle.validate_response(request, MockResponse(json.dumps(good).encode()))
    for bad in ({"nickname": "x"}, {"ring_time": "20"}, {"ring_strategy": "RANDOM"}, {"ring_time": -1},
                {"no_answer_forward_rule": {"action": "DIAL"}}):
        with pytest.raises(Exception):
            response_oracle.validate_response(request, MockResponse(json.dumps(dict(good, **bad)).encode()))
    listing = MockRequest("http://pbx.example:8887", "get", "/api/users")
    with pytest.raises(Exception):
        response_oracle.validate_response(listing, MockResponse(json.dumps({"count": "1", "items": []}).encode()))


# -- 3. bodies the spec rejects are rejected ------------------------------------------------------
BASE_BODIES = {
    ("post", "/login"): {"username": "admin", "password": "admin"},
    ("post", "/auth/sign_in"): {"username": "admin", "password": "admin"},
    ("post", "/auth/refresh_token"): {"refresh_token": "X"},
    ("post", "/tenants"): dict(TENANT, name="Other", domain="other.example.com"),
    ("post", "/tenants/{id}"): {},
    ("post", "/users"): dict(USER, name="carol", extension_number="103"),
    ("post", "/users/{id}"): {},
    ("post", "/users/{id}/password"): {"password": "x"},
    ("post", "/users/{id}/extension_password"): {"password": "x"},
    ("post", "/users/{id}/role"): {"role": "Admin"},
    ("post", "/users/{id}/phones"): dict(PHONE, mac="0c:38:3e:00:00:01"),
    ("post", "/users/{id}/phones/{phone_id}"): {},
    ("post", "/templates/phones"): {"filename": "Other.ph.xml", "content": "<doc/>"},
    ("post", "/templates/phones/{filename}"): {},
    ("post", "/dect_phones"): dict(DECT, mac="cc:5e:f8:00:00:01"),
    ("post", "/dect_phones/{id}"): {},
    ("post", "/dect_phones/{id}/members"): {"items": []},
    ("post", "/ring_groups"): {"name": "Support", "extension_number": "601"},
    ("post", "/ring_groups/{id}"): {},
    ("post", "/ring_groups/{id}/agents"): {"items": []},
    ("post", "/providers"): dict(TRUNK, name="Other"),
    ("post", "/providers/{id}"): {},
}
_WRONG_TYPE = {"string": 12345, "integer": "12", "boolean": "true", "array": {"not": "a list"},
               "object": ["not", "an", "object"], "number": "1.5"}


def _bad_values(schema):
    """(kind, value) pairs the schema must refuse."""
    s = merge(schema)
    kind = s.get("type")
    out = [("null", None)]
    if kind in _WRONG_TYPE:
        out.append(("type", _WRONG_TYPE[kind]))
    if kind == "string":
        if "enum" in s:
            out.append(("enum", "NOT_" + s["enum"][0]))
        if s.get("minLength", 0) > 0:
            out.append(("minLength", "7" * (s["minLength"] - 1)))
        if "maxLength" in s:
            out.append(("maxLength", "7" * (s["maxLength"] + 1)))
        if "pattern" in s:
            out.append(("pattern", "~" * max(s.get("minLength", 1), 6)))
    elif kind == "integer":
        if "minimum" in s:
            out.append(("minimum", s["minimum"] - 1))
        if "maximum" in s:
            out.append(("maximum", s["maximum"] + 1))
        if s.get("format") == "int32":
            out.append(("int32", 2 ** 31))
    return out


def _mutations(schema, path=(), seen=None):
    """(path, kind, value or DELETE) mutations of a body; repeated nested shapes
    (the seven weekdays, the 26 outbound header parts) are tried once."""
    seen = set() if seen is None else seen
    schema = merge(schema)
    for key in schema.get("required", ()):
        yield path + (key,), "required", DELETE
    for key, sub in schema.get("properties", {}).items():
        sub = merge(sub)
        here = path + (key,)
        signature = json.dumps(_norm(sub), sort_keys=True)
        if path and signature in seen:
            continue
        seen.add(signature)
        for kind, value in _bad_values(sub):
            yield here, kind, value
        if "properties" in sub:
            yield from _mutations(sub, here, seen)
        if sub.get("type") == "array":
            items = merge(sub.get("items", {}))
            if "properties" in items:
                yield from _mutations(items, here + (0,), seen)
            else:
                for kind, value in _bad_values(items):
                    if kind != "null" or items.get("type"):
                        yield here + (0,), "items." + kind, value


DELETE = object()


def _apply(body, path, value):
    body = copy.deepcopy(body)
    node = body
    for step, nxt in zip(path, path[1:]):
        if isinstance(step, int):
            while len(node) <= step:
                node.append({})
            node = node[step]
        else:
            if not isinstance(node.get(step), (dict, list)):
                node[step] = [] if isinstance(nxt, int) else {}
            node = node[step]
    last = path[-1]
    if value is DELETE:
        node.pop(last, None)
    elif isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value
    return body


def _spec_accepts(oracle, method, path, body):
    """The whole request through openapi-core (path, security, body)."""
    from openapi_core.testing import MockRequest

    request = MockRequest("http://pbx.example:8887", method, "/api" + path, data=json.dumps(body).encode(),
                          headers={"Authorization": "Bearer X"})
    try:
        oracle.validate_request(request)
    except Exception:  # openapi-core raises one of several validation errors
        return False
    return True


def _body_judge(spec, method, template):
    """The spec's body schema alone, with the validator and format checker openapi-core uses for
    request bodies: a thousand bodies are judged in milliseconds instead of seconds."""
    from openapi_schema_validator import OAS31Validator, oas31_format_checker

    schema = spec["paths"][template][method]["requestBody"]["content"]["application/json"]["schema"]
    return OAS31Validator(schema, format_checker=oas31_format_checker).is_valid


@pytest.mark.parametrize("operation", sorted(BASE_BODIES), ids=lambda op: op[1])
def test_bodies_the_spec_rejects_are_rejected(sim, checked, spec, request_oracle, operation):
    method, template = operation
    ids = _world(checked, sim)
    concrete = (template.replace("{id}", ids["user"] if template.startswith("/users") else
                                 ids["group"] if template.startswith("/ring_groups") else
                                 ids["provider"] if template.startswith("/providers") else
                                 ids["dect"] if template.startswith("/dect_phones") else ids["tenant"])
                .replace("{phone_id}", ids["phone"]).replace("{filename}", "Custom.ph.xml"))
    base = BASE_BODIES[operation]
    assert _spec_accepts(request_oracle, method, concrete, base), "the base body must be valid"
    judge = _body_judge(spec, method, template)
    mutations = list(_mutations(_request_schema(spec, method, template)))
    # The fast judge agrees with openapi-core's full request validation (checked on a sample).
    for path, kind, value in mutations[::15]:
        body = _apply(base, path, value)
        assert judge(body) == _spec_accepts(request_oracle, method, concrete, body), (path, kind)
    plain = requests.Session()
    plain.trust_env = False
    plain.headers["Authorization"] = "Bearer " + checked.token
    tried = 0
    for path, kind, value in mutations:
        body = _apply(base, path, value)
        if judge(body):
            continue  # e.g. a pattern the spec leaves unanchored
        r = uncrashed(plain.post(checked.base + concrete, json=body, timeout=10))
        assert r.status_code == 400, (path, kind, value, r.status_code, r.text)
        codes = {e["code"] for e in r.json()["errors"]}
        allowed = {"VALIDATE_FAILED", "UNAUTHORIZED"} if template in ("/login", "/auth/sign_in") else \
            {"VALIDATE_FAILED"}
        assert codes <= allowed, (path, kind, r.text)
        tried += 1
    assert tried >= min(len(mutations), 4), "the spec should constrain %s %s" % operation
    # Nothing was created or changed by the refused bodies.
    assert checked.get("/users").json()["count"] == 2


# -- 4. fuzz: always PortSIP's error shape, never a traceback -------------------------------------
FIELDS = sorted({k for table in BASE_BODIES.values() for k in table}
                | {"items", "extension_number", "role", "enabled", "codecs", "skill_level"})
# Control characters and lone surrogates (JSON escapes of no character).
ODD_TEXT = ["\b", "\x00", "a\x1fb", "\ufffe", "\ud800", "x\udfffy"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["101", "ENGLISH", "UDP", "Admin", "0c:38:3e:63:fe:e8"]),
                    st.sampled_from(ODD_TEXT))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)
bodies = st.one_of(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=8), values)
raw_bodies = st.one_of(st.binary(max_size=40), st.sampled_from([b"{", b"[]", b"null", b'{"a":', b"\xff\xfe"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(sorted(BASE_BODIES)), body=bodies, raw=st.none() | raw_bodies)
def test_fuzzed_bodies_get_the_error_shape(sim, checked, target, body, raw):
    if not hasattr(checked, "ids"):
        checked.ids = _world(checked, sim)
        checked.login()
        checked.post("/tenants/switch", params={"id": checked.ids["tenant"]})
    path = (target[1].replace("{id}", checked.ids["user"] if target[1].startswith("/users") else
                              checked.ids["group"] if target[1].startswith("/ring_groups") else
                              checked.ids["provider"] if target[1].startswith("/providers") else
                              checked.ids["dect"] if target[1].startswith("/dect_phones") else
                              checked.ids["tenant"])
            .replace("{phone_id}", checked.ids["phone"]).replace("{filename}", "Custom.ph.xml"))
    if path.startswith("/tenants/") and path != "/tenants/switch":
        path = "/tenants/" + checked.ids["tenant"]  # never destroy the world mid-run
    headers = {"Authorization": "Bearer " + checked.token, "Content-Type": "application/json"}
    data = raw if raw is not None else json.dumps(body)
    r = checked.http.post(checked.base + path, data=data, headers=headers, timeout=10)
    assert r.status_code in (200, 201, 204, 400, 404), (r.status_code, r.text)
    if r.status_code >= 400:
        _assert_error_shape(r)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["filter", "orderby", "top", "skip", "search", "$filter"]),
                              st.text(max_size=30) | st.sampled_from(["name eq 'x'", "(", "name desc", "-1", "101"]),
                              max_size=3),
       collection=st.sampled_from(["/users", "/ring_groups", "/providers", "/tenants"]))
def test_fuzzed_query_options_get_the_error_shape(checked, params, collection):
    if not hasattr(checked, "switched"):
        checked.switched = checked.post("/tenants", TENANT, status=201).json()["id"]
        checked.post("/tenants/switch", params={"id": checked.switched})
    r = checked.get(collection, status=None, params=params)
    assert r.status_code in (200, 400), (r.status_code, r.text)
    if r.status_code == 400:
        _assert_error_shape(r)
    else:
        assert set(r.json()) == {"count", "items"}
