"""PortSIP PBX state: tenants, users, phones, ring groups, providers, tokens.

Everything here is vendor behaviour without HTTP: the routes in portsip.py
parse requests and call these methods, fixtures call the same methods, so a
fixture can never build a state the API could not.

Collections (all under ``portsip.`` so a platform reset clears them):
system-wide ``tenants``, ``tenant_domains`` / ``tenant_names`` (unique-key
indexes), ``providers`` / ``provider_names``, ``macs`` (MAC -> assignment,
across tenants), ``inventory`` (phones that asked for provisioning),
``templates`` and ``models`` (custom templates and fixture models),
``tokens`` / ``refresh``; per tenant ``t.<id>.users``, ``t.<id>.ring_groups``,
``t.<id>.phones``, ``t.<id>.numbers`` (extension number -> owner, the one
namespace users and ring groups share) and ``t.<id>.names`` (user names).
Documents keep server-only fields under keys starting with ``_``.
"""

import base64
import itertools
import json
import os
import re
import time
import uuid

from . import portsip_schema as schema

P = "portsip."
TENANTS, TENANT_DOMAINS, TENANT_NAMES = P + "tenants", P + "tenant_domains", P + "tenant_names"
PROVIDERS, PROVIDER_NAMES = P + "providers", P + "provider_names"
MACS, INVENTORY, TEMPLATES, MODELS = P + "macs", P + "inventory", P + "templates", P + "models"
TOKENS, REFRESH = P + "tokens", P + "refresh"
# Sessions (a login and the tokens refreshed from it) for the operator counters, and the operator's
# pending expiry (GET /_sim/portsip/sessions, POST /_sim/portsip/expire_tokens?after=N).
SESSIONS, OPS = P + "sessions", P + "ops"

# Roles a tenant user may hold (the built-in names BULK lists; SystemAdmin,
# Dealer and Replicator are system-level).  Custom roles are not simulated.
TENANT_ROLES = ("Admin", "StandardUser", "StandardInternationalUser", "QueueManager")
RESERVED_NAMES = ("admin", "system", "administrator", "root")
_USER_NAME = re.compile(r"[A-Za-z0-9_\-'.]+")
_MAC = re.compile(r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}")
# 2021-01-01: with 22 sequence bits this gives the 18-digit ids of PortSIP's
# examples (NzAwNTUxOTA5NzczMTQ4MTYw = base64("700551909773148160")).
_ID_EPOCH_MS = 1609459200000
# The low 22 bits of an id; the millisecond clock above them keeps ids unique across restarts.
_SEQUENCE = itertools.count(1)
REFRESH_TTL = 30 * 86400

_DATA = json.load(open(os.path.join(os.path.dirname(__file__), os.pardir, "data", "portsip-models.json"),
                       encoding="utf-8"))
PROFILES = _DATA["profiles_by_style"]
BUILTIN_TEMPLATES = {t["filename"]: t for t in _DATA["templates"]}
# DECT base models by template file name (the list's "filename", the detail's and dect_phones' "template").
DECT_MODELS = {m["name"]: m for m in _DATA["dect_phone_models"]}
EVENTS = P + "phone_events"
# Body field -> the profile list that offers its values.
PHONE_PROFILE = (("language", "languages"), ("timezone", "time_zones"), ("codecs", "codecs"),
                 ("ringtone", "ringtones"), ("queue_ringtone", "queue_ringtones"),
                 ("external_ringtone", "external_ringtone"), ("date_format", "date_formats"),
                 ("time_format", "time_formats"), ("powerled", "powerleds"), ("backlight", "backlights"),
                 ("screensaver", "screensavers"))
DECT_PROFILE = (("language", "languages"), ("handset_language", "languages"), ("timezone", "time_zones"),
                ("tone", "tones"), ("codecs", "codecs"))
BUILTIN_MODELS = {}
for _m in _DATA["phone_models"]:
    BUILTIN_MODELS.setdefault(_m["filename"], []).append(_m)


class PortsipError(Exception):
    """An answer in PortSIP's error shape: {"errors":[{"code","message"}]}."""

    def __init__(self, status, code, message, detail=None):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail

    def body(self):
        error = {"code": self.code, "message": self.message}
        if self.detail is not None:
            error["detail"] = self.detail
        return {"errors": [error]}


def invalid(message, detail=None):
    return PortsipError(400, "VALIDATE_FAILED", message, detail)


def not_found(message):
    # The code is ours: PortSIP documents 404s but not their error code.
    return PortsipError(404, "NOT_FOUND", message)


def unauthorized(message, status=401):
    return PortsipError(status, "UNAUTHORIZED", message)


def forbidden(message):
    # Inferred: the spec documents no permission error; 403 matches PortSIP's sync-token 403.
    return PortsipError(403, "FORBIDDEN", message)


def now_rfc3339(seconds=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def normalise_mac(text):
    """'0C-38-3E-63-FE-E8', '0c383e63fee8' -> '0c:38:3e:63:fe:e8'; None when not a MAC."""
    if not isinstance(text, str):
        return None
    low = text.strip().lower()
    if not _MAC.fullmatch(low):
        return None
    digits = re.sub(r"[:-]", "", low)
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def pin_problem(pin):
    """PortSIP's voicemail PIN policy: 6-10 digits, no run of three equal or consecutive digits."""
    if not pin.isascii() or not pin.isdigit():
        return "must contain digits only"
    if not 6 <= len(pin) <= 10:
        return "must be 6 to 10 digits"
    for a, b, c in zip(pin, pin[1:], pin[2:]):
        a, b, c = int(a), int(b), int(c)
        if a == b == c:
            return "must not repeat a digit three times (e.g. 111)"
        # The spec's examples are ascending (012, 789); descending runs are refused too (inferred).
        if (b - a, c - b) in ((1, 1), (-1, -1)):
            return "must not contain three sequential digits (e.g. 012)"
    return None


def check(table, body):
    problems = schema.validate(table, body)
    if problems:
        first = "; ".join("%s %s" % p for p in problems[:5])
        raise invalid("field validation failed: " + first, detail=[{"field": f, "message": m} for f, m in problems])


def public(doc, fields):
    return {key: doc.get(key) for key in fields}


class State:
    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store

    # -- ids, versions, config ----------------------------------------------
    def new_id(self):
        seq = next(_SEQUENCE)
        value = ((int(time.time() * 1000) - _ID_EPOCH_MS) << 22) | (seq & 0x3FFFFF)
        return base64.b64encode(str(value).encode()).decode()

    def version_at_least(self, wanted):
        have = tuple(int(x) for x in re.findall(r"\d+", str(self.sim.config.portsip_version))[:2])
        return have >= tuple(int(x) for x in wanted.split("."))

    def option(self, name, default=None):
        return (self.sim.config.extra or {}).get("portsip_" + name, default)

    @staticmethod
    def coll(tenant_id, kind):
        return "%st.%s.%s" % (P, tenant_id, kind)

    def _create_only(self, body, names, hint):
        for name in names:
            if name in body:
                # Rejected rather than ignored: a client that thinks it changed one of these must learn it did not.
                raise invalid("%s cannot be changed by this request%s" % (name, hint.get(name, "")),
                              detail=[{"field": name, "message": "read-only after create"}])

    # -- authentication ------------------------------------------------------
    def login(self, username, password, domain=None, failure_status=400):
        failed = unauthorized("Login failed, authentication error", status=failure_status)
        if not isinstance(username, str) or not isinstance(password, str):
            raise failed
        if domain is None:
            admin_name, admin_password = self.sim.config.portsip_admin
            if username.lower() != admin_name.lower() or password != admin_password:
                raise failed
            identity = {"system": True, "user": None, "tenant": None, "role": "SystemAdmin", "username": admin_name}
        else:
            tenant_id = (self.store.get(TENANT_DOMAINS, str(domain).lower()) or {}).get("id")
            tenant = self.store.get(TENANTS, tenant_id) if tenant_id else None
            user_id = (self.store.get(self.coll(tenant_id, "names"), username.lower()) or {}).get("id")
            user = self.store.get(self.coll(tenant_id, "users"), user_id) if user_id else None
            if not tenant or not tenant.get("enabled") or not user or not user.get("enabled") \
                    or user.get("_password") != password:
                raise failed
            identity = {"system": False, "user": user_id, "tenant": tenant_id, "role": user["role"],
                        "username": user["name"]}
        session = str(self.store.next_id(P + "session"))
        self.store.put(SESSIONS, session, {"open": True})
        return self.issue_token(dict(identity, session=session))

    def issue_token(self, identity):
        access, refresh = _token(), _token()
        ttl = int(self.sim.config.portsip_token_ttl)
        doc = dict(identity, expires_at=time.time() + ttl, refresh=refresh)
        self.store.put(TOKENS, access, doc)
        self.store.put(REFRESH, refresh, {"access": access, "expires_at": time.time() + REFRESH_TTL,
                                          "identity": identity})
        return {"access_token": access, "refresh_token": refresh, "expires_in": ttl, "token_type": "Bearer"}

    def refresh(self, refresh_token):
        doc = self.store.get(REFRESH, refresh_token) if isinstance(refresh_token, str) else None
        if doc is None or doc["expires_at"] <= time.time():
            raise PortsipError(400, "UNKNOWN", "Invalid refresh token")
        # Refresh tokens are single-use and the old access token dies with them (inferred);
        # the session keeps the tenant it had switched to.
        self.store.delete(REFRESH, refresh_token)
        old = self.store.delete(TOKENS, doc["access"])
        identity = dict(doc["identity"])
        if old is not None:
            identity["tenant"] = old.get("tenant")
        return self.issue_token(identity)

    def sign_out(self, token):
        doc = self.store.delete(TOKENS, token)
        if doc is not None:
            self.store.delete(REFRESH, doc.get("refresh", ""))
            if doc.get("session") and self.store.get(SESSIONS, doc["session"]):
                self.store.put(SESSIONS, doc["session"], {"open": False})

    def sessions(self):
        """Logins (sessions opened), sign-outs (closed) and sessions never signed out (open)."""
        rows = [item[1] for item in self.store.items(SESSIONS)]
        open_ = sum(1 for doc in rows if doc["open"])
        refused = (self.store.get(OPS, "refused") or {"count": 0})["count"]
        return {"opened": len(rows), "closed": len(rows) - open_, "open": open_, "refused": refused}

    def expire_after(self, after):
        """Expire every access token when the API has served ``after`` more requests."""
        self.store.put(OPS, "expire", {"after": int(after)})

    def tick(self):
        """Called for every /api request before it is authorised: runs a pending expiry when it is due."""
        pending = self.store.get(OPS, "expire")
        if pending is None:
            return
        if pending["after"] > 0:
            self.store.put(OPS, "expire", {"after": pending["after"] - 1})
            return
        self.store.delete(OPS, "expire")
        self.expire_tokens()

    def session(self, token):
        """The live token document, or a 401."""
        doc = self.store.get(TOKENS, token) if token else None
        if doc is None:
            raise unauthorized("Invalid or missing access token")
        if doc["expires_at"] <= time.time():
            # Counted for the operator: a request refused because its session's token expired.
            self.store.put(OPS, "refused", {"count": (self.store.get(OPS, "refused") or {"count": 0})["count"] + 1})
            raise unauthorized("Access token expired")
        if doc["tenant"] and self.store.get(TENANTS, doc["tenant"]) is None:
            if not doc["system"]:
                raise unauthorized("Tenant no longer exists")
            doc = dict(doc, tenant=None)
            self.store.put(TOKENS, token, doc)
        if doc["user"]:
            user = self.store.get(self.coll(doc["tenant"], "users"), doc["user"])
            if user is None or not user["enabled"]:
                raise unauthorized("User no longer exists or is disabled")
            # Permissions follow the user's current role, not the one it logged in with (inferred).
            doc = dict(doc, role=user["role"])
        return doc

    def expire_tokens(self, token=None):
        names = [token] if token else [item[0] for item in self.store.items(TOKENS)]
        count = 0
        for name in names:
            doc = self.store.get(TOKENS, name)
            if doc is not None:
                self.store.put(TOKENS, name, dict(doc, expires_at=0))
                count += 1
        return count

    def switch_tenant(self, token, tenant_id):
        """Enter a tenant: the caller's token re-scoped (None), or a new token object (switch mode "token").

        Both are inferred (portsip.md 1.3): the spec's 200 has no body and says nothing of the token.
        """
        if not tenant_id:
            raise invalid("id is required")
        if self.store.get(TENANTS, tenant_id) is None:
            raise not_found("Tenant not found")
        doc = self.store.get(TOKENS, token)
        if self.sim.config.portsip_switch_mode == "token":
            identity = {k: doc.get(k) for k in ("system", "user", "tenant", "role", "username", "session")}
            return self.issue_token(dict(identity, tenant=tenant_id))
        self.store.put(TOKENS, token, dict(doc, tenant=tenant_id))
        return None

    def extension_login(self, number, password, domain, failure_status=400):
        """An extension number and its SIP password within the tenant of a SIP domain (call control).

        Raises the failed-login error unless the tenant and the user are enabled and the password is the
        user's extension_password (not the portal password).
        """
        failed = unauthorized("Login failed, authentication error", status=failure_status)
        tenant_id = (self.store.get(TENANT_DOMAINS, domain.lower()) or {}).get("id")
        tenant = self.store.get(TENANTS, tenant_id) if tenant_id else None
        if tenant is None or not tenant.get("enabled"):
            raise failed
        owner = self.number_owner(tenant_id, number)
        if owner is None or owner["type"] != "EXTENSION":
            raise failed  # a ring group's number has no SIP password
        user = self.store.get(self.coll(tenant_id, "users"), owner["id"])
        if user is None or not user.get("enabled") or user.get("_extension_password") != password:
            raise failed
        return user

    # -- tenants -------------------------------------------------------------
    def tenant(self, tenant_id):
        doc = self.store.get(TENANTS, tenant_id)
        if doc is None:
            raise not_found("Tenant not found")
        return doc

    def tenant_by_key(self, key):
        """A tenant by domain or name (fixtures)."""
        for index in (TENANT_DOMAINS, TENANT_NAMES):
            ref = self.store.get(index, str(key).lower())
            if ref:
                return self.store.get(TENANTS, ref["id"])
        raise KeyError("no tenant %r" % key)

    def create_tenant(self, body):
        check(schema.TENANT_CREATE, body)
        self._unique(TENANT_NAMES, body["name"].lower(), "A tenant named %r already exists" % body["name"])
        self._unique(TENANT_DOMAINS, body["domain"].lower(), "Domain %r is already used" % body["domain"])
        tenant_id = self.new_id()
        doc = schema.defaults(schema.TENANT_CREATE)
        doc.update(body)
        doc.update(id=tenant_id, used_disk_quota="0", outbound_caller_ids=None, created_at=now_rfc3339(),
                   avatar_file_name=None, avatar_file_size=None, avatar_file_url=None)
        self.store.put(TENANTS, tenant_id, doc)
        self.store.put(TENANT_NAMES, body["name"].lower(), {"id": tenant_id})
        self.store.put(TENANT_DOMAINS, body["domain"].lower(), {"id": tenant_id})
        return tenant_id

    def update_tenant(self, tenant_id, body):
        doc = dict(self.tenant(tenant_id))
        self._create_only(body, ("name",), {})
        check(schema.TENANT_UPDATE, body)
        new_domain = body.get("domain")
        if new_domain is not None and new_domain.lower() != doc["domain"].lower():
            self._unique(TENANT_DOMAINS, new_domain.lower(), "Domain %r is already used" % new_domain)
            self.store.delete(TENANT_DOMAINS, doc["domain"].lower())
            self.store.put(TENANT_DOMAINS, new_domain.lower(), {"id": tenant_id})
        doc.update({k: v for k, v in body.items() if k in schema.TENANT_UPDATE["properties"]})
        self.store.put(TENANTS, tenant_id, doc)

    def destroy_tenant(self, tenant_id):
        doc = self.tenant(tenant_id)
        for phone in self.store.all(self.coll(tenant_id, "phones")) + self.store.all(self.coll(tenant_id, "dect")):
            self.store.delete(MACS, phone["mac"])
        for mac, item in self.store.items(INVENTORY):
            if item.get("tenant") == tenant_id:
                self.store.delete(INVENTORY, mac)
        self.store.clear(self.coll(tenant_id, ""))
        self.store.delete(TENANT_NAMES, doc["name"].lower())
        self.store.delete(TENANT_DOMAINS, doc["domain"].lower())
        self.store.delete(TENANTS, tenant_id)

    def _unique(self, index, key, message):
        if self.store.get(index, key) is not None:
            raise invalid(message)

    # -- extension numbers ---------------------------------------------------
    def number_owner(self, tenant_id, number):
        return self.store.get(self.coll(tenant_id, "numbers"), number)

    def _claim_number(self, tenant_id, number, kind, owner_id):
        if not re.fullmatch(r"[0-9]{3,64}", number):
            raise invalid("extension_number must be 3 to 64 digits",
                          detail=[{"field": "extension_number", "message": "must match ^[0-9]{3,64}$"}])
        if self.number_owner(tenant_id, number) is not None:
            raise invalid("Extension number %s is already in use" % number,
                          detail=[{"field": "extension_number", "message": "already in use"}])
        self.store.put(self.coll(tenant_id, "numbers"), number, {"type": kind, "id": owner_id})

    def extension_number(self, tenant_id, number):
        ref = self.number_owner(tenant_id, number)
        if ref is None:
            raise not_found("Extension number not found")
        if ref["type"] == "EXTENSION":
            name = self.store.get(self.coll(tenant_id, "users"), ref["id"])["name"]
        else:
            name = self.store.get(self.coll(tenant_id, "ring_groups"), ref["id"])["name"]
        return {"id": ref["id"], "extension_number": number, "name": name, "type": ref["type"]}

    # -- users ---------------------------------------------------------------
    def user(self, tenant_id, user_id):
        doc = self.store.get(self.coll(tenant_id, "users"), user_id)
        if doc is None:
            raise not_found("User not found")
        return doc

    def users(self, tenant_id):
        return self.store.all(self.coll(tenant_id, "users"))

    def create_user(self, tenant_id, body):
        check(schema.USER_CREATE, body)
        name = body["name"]
        if not _USER_NAME.fullmatch(name) or name.startswith(".") or name.endswith("."):
            raise invalid("name may contain letters, digits, _ - ' . and may not start or end with '.'",
                          detail=[{"field": "name", "message": "invalid characters"}])
        if name.lower() in RESERVED_NAMES:
            raise invalid("name %r is reserved for the system admin" % name,
                          detail=[{"field": "name", "message": "reserved"}])
        self._check_role(body["role"])
        self._check_pin(body["voicemail_pin"])
        tenant = self.tenant(tenant_id)
        if self.store.count(self.coll(tenant_id, "users")) >= tenant["max_extensions"]:
            raise invalid("The tenant has reached its maximum of %d extensions" % tenant["max_extensions"])
        if self.store.get(self.coll(tenant_id, "names"), name.lower()) is not None:
            raise invalid("User name %r already exists" % name, detail=[{"field": "name", "message": "already exists"}])
        user_id = self.new_id()
        self._claim_number(tenant_id, body["extension_number"], "EXTENSION", user_id)
        doc = schema.defaults(schema.USER_CREATE)
        doc.update({k: v for k, v in body.items() if k in schema.USER_CREATE["properties"]})
        doc.update(id=user_id, profile=None, created_at=now_rfc3339(), avatar_file_name=None,
                   avatar_file_size=None, avatar_file_url=None, sync_type=None,
                   _password=doc.pop("password"), _extension_password=doc.pop("extension_password"), _phones=[])
        self.store.put(self.coll(tenant_id, "names"), name.lower(), {"id": user_id})
        self.store.put(self.coll(tenant_id, "users"), user_id, doc)
        return user_id

    def update_user(self, tenant_id, user_id, body):
        doc = dict(self.user(tenant_id, user_id))
        self._create_only(body, schema.USER_CREATE_ONLY, {
            "password": "; use POST /users/{id}/password",
            "extension_password": "; use POST /users/{id}/extension_password",
            "role": "; use POST /users/{id}/role"})
        check(schema.USER_UPDATE, body)
        if "voicemail_pin" in body:
            self._check_pin(body["voicemail_pin"])
        doc.update({k: v for k, v in body.items() if k in schema.USER_UPDATE["properties"]})
        self.store.put(self.coll(tenant_id, "users"), user_id, doc)

    def set_user_secret(self, tenant_id, user_id, field, body):
        doc = dict(self.user(tenant_id, user_id))
        check(schema.Obj(schema.USER_PASSWORD["properties"], required=("password",)), body)
        if body["password"] == "":
            raise invalid("password must not be empty")
        doc[field] = body["password"]
        self.store.put(self.coll(tenant_id, "users"), user_id, doc)

    def set_user_role(self, tenant_id, user_id, body):
        doc = dict(self.user(tenant_id, user_id))
        check(schema.Obj(schema.USER_ROLE["properties"], required=("role",)), body)
        self._check_role(body["role"])
        doc["role"] = body["role"]
        self.store.put(self.coll(tenant_id, "users"), user_id, doc)

    def destroy_user(self, tenant_id, user_id):
        doc = self.user(tenant_id, user_id)
        for phone_id in doc["_phones"]:
            phone = self.store.delete(self.coll(tenant_id, "phones"), phone_id)
            if phone is not None:
                self.store.delete(MACS, phone["mac"])
        number = doc["extension_number"]
        for base in self.store.all(self.coll(tenant_id, "dect")):
            # Inferred: a destroyed user's handset leaves the base's member list.
            if any(m["extension_number"] == number for m in base["_members"]):
                members = [m for m in base["_members"] if m["extension_number"] != number]
                self.store.put(self.coll(tenant_id, "dect"), base["id"], dict(base, _members=members))
        for group in self.store.all(self.coll(tenant_id, "ring_groups")):
            if any(a["extension_number"] == number for a in group["_agents"]):
                agents = [a for a in group["_agents"] if a["extension_number"] != number]
                self.store.put(self.coll(tenant_id, "ring_groups"), group["id"], dict(group, _agents=agents))
        self.store.delete(self.coll(tenant_id, "numbers"), number)
        self.store.delete(self.coll(tenant_id, "names"), doc["name"].lower())
        self.store.delete(self.coll(tenant_id, "users"), user_id)

    @staticmethod
    def _check_role(role):
        if role not in TENANT_ROLES:
            raise invalid("Role %r not found; built-in tenant roles are %s" % (role, ", ".join(TENANT_ROLES)),
                          detail=[{"field": "role", "message": "unknown role"}])

    @staticmethod
    def _check_pin(pin):
        problem = pin_problem(pin)
        if problem:
            raise invalid("voicemail_pin " + problem, detail=[{"field": "voicemail_pin", "message": problem}])

    # -- phone catalogue -----------------------------------------------------
    def templates(self):
        """Every template, built-in ones first: filename -> description."""
        out = {name: dict(t) for name, t in BUILTIN_TEMPLATES.items()}
        for name, t in self.store.items(TEMPLATES):
            out[name] = t
        return out

    def template(self, filename):
        if filename in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[filename]
        doc = self.store.get(TEMPLATES, filename)
        if doc is None:
            raise not_found("Template not found")
        return doc

    def models(self, filename=None):
        """Phone models as (filename, vendor, model, display_name) rows."""
        names = [filename] if filename else list(self.templates())
        rows = []
        for name in names:
            rows.extend(BUILTIN_MODELS.get(name, ()))
            custom = self.store.get(TEMPLATES, name)
            if custom is not None and custom.get("is_custom"):
                rows.extend({"filename": name, "vendor": custom.get("vendor"), "model": ua, "display_name": shown}
                            for ua, shown in _template_models(custom.get("content") or ""))
        extra = self.store.all(MODELS)
        rows.extend(m for m in extra if filename is None or m["filename"] == filename)
        return rows

    def template_content(self, filename):
        t = self.template(filename)
        if t.get("is_custom"):
            return t.get("content") or ""
        return _synthesise_template(t, self.models(filename))

    def profile(self, filename):
        t = self.template(filename)
        out = dict(PROFILES.get(t.get("profile_style") or "generic", PROFILES["generic"]))
        out["filename"] = filename
        return out

    def create_template(self, body):
        check(schema.TEMPLATE_CREATE, body)
        filename = body.get("filename")
        if not filename:
            raise invalid("filename is required", detail=[{"field": "filename", "message": "is required"}])
        # Inferred: template files are XML and named like PortSIP's own (fanvil.ph.xml).
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+\.xml", filename):
            raise invalid("filename must be a file name ending in .xml")
        if filename in self.templates():
            raise invalid("Template %r already exists" % filename)
        self.store.put(TEMPLATES, filename, {"filename": filename, "is_custom": True, "vendor": None,
                                             "profile_style": "generic", "content": body.get("content") or ""})
        return filename

    def update_template(self, filename, body):
        t = self.template(filename)
        check(schema.TEMPLATE_UPDATE, body)
        if not t.get("is_custom"):
            # Inferred: the portal only lets you edit copies of the stock templates.
            raise invalid("Built-in template %r cannot be changed; create a custom copy" % filename)
        if "content" in body:
            self.store.put(TEMPLATES, filename, dict(t, content=body["content"]))

    def destroy_template(self, filename):
        t = self.template(filename)
        if not t.get("is_custom"):
            raise invalid("Built-in template %r cannot be removed" % filename)
        self.store.delete(TEMPLATES, filename)

    # -- user phones ---------------------------------------------------------
    def phone(self, tenant_id, user_id, phone_id):
        self.user(tenant_id, user_id)
        doc = self.store.get(self.coll(tenant_id, "phones"), phone_id)
        if doc is None or doc["_user"] != user_id:
            raise not_found("Phone not found")
        return doc

    def user_phones(self, tenant_id, user_id):
        user = self.user(tenant_id, user_id)
        phones = self.coll(tenant_id, "phones")
        return [self.store.get(phones, pid) for pid in user["_phones"]]

    def _language(self, body):
        if self.option("lenient_language") and isinstance(body.get("language"), str):
            # BULK's example sends "English"; strict unless configured (portsip.md section 2).
            body = dict(body, language=body["language"].upper())
        return body

    def create_phone(self, tenant_id, user_id, body, base_url=""):
        user = dict(self.user(tenant_id, user_id))
        body = self._language(body)
        check(schema.USER_PHONE_CREATE, body)
        mac = normalise_mac(body["mac"])
        if mac is None:
            raise invalid("Invalid mac address.", detail=[{"field": "mac", "message": "not a MAC address"}])
        if self.store.get(MACS, mac) is not None:
            raise invalid("MAC address %s is already assigned to a user" % mac,
                          detail=[{"field": "mac", "message": "already assigned"}])
        try:
            template = self.template(body["filename"])
        except PortsipError:
            raise invalid("Template %r not found" % body["filename"],
                          detail=[{"field": "filename", "message": "unknown template"}]) from None
        models = self.models(body["filename"])
        if models and body["model"] not in {m["model"] for m in models}:
            raise invalid("Model %r is not in template %s" % (body["model"], body["filename"]),
                          detail=[{"field": "model", "message": "unknown model"}])
        vendor = template.get("vendor")
        if vendor and body["vendor"].lower() != vendor.lower():
            raise invalid("Vendor %r does not match template %s (%s)" % (body["vendor"], body["filename"], vendor),
                          detail=[{"field": "vendor", "message": "does not match the template"}])
        self._check_door_passwords(body)
        self._check_profile(body, self.profile(body["filename"]), PHONE_PROFILE)
        phone_id = self.new_id()
        doc = schema.defaults(schema.USER_PHONE_CREATE)
        doc.update({k: v for k, v in body.items() if k in schema.USER_PHONE_CREATE["properties"]})
        # Inferred provisioning URL shape; PortSIP only says GET returns one.
        doc.update(id=phone_id, mac=mac, url="%s/provision/%s/%s.cfg" % (base_url.rstrip("/"), tenant_id,
                                                                         mac.replace(":", "")),
                   _user=user_id)
        self.store.put(self.coll(tenant_id, "phones"), phone_id, doc)
        self.store.put(MACS, mac, {"tenant": tenant_id, "user": user_id, "phone": phone_id})
        user["_phones"] = user["_phones"] + [phone_id]
        self.store.put(self.coll(tenant_id, "users"), user_id, user)
        return phone_id

    def update_phone(self, tenant_id, user_id, phone_id, body):
        doc = dict(self.phone(tenant_id, user_id, phone_id))
        self._create_only(body, schema.USER_PHONE_CREATE_ONLY, {})
        body = self._language(body)
        check(schema.USER_PHONE_UPDATE, body)
        self._check_door_passwords(body)
        self._check_profile(body, self.profile(doc["filename"]), PHONE_PROFILE)
        doc.update({k: v for k, v in body.items() if k in schema.USER_PHONE_UPDATE["properties"]})
        self.store.put(self.coll(tenant_id, "phones"), phone_id, doc)

    def destroy_phone(self, tenant_id, user_id, phone_id):
        doc = self.phone(tenant_id, user_id, phone_id)
        user = dict(self.user(tenant_id, user_id))
        user["_phones"] = [p for p in user["_phones"] if p != phone_id]
        self.store.put(self.coll(tenant_id, "users"), user_id, user)
        self.store.delete(self.coll(tenant_id, "phones"), phone_id)
        self.store.delete(MACS, doc["mac"])

    @staticmethod
    def _check_door_passwords(body):
        for key in ("door_password1", "door_password2"):
            if key in body and not (body[key].isascii() and body[key].isdigit()):
                raise invalid("%s must be 4 to 8 digits" % key, detail=[{"field": key, "message": "digits only"}])

    # -- provisioning inventory ---------------------------------------------
    def add_inventory(self, item):
        mac = normalise_mac(item.get("mac"))
        if mac is None:
            raise ValueError("mac %r is not a MAC address" % item.get("mac"))
        tenant_id = self.tenant_by_key(item["tenant"])["id"] if item.get("tenant") else None
        old = self.store.get(INVENTORY, mac) or {}
        doc = {"mac": mac, "vendor": item.get("vendor"), "model": item.get("model"), "fwver": item.get("fwver"),
               "ip": item.get("ip"), "tenant": tenant_id, "rejected": old.get("rejected", False),
               "reboots": old.get("reboots", 0), "reprovisions": old.get("reprovisions", 0),
               "last_seen": now_rfc3339()}
        self.store.put(INVENTORY, mac, doc)

    def inventory(self, tenant_id):
        """The phones a tenant admin sees on the Phones page: its assigned phones and
        unassigned, unrejected phones that asked for provisioning (tenant-less ones
        are shown to every tenant, inferred)."""
        rows = {}
        for mac, item in self.store.items(INVENTORY):
            if item["tenant"] in (None, tenant_id) and not item["rejected"] and self.store.get(MACS, mac) is None:
                rows[mac] = self._summary(item, None, None)
        users = self.coll(tenant_id, "users")
        for phone in self.store.all(self.coll(tenant_id, "phones")):
            rows[phone["mac"]] = self._summary(self.store.get(INVENTORY, phone["mac"]), phone,
                                               self.store.get(users, phone["_user"]))
        return sorted(rows.values(), key=lambda r: r["mac"])

    def inventory_item(self, tenant_id, mac_text):
        mac = normalise_mac(mac_text)
        if mac is None:
            raise not_found("Phone not found")
        ref = self.store.get(MACS, mac)
        item = self.store.get(INVENTORY, mac)
        if ref is not None:
            if ref["tenant"] != tenant_id or "dect" in ref:
                # Inferred: /phones is the IP-phone inventory; DECT bases live at /dect_phones only.
                raise not_found("Phone not found")
            phone = self.store.get(self.coll(tenant_id, "phones"), ref["phone"])
            return self._summary(item, phone, self.store.get(self.coll(tenant_id, "users"), ref["user"]))
        if item is None or item["rejected"] or item["tenant"] not in (None, tenant_id):
            raise not_found("Phone not found")
        return self._summary(item, None, None)

    def assignee(self, tenant_id, mac_text):
        mac = normalise_mac(mac_text)
        ref = self.store.get(MACS, mac) if mac else None
        if ref is None or ref["tenant"] != tenant_id or "dect" in ref:
            raise not_found("Phone is not assigned")
        phone = self.store.get(self.coll(tenant_id, "phones"), ref["phone"])
        user = self.store.get(self.coll(tenant_id, "users"), ref["user"])
        return {"mac": mac, "extension_number": user["extension_number"], "vendor": phone["vendor"],
                "model": phone["model"]}

    def phone_action(self, tenant_id, mac_text, counter):
        summary = self.inventory_item(tenant_id, mac_text)
        self._count(summary["mac"], counter)

    def _count(self, mac, counter):
        """Count a reboot or reprovision. A phone assigned through the API that never asked for
        provisioning has no inventory row: its counts are kept apart (inferred: PortSIP accepts the
        action for any phone it lists)."""
        item = self.store.get(INVENTORY, mac)
        if item is not None:
            self.store.put(INVENTORY, mac, dict(item, **{counter: item[counter] + 1}))
            return
        events = self.store.get(EVENTS, mac) or {"mac": mac, "reboots": 0, "reprovisions": 0}
        self.store.put(EVENTS, mac, dict(events, **{counter: events[counter] + 1}))

    def phone_events(self, mac):
        """What a phone went through (operator view): its inventory row, or the counts kept apart."""
        return self.store.get(INVENTORY, mac) or self.store.get(EVENTS, mac)

    def reprovision_all(self, tenant_id):
        for phone in self.store.all(self.coll(tenant_id, "phones")):
            self._count(phone["mac"], "reprovisions")

    def reject(self, tenant_id, mac_text):
        mac = normalise_mac(mac_text)
        if mac is None:
            raise invalid("Invalid mac address.")
        item = self.store.get(INVENTORY, mac)
        if item is not None and item["tenant"] in (None, tenant_id):
            self.store.put(INVENTORY, mac, dict(item, rejected=True))

    @staticmethod
    def _summary(item, phone, user):
        item = item or {}
        return {
            "extension_number": user["extension_number"] if user else None,
            "vendor": phone["vendor"] if phone else item.get("vendor"),
            "model": phone["model"] if phone else item.get("model"),
            "fwver": item.get("fwver"),
            "name": user["display_name"] if user else None,
            "password": phone["password"] if phone else None,
            "vm_pin": user["voicemail_pin"] if user else None,
            "ip": item.get("ip"),
            "mac": phone["mac"] if phone else item["mac"],
        }

    @staticmethod
    def _check_profile(body, profile, fields):
        """Inferred: the server keeps a phone to the values its template's profile offers (the
        portal only offers those; the spec types them as free strings)."""
        for field, listing in fields:
            allowed = profile.get(listing) or []
            if field not in body or not allowed:
                continue
            values = body[field] if isinstance(body[field], list) else [body[field]]
            wrong = [v for v in values if v not in allowed]
            if wrong:
                template = profile.get("filename") or profile.get("template")
                raise invalid("%s %r is not offered by template %s" % (field, wrong[0], template),
                              detail=[{"field": field, "message": "not in the template's profile"}])

    # -- DECT bases ------------------------------------------------------------
    @staticmethod
    def dect_models():
        return [{"filename": name, "model": m["model"], "lines": m["max_handsets"],
                 "display_name": m.get("display_name")} for name, m in DECT_MODELS.items()]

    @staticmethod
    def dect_model(name):
        model = DECT_MODELS.get(name)
        if model is None:
            raise not_found("DECT phone model not found")
        return dict(model["profile"], template=name, lines=model["max_handsets"])

    def dect_phone(self, tenant_id, base_id):
        doc = self.store.get(self.coll(tenant_id, "dect"), base_id)
        if doc is None:
            raise not_found("DECT phone not found")
        return doc

    def dect_phones(self, tenant_id):
        return self.store.all(self.coll(tenant_id, "dect"))

    def create_dect_phone(self, tenant_id, body, base_url=""):
        body = self._language(body)
        check(schema.DECT_PHONE_CREATE, body)
        mac = normalise_mac(body["mac"])
        if mac is None:
            raise invalid("Invalid mac address.", detail=[{"field": "mac", "message": "not a MAC address"}])
        if self.store.get(MACS, mac) is not None:
            # Inferred: one MAC is one device, an IP phone or a DECT base.
            raise invalid("MAC address %s is already assigned" % mac,
                          detail=[{"field": "mac", "message": "already assigned"}])
        model = DECT_MODELS.get(body["template"])
        if model is None:
            raise invalid("DECT template %r not found" % body["template"],
                          detail=[{"field": "template", "message": "unknown template"}])
        if body["model"] != model["model"]:
            raise invalid("Model %r is not in template %s" % (body["model"], body["template"]),
                          detail=[{"field": "model", "message": "unknown model"}])
        if body["vendor"].lower() != model["vendor"].lower():
            raise invalid("Vendor %r does not match template %s (%s)" % (body["vendor"], body["template"],
                                                                         model["vendor"]),
                          detail=[{"field": "vendor", "message": "does not match the template"}])
        self._check_profile(body, self.dect_model(body["template"]), DECT_PROFILE)
        base_id = self.new_id()
        doc = {k: None for k in schema.DECT_PHONE_CREATE["properties"]}
        doc.update({k: v for k, v in body.items() if k in schema.DECT_PHONE_CREATE["properties"]})
        # Inferred provisioning URL shape, as for user phones.
        doc.update(id=base_id, mac=mac, lines=model["max_handsets"], _members=[],
                   url="%s/provision/%s/%s.cfg" % (base_url.rstrip("/"), tenant_id, mac.replace(":", "")))
        self.store.put(self.coll(tenant_id, "dect"), base_id, doc)
        self.store.put(MACS, mac, {"tenant": tenant_id, "dect": base_id})
        return base_id

    def update_dect_phone(self, tenant_id, base_id, body):
        doc = dict(self.dect_phone(tenant_id, base_id))
        self._create_only(body, schema.DECT_PHONE_CREATE_ONLY, {})
        body = self._language(body)
        check(schema.DECT_PHONE_UPDATE, body)
        self._check_profile(body, self.dect_model(doc["template"]), DECT_PROFILE)
        doc.update({k: v for k, v in body.items() if k in schema.DECT_PHONE_UPDATE["properties"]})
        self.store.put(self.coll(tenant_id, "dect"), base_id, doc)

    def destroy_dect_phone(self, tenant_id, base_id):
        doc = self.store.get(self.coll(tenant_id, "dect"), base_id)
        if doc is None:
            raise invalid("Invalid DECT phone ID supplied.")
        self.store.delete(self.coll(tenant_id, "dect"), base_id)
        self.store.delete(MACS, doc["mac"])

    def dect_members(self, tenant_id, base_id):
        doc = self.dect_phone(tenant_id, base_id)
        users = {u["extension_number"]: u for u in self.store.all(self.coll(tenant_id, "users"))}
        out = []
        for member in doc["_members"]:
            user = users.get(member["extension_number"])
            out.append({"id": user["id"] if user else None, "extension_number": member["extension_number"],
                        "display_name": user["display_name"] if user else None, "ipui": member.get("ipui"),
                        "handset_index": member["handset_index"]})
        return out

    def set_dect_members(self, tenant_id, base_id, body):
        doc = dict(self.dect_phone(tenant_id, base_id))
        check(schema.Obj(schema.DECT_MEMBERS["properties"], required=("items",)), body)
        members, seen = [], set()
        for position, item in enumerate(body["items"], 1):
            number = item.get("extension_number")
            if number is None:
                raise invalid("extension_number is required", detail=[{"field": "extension_number",
                                                                       "message": "is required"}])
            owner = self.store.get(self.coll(tenant_id, "numbers"), number)
            if owner is None or owner.get("type") != "EXTENSION":
                raise invalid("Extension %s not found" % number,
                              detail=[{"field": "extension_number", "message": "not an extension"}])
            if number in seen:
                raise invalid("Extension %s is listed twice" % number,
                              detail=[{"field": "extension_number", "message": "duplicate"}])
            seen.add(number)
            # Inferred: handsets take the list's order unless an index is given.
            members.append({"extension_number": number, "ipui": item.get("ipui"),
                            "handset_index": item.get("handset_index") or str(position)})
        if len(members) > (doc.get("lines") or 0):
            raise invalid("The DECT base takes at most %d handsets" % doc["lines"],
                          detail=[{"field": "items", "message": "too many handsets"}])
        doc["_members"] = members
        self.store.put(self.coll(tenant_id, "dect"), base_id, doc)

    def dect_member(self, tenant_id, base_id, number):
        for member in self.dect_members(tenant_id, base_id):
            if member["extension_number"] == number:
                return member
        raise not_found("Extension is not a member of this DECT phone")

    # -- ring groups ---------------------------------------------------------
    def ring_group(self, tenant_id, group_id, missing=None):
        doc = self.store.get(self.coll(tenant_id, "ring_groups"), group_id)
        if doc is None:
            raise missing or not_found("Ring group not found")
        return doc

    def ring_groups(self, tenant_id):
        return self.store.all(self.coll(tenant_id, "ring_groups"))

    def create_ring_group(self, tenant_id, body):
        check(schema.RING_GROUP_CREATE, body)
        # The spec marks nothing required; a ring group without these cannot exist (inferred).
        for key in ("name", "extension_number"):
            if key not in body:
                raise invalid("%s is required" % key, detail=[{"field": key, "message": "is required"}])
        tenant = self.tenant(tenant_id)
        if self.store.count(self.coll(tenant_id, "ring_groups")) >= tenant["max_ring_groups"]:
            raise invalid("The tenant has reached its maximum of %d ring groups" % tenant["max_ring_groups"])
        group_id = self.new_id()
        self._claim_number(tenant_id, body["extension_number"], "RING_GROUP", group_id)
        doc = schema.defaults(schema.RING_GROUP_CREATE)
        # Before 22.2 new ring groups sent P-Remote-Party-ID by default (portsip.md section 1.4).
        doc["enable_prid"] = not self.version_at_least("22.2")
        doc["ring_strategy"] = "RING_SIMULTANEOUSLY"  # inferred default: the portal's first choice
        doc.update({k: v for k, v in body.items() if k in schema.RING_GROUP_CREATE["properties"]})
        doc.update(id=group_id, _agents=[])
        self.store.put(self.coll(tenant_id, "ring_groups"), group_id, doc)
        return group_id

    def update_ring_group(self, tenant_id, group_id, body):
        doc = dict(self.ring_group(tenant_id, group_id))
        self._create_only(body, schema.RING_GROUP_CREATE_ONLY, {})
        check(schema.RING_GROUP_UPDATE, body)
        doc.update({k: v for k, v in body.items() if k in schema.RING_GROUP_UPDATE["properties"]})
        self.store.put(self.coll(tenant_id, "ring_groups"), group_id, doc)

    def destroy_ring_group(self, tenant_id, group_id):
        doc = self.ring_group(tenant_id, group_id, missing=invalid("Invalid ring group ID supplied."))
        self.store.delete(self.coll(tenant_id, "numbers"), doc["extension_number"])
        self.store.delete(self.coll(tenant_id, "ring_groups"), group_id)

    def agents(self, tenant_id, group_id):
        doc = self.ring_group(tenant_id, group_id)
        users = self.coll(tenant_id, "users")
        out = []
        for agent in doc["_agents"]:
            ref = self.number_owner(tenant_id, agent["extension_number"])
            user = self.store.get(users, ref["id"]) if ref else None
            out.append({"extension_number": agent["extension_number"],
                        "display_name": user["display_name"] if user else None,
                        "skill_level": agent["skill_level"]})
        return out

    def set_agents(self, tenant_id, group_id, body):
        doc = dict(self.ring_group(tenant_id, group_id))
        check(schema.RING_GROUP_AGENTS, body)
        agents, seen = [], set()
        for item in body.get("items") or []:
            number = item.get("extension_number")
            if number is None:
                raise invalid("items[].extension_number is required")
            ref = self.number_owner(tenant_id, number)
            # The spec and the docs are silent on an agent that is no user, or listed twice: refused with
            # 400 VALIDATE_FAILED, the whole list unchanged (inferred).
            if ref is None or ref["type"] != "EXTENSION":
                raise invalid("Extension %s not found" % number,
                              detail=[{"field": "items.extension_number", "message": "not a user's extension"}])
            if number in seen:
                raise invalid("Extension %s is listed twice" % number)
            seen.add(number)
            agents.append({"extension_number": number, "skill_level": item.get("skill_level", 1)})
        doc["_agents"] = agents
        self.store.put(self.coll(tenant_id, "ring_groups"), group_id, doc)

    # -- providers -----------------------------------------------------------
    def provider(self, provider_id, missing=None):
        doc = self.store.get(PROVIDERS, provider_id)
        if doc is None:
            raise missing or not_found("Provider not found")
        return doc

    def create_provider(self, body):
        check(schema.PROVIDER_CREATE, body)
        # Inferred: trunk names identify trunks in the portal, so they are unique.
        self._unique(PROVIDER_NAMES, body["name"].lower(), "A trunk named %r already exists" % body["name"])
        provider_id = self.new_id()
        doc = schema.defaults(schema.PROVIDER_CREATE)
        doc.update({k: v for k, v in body.items() if k in schema.PROVIDER_CREATE["properties"]})
        doc.update(id=provider_id, shared=False, _password=doc.pop("password"))
        self.store.put(PROVIDERS, provider_id, doc)
        self.store.put(PROVIDER_NAMES, body["name"].lower(), {"id": provider_id})
        return provider_id

    def update_provider(self, provider_id, body):
        doc = dict(self.provider(provider_id))
        self._create_only(body, schema.PROVIDER_CREATE_ONLY, {})
        check(schema.PROVIDER_UPDATE, body)
        new_name = body.get("name")
        if new_name is not None and new_name.lower() != doc["name"].lower():
            self._unique(PROVIDER_NAMES, new_name.lower(), "A trunk named %r already exists" % new_name)
            self.store.delete(PROVIDER_NAMES, doc["name"].lower())
            self.store.put(PROVIDER_NAMES, new_name.lower(), {"id": provider_id})
        changes = {k: v for k, v in body.items() if k in schema.PROVIDER_UPDATE["properties"]}
        if "password" in changes:
            doc["_password"] = changes.pop("password")
        doc.update(changes)
        self.store.put(PROVIDERS, provider_id, doc)

    def destroy_provider(self, provider_id):
        doc = self.provider(provider_id, missing=invalid("Invalid provider ID supplied."))
        self.store.delete(PROVIDER_NAMES, doc["name"].lower())
        self.store.delete(PROVIDERS, provider_id)

    def provider_status(self, provider_id):
        doc = self.provider(provider_id)
        # Simulator rule: a registering trunk without credentials never registers.
        offline = doc.get("enabled") is False or (
            doc.get("auth_mode") == "REGISTER_AUTH" and doc.get("registration") and not
            (doc.get("username") or doc.get("auth_id")))
        return {"status": "OFFLINE" if offline else "ONLINE"}

    # Assignees (the tenants a trunk is shared with): the spec gives the paths and the fields
    # {tenant_id, did_numbers, concurrency} but no error texts or merge rules; those below are inferred.
    def provider_assignees(self, provider_id):
        doc = self.provider(provider_id)
        # (inferred) a tenant that is gone no longer holds the trunk
        return [dict(a, tenant_id=t) for t, a in (doc.get("_assignees") or {}).items()
                if self.store.get(TENANTS, t) is not None]

    def provider_assignee(self, provider_id, tenant_id):
        for item in self.provider_assignees(provider_id):
            if item["tenant_id"] == tenant_id:
                return {"did_numbers": item["did_numbers"], "concurrency": item["concurrency"]}
        raise not_found("The provider is not assigned to this tenant")

    def assign_provider(self, provider_id, tenant_id, body):
        doc = dict(self.provider(provider_id))
        check(schema.PROVIDER_ASSIGN, body)
        self.tenant(tenant_id)
        assignees = dict((t, a) for t, a in (doc.get("_assignees") or {}).items()
                         if self.store.get(TENANTS, t) is not None)
        # (inferred) assigning again updates the fields the body gives and keeps the others
        entry = dict(assignees.get(tenant_id) or {"did_numbers": None, "concurrency": None})
        entry.update((k, v) for k, v in body.items() if k in schema.PROVIDER_ASSIGN["properties"])
        assignees[tenant_id] = entry
        doc.update(_assignees=assignees, shared=True)
        self.store.put(PROVIDERS, provider_id, doc)

    def unassign_provider(self, provider_id, tenant_id):
        doc = dict(self.provider(provider_id))
        assignees = dict(doc.get("_assignees") or {})
        if tenant_id not in assignees:
            raise not_found("The provider is not assigned to this tenant")
        del assignees[tenant_id]
        # (inferred) the listing's shared: the trunk has at least one assignee
        doc.update(_assignees=assignees, shared=bool(assignees))
        self.store.put(PROVIDERS, provider_id, doc)


def _token():
    # PortSIP's example tokens are 48 upper-case characters: base64 of a UUID, upper-cased.
    return base64.b64encode(str(uuid.uuid4()).encode()).decode().upper()


def _template_models(content):
    return re.findall(r'<model\b[^>]*?\bua="([^"]+)"[^>]*>([^<]*)</model>', content)


def _synthesise_template(t, models):
    """A stock template's XML: the header PortSIP shows, then a placeholder for the device data."""
    header = t.get("header") or {}
    vendor = t.get("vendor") or "Generic"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<doc xmlns:tcx="http://www.portsip.com">', "<header>",
             "<type>phone-template</type>",
             "<version>%s</version>" % header.get("version", "1"),
             "<time>%s</time>" % header.get("time", "2024-01-01 00:00:00"),
             "<name>%s</name>" % _xml(header.get("name", "%s IP Phone" % vendor)),
             "<url>%s</url>" % _xml(header.get("url", "")),
             "<templatetype>%s</templatetype>" % header.get("templatetype", "supported"), "<models>"]
    lines += ['<model ua="%s">%s</model>' % (_xml(m["model"]), _xml(m.get("display_name") or m["model"]))
              for m in models]
    lines += ["</models>", "<description>%s</description>" % _xml(header.get("name", vendor)), "</header>",
              "<![CDATA[", "# device configuration: not reproduced by the simulator", "]]>", "</doc>"]
    return "\n".join(lines)


def _xml(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
