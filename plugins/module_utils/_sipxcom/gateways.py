# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom gateways: /api/gateways with their settings and FXO ports.

PLATFORM_NOTES (pbx_gateway -> /api/gateways; reference sipxcom.md §4 gateways, §2 settings, §15 models;
seed 004 "Gateways"):
- name: name, the key. sipXcom has no lookup by name (a path key is an id or a serial, §4 Lookup): names are
  resolved from the one listing, and every request after it addresses the gateway by its numeric id. Names
  are unique on the whole PBX (DuplicateNameException), branches included.
- model: model.modelId, required to create: sipTrunkStandard (SIP trunk), genericGatewayStandard (unmanaged
  gateway), acmeGatewayStandard, the AudioCodes models (audiocodesMP1X4_4_FXO, audiocodesMP1X8_8_FXO,
  audiocodesMediant1000/2000/3000, audiocodesMediantBRI, audiocodesTP260), checked against
  GET /api/gateways/models before any write (close matches listed), plus the ITSP trunk templates (ids
  starting itsp, accepted on POST but not listed, §15). sipXcom cannot change a gateway's model: a change fails
  before any write (remove the gateway and create it again).
- description, enabled, address, port (addressPort; 0: the transport's default), transport (addressTransport:
  none, udp, tcp or tls, written lower-case), outbound_address / outbound_port (outboundAddress /
  outboundPort: the outbound proxy), prefix (digits added to numbers dialled through the gateway; sipXcom reads
  it back as text), shared (any branch's users may call out through it), internal_bridge (useInternalBridge:
  calls go through sipXbridge), device_version (deviceVersion: firmware of the AudioCodes models, checked
  against the model's versions; sipXcom would silently store none for a name it does not know).
- caller ID (callerAliasInfo): caller_id (defaultCallerAlias), caller_id_name (displayName), caller_id_block
  (anonymous), caller_id_ignore_user (ignoreUserInfo: the gateway's caller ID instead of the user's),
  caller_id_from_extension (transformUserExtension), caller_id_prefix (addPrefix), caller_id_keep_digits
  (keepDigits), caller_id_url_parameters (urlParameters).
- Create defaults (sipXcom's own create example, §4): enabled true, port 0, outbound_port 5060, transport none,
  shared true, internal_bridge true, caller_id_keep_digits 0, the rest empty or false.
- Updates: sipXcom's PUT replaces the whole gateway (omitted booleans become false, ints 0, strings null, §4),
  so an update sends the gateway as the listing returned it, with only the changed fields replaced: one PUT
  that keeps everything the task does not mention.
- branch: the branch the gateway belongs to (branch.name; "" for none). The task's tenant is a branch: with
  tenant set, only the gateways of that branch are listed, compared and purged, a new gateway goes into it,
  and branch may only name it. A gateway of the same name in another branch fails before any write (names are
  unique on the PBX). Without tenant every gateway is listed (purge then needs purge_all_tenants) and branch
  moves a gateway; an unknown branch fails before any write (sipXcom would silently store none).
- settings: setting path -> value, compared with GET /api/gateways/{id}/settings (one read per named gateway,
  only when the task sets settings, sip_username or auth_id) and written one PUT .../settings/{path} (text/plain) per
  changed path. Booleans compare by meaning and are written as true/false; integers and enums are checked. A
  path the model lacks fails before any write with close matches (sipXcom would answer 200 and ignore it). For
  a gateway still to be created the paths are checked against the SIP trunk's itsp-account settings (seed
  004's list, built in) or, for other models, against the settings of an existing gateway of the model (one
  read per model); a create with settings of a model no gateway has yet fails before any write: create it
  without settings first.
- sip_username / auth_id / sip_password: the SIP trunk's ITSP account, the settings itsp-account/user-name,
  itsp-account/authentication-user-name and itsp-account/password (SIP trunk and ITSP models only; compared
  like settings, sip_password never). Every credential setting (a path whose last part holds password or
  secret) is a write-only secret: it is refused in settings (use sip_password), never compared, written when
  the gateway is
  created and afterwards only with update_password: always; sipXcom returns it in clear in the settings
  listing, so every such value read is masked in any output.
- ports: the FXO ports (AudioCodes models only, at most the model's port count: 4 for MP114 and TP260, 8 for
  MP118 and the Mediant PRI models, 24 for the Mediant BRI), in order, each with settings by path. Read with
  GET .../ports (one per named gateway whose ports the task sets) and GET .../ports/{id}/settings per port
  whose settings the task sets; added with POST .../ports (no body), the last ports removed with
  DELETE .../ports/{id}, settings one PUT .../ports/{id}/settings/{path} each. Paths of a new port are checked
  against an existing port of the same gateway or model (one read); without one they fail before any write.
- pbx_info: gateways as name, model, description, enabled, address, port, transport, outbound_address,
  outbound_port, prefix, shared, internal_bridge, branch, device_version and the caller ID options (settings,
  the account and ports are left out: they cost requests per gateway).
Requests (documented minimum): reads are GET /api/gateways (one listing of every gateway, unpaged),
plus GET /rest/branch once when branch is set, or tenant is set and no listed gateway is of that branch,
plus GET /api/gateways/models once when a gateway is created or its device_version changes, plus
GET /api/gateways/{id}/settings per named gateway whose settings or account the task sets (and once per
model for a created non-SIP-trunk gateway with settings), plus the port reads above. Writes: a create is
one POST, plus one PUT per setting (sip_username, auth_id and sip_password included), plus one POST per
port and one PUT per port setting. An update is one PUT when any field of the gateway changes (however
many), plus one PUT per changed setting, plus the port writes. A delete is one DELETE (its ports go with
it). A rerun with nothing to change writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import subset_equal
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import JSON
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.phones import (
    INTEGER, TEXT, close_matches, setting_path, text_of, truth)

# option -> GatewayBean field
BEAN = (("description", "description"), ("enabled", "enabled"), ("address", "address"), ("port", "addressPort"),
        ("transport", "addressTransport"), ("outbound_address", "outboundAddress"),
        ("outbound_port", "outboundPort"), ("prefix", "prefix"), ("shared", "shared"),
        ("internal_bridge", "useInternalBridge"), ("device_version", "deviceVersion"))
# option -> CallerAliasInfo field
CALLER = (("caller_id", "defaultCallerAlias"), ("caller_id_name", "displayName"), ("caller_id_block", "anonymous"),
          ("caller_id_ignore_user", "ignoreUserInfo"), ("caller_id_from_extension", "transformUserExtension"),
          ("caller_id_prefix", "addPrefix"), ("caller_id_keep_digits", "keepDigits"),
          ("caller_id_url_parameters", "urlParameters"))
BEAN_OPTIONS = frozenset([o for o, _f in BEAN + CALLER] + ["branch"])
TRANSPORTS = ("none", "udp", "tcp", "tls")
# What sipXcom's own create example sends (reference §4), for the fields a create does not name.
CREATE_DEFAULTS = {"enabled": True, "port": 0, "outbound_port": 5060, "transport": "none", "shared": True,
                   "internal_bridge": True, "caller_id_keep_digits": 0}
SIP_TRUNK = "sipTrunkStandard"
USERNAME, PASSWORD = "itsp-account/user-name", "itsp-account/password"
# option -> the SIP trunk setting it stands for
ACCOUNT = (("sip_username", USERNAME), ("auth_id", "itsp-account/authentication-user-name"),
           ("sip_password", PASSWORD))
# The FXO/trunk port count of each model with ports (sipxcom-models.json maxPorts: a server-side fact the API
# never shows).
MAX_PORTS = {"audiocodesMP1X4_4_FXO": 4, "audiocodesMP1X8_8_FXO": 8, "audiocodesMediant1000": 8,
             "audiocodesMediant2000": 8, "audiocodesMediant3000": 8, "audiocodesMediantBRI": 24,
             "audiocodesTP260": 4}


def _itsp(path, kind="string", default=None, options=None):
    return {"path": "itsp-account/" + path, "type": kind, "defaultValue": default, "options": options}


# The SIP trunk's settings as seed 004 lists them (GET /api/gateways/{id}/settings of a SIP trunk).
ITSP_SETTINGS = dict((s["path"], s) for s in (
    _itsp("user-name"), _itsp("authentication-user-name"), _itsp("password"),
    _itsp("register-on-initialization", "boolean", "false"), _itsp("itsp-proxy-address"),
    _itsp("use-global-addressing", "boolean", "true"), _itsp("strip-private-headers", "boolean", "false"),
    _itsp("default-asserted-identity", "boolean", "true"), _itsp("asserted-identity"),
    _itsp("is-from-itsp", "boolean"), _itsp("default-preferred-identity", "boolean", "false"),
    _itsp("preferred-identity"), _itsp("is-user-phone", "boolean", "true"), _itsp("itsp-registrar-address"),
    _itsp("itsp-registrar-listening-port", "integer"), _itsp("registration-interval", "integer", "600"),
    _itsp("sip-session-timer-interval-seconds", "integer", "1800"),
    _itsp("sip-keepalive-method", "enum", "CR-LF", {"CR-LF": None, "NONE": None}),
    _itsp("rtp-keepalive-method", "enum", "NONE", {"REPLAY-LAST-SENT-PACKET": None, "USE-DUMMY-RTP-PAYLOAD": None,
                                                   "USE-EMPTY-PACKET": None, "NONE": None}),
    _itsp("route-by-to-header", "boolean", "false"), _itsp("always-relay-media", "boolean", "true")))


def is_trunk(model):
    return model == SIP_TRUNK or str(model or "").startswith("itsp")


def is_credential(path):
    last = str(path).rsplit("/", 1)[-1].lower()
    return "password" in last or "secret" in last


def same(setting, want, have):
    if (setting or {}).get("type") == "boolean":
        return truth(want) is not None and truth(want) == truth(have)
    return text_of(want) == text_of(have)


def check_settings(where, desired, schema, what):
    for path, value in desired.items():
        setting = schema.get(path)
        if setting is None:
            known = sorted(p for p in schema if not is_credential(p))
            listing = "it has no settings" if not known else ("its settings: %s" % ", ".join(known)) \
                if len(known) <= 30 else ("it has %d settings" % len(known))
            raise PbxError("%s: %s has no setting %s (sipXcom would answer 200 and ignore it)%s; %s"
                           % (where, what, path, close_matches(path, known), listing))
        kind = setting.get("type")
        if kind == "boolean" and truth(value) is None:
            raise PbxError("%s: setting %s is a boolean: give true or false, got %r" % (where, path, value))
        if kind == "integer" and text_of(value) and not INTEGER.match(text_of(value)):
            raise PbxError("%s: setting %s is an integer, got %r" % (where, path, value))
        options = setting.get("options")
        if kind == "enum" and options and text_of(value) and text_of(value) not in options:
            raise PbxError("%s: setting %s takes one of %s, got %r" % (where, path, ", ".join(sorted(options)), value))


def setting_text(setting, value):
    if (setting or {}).get("type") == "boolean":
        style = text_of(setting.get("value") or setting.get("defaultValue")).lower()
        # (inferred) a boolean setting holds its own form of true/false: 1/0 when it shows 1/0, else true/false.
        if style in ("1", "0"):
            return "1" if truth(value) else "0"
        return "true" if truth(value) else "false"
    return text_of(value)


class SipxcomGateways(Kind):
    kind = "gateway"
    REQUIRED_ON_CREATE = ("model",)
    OPTIONS = frozenset([o for o, _f in BEAN + CALLER] + ["model", "branch", "settings", "ports"]
                        + [o for o, _p in ACCOUNT])

    def __init__(self, driver):
        super(SipxcomGateways, self).__init__(driver)
        self._all = {}        # name -> every gateway of the PBX, normalised
        self._listed = set()  # the names list() returned (the tenant's)
        self._models = None   # modelId -> model bean (read once, when needed)
        self._schemas = {}    # modelId -> {path: setting}, from an existing gateway of the model
        self._port_schemas = {}  # modelId -> {path: setting} of a port
        self._desired = {}    # name -> the item of the task

    # -- checks without requests -------------------------------------------------------
    def validate(self, item, tenant):
        name = item["name"]
        where = "gateway %s" % name
        if "model" in item and not str(item["model"]).strip():
            raise PbxError("%s: model must not be empty" % where)
        if "transport" in item and str(item["transport"]).strip().lower() not in TRANSPORTS:
            raise PbxError("%s: transport must be one of %s on sipXcom, got %r" % (where, ", ".join(TRANSPORTS),
                                                                                   item["transport"]))
        for option in ("port", "outbound_port"):
            if option in item and not 0 <= item[option] <= 65535:
                raise PbxError("%s: %s must be 0 to 65535, got %d" % (where, option, item[option]))
        if item.get("caller_id_keep_digits", 0) < 0:
            raise PbxError("%s: caller_id_keep_digits must be 0 or more" % where)
        branch = item.get("branch")
        if tenant is not None and branch is not None and branch != tenant:
            raise PbxError("%s: branch %r is not the task's tenant %r: with tenant set a gateway belongs to that "
                           "branch; leave branch out, or run the task without tenant to move gateways between "
                           "branches" % (where, branch, tenant))
        settings = item.get("settings") or {}
        for path, value in settings.items():
            if not str(path).strip():
                raise PbxError("%s: settings has an empty path" % where)
            if is_credential(path):
                raise PbxError("%s: settings %s is a credential: give it with the sip_password option (written only, "
                               "never compared or shown), not in settings" % (where, path))
            if value is None or isinstance(value, (dict, list)):
                raise PbxError("%s: settings %s must be text, a number or a boolean (\"\" clears it), got %r"
                               % (where, path, value))
        for option, path in ACCOUNT:
            if path in settings and option in item:
                raise PbxError("%s: %s and settings %s are the same setting: give it once" % (where, option, path))
        model = item.get("model")
        if model is not None:
            self._check_model_options(where, model, item)
        for index, port in enumerate(item.get("ports") or []):
            for path, value in (port.get("settings") or {}).items():
                if is_credential(path) or value is None or isinstance(value, (dict, list)):
                    raise PbxError("%s: ports[%d].settings %s must be text, a number or a boolean and no credential"
                                   % (where, index, path))
        self._desired[name] = item

    @staticmethod
    def _check_model_options(where, model, item):
        if not is_trunk(model):
            given = [o for o, _p in ACCOUNT if o in item]
            if given:
                raise PbxError("%s: %s: only a SIP trunk (sipTrunkStandard or an ITSP template) has an ITSP account; "
                               "model %s has none: remove %s" % (where, " and ".join(given), model,
                                                                 "them" if len(given) > 1 else "it"))
        if item.get("ports"):
            limit = MAX_PORTS.get(model)
            if limit is None:
                raise PbxError("%s: model %s has no FXO or trunk ports (only the AudioCodes models have them): "
                               "remove ports" % (where, model))
            if len(item["ports"]) > limit:
                raise PbxError("%s: model %s takes at most %d ports, the task lists %d" % (where, model, limit,
                                                                                           len(item["ports"])))

    def whole_pbx(self, tenant):
        return tenant is None

    # -- reads ---------------------------------------------------------------------------
    def list(self, tenant):
        gateways = self.call("GET", "/api/gateways", headers=JSON).data().get("gateways") or []
        self._all = dict((g.get("name"), self._normalise(g)) for g in gateways if g.get("name"))
        if tenant is None:
            out = list(self._all.values())
        else:
            out = [g for g in self._all.values() if g["branch"] == tenant]
            # A gateway listed in the branch proves it exists; only an empty branch costs the branch listing.
            if not out and tenant not in self.driver.branches():
                raise TenantMissing("sipXcom: branch %r does not exist; create it first with pbxops.pbx.pbx_tenant, "
                                    "or fix the tenant option" % tenant)
        self._listed = set(g["name"] for g in out)
        return out

    @staticmethod
    def _normalise(bean):
        obj = {"name": bean.get("name"), "model": (bean.get("model") or {}).get("modelId"),
               "branch": (bean.get("branch") or {}).get("name"), "_id": bean.get("id"), "_raw": bean,
               "_tenant": (bean.get("branch") or {}).get("name")}
        for option, field in BEAN:
            obj[option] = bean.get(field)
        for option, field in CALLER:
            obj[option] = (bean.get("callerAliasInfo") or {}).get(field)
        for option in ("prefix", "caller_id_prefix"):
            if obj[option] is not None:
                obj[option] = str(obj[option])
        return obj

    def _model_map(self):
        if self._models is None:
            models = self.call("GET", "/api/gateways/models", headers=JSON).data().get("models") or []
            self._models = dict((m.get("modelId"), m) for m in models)
        return self._models

    def _settings_of(self, gateway_id, path=""):
        answer = self.call("GET", "/api/gateways/%d%s/settings" % (gateway_id, path), headers=JSON).data()
        schema = dict((s.get("path"), s) for s in answer.get("settings") or [])
        for setting_path_, setting in schema.items():
            # sipXcom returns credentials in clear: never let one reach an output.
            if is_credential(setting_path_) and setting.get("value"):
                self.client.add_secret(setting["value"])
        return schema

    def details(self, tenant, obj, wanted):
        item = self._desired.get(obj["name"]) or {}
        obj = dict(obj)
        if ("settings" in wanted and item.get("settings")) or wanted & set(["sip_username", "auth_id"]):
            schema = self._settings_of(obj["_id"])
            obj["_schema"] = schema
            self._schemas.setdefault(obj["model"], schema)
            current = {}
            for path, value in (item.get("settings") or {}).items():
                setting = schema.get(path)
                have = (setting or {}).get("value")
                current[path] = value if setting is not None and same(setting, value, have) else have
            obj["settings"] = current
            for option, path in ACCOUNT:
                if path in schema and option != "sip_password":
                    obj[option] = schema[path].get("value")
        if "ports" in wanted:
            ports = self.call("GET", "/api/gateways/%d/ports" % obj["_id"], headers=JSON).data().get("ports") or []
            obj["_ports"] = [p.get("id") for p in ports]
            obj["_port_schemas"] = {}
            current = []
            for index, port_id in enumerate(obj["_ports"]):
                want = (item.get("ports") or [])[index] if index < len(item.get("ports") or []) else {}
                entry = {}
                if want.get("settings"):
                    schema = self._settings_of(obj["_id"], "/ports/%d" % port_id)
                    obj["_port_schemas"][port_id] = schema
                    self._port_schemas.setdefault(obj["model"], schema)
                    entry["settings"] = dict(
                        (path, value if path in schema and same(schema[path], value, schema[path].get("value"))
                         else (schema.get(path) or {}).get("value")) for path, value in want["settings"].items())
                current.append(entry)
            obj["ports"] = current
        return obj

    # -- checks while planning (reads, no writes) ----------------------------------------
    def validate_create(self, item, tenant):
        name = item["name"]
        where = "gateway %s" % name
        if name in self._all and name not in self._listed:
            owner = self._all[name]["branch"]
            raise PbxError("%s is on this sipXcom but outside tenant %s (it is in %s); gateway names are unique on the "
                           "PBX: choose another name, or manage it without tenant"
                           % (where, tenant, "branch %s" % owner if owner else "no branch"))
        model = item.get("model")
        if not model:
            raise PbxError("%s: model is required to create a gateway on sipXcom (sipTrunkStandard for a SIP trunk, "
                           "genericGatewayStandard for an unmanaged gateway, or an AudioCodes model such as "
                           "audiocodesMP1X4_4_FXO)" % where)
        models = self._model_map()
        if model not in models and not str(model).startswith("itsp"):
            labels = dict((m.get("label") or "", model_id) for model_id, m in models.items())
            near = close_matches(model, list(models) + list(labels))
            raise PbxError("%s: sipXcom has no gateway model %r%s; its models: %s" % (
                where, model, near,
                ", ".join("%s (%s)" % (k, (m.get("label") or "")) for k, m in sorted(models.items()))))
        self._check_version(where, model, item.get("device_version"))
        self._check_branch(where, item.get("branch"), tenant)
        if item.get("settings"):
            check_settings(where, item["settings"], self._create_schema(where, model), "model %s" % model)
        if any(port.get("settings") for port in item.get("ports") or []):
            schema = self._new_port_schema(where, model, None)
            for port in item["ports"]:
                check_settings(where, port.get("settings") or {}, schema, "a port of model %s" % model)

    def _create_schema(self, where, model):
        if is_trunk(model):
            return ITSP_SETTINGS
        if model not in self._schemas:
            others = [g for g in self._all.values() if g["model"] == model]
            if not others:
                raise PbxError("%s: sipXcom shows a model's settings only on a gateway of it, and no gateway of "
                               "model %s "
                               "exists yet: create the gateway without settings first, then set them in a second "
                               "task" % (where, model))
            self._schemas[model] = self._settings_of(others[0]["_id"])
        return self._schemas[model]

    def _new_port_schema(self, where, model, current):
        """The settings of a port, for ports still to be added: an existing port of the gateway or the model."""
        if current is not None and current.get("_port_schemas"):
            return list(current["_port_schemas"].values())[0]
        if model not in self._port_schemas:
            if current is not None and current.get("_ports"):
                self._port_schemas[model] = self._settings_of(current["_id"], "/ports/%d" % current["_ports"][0])
            else:
                for other in self._all.values():
                    if other["model"] != model:
                        continue
                    ports = self.call("GET", "/api/gateways/%d/ports" % other["_id"], headers=JSON).data()
                    ids = [p.get("id") for p in ports.get("ports") or []]
                    if ids:
                        self._port_schemas[model] = self._settings_of(other["_id"], "/ports/%d" % ids[0])
                        break
                else:
                    raise PbxError("%s: sipXcom shows a port's settings only on an existing port, and no gateway of "
                                   "model %s has one yet: add the ports without settings first, then set them in a "
                                   "second task" % (where, model))
        return self._port_schemas[model]

    def validate_update(self, tenant, current, changes):
        where = "gateway %s" % current["name"]
        model = current["model"]
        if "model" in changes:
            raise PbxError("%s: sipXcom cannot change a gateway's model (%s to %s): remove the gateway (state: absent) "
                           "and create it again" % (where, model, changes["model"]))
        self._check_model_options(where, model, changes)
        if "device_version" in changes:
            self._check_version(where, model, changes["device_version"])
        if "branch" in changes:
            self._check_branch(where, changes["branch"], tenant)
        if "settings" in changes:
            check_settings(where, changes["settings"], current.get("_schema") or {}, "model %s" % model)
        if "ports" in changes:
            have = current.get("_port_schemas") or {}
            for index, port in enumerate(changes["ports"]):
                if not port.get("settings"):
                    continue
                port_id = current["_ports"][index] if index < len(current["_ports"]) else None
                schema = have.get(port_id) if port_id is not None else None
                if schema is None:
                    schema = self._new_port_schema(where, model, current)
                check_settings(where, port["settings"], schema, "port %d of model %s" % (index + 1, model))

    def _check_version(self, where, model, version):
        if not text_of(version):
            return
        versions = (self._model_map().get(model) or {}).get("versions") or []
        if version not in versions:
            raise PbxError("%s: device_version %r is not a version of model %s (%s); sipXcom would store no version "
                           "at all" % (where, version, model, "its versions: %s" % ", ".join(versions)
                                       if versions else "the model has no versions: leave it out"))

    def _check_branch(self, where, branch, tenant):
        if not branch or branch == tenant:
            return
        if branch not in self.driver.branches():
            raise PbxError("%s: branch %r does not exist on sipXcom (it would store the gateway in no branch); "
                           "create it with pbxops.pbx.pbx_tenant, or fix branch" % (where, branch))

    # -- writes ---------------------------------------------------------------------------
    def _body(self, values, model_bean):
        caller = dict((field, values.get(option)) for option, field in CALLER)
        body = {"name": values["name"], "model": model_bean}
        for option, field in BEAN:
            body[field] = values.get(option)
        if body["addressTransport"] is not None:
            body["addressTransport"] = str(body["addressTransport"]).strip().lower()
        branch = values.get("branch")
        body["branch"] = {"name": branch} if branch else None
        body["callerAliasInfo"] = caller
        for field in ("deviceVersion", "prefix", "description", "address", "outboundAddress"):
            body[field] = body[field] or None
        return body

    def create(self, tenant, item):
        values = dict(CREATE_DEFAULTS)
        values.update(item)
        if tenant is not None:
            values["branch"] = tenant
        model = self._model_map().get(item["model"]) or {"modelId": item["model"]}
        body = self._body(values, {"modelId": item["model"], "vendor": model.get("vendor")})
        answer = self.call("POST", "/api/gateways", json=body, headers=JSON)
        try:
            gateway_id = int(answer.text.strip())
        except ValueError:
            raise PbxError("POST /api/gateways answered %r instead of the new gateway's id" % answer.text[:100])
        schema = ITSP_SETTINGS if is_trunk(item["model"]) else self._schemas.get(item["model"]) or {}
        for path, value in self._setting_writes(item, item.get("settings") or {}):
            self._put(gateway_id, "", schema.get(path), path, value)
        ports = item.get("ports") or []
        if ports:
            port_schema = self._port_schemas.get(item["model"]) or {}
            for port in ports:
                answer = self.call("POST", "/api/gateways/%d/ports" % gateway_id, headers=JSON)
                port_id = int(answer.text.strip())
                for path, value in (port.get("settings") or {}).items():
                    self._put(gateway_id, "/ports/%d" % port_id, port_schema.get(path), path, value)

    @staticmethod
    def _setting_writes(item, settings):
        writes = list(settings.items())
        for option, path in ACCOUNT:
            if option in item:
                writes.append((path, item[option]))
        return writes

    def _put(self, gateway_id, below, setting, path, value):
        self.call("PUT", "/api/gateways/%d%s/settings/%s" % (gateway_id, below, setting_path(path)),
                  data=setting_text(setting, value).encode("utf-8"), headers=TEXT)

    def update(self, tenant, current, changes, item):
        gateway_id = current["_id"]
        if BEAN_OPTIONS & set(changes):
            values = dict(current)
            values.update(changes)
            raw = current["_raw"]
            # The whole gateway as the listing gave it: sipXcom's PUT resets every field the body leaves out.
            body = dict(raw)
            body.update(self._body(values, raw.get("model")))
            self.call("PUT", "/api/gateways/%d" % gateway_id, json=body, headers=JSON)
        schema = current.get("_schema") or {}
        have = current.get("settings") or {}
        settings = dict((path, value) for path, value in (changes.get("settings") or {}).items()
                        if not subset_equal(value, have.get(path)))
        for path, value in self._setting_writes(changes, settings):
            self._put(gateway_id, "", schema.get(path) or ITSP_SETTINGS.get(path), path, value)
        if "ports" in changes:
            self._update_ports(current, changes["ports"])

    def _update_ports(self, current, wanted):
        gateway_id = current["_id"]
        ids = list(current["_ports"])
        have = current.get("ports") or []
        schemas = current.get("_port_schemas") or {}
        for port_id in ids[len(wanted):]:
            self.call("DELETE", "/api/gateways/%d/ports/%d" % (gateway_id, port_id), headers=JSON)
        fallback = self._port_schemas.get(current["model"]) or {}
        for index, port in enumerate(wanted):
            if index < len(ids):
                port_id = ids[index]
                held = (have[index] if index < len(have) else {}).get("settings") or {}
            else:
                answer = self.call("POST", "/api/gateways/%d/ports" % gateway_id, headers=JSON)
                port_id, held = int(answer.text.strip()), {}
            schema = schemas.get(port_id) or fallback
            for path, value in (port.get("settings") or {}).items():
                if not subset_equal(value, held.get(path)):
                    self._put(gateway_id, "/ports/%d" % port_id, schema.get(path), path, value)

    def delete(self, tenant, current):
        self.call("DELETE", "/api/gateways/%d" % current["_id"], headers=JSON)

    def info(self, obj):
        out = super(SipxcomGateways, self).info(obj)
        for option in ("settings", "ports", "sip_username", "auth_id"):
            out.pop(option, None)
        return out
