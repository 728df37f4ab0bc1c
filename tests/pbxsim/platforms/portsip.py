"""PortSIP PBX v22 REST API (``/api``), after PortSIP's OpenAPI 22.2 spec and
shared/reference/portsip.md.

What a client notices (portsip.md section 5): only GET and POST; update is a
POST of a partial body (200, empty); delete is ``POST .../destroy`` (204);
create answers 201 ``{id}`` for tenants, users, user phones and providers but
200 ``{id}`` for ring groups; paged lists are ``{count, items}`` and
sub-collections ``{items}``; every error is ``{"errors":[{"code","message"}]}``
(VALIDATE_FAILED 400 for bad bodies and duplicates, UNAUTHORIZED 401 for a
missing or expired token, 400 UNAUTHORIZED for a failed login, or 401 with
``--portsip-login-failure-status 401``: the AUTH page documents 400 only for
the OAuth grant, so the status of the other logins is inferred).

Tenancy comes from the token: the system admin (``sim.config.portsip_admin``)
logs in without ``domain`` and enters a tenant with ``POST /tenants/switch``
(which re-scopes the caller's token, or with ``--portsip-switch-mode token``
answers a new tenant-scoped token: both inferred);
tenant users log in with their tenant's domain and only a user with role
``Admin`` may manage it.  Providers, tenants and template writes are
system-level.  Of call control only ``GET /sessions/directly`` exists: it
checks an extension's SIP password and simulates no call.  The state and every
rule live in portsip_state.py, request bodies in portsip_schema.py, list
queries in portsip_query.py.
"""

import json
import time
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..core import mark
from . import portsip_schema as schema
from .portsip_query import QueryError, page
from .portsip_state import (MODELS, PROVIDER_NAMES, PROVIDERS, TEMPLATES, TENANTS, PortsipError, State, forbidden,
                            invalid, normalise_mac, not_found, now_rfc3339, public, unauthorized)

# Response fields in the spec's order (GET list items / GET detail).
TENANT_LIST = ("id name domain max_extensions max_concurrent_calls enabled website timezone currency region "
               "avatar_file_name avatar_file_size avatar_file_url created_at").split()
TENANT_DETAIL = ("id name domain website timezone currency region enabled enable_video_recording "
                 "enable_audio_recording enable_dual_track_recording enable_billing enable_feature_billing "
                 "enable_feature_call_statistics enable_feature_contact_center enable_feature_message_channels "
                 "enable_feature_microsoft_teams enable_feature_trunks enable_feature_whats_app enable_night_mode "
                 "enable_two_factor_authentication custom_options max_extensions max_concurrent_calls "
                 "max_ring_groups max_virtual_receptionists max_call_queues max_conference_rooms disk_quota "
                 "used_disk_quota im_disk_quota extension_im_disk_quota recording_retention call_report_retention "
                 "log_retention temp_file_retention office_hours outbound_caller_ids e164 cdr_event "
                 "extension_event contact_match_type contact_match_length contact_append_type "
                 "contact_update_interval email_recipients password_force_reset created_at avatar_file_name "
                 "avatar_file_size avatar_file_url").split()
USER_LIST = ("id name enabled email display_name role mobile_phone work_phone home_phone address department "
             "extension_number created_at avatar_file_name avatar_file_size avatar_file_url sync_type").split()
USER_DETAIL = (["id", "name", "email", "display_name", "role", "enabled", "mobile_phone", "work_phone",
                "home_phone", "address", "department", "extension_number", "enable_audio_recording",
                "enable_video_recording", "enable_dnd", "enable_acb", "enable_hot_desking",
                "anonymous_outbound_calls", "delivery_outbound_cid", "sms", "outbound_caller_ids", "custom_options",
                "office_hours"]
               + [k for k in schema.USER_CREATE["properties"] if k.endswith("_forward_rule")]
               + ["custom_forward_rules", "voicemail_prompt", "enable_voicemail_pin", "voicemail_pin",
                  "enable_voicemail_notify", "voicemail_play_datetime", "interface", "preferred_transport", "blfs",
                  "profile", "created_at", "avatar_file_name", "avatar_file_size", "avatar_file_url", "sync_type"])
PHONE_DETAIL = ["id"] + list(schema.USER_PHONE_CREATE["properties"]) + ["url"]
DECT_DETAIL = (["id"] + list(schema.DECT_PHONE_CREATE["properties"])[:-2] + ["lines"]
               + list(schema.DECT_PHONE_CREATE["properties"])[-2:] + ["url"])
RING_GROUP_LIST = ("id name extension_number ring_time ring_strategy skip_busy_member enable_paid enable_prid "
                   "extension_number_as_to_header no_answer_forward_rule night_mode_forward_rule").split()
RING_GROUP_DETAIL = RING_GROUP_LIST + ["outbound_caller_ids"]
PROVIDER_LIST = "id name enabled brand hostname port did_numbers shared".split()
PROVIDER_DETAIL = (["id"] + [k for k in schema.PROVIDER_CREATE["properties"] if k != "password"] + ["shared"])
PROVIDER_DETAIL.remove("keep_alive_interval")  # the spec lists it after keep_alive, before concurrency
PROVIDER_DETAIL.insert(PROVIDER_DETAIL.index("concurrency"), "keep_alive_interval")

# Who may call a route.
PUBLIC, ANY, ADMIN, TENANT, SYSTEM = "public", "any", "admin", "tenant", "system"
ERROR_CODES = {400: "VALIDATE_FAILED", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED"}
# The documented OAuth client of AUTH variant C; other client ids are refused (inferred).
OAUTH_CLIENT_ID = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"


def render_error(request, status, message):
    return JSONResponse({"errors": [{"code": ERROR_CODES.get(status, "UNKNOWN"), "message": message}]},
                        status_code=status)


def ok(body=None, status=200):
    if body is None:
        return Response(status_code=status)
    return JSONResponse(body, status_code=status)


class Call:
    """One request: its session, tenant scope and JSON body."""

    def __init__(self, request, state):
        self.request = request
        self.state = state
        self.query = request.query_params
        self.raw = b""
        self.token = None
        self.session = None
        self.tenant = None

    def authorise(self, access):
        scheme, token = (self.request.headers.get("authorization", "").split(" ", 1) + [""])[:2]
        token = token.strip() if scheme.lower() == "bearer" else ""
        self.session = self.state.session(token)
        self.token = token
        self.tenant = self.session["tenant"]
        system = self.session["system"]
        if access == SYSTEM and not system:
            raise forbidden("Only the system administrator may do this")
        if access in (ADMIN, TENANT) and not (system or self.session["role"] == "Admin"):
            raise forbidden("Only administrators may do this")
        if access == TENANT and not self.tenant:
            raise forbidden("No tenant selected: POST /api/tenants/switch?id=<tenant id> first")

    def body(self):
        if not self.raw.strip():
            return {}
        try:
            data = json.loads(self.raw)
            # A lone surrogate escape ("\ud800") stands for no character at all: refused as bad JSON. [infer]
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except ValueError:  # UnicodeEncodeError included
            raise invalid("The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise invalid("The request body must be a JSON object")
        return data

    def page(self, rows, summary, fields):
        try:
            return page(rows, summary, self.query, fields)
        except QueryError as exc:
            raise invalid(str(exc)) from None


def router(sim):
    state = State(sim)
    r = APIRouter()

    def route(method, path, access=TENANT, kind=None, since=None):
        def register(handler):
            async def endpoint(request: Request):
                if kind:
                    mark(request, kind=kind)
                state.tick()
                try:
                    if since and not state.version_at_least(since):
                        raise not_found("Not Found")
                    call = Call(request, state)
                    if access != PUBLIC:
                        call.authorise(access)
                    if method == "POST":
                        call.raw = await request.body()
                    return handler(call, **request.path_params)
                except PortsipError as exc:
                    return JSONResponse(exc.body(), status_code=exc.status)

            endpoint.__name__ = "portsip_" + handler.__name__
            r.add_api_route("/api" + path, endpoint, methods=[method], include_in_schema=False)
            return handler
        return register

    def failure_status():
        return sim.config.portsip_login_failure_status

    # -- authentication ------------------------------------------------------
    @route("POST", "/login", PUBLIC, kind="login")
    def login(call):
        body = call.body()
        _check(schema.LOGIN, body, login_failure=failure_status())
        return ok(state.login(body["username"], body["password"], body.get("domain"), failure_status()))

    @route("GET", "/login", ANY)
    def login_status(call):
        s = call.session
        return ok({"access_token": call.token, "expires_at": now_rfc3339(s["expires_at"]),
                   "expires_in": max(0, int(s["expires_at"] - time.time())), "role": s["role"]})

    @route("POST", "/logout", ANY, kind="login")
    def logout(call):
        state.sign_out(call.token)
        return ok(status=204)

    @route("POST", "/auth/sign_in", PUBLIC, kind="login", since="22.2")
    def sign_in(call):
        body = call.body()
        _check(schema.LOGIN, body, login_failure=failure_status())
        token = state.login(body["username"], body["password"], body.get("domain"), failure_status())
        return ok({k: token[k] for k in ("token_type", "access_token", "refresh_token", "expires_in")})

    @route("POST", "/auth/refresh_token", PUBLIC, kind="login", since="22.2")
    def refresh_token(call):
        body = call.body()
        _check(schema.REFRESH, body)
        token = state.refresh(body["refresh_token"])
        return ok({k: token[k] for k in ("token_type", "access_token", "refresh_token", "expires_in")})

    @route("POST", "/auth/sign_out", ANY, kind="login", since="22.2")
    def sign_out(call):
        state.sign_out(call.token)
        return ok()

    @route("GET", "/auth/user", ANY, since="22.2")
    def auth_user(call):
        return ok({"role": call.session["role"], "password_verified": True, "password_force_reset": False})

    @route("POST", "/login/oauth/token", PUBLIC, kind="login")
    def oauth_token(call):
        form = {k: v[-1] for k, v in parse_qs(call.raw.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type")
        if grant == "password":
            if form.get("client_id") != OAUTH_CLIENT_ID:
                raise unauthorized("Login failed, authentication error", status=400)
            return ok(state.login(form.get("username"), form.get("password"), form.get("domain") or None))
        if grant == "refresh_token":
            return ok(state.refresh(form.get("refresh_token")))
        raise PortsipError(400, "UNKNOWN", "unsupported grant_type")

    @route("POST", "/login/oauth/revoke", ANY, kind="login")
    def oauth_revoke(call):
        state.sign_out(call.token)
        return ok()

    @route("GET", "/info", PUBLIC)
    def info(call):
        out = {"web_domain": call.request.url.hostname, "private_ipv4": "127.0.0.1", "public_ipv4": None,
               "enable_ipv6": False, "private_ipv6": None, "public_ipv6": None, "primary_dns_server": None,
               "secondary_dns_server": None, "name": None, "domain": None, "website": None, "avatar_url": None,
               "enable_ms365_integration": False, "ms365_authorization_endpoint": None}
        domain = call.query.get("domain")
        if domain:
            try:
                tenant = state.tenant_by_key(domain)
            except KeyError:
                raise not_found("Tenant not found") from None
            out.update(name=tenant["name"], domain=tenant["domain"], website=tenant["website"])
        return ok(out)

    # -- tenants -------------------------------------------------------------
    @route("GET", "/tenants", SYSTEM)
    def list_tenants(call):
        return ok(call.page(sim.store.all(TENANTS), lambda d: public(d, TENANT_LIST), TENANT_LIST))

    @route("POST", "/tenants", SYSTEM)
    def create_tenant(call):
        return ok({"id": state.create_tenant(call.body())}, 201)

    # Registered before /tenants/{id}, which would otherwise take it.
    @route("POST", "/tenants/switch", SYSTEM, kind="login")
    def switch_tenant(call):
        # Switch mode "rescope": 200 without a body; "token": 200 with a new token object (both inferred).
        return ok(state.switch_tenant(call.token, call.query.get("id")))

    @route("GET", "/tenants/{id}", SYSTEM)
    def show_tenant(call, id):
        return ok(public(state.tenant(id), TENANT_DETAIL))

    @route("POST", "/tenants/{id}", SYSTEM)
    def update_tenant(call, id):
        state.update_tenant(id, call.body())
        return ok()

    @route("POST", "/tenants/{id}/destroy", SYSTEM)
    def destroy_tenant(call, id):
        state.destroy_tenant(id)
        return ok(status=204)

    # -- users ---------------------------------------------------------------
    @route("GET", "/users")
    def list_users(call):
        return ok(call.page(state.users(call.tenant), lambda d: public(d, USER_LIST), USER_LIST))

    @route("POST", "/users")
    def create_user(call):
        return ok({"id": state.create_user(call.tenant, call.body())}, 201)

    @route("GET", "/users/{id}")
    def show_user(call, id):
        return ok(public(state.user(call.tenant, id), USER_DETAIL))

    @route("POST", "/users/{id}")
    def update_user(call, id):
        state.update_user(call.tenant, id, call.body())
        return ok()

    @route("POST", "/users/{id}/password")
    def user_password(call, id):
        state.set_user_secret(call.tenant, id, "_password", call.body())
        return ok()

    @route("POST", "/users/{id}/extension_password")
    def user_extension_password(call, id):
        state.set_user_secret(call.tenant, id, "_extension_password", call.body())
        return ok()

    @route("POST", "/users/{id}/role")
    def user_role(call, id):
        state.set_user_role(call.tenant, id, call.body())
        return ok()

    @route("POST", "/users/{id}/destroy")
    def destroy_user(call, id):
        state.destroy_user(call.tenant, id)
        return ok(status=204)

    @route("GET", "/extension_numbers/{number}")
    def extension_number(call, number):
        return ok(state.extension_number(call.tenant, number))

    # -- user phones ---------------------------------------------------------
    @route("GET", "/users/{id}/phones")
    def list_user_phones(call, id):
        return ok({"items": [public(p, PHONE_DETAIL) for p in state.user_phones(call.tenant, id)]})

    @route("POST", "/users/{id}/phones")
    def create_user_phone(call, id):
        phone_id = state.create_phone(call.tenant, id, call.body(), str(call.request.base_url))
        return ok({"id": phone_id}, 201)

    @route("GET", "/users/{id}/phones/{phone_id}")
    def show_user_phone(call, id, phone_id):
        return ok(public(state.phone(call.tenant, id, phone_id), PHONE_DETAIL))

    @route("POST", "/users/{id}/phones/{phone_id}")
    def update_user_phone(call, id, phone_id):
        state.update_phone(call.tenant, id, phone_id, call.body())
        return ok()

    @route("POST", "/users/{id}/phones/{phone_id}/destroy")
    def destroy_user_phone(call, id, phone_id):
        state.destroy_phone(call.tenant, id, phone_id)
        return ok(status=204)

    # -- auto provisioning: inventory, models, templates ----------------------
    @route("GET", "/phones")
    def list_phones(call):
        return ok({"items": state.inventory(call.tenant)})

    @route("POST", "/phones/reprovision")
    def reprovision_all(call):
        state.reprovision_all(call.tenant)
        return ok()

    @route("GET", "/phones/{mac}")
    def show_phone(call, mac):
        return ok(state.inventory_item(call.tenant, mac))

    @route("GET", "/phones/{mac}/assignee")
    def phone_assignee(call, mac):
        return ok(state.assignee(call.tenant, mac))

    @route("POST", "/phones/{mac}/reprovision")
    def reprovision_phone(call, mac):
        state.phone_action(call.tenant, mac, "reprovisions")
        return ok()

    @route("POST", "/phones/{mac}/reboot")
    def reboot_phone(call, mac):
        state.phone_action(call.tenant, mac, "reboots")
        return ok()

    @route("POST", "/phones/{mac}/reject")
    def reject_phone(call, mac):
        state.reject(call.tenant, mac)
        return ok()

    @route("GET", "/phone_models", ADMIN)
    def list_phone_models(call):
        return ok({"items": [{"filename": m["filename"], "model": m["model"],
                              "display_name": m.get("display_name")} for m in state.models()]})

    @route("GET", "/phone_models/{filename}", ADMIN)
    def phone_model_profile(call, filename):
        return ok(state.profile(filename))

    # -- DECT bases: spec tag Auto Provisioning, x-subcategory dect-phones -------------------
    @route("GET", "/dect_phone_models", ADMIN)
    def list_dect_models(call):
        return ok({"items": state.dect_models()})

    @route("GET", "/dect_phone_models/{name}", ADMIN)
    def dect_model(call, name):
        return ok(state.dect_model(name))

    @route("GET", "/dect_phones")
    def list_dect_phones(call):
        return ok({"items": [public(d, DECT_DETAIL) for d in state.dect_phones(call.tenant)]})

    @route("POST", "/dect_phones")
    def create_dect_phone(call):
        return ok({"id": state.create_dect_phone(call.tenant, call.body(), str(call.request.base_url))}, 201)

    @route("GET", "/dect_phones/{id}")
    def show_dect_phone(call, id):
        return ok(public(state.dect_phone(call.tenant, id), DECT_DETAIL))

    @route("POST", "/dect_phones/{id}")
    def update_dect_phone(call, id):
        state.update_dect_phone(call.tenant, id, call.body())
        return ok()

    @route("POST", "/dect_phones/{id}/destroy")
    def destroy_dect_phone(call, id):
        state.destroy_dect_phone(call.tenant, id)
        return ok(status=204)

    @route("GET", "/dect_phones/{id}/members")
    def list_dect_members(call, id):
        return ok({"items": state.dect_members(call.tenant, id)})

    @route("POST", "/dect_phones/{id}/members")
    def set_dect_members(call, id):
        state.set_dect_members(call.tenant, id, call.body())
        return ok()

    @route("GET", "/dect_phones/{id}/members/{extension_number}")
    def show_dect_member(call, id, extension_number):
        return ok(state.dect_member(call.tenant, id, extension_number))

    @route("GET", "/templates/phones", ADMIN)
    def list_templates(call):
        return ok({"items": [{"filename": name, "is_custom": bool(t.get("is_custom"))}
                             for name, t in state.templates().items()]})

    @route("POST", "/templates/phones", SYSTEM)
    def create_template(call):
        return ok({"filename": state.create_template(call.body())}, 201)

    @route("GET", "/templates/phones/{filename}", ADMIN)
    def show_template(call, filename):
        t = state.template(filename)
        return ok({"filename": filename, "content": state.template_content(filename),
                   "is_custom": bool(t.get("is_custom"))})

    @route("POST", "/templates/phones/{filename}", SYSTEM)
    def update_template(call, filename):
        state.update_template(filename, call.body())
        return ok()

    @route("POST", "/templates/phones/{filename}/destroy", SYSTEM)
    def destroy_template(call, filename):
        state.destroy_template(filename)
        return ok(status=204)

    # -- ring groups ---------------------------------------------------------
    @route("GET", "/ring_groups")
    def list_ring_groups(call):
        return ok(call.page(state.ring_groups(call.tenant), lambda d: public(d, RING_GROUP_LIST),
                            RING_GROUP_LIST))

    @route("POST", "/ring_groups")
    def create_ring_group(call):
        return ok({"id": state.create_ring_group(call.tenant, call.body())})

    @route("GET", "/ring_groups/{id}")
    def show_ring_group(call, id):
        return ok(public(state.ring_group(call.tenant, id), RING_GROUP_DETAIL))

    @route("POST", "/ring_groups/{id}")
    def update_ring_group(call, id):
        state.update_ring_group(call.tenant, id, call.body())
        return ok()

    @route("POST", "/ring_groups/{id}/destroy")
    def destroy_ring_group(call, id):
        state.destroy_ring_group(call.tenant, id)
        return ok(status=204)

    @route("GET", "/ring_groups/{id}/agents")
    def list_agents(call, id):
        return ok({"items": state.agents(call.tenant, id)})

    @route("POST", "/ring_groups/{id}/agents")
    def set_agents(call, id):
        state.set_agents(call.tenant, id, call.body())
        return ok()

    @route("GET", "/ring_groups/{id}/agents/{agent_number}")
    def show_agent(call, id, agent_number):
        for agent in state.agents(call.tenant, id):
            if agent["extension_number"] == agent_number:
                return ok(agent)
        raise not_found("Agent not found")

    # -- providers (trunks), system-level ------------------------------------
    @route("GET", "/providers", SYSTEM)
    def list_providers(call):
        return ok(call.page(sim.store.all(PROVIDERS), lambda d: public(d, PROVIDER_LIST), PROVIDER_LIST))

    @route("POST", "/providers", SYSTEM)
    def create_provider(call):
        return ok({"id": state.create_provider(call.body())}, 201)

    @route("GET", "/providers/{id}", SYSTEM)
    def show_provider(call, id):
        return ok(public(state.provider(id), PROVIDER_DETAIL))

    @route("POST", "/providers/{id}", SYSTEM)
    def update_provider(call, id):
        state.update_provider(id, call.body())
        return ok()

    @route("GET", "/providers/{id}/status", SYSTEM)
    def provider_status(call, id):
        return ok(state.provider_status(id))

    @route("POST", "/providers/{id}/destroy", SYSTEM)
    def destroy_provider(call, id):
        state.destroy_provider(id)
        return ok(status=204)

    @route("GET", "/providers/{id}/assignees", SYSTEM)
    def list_provider_assignees(call, id):
        return ok({"items": state.provider_assignees(id)})

    @route("POST", "/providers/{id}/assignees/{tenant_id}", SYSTEM)
    def assign_provider(call, id, tenant_id):
        state.assign_provider(id, tenant_id, call.body())
        return ok(status=204)

    @route("GET", "/providers/{id}/assignees/{tenant_id}", SYSTEM)
    def check_provider_assignee(call, id, tenant_id):
        return ok(state.provider_assignee(id, tenant_id))

    @route("POST", "/providers/{id}/assignees/{tenant_id}/destroy", SYSTEM)
    def destroy_provider_assignee(call, id, tenant_id):
        state.unassign_provider(id, tenant_id)
        return ok(status=204)

    # -- call control --------------------------------------------------------
    @route("GET", "/sessions/directly", PUBLIC, kind="login")
    def session_directly(call):
        """createCallSessionDirectly: authenticates an extension by its SIP password (extension_password)
        in the tenant of the SIP domain and answers 201 {id}. No call is simulated and nothing is kept."""
        query = schema.query_object(schema.SESSION_DIRECTLY, call.query)
        _check(schema.SESSION_DIRECTLY, query)
        state.extension_login(query["extension_number"], query["password"], query["domain"], failure_status())
        return ok({"id": state.new_id()}, 201)

    # -- operator ------------------------------------------------------------
    @r.post("/_sim/portsip/expire_tokens", include_in_schema=False)
    async def expire_tokens(token: str = None, after: int = None):
        """Make access tokens (all, or one) expire now; refresh tokens stay valid.

        after=N: every access token live then expires once the API has served N more requests (the
        request after those is refused with 401), so that a module's run meets the expiry mid-way."""
        if after is not None:
            if after < 0 or token:
                return JSONResponse({"error": "after is a count of requests (0 or more), without token"},
                                    status_code=400)
            state.expire_after(after)
            return {"expire_after": after}
        return {"expired": state.expire_tokens(token)}

    @r.get("/_sim/portsip/sessions", include_in_schema=False)
    async def sessions():
        """Sessions (logins) opened, closed (signed out) and still open since the last reset."""
        return state.sessions()

    @r.get("/_sim/portsip/providers/{name}/credentials", include_in_schema=False)
    async def provider_credentials(name: str):
        """What a trunk holds for its SIP account, password included (GET /providers/{id} never returns it)."""
        ref = sim.store.get(PROVIDER_NAMES, name.lower())
        if ref is None:
            return JSONResponse({"error": "no such trunk"}, status_code=404)
        doc = sim.store.get(PROVIDERS, ref["id"])
        return {"username": doc.get("username"), "auth_id": doc.get("auth_id"), "password": doc.get("_password")}

    @r.get("/_sim/portsip/phones/{mac}", include_in_schema=False)
    async def phone_events(mac: str):
        """What the simulated phone went through (reboots, reprovisions), for tests."""
        item = state.phone_events(normalise_mac(mac) or "")
        if item is None:
            return JSONResponse({"error": "no such phone in the provisioning inventory"}, status_code=404)
        return item

    return r


def _check(table, body, login_failure=None):
    """VALIDATE_FAILED for a body the table refuses; login_failure is the status of a failed login."""
    problems = schema.validate(table, body)
    if problems:
        if login_failure and any(problem[0] in ("username", "password") for problem in problems):
            # A login body without credentials is a failed login, answered as one.
            raise unauthorized("Login failed, authentication error", status=login_failure)
        raise invalid("field validation failed: " + "; ".join("%s %s" % p for p in problems[:5]),
                      detail=[{"field": f, "message": m} for f, m in problems])


# -- seed and fixtures ---------------------------------------------------------
def seed(sim):
    """A fresh PBX: the system admin (from the configuration) and the stock phone
    catalogue (read-only, from data/portsip-models.json) need no documents; only
    the install time is recorded."""
    sim.store.put("portsip.system", "install", {"installed_at": now_rfc3339(), "version": sim.config.portsip_version})


def _loader(apply):
    def load(sim, items):
        state = State(sim)
        for item in items:
            if not isinstance(item, dict):
                raise ValueError("each item must be an object")
            try:
                apply(state, dict(item))
            except PortsipError as exc:
                raise ValueError(exc.message) from None
        return len(items)
    return load


def _fixture_phone_model(state, item):
    filename, model = item["filename"], item["model"]
    if filename not in state.templates():
        state.store.put(TEMPLATES, filename, {"filename": filename, "is_custom": False,
                                              "vendor": item.get("vendor"), "profile_style": "generic"})
    state.store.put(MODELS, "%s|%s" % (filename, model), {
        "filename": filename, "vendor": item.get("vendor"), "model": model,
        "display_name": item.get("display_name") or model})


def _fixture_tenant(state, item):
    body = {"timezone": "UTC", "currency": "USD", "region": "US"}
    body.update(item)
    state.create_tenant(body)


def _fixture_user(state, item):
    tenant_id = state.tenant_by_key(item.pop("tenant"))["id"]
    number = str(item["extension_number"])
    body = {"name": "user" + number, "password": "Portal-" + number, "email": "%s@example.com" % number,
            "display_name": "User " + number, "role": "StandardUser", "extension_password": "Sip-" + number,
            "voicemail_pin": "135790"}
    body.update(item)
    state.create_user(tenant_id, body)


def _fixture_ring_group(state, item):
    tenant_id = state.tenant_by_key(item.pop("tenant"))["id"]
    agents = item.pop("agents", [])
    group_id = state.create_ring_group(tenant_id, item)
    state.set_agents(tenant_id, group_id, {"items": [a if isinstance(a, dict) else {"extension_number": str(a)}
                                                     for a in agents]})


FIXTURES = {
    # Phones that asked for provisioning: {mac, vendor, model, fwver, ip, tenant (name or domain, optional)}.
    "phones": _loader(lambda state, item: state.add_inventory(item)),
    # Extra catalogue rows: {filename, model, display_name, vendor}; an unknown filename becomes a stock template.
    "phone_models": _loader(_fixture_phone_model),
    # POST /tenants bodies; timezone, currency and region default to UTC, USD, US.
    "tenants": _loader(_fixture_tenant),
    # POST /users bodies plus "tenant" (name or domain); only extension_number is needed.
    "users": _loader(_fixture_user),
    # POST /ring_groups bodies plus "tenant" and "agents" (extension numbers).
    "ring_groups": _loader(_fixture_ring_group),
    # POST /providers bodies.
    "providers": _loader(lambda state, item: state.create_provider(item)),
}
