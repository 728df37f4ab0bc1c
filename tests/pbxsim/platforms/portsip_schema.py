"""PortSIP request bodies, written by hand from PortSIP's OpenAPI 22.2 spec.

Each table below is a JSON Schema fragment with exactly the keywords the spec
uses for that body (type, minLength, maxLength, pattern, enum, minimum,
maximum, format, default, items, properties, required), so that
tests/simulator/test_portsip_conformance.py can compare it with the spec key
by key.  The spec declares no ``additionalProperties``, so properties a table
does not know are accepted and ignored, as the spec allows.

``validate`` is a small validator for that subset.  It is stricter than JSON
Schema in two places, both on purpose: a JSON float is never an integer (the
server decodes into C/Go integers), and integers without a format still have
to fit in 64 bits.
"""

import re

INT_RANGES = {
    "int32": (-(2 ** 31), 2 ** 31 - 1),
    "uint32": (0, 2 ** 32 - 1),
    "int64": (-(2 ** 63), 2 ** 63 - 1),
    None: (-(2 ** 63), 2 ** 63 - 1),
}


# -- table helpers ----------------------------------------------------------
def Str(min_length=None, max_length=None, pattern=None, enum=None, default=None):
    out = {"type": "string"}
    if min_length is not None:
        out["minLength"] = min_length
    if max_length is not None:
        out["maxLength"] = max_length
    if pattern is not None:
        out["pattern"] = pattern
    if enum is not None:
        out["enum"] = list(enum)
    if default is not None:
        out["default"] = default
    return out


def Int(minimum=None, maximum=None, fmt=None, default=None):
    out = {"type": "integer"}
    if fmt is not None:
        out["format"] = fmt
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    if default is not None:
        out["default"] = default
    return out


def Bool(default=None):
    out = {"type": "boolean"}
    if default is not None:
        out["default"] = default
    return out


def Arr(items):
    return {"type": "array", "items": items}


def Obj(properties, required=()):
    out = {"type": "object", "properties": dict(properties)}
    if required:
        out["required"] = list(required)
    return out


def pick(schema, names, extra=None):
    """A copy of an object schema limited to some properties (update bodies)."""
    props = {k: v for k, v in schema["properties"].items() if k in names}
    props.update(extra or {})
    return Obj(props)


# -- shared pieces ----------------------------------------------------------
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EXTENSION_NUMBER = Str(3, 64, "[0-9]{3,64}")
INTERFACES = ("WEB_DOMAIN", "PUBLIC_IPV4", "PUBLIC_IPV6", "PRIVATE_IPV4", "PRIVATE_IPV6", "SBC_DOMAIN")
TRANSPORTS = ("UDP", "TCP", "TLS")
LANGUAGES = ("ENGLISH", "CHINESE", "DUTCH", "FRENCH", "GERMAN", "GREEK", "ITALIAN", "JAPANESE", "POLISH",
             "RUSSIAN", "SPANISH", "SWEDISH", "UKRAINIAN", "BULGARIAN")
RING_STRATEGIES = ("RING_SIMULTANEOUSLY", "PRIORITIZED_HUNT", "CYCLIC_HUNT", "LEAST_WORKED_HUNT", "PAGING_INTERCOM",
                   "SKILL_BASED_ROUTING_PRIORITIZED_HUNT", "SKILL_BASED_ROUTING_CYCLIC_HUNT",
                   "SKILL_BASED_ROUTING_LEAST_WORKED_HUNT")
FWD, VM, RING, HANG = "FORWARD_TO_NUMBER", "FORWARD_TO_VOICEMAIL", "RING_ANYWAY", "HANGUP"

DAY = Obj({"enabled": Bool(), "ranges": Arr(Obj({"from": Str(), "to": Str()}))})
WEEK = {day: DAY for day in DAYS}


def forward_rule(*actions, timeout=False):
    props = {"action": Str(enum=actions), "number": Str()}
    if timeout:
        props["timeout"] = Int(0, fmt="int32", default=60)
    return Obj(props)


def caller_ids(preferred):
    props = {"provider_id": Str(), "caller_id": Str(1, 64)}
    if preferred:
        props["preferred"] = Bool()
    props["description"] = Str(max_length=1024)
    return Arr(Obj(props))


# -- authentication ---------------------------------------------------------
LOGIN = Obj({"username": Str(1, 64), "password": Str(), "domain": Str(1, 280)}, required=("username", "password"))
REFRESH = Obj({"refresh_token": Str()}, required=("refresh_token",))

# -- tenants ----------------------------------------------------------------
_EVENT = Obj({
    "enabled": Bool(False), "auth": Str(enum=("DISABLE", "BASIC", "DIGEST", "BEARER"), default="DISABLE"),
    "username": Str(6, 64, "[a-z0-9]{6,64}"), "password": Str(6, 64, "[a-z0-9]{6,64}"), "token": Str(),
    "url": Str(1, 128, "[a-z0-9]{6,64}"),
})
_TENANT_FIELDS = {
    "name": Str(1, 1024), "domain": Str(1, 280), "website": Str(max_length=255), "timezone": Str(), "currency": Str(),
    "region": Str(), "enabled": Bool(True), "enable_video_recording": Bool(False), "enable_audio_recording": Bool(False),
    "enable_dual_track_recording": Bool(False), "enable_billing": Bool(False), "enable_feature_billing": Bool(False),
    "enable_feature_call_statistics": Bool(True), "enable_feature_contact_center": Bool(True),
    "enable_feature_message_channels": Bool(True), "enable_feature_microsoft_teams": Bool(True),
    "enable_feature_trunks": Bool(True), "enable_feature_whats_app": Bool(True), "enable_night_mode": Bool(False),
    "enable_two_factor_authentication": Bool(False), "custom_options": Str(),
    "max_extensions": Int(0, fmt="int32", default=1000), "max_concurrent_calls": Int(0, fmt="int32", default=20),
    "max_ring_groups": Int(0, fmt="int32", default=20), "max_virtual_receptionists": Int(0, fmt="int32", default=20),
    "max_call_queues": Int(0, fmt="int32", default=20), "max_conference_rooms": Int(0, fmt="int32", default=20),
    "disk_quota": Str(default=""), "im_disk_quota": Str(default=""), "extension_im_disk_quota": Str(default="1GB"),
    "recording_retention": Int(1, fmt="int32", default=180), "call_report_retention": Int(1, default=30),
    "log_retention": Int(1, default=180), "temp_file_retention": Int(1, default=30),
    "office_hours": Obj(WEEK),
    "e164": Obj({
        "enabled": Bool(False), "international_code": Str(), "country": Str(), "area_code": Str(), "national_code": Str(),
        "prefix": Str(), "remove_special_chars": Bool(False), "remove_duplicate_countries": Bool(True),
        "remove_duplicate_area_codes": Bool(True),
    }),
    "cdr_event": _EVENT, "extension_event": _EVENT,
    "contact_match_type": Str(enum=("DISABLE", "MATCH_EXACTLY", "MATCH_LENGTH"), default="MATCH_EXACTLY"),
    "contact_match_length": Int(0, fmt="int32"),
    "contact_append_type": Str(enum=("DISABLE", "APPEND", "PREPEND"), default="APPEND"),
    "contact_update_interval": Int(1, 43200, fmt="uint32", default=720),
    "email_recipients": Str(), "password_force_reset": Bool(False),
}
TENANT_CREATE = Obj(_TENANT_FIELDS, required=("name", "domain", "timezone", "currency", "region"))
TENANT_UPDATE = pick(TENANT_CREATE, set(_TENANT_FIELDS) - {"name"})

# -- users ------------------------------------------------------------------
_USER_FORWARD_RULES = {}
for _state in ("available", "busy"):
    _USER_FORWARD_RULES[_state + "_office_hours_forward_rule"] = forward_rule(FWD, VM, RING, HANG)
    _USER_FORWARD_RULES[_state + "_non_office_hours_forward_rule"] = forward_rule(FWD, VM, RING, HANG)
    _USER_FORWARD_RULES[_state + "_no_answer_forward_rule"] = forward_rule(FWD, VM, HANG, timeout=True)
for _state in ("dnd", "away", "lunch", "trip", "offline"):
    _USER_FORWARD_RULES[_state + "_office_hours_forward_rule"] = forward_rule(FWD, VM, HANG)
    _USER_FORWARD_RULES[_state + "_non_office_hours_forward_rule"] = forward_rule(FWD, VM, HANG)

USER_CREATE = Obj({
    "name": Str(1, 64), "password": Str(), "email": Str(max_length=128), "display_name": Str(max_length=1024),
    "enabled": Bool(True), "role": Str(1, 64), "mobile_phone": Str(max_length=32), "work_phone": Str(max_length=32),
    "home_phone": Str(max_length=32), "address": Str(max_length=128), "department": Str(max_length=128),
    "extension_number": EXTENSION_NUMBER, "extension_password": Str(),
    "enable_audio_recording": Bool(False), "enable_video_recording": Bool(False), "enable_dnd": Bool(), "enable_acb": Bool(),
    "enable_hot_desking": Bool(False), "anonymous_outbound_calls": Bool(False),
    "sms": Str(enum=("DISABLE", "ALLOW", "ALLOW_WITH_SENDER_ID"), default="DISABLE"),
    "delivery_outbound_cid": Bool(True), "outbound_caller_ids": caller_ids(preferred=True), "custom_options": Str(),
    "office_hours": Obj({"mode": Str(enum=("GLOBAL", "CUSTOM")), **WEEK}),
    **_USER_FORWARD_RULES,
    "custom_forward_rules": Arr(Obj({
        "action": Str(enum=(FWD, VM, RING, HANG)), "number": Str(), "caller_id": Str(),
        "type": Str(enum=("ALL_HOURS", "SPECIFIC_HOURS", "OUTSIDE_SPECIFIC_HOURS")), "hours": Obj(WEEK),
    })),
    "voicemail_prompt": Str(), "enable_voicemail_pin": Bool(True), "voicemail_pin": Str(6, 10),
    "enable_voicemail_notify": Bool(False),
    "voicemail_play_datetime": Str(enum=("DISABLE", "12_HOUR_CLOCK", "24_HOUR_CLOCK")),
    "interface": Str(enum=INTERFACES), "preferred_transport": Str(enum=TRANSPORTS),
    "blfs": Arr(Obj({"key": Str(), "value": Str(), "first_name": Str(), "last_name": Str()})),
}, required=("name", "password", "email", "display_name", "role", "extension_number", "extension_password",
             "voicemail_pin"))
# Fields only POST /users sets; each of the last four has its own endpoint.
USER_CREATE_ONLY = ("name", "extension_number", "password", "extension_password", "role")
USER_UPDATE = pick(USER_CREATE, set(USER_CREATE["properties"]) - set(USER_CREATE_ONLY))
USER_PASSWORD = Obj({"password": Str()})
USER_ROLE = Obj({"role": Str(1, 64)})

# -- user phones ------------------------------------------------------------
USER_PHONE_CREATE = Obj({
    "mac": Str(), "filename": Str(), "vendor": Str(), "model": Str(), "password": Str(), "language": Str(enum=LANGUAGES),
    "transfer": Str(enum=("BLIND", "ATTENDED", "NEW_CALL"), default="BLIND"), "timezone": Str(),
    "ringtone": Str(), "queue_ringtone": Str(), "external_ringtone": Str(), "date_format": Str(), "time_format": Str(),
    "powerled": Str(), "backlight": Str(), "screensaver": Str(), "rps": Bool(), "https": Bool(), "codecs": Arr(Str()),
    "enable_lldp": Bool(False), "enable_vlan_wan_port": Bool(False), "wan_port_id": Int(1, 4094),
    "wan_port_priority": Int(0, 7), "enable_vlan_pc_port": Bool(False), "pc_port_id": Int(1, 4094),
    "pc_port_priority": Int(0, 7), "interface": Str(enum=INTERFACES), "preferred_transport": Str(enum=TRANSPORTS),
    "serial_number": Str(), "door_password1": Str(4, 8), "door_password2": Str(4, 8),
}, required=("mac", "filename", "vendor", "model", "password", "language", "transfer", "timezone", "codecs",
             "interface", "preferred_transport"))
USER_PHONE_CREATE_ONLY = ("mac", "filename", "vendor", "model")
USER_PHONE_UPDATE = pick(USER_PHONE_CREATE, set(USER_PHONE_CREATE["properties"]) - set(USER_PHONE_CREATE_ONLY))

# -- DECT bases (the template field is "template", not "filename") ---------
DECT_PHONE_CREATE = Obj({
    "name": Str(1, 64), "mac": Str(), "template": Str(), "vendor": Str(), "model": Str(), "password": Str(),
    "user_password": Str(), "engineer_password": Str(), "timezone": Str(), "region": Str(),
    "language": Str(enum=LANGUAGES), "handset_language": Str(enum=LANGUAGES), "tone": Str(), "rps": Bool(),
    "https": Bool(), "codecs": Arr(Str()), "interface": Str(enum=INTERFACES),
    "preferred_transport": Str(enum=TRANSPORTS),
}, required=("name", "mac", "template", "vendor", "model", "password", "timezone", "language", "tone", "codecs",
             "interface", "preferred_transport"))
DECT_PHONE_CREATE_ONLY = ("mac", "template", "vendor", "model")
DECT_PHONE_UPDATE = pick(DECT_PHONE_CREATE, set(DECT_PHONE_CREATE["properties"]) - set(DECT_PHONE_CREATE_ONLY))
# The list is replaced as a whole; id and display_name are read-only (ignored when sent).
DECT_MEMBERS = Obj({"items": Arr(Obj({
    "id": Str(), "extension_number": EXTENSION_NUMBER, "display_name": Str(max_length=1024), "ipui": Str(),
    "handset_index": Str(),
}))})

# -- phone templates --------------------------------------------------------
TEMPLATE_CREATE = Obj({"filename": Str(), "content": Str()})
TEMPLATE_UPDATE = Obj({"content": Str()})

# -- ring groups ------------------------------------------------------------
_RG_RULE = forward_rule(FWD, VM, "REPEAT", HANG)
RING_GROUP_CREATE = Obj({
    "name": Str(1, 64), "extension_number": EXTENSION_NUMBER, "ring_time": Int(0, fmt="int32", default=20),
    "ring_strategy": Str(enum=RING_STRATEGIES), "skip_busy_member": Bool(), "enable_paid": Bool(False),
    "enable_prid": Bool(False), "extension_number_as_to_header": Bool(False),
    "no_answer_forward_rule": _RG_RULE, "night_mode_forward_rule": _RG_RULE,
    "outbound_caller_ids": caller_ids(preferred=False),
})
RING_GROUP_CREATE_ONLY = ("extension_number",)
RING_GROUP_UPDATE = pick(RING_GROUP_CREATE, set(RING_GROUP_CREATE["properties"]) - set(RING_GROUP_CREATE_ONLY))
RING_GROUP_AGENTS = Obj({"items": Arr(Obj({
    "extension_number": EXTENSION_NUMBER, "display_name": Str(max_length=1024),
    "skill_level": Int(1, 100, fmt="int32", default=1),
}))})

# -- providers (trunks) -----------------------------------------------------
_HEADER_SOURCES = (
    "REQUEST_LINE_URI_USER_PART", "CONTACT_USER_PART", "TO_DISPLAY_NAME", "TO_USER_PART", "FROM_DISPLAY_NAME",
    "FROM_USER_PART", "REMOTE_PARTY_ID_CALLED_PARTY_DISPLAY_NAME", "REMOTE_PARTY_ID_CALLED_PARTY_USER_PART",
    "REMOTE_PARTY_ID_CALLING_PARTY_DISPLAY_NAME", "REMOTE_PARTY_ID_CALLING_PARTY_USER_PART",
    "P_ASSERTED_IDENTITY_DISPLAY_NAME", "P_ASSERTED_IDENTITY_USER_PART", "P_PREFERRED_IDENTIFY_DISPLAY_NAME",
    "P_PREFERRED_IDENTIFY_USER_PART", "P_CALLED_PARTY_ID_DISPLAY_NAME", "P_CALLED_PARTY_ID_USER_PART", "DEFAULT")
_PRIVACY = Str(enum=("DEFAULT", "NONE", "ID", "USER", "HEADER", "SESSION"))
_USER_PART = Obj({"value": Str(enum=(
    "AUTH_ID", "CALLER_NUM", "CALLED_NUM", "CALLER_DISPLAY_NAME", "OUTBOUND_CALLER_ID", "ORIGINATOR_CALLER_ID",
    "OUTBOUND_CALLER_ID_AND_ORIGINATOR_CALLER_ID", "ANONYMOUS", "DEFAULT", "CUSTOM")), "custom_value": Str()})
_HOST_PART = Obj({"value": Str(enum=(
    "TRUNK_HOST_PORT", "OUT_HOST_PORT", "CONTACT_URI", "SIP_DOMAIN", "DEFAULT", "CUSTOM")), "custom_value": Str()})
_OUTBOUND = {}
for _header, _parts in (("request_line_uri", ("user", "host")), ("contact", ("user", "host")),
                        ("to", ("display_name", "user", "host")), ("from", ("display_name", "user", "host")),
                        ("remote_party_id_called_party", ("display_name", "user", "host")),
                        ("remote_party_id_calling_party", ("display_name", "user", "host")),
                        ("p_asserted_identity", ("display_name", "user", "host")),
                        ("p_preferred_identify", ("display_name", "user", "host")),
                        ("p_called_party_id", ("display_name", "user", "host"))):
    for _part in _parts:
        _key = "%s_%s" % (_header, _part if _part == "display_name" else _part + "_part")
        _OUTBOUND[_key] = _HOST_PART if _part == "host" else _USER_PART
_OUTBOUND["privacy_types_supported"] = _PRIVACY

PROVIDER_CREATE = Obj({
    "name": Str(1, 64), "enabled": Bool(True), "brand": Str(1, 64),
    "auth_mode": Str(enum=("IP_AUTH", "REGISTER_AUTH", "ACCEPT_REGISTER", "TEAMS", "WHATS_APP")),
    "transport": Str(enum=TRANSPORTS), "hostname": Str(), "port": Int(0, 65535, fmt="int32"),
    "auth_id": Str(max_length=64), "username": Str(max_length=64), "password": Str(), "registration": Bool(True),
    "register_interval": Int(0, fmt="int32", default=600), "outbound_server": Str(),
    "outbound_server_port": Int(0, 65535, fmt="int32"), "inlan": Bool(False), "single_via_header": Bool(True),
    "rewrite_via_ip": Bool(True), "verify_port": Bool(True), "keep_alive": Bool(True), "concurrency": Int(0, fmt="int32"),
    "keep_alive_interval": Int(0, fmt="int32", default=360), "additional_ips": Str(), "adjust_sdp_direction": Bool(True),
    "remove_srtp_info": Bool(True), "stir_shaken_signature_required": Bool(False), "did_numbers": Str(),
    "inbound_parameters": Obj({
        "caller_num": Str(enum=_HEADER_SOURCES), "caller_display_name": Str(enum=_HEADER_SOURCES),
        "called_num": Str(enum=_HEADER_SOURCES), "privacy_types_supported": _PRIVACY,
        "enable_stir_shaken_validation": Bool(False), "pai_header_parameter_name": Str(default="verstat"),
        "drop_calls_with_verification_status": Arr(Str()), "pass_api_header_to_uad": Bool(False),
    }),
    "outbound_parameters": Obj(_OUTBOUND),
}, required=("name", "transport", "hostname", "port", "outbound_server", "outbound_server_port", "concurrency"))
PROVIDER_CREATE_ONLY = ("brand", "auth_mode")
PROVIDER_UPDATE = pick(PROVIDER_CREATE, set(PROVIDER_CREATE["properties"]) - set(PROVIDER_CREATE_ONLY))
# POST /providers/{id}/assignees/{tenant_id} (assignProvider).
PROVIDER_ASSIGN = Obj({"did_numbers": Str(), "concurrency": Int(0, fmt="int32")})

# What the conformance test compares with the spec, key by key: (method, spec path) -> table.
REQUEST_BODIES = {
    ("post", "/login"): LOGIN,
    ("post", "/auth/sign_in"): LOGIN,
    ("post", "/auth/refresh_token"): REFRESH,
    ("post", "/tenants"): TENANT_CREATE,
    ("post", "/tenants/{id}"): TENANT_UPDATE,
    ("post", "/users"): USER_CREATE,
    ("post", "/users/{id}"): USER_UPDATE,
    ("post", "/users/{id}/password"): USER_PASSWORD,
    ("post", "/users/{id}/extension_password"): USER_PASSWORD,
    ("post", "/users/{id}/role"): USER_ROLE,
    ("post", "/users/{id}/phones"): USER_PHONE_CREATE,
    ("post", "/users/{id}/phones/{phone_id}"): USER_PHONE_UPDATE,
    ("post", "/dect_phones"): DECT_PHONE_CREATE,
    ("post", "/dect_phones/{id}"): DECT_PHONE_UPDATE,
    ("post", "/dect_phones/{id}/members"): DECT_MEMBERS,
    ("post", "/templates/phones"): TEMPLATE_CREATE,
    ("post", "/templates/phones/{filename}"): TEMPLATE_UPDATE,
    ("post", "/ring_groups"): RING_GROUP_CREATE,
    ("post", "/ring_groups/{id}"): RING_GROUP_UPDATE,
    ("post", "/ring_groups/{id}/agents"): RING_GROUP_AGENTS,
    ("post", "/providers"): PROVIDER_CREATE,
    ("post", "/providers/{id}"): PROVIDER_UPDATE,
}

# -- query parameters, as the object of strings (and booleans) a query string decodes to ----------------
_EXTRA_HEADERS = ("ANSWER_MODE", "CALL_INFO", "ALERT_INFO_AUTO_ANSWER_DELAY0", "ALERT_INFO_AUTO_ANSWER",
                  "ALERT_INFO_INTERCOM")
SESSION_DIRECTLY = Obj({
    "extension_number": EXTENSION_NUMBER, "password": Str(), "domain": Str(1, 280), "caller": Str(max_length=256),
    "caller_display_name": Str(max_length=1024), "callee": Str(max_length=256), "send_sdp": Bool(),
    "trunk": Str(1, 64), "rewrite_from": Str(1, 16), "rewrite_pai": Str(1, 16), "rewrite_rpi": Str(1, 16),
    "user_data": Str(max_length=128), "target": Str(max_length=128), "target_instance_id": Str(max_length=128),
    "target_extension_number": Str(max_length=128), "additional_header": Str(enum=_EXTRA_HEADERS),
    "header_direction": Str(enum=("CALLER", "CALLEE", "ALL")),
}, required=("extension_number", "password", "domain", "caller", "callee", "send_sdp"))

QUERY_PARAMETERS = {
    ("get", "/sessions/directly"): SESSION_DIRECTLY,
}


def query_object(schema, query):
    """Query parameters as the object the table describes: booleans from true/false, the rest strings."""
    out = {}
    for key, value in query.items():
        if schema["properties"].get(key, {}).get("type") == "boolean" and value in ("true", "false"):
            value = value == "true"
        out[key] = value
    return out


# -- validation -------------------------------------------------------------
_TYPE_NAMES = {"string": "a string", "integer": "an integer", "boolean": "a boolean", "object": "an object",
               "array": "an array", "number": "a number"}
_PATTERNS = {}


def _is_type(value, kind):
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True


def validate(schema, value, path=""):
    """Problems with ``value`` as (field path, message) pairs; empty when valid."""
    kind = schema.get("type")
    name = path or "body"
    if kind and not _is_type(value, kind):
        return [(name, "must be %s" % _TYPE_NAMES.get(kind, kind))]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append((name, "must be one of %s" % ", ".join(schema["enum"])))
    if kind == "string":
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append((name, "must be at least %d characters" % schema["minLength"]))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append((name, "must be at most %d characters" % schema["maxLength"]))
        if "pattern" in schema:
            regex = _PATTERNS.get(schema["pattern"])
            if regex is None:
                regex = _PATTERNS[schema["pattern"]] = re.compile(schema["pattern"])
            if not regex.search(value):
                problems.append((name, "must match %s" % schema["pattern"]))
    elif kind == "integer":
        low, high = INT_RANGES.get(schema.get("format"), INT_RANGES[None])
        low = max(low, schema.get("minimum", low))
        high = min(high, schema.get("maximum", high))
        if not low <= value <= high:
            problems.append((name, "must be between %d and %d" % (low, high)))
    elif kind == "object":
        for key in schema.get("required", ()):
            if key not in value:
                problems.append(((path + "." if path else "") + key, "is required"))
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems.extend(validate(sub, value[key], (path + "." if path else "") + key))
    elif kind == "array" and "items" in schema:
        for index, item in enumerate(value):
            problems.extend(validate(schema["items"], item, "%s[%d]" % (name, index)))
    return problems


def defaults(schema):
    """A new object's stored fields: every property, at its default or null."""
    return {key: sub.get("default") for key, sub in schema["properties"].items()}
