# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the user sees of each resource kind: options, types, secrets, keys.

How an option maps onto a vendor's API lives in that vendor's driver; the
argument spec, the comparison and the diff all come from the tables here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import decimal
import math
import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import MASK


class Option:
    """One user-facing option of a resource.

    compare: "exact" (after normalising by type), "nocase" (strings compared
    case-insensitively), "set" (lists compared as sets), "ordered" (lists
    compared in order), "subset" (dicts, and lists of dicts item by item: only
    the keys the user gave are compared).
    digits: a value people write as digits (numbers, PINs, caller IDs). It must
    arrive as a string: YAML turns an unquoted 0643 into the integer 419, and
    Ansible would quietly make that "419". The argument spec takes it as raw so
    that desired_items() can refuse it with a hint to quote it.
    options: the sub-options of a dict option (a list of Option).
    """

    def __init__(self, name, type="str", elements=None, secret=False, choices=None, compare=None, digits=False,
                 options=None):
        self.name = name
        self.type = type
        self.elements = elements
        self.secret = secret
        self.choices = choices
        self.digits = digits
        self.options = options
        if compare is None:
            compare = {"list": "set", "dict": "subset"}.get(type, "exact")
        self.compare = compare

    def spec(self):
        spec = {"type": "raw" if self.digits and self.type == "str" else self.type}
        if self.elements:
            spec["elements"] = "raw" if self.digits else self.elements
        if self.secret:
            spec["no_log"] = True
        if self.choices:
            spec["choices"] = list(self.choices)
        # No "options": the sub-options are checked by ListItems._fields (single and list form alike). Ansible's
        # own sub-spec validation raises TypeError on a value that is no dict (address: false, ports: [1]):
        # ansible-core's set_fallbacks() looks into it before checking its type.
        return spec

    def normalise(self, value):
        """The canonical form of a value for comparing and showing."""
        if value is None:
            return None
        if self.type == "str":
            return str(value).strip()
        if self.type == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on", "enable", "enabled")
            return bool(value)
        if self.type == "int":
            return int(value)
        if self.type == "list":
            if self.compare == "set":
                return sorted(set(str(v).strip() for v in value))
            if self.compare == "ordered":
                return [str(v).strip() for v in value]
            return value
        return value

    def equal(self, desired, current):
        if self.compare == "subset":
            return subset_equal(desired, current)
        desired, current = self.normalise(desired), self.normalise(current)
        if self.compare == "nocase" and desired and current:
            desired, current = desired.lower(), current.lower()
        if self.type == "str" and not desired and not current:
            return True  # "" and an absent value are the same to every PBX here
        if self.type == "list" and not desired and not current:
            return True
        return desired == current

    def not_text(self, value):
        """Why a digits option's value is refused (None when it is fine)."""
        if not self.digits or value is None:
            return None
        values = value if self.type == "list" and isinstance(value, list) else [value]
        for one in values:
            if not isinstance(one, str):
                return ("%s arrived as the %s %r, not as text. YAML reads unquoted digits as a number (0643 even "
                        "becomes 419): quote the value (%s: \"0643\"), or add | string in a template"
                        % (self.name, type(one).__name__, one, self.name))
        return None


def whole_number_problem(value):
    """Why value cannot be given for a whole-number option (None when Ansible's int check may judge it).

    True and false pass Ansible's check_type_int (a bool is an int) and would be sent as they are; infinity
    (.inf, "inf") and some lists make it raise OverflowError instead of failing; "1e999999999" would take minutes
    to expand.
    """
    if isinstance(value, bool):
        return "must be a whole number, got the boolean %r" % value
    if isinstance(value, (list, tuple)):
        # decimal.Decimal takes a list as (sign, digits, exponent): [0, [1], 0] would be 1, others overflow.
        return "must be a whole number, got a list"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a whole number, got %r" % value
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value.strip())
        except (decimal.DecimalException, ValueError):
            return None  # not a number at all: check_type_int says so
        if not number.is_finite() or number.adjusted() > 30:
            return "must be a whole number, got %r" % value
    return None


def subset_equal(desired, current):
    """Only the keys (recursively) and values the user gave count."""
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return False
        return all(subset_equal(v, current.get(k)) for k, v in desired.items())
    if isinstance(desired, (list, tuple)):
        if not isinstance(current, (list, tuple)) or len(desired) != len(current):
            return False
        return all(subset_equal(d, c) for d, c in zip(desired, current))
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired == current
    if desired is None or current is None:
        return desired in (None, "") and current in (None, "")
    return str(desired) == str(current)


_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_MAC = re.compile(r"^[0-9a-f]{12}$")


def normalise_mac(value):
    """0004f2aabbcc from any of 0004F2AABBCC, 00:04:f2:aa:bb:cc, 00-04-f2-aa-bb-cc, 0004.f2aa.bbcc."""
    mac = _MAC_SEPARATORS.sub("", str(value)).lower()
    if not _MAC.match(mac):
        raise ValueError("%r is not a MAC address (12 hexadecimal digits, optionally separated by : - or .)" % value)
    return mac


def normalise_text(value):
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _secret_names(options):
    names = []
    for option in options:
        if option.secret:
            names.append(option.name)
        names += _secret_names(option.options or ())
    return names


class Resource:
    """A resource kind: its natural key, options and bulk list name.

    task_options: argument spec of options that steer the task rather than
    describe an object (for example pbx_tenant's force).
    """

    def __init__(self, name, key, options, plural=None, key_normaliser=normalise_text, title=None,
                 task_options=None, replaceable=False):
        self.name = name
        self.key = key
        self.plural = plural or name + "s"
        self.title = title or name
        self.key_normaliser = key_normaliser
        self.options = dict((o.name, o) for o in options)
        self.secrets = frozenset(o.name for o in options if o.secret)
        #: the names of secret options at any depth (a port's or an address's fields included)
        self.secret_names = frozenset(_secret_names(options))
        self.task_options = task_options or {}
        #: some changes need the object destroyed and created again (the summary then counts "replaced")
        self.replaceable = replaceable

    def normalise_key(self, value):
        return self.key_normaliser(value)

    def option_spec(self):
        """Argument spec of the resource's own options (without connection options)."""
        return dict((name, opt.spec()) for name, opt in self.options.items())

    def public(self, obj):
        """An object as shown to the user: known options only, secrets masked, no internals."""
        out = {}
        for name, value in obj.items():
            if name.startswith("_") or name not in self.options:
                continue
            out[name] = MASK if name in self.secrets and value is not None else value
        return out


EXTENSION = Resource("extension", key="number", title="extension", options=[
    Option("number", digits=True),
    Option("name"),
    Option("first_name"),
    Option("last_name"),
    Option("email", compare="nocase"),  # PBXs store addresses in their own case (sipXcom lower-cases)
    Option("enabled", "bool"),
    Option("voicemail", "bool"),
    Option("voicemail_pin", secret=True, digits=True),
    Option("sip_password", secret=True),
    Option("web_password", secret=True),
    Option("caller_id", digits=True),
    Option("aliases", "list", elements="str", digits=True),
    Option("groups", "list", elements="str"),
    Option("private", "bool"),
    Option("login_name"),
    Option("role"),
    Option("api_fields", "dict"),
])

# PortSIP's tenant limits and feature switches, by their API names (GET /tenants/{id}).
TENANT_LIMITS = ("max_extensions", "max_concurrent_calls", "max_ring_groups", "max_virtual_receptionists",
                 "max_call_queues", "max_conference_rooms")
TENANT_FLAGS = (
    "enable_video_recording", "enable_audio_recording", "enable_dual_track_recording", "enable_billing",
    "enable_feature_billing", "enable_feature_call_statistics", "enable_feature_contact_center",
    "enable_feature_message_channels", "enable_feature_microsoft_teams", "enable_feature_trunks",
    "enable_feature_whats_app", "enable_night_mode", "enable_two_factor_authentication")
ADDRESS = ("street", "city", "state", "zip", "country", "office_designation")

TENANT = Resource(
    "tenant", key="name", options=[
        Option("name"),
        Option("description"),
        Option("domain", compare="nocase"),  # a SIP domain is a host name
        Option("website"),
        Option("timezone"),
        Option("currency"),
        Option("region"),
        Option("enabled", "bool"),
        Option("disk_quota"),
        Option("address", "dict", options=[Option(name) for name in ADDRESS]),
        Option("phone_number", digits=True),
        Option("fax_number", digits=True),
        Option("api_fields", "dict"),
    ] + [Option(name, "int") for name in TENANT_LIMITS] + [Option(name, "bool") for name in TENANT_FLAGS],
    task_options={"force": {"type": "bool", "default": False}})

STATIC_IP = ("address", "dns1", "dns2", "gateway", "domain")
PHONE_COLUMNS = ("zone", "can_hotdesk", "can_forward", "qualify", "call_group", "access", "nat_mode", "nat_ipaddr",
                 "ntp", "codec_list", "barge")
PUSH = ("never", "changed", "always")

_PHONE_PORT = [Option("port", "int"), Option("description"), Option("extension", digits=True)]

PHONE = Resource(
    "phone", key="mac", key_normaliser=normalise_mac, replaceable=True, options=[
        Option("mac"),
        # Every platform.
        Option("model"),
        Option("description"),
        Option("extensions", "list", elements="str", digits=True, compare="ordered"),  # line / port / member order
        Option("api_fields", "dict"),
        # sipXcom.
        Option("device_version"),
        Option("groups", "list", elements="str"),
        Option("settings", "dict"),
        # IPCortex: the columns of every port of the handset, the static IP group, per-port values.
        Option("zone"),
        Option("can_hotdesk", "bool"),
        Option("can_forward", "bool"),
        Option("qualify", "bool"),
        Option("call_group", digits=True),
        Option("access"),
        Option("nat_mode", "bool"),
        Option("nat_ipaddr"),
        Option("ntp"),
        Option("codec_list"),
        Option("barge", "int", choices=(0, 1, 2, 3)),
        Option("static_ip", "dict", options=[Option(name) for name in STATIC_IP]),
        Option("ports", "list", elements="dict", compare="subset", options=_PHONE_PORT),
        # PortSIP (IP phones and DECT bases).
        Option("template"),
        Option("vendor"),
        Option("web_password", secret=True),
        Option("language"),
        Option("transfer", choices=("BLIND", "ATTENDED", "NEW_CALL")),
        Option("timezone"),
        Option("codecs", "list", elements="str", compare="ordered"),
        Option("interface", choices=("WEB_DOMAIN", "PUBLIC_IPV4", "PUBLIC_IPV6", "PRIVATE_IPV4", "PRIVATE_IPV6",
                                     "SBC_DOMAIN")),
        Option("transport", choices=("UDP", "TCP", "TLS")),
        Option("region"),
        Option("tone"),
        Option("handset_language"),
        Option("user_password", secret=True),
        Option("engineer_password", secret=True),
    ],
    task_options={"push_config": {"type": "str", "default": "never", "choices": list(PUSH)}})

# The other kinds: their natural keys are settled here so that every driver,
# the engine and pbx_info agree on them; their options arrive with their modules.


class Members(Option):
    """An ordered list of members: each an extension number ("101"), or a dict with the number and
    per-member options ({"number": "101", "skill_level": 3}). Order counts (it is the hunt order);
    of a member's options only those the user gave are compared.

    fields: the per-member options (Options; "number" is implied). They are not Ansible sub-options:
    those would refuse the plain string form, so not_text() checks them instead, for the single and
    the list form alike.
    """

    def __init__(self, name, fields):
        super(Members, self).__init__(name, "list", elements="raw", compare="members", digits=True)
        self.fields = dict((o.name, o) for o in fields)

    def spec(self):
        return {"type": "list", "elements": "raw"}

    def not_text(self, value):
        if not isinstance(value, list):
            return None
        for index, one in enumerate(value):
            where = "%s[%d]" % (self.name, index)
            if isinstance(one, dict):
                unknown = sorted(str(k) for k in one if k != "number" and k not in self.fields)
                if unknown:
                    return "%s: unsupported field%s %s (a member takes: %s)" % (
                        where, "s" if len(unknown) > 1 else "", ", ".join(unknown),
                        ", ".join(["number"] + sorted(self.fields)))
                if one.get("number") is None:
                    return "%s: number is required (the member's extension number)" % where
                number = one["number"]
                for field, fvalue in one.items():
                    problem = self._field_problem(where, field, fvalue)
                    if problem:
                        return problem
            else:
                number = one
            if not isinstance(number, str):
                return ("%s arrived as the %s %r, not as text. YAML reads unquoted digits as a number (0643 even "
                        "becomes 419): quote the member (%s: [\"0643\"]), or add | string in a template"
                        % (where, type(number).__name__, number, self.name))
            if not number.strip():
                return "%s: the member's number must not be empty" % where
        return None

    def _field_problem(self, where, field, value):
        option = self.fields.get(field)
        if option is None or value is None:
            return None
        try:
            if option.type == "int" and whole_number_problem(value):
                raise ValueError(value)
            value = option.normalise(value)
        except (TypeError, ValueError):
            return "%s.%s must be %s, got %r" % (where, field, {"int": "a whole number", "bool": "true or false"}
                                                 .get(option.type, "text"), value)
        if option.choices and value not in option.choices:
            return "%s.%s must be one of %s, got %r" % (where, field, ", ".join(str(c) for c in option.choices),
                                                        value)
        return None

    def normalise(self, value):
        """[{"number": "101", <the fields given, normalised>}] (None stays None)."""
        if value is None:
            return None
        out = []
        for one in value:
            if isinstance(one, dict):
                member = dict((k, self.fields[k].normalise(v)) for k, v in one.items()
                              if k in self.fields and v is not None)
                member["number"] = str(one.get("number")).strip()
            else:
                member = {"number": str(one).strip()}
            out.append(member)
        return out

    def equal(self, desired, current):
        desired, current = self.normalise(desired) or [], self.normalise(current) or []
        if [m["number"] for m in desired] != [m["number"] for m in current]:
            return False
        for want, have in zip(desired, current):
            for field, value in want.items():
                if field != "number" and not self.fields[field].equal(value, have.get(field)):
                    return False
        return True


CALLGROUP_STRATEGIES = ("ring_all", "hunt", "cyclic_hunt", "least_worked_hunt", "paging", "skill_hunt",
                        "skill_cyclic_hunt", "skill_least_worked_hunt", "queue")
NO_ANSWER_ACTIONS = ("forward", "voicemail", "repeat", "hangup")

CALLGROUP = Resource("callgroup", key="number", title="call group", options=[
    Option("number", digits=True),
    # Every platform (each refuses, before any request, the values it lacks).
    Option("name"),
    Option("description"),
    Option("enabled", "bool"),
    Option("strategy", choices=CALLGROUP_STRATEGIES),
    Option("ring_time", "int"),
    Members("members", fields=[
        Option("ring_type", choices=("if_no_response", "at_same_time")),  # sipXcom
        Option("expiration", "int"),  # sipXcom: seconds this member rings
        Option("enabled", "bool"),  # sipXcom: the ring is on
        Option("skill_level", "int"),  # PortSIP: 1..100
    ]),
    Option("no_answer", "dict", options=[Option("action", choices=NO_ANSWER_ACTIONS),
                                         Option("number", digits=True)]),
    Option("api_fields", "dict"),
    # sipXcom.
    Option("did", digits=True),
    Option("user_forward", "bool"),
    Option("use_forward_timers", "bool"),
    # PortSIP.
    Option("skip_busy_members", "bool"),
    # IPCortex. The positions of a queue's (ring type Q) subtype string, one option each.
    Option("queue_strategy", choices=("ring_all", "ring_all_no_queue_if_first", "ring_all_avoid_queueing", "cyclic",
                                      "cyclic_max_calls", "ordered")),
    Option("queue_announce_position", "bool"),
    Option("queue_autopause", "bool"),
    Option("queue_exit", choices=("never", "no_agents", "no_agents_or_all_paused")),
    Option("queue_ringing", "bool"),
    Option("queue_announce_hold_time", "bool"),
    Option("queue_dynamic_priority", choices=("off", "every_10s", "every_30s", "every_minute", "quick_to_slow")),
    Option("queue_priority", "int"),
    Option("queue_prompts", "list", elements="str", digits=True, compare="ordered"),
    Option("queue_abandoned_email", "bool"),
    Option("queue_max_waiting", digits=True),
])
GATEWAY_AUTH_MODES = ("IP_AUTH", "REGISTER_AUTH", "ACCEPT_REGISTER", "TEAMS", "WHATS_APP")
# PortSIP trunk switches, by their API names (boolean fields of POST /providers).
GATEWAY_SWITCHES = ("registration", "keep_alive", "inlan", "single_via_header", "rewrite_via_ip", "verify_port",
                    "adjust_sdp_direction", "remove_srtp_info", "stir_shaken_signature_required")
GATEWAY = Resource("gateway", key="name", options=[
    Option("name"),
    # Both platforms.
    Option("enabled", "bool"),
    Option("address", compare="nocase"),  # a host name or an IP address
    Option("port", "int"),
    Option("transport", compare="nocase"),  # sipXcom writes udp, PortSIP UDP
    Option("outbound_address", compare="nocase"),
    Option("outbound_port", "int"),
    # The trunk's own SIP account (not the connection's username and password).
    Option("sip_username"),
    Option("auth_id"),
    Option("sip_password", secret=True),
    # sipXcom.
    Option("model"),
    Option("description"),
    Option("device_version"),
    Option("prefix", digits=True),
    Option("shared", "bool"),
    Option("internal_bridge", "bool"),
    Option("branch"),
    Option("caller_id"),
    Option("caller_id_name"),
    Option("caller_id_block", "bool"),
    Option("caller_id_ignore_user", "bool"),
    Option("caller_id_from_extension", "bool"),
    Option("caller_id_prefix", digits=True),
    Option("caller_id_keep_digits", "int"),
    Option("caller_id_url_parameters"),
    Option("settings", "dict"),
    Option("ports", "list", elements="dict", compare="subset", options=[Option("settings", "dict")]),
    # PortSIP.
    Option("brand"),
    Option("auth_mode", choices=GATEWAY_AUTH_MODES),
    Option("register_interval", "int"),
    Option("keep_alive_interval", "int"),
    Option("concurrency", "int"),
    Option("additional_ips"),
    Option("did_numbers"),
    Option("inbound_parameters", "dict"),
    Option("outbound_parameters", "dict"),
    Option("assignees", "list", elements="dict", compare="subset", options=[
        Option("tenant"), Option("did_numbers"), Option("concurrency", "int")]),
] + [Option(name, "bool") for name in GATEWAY_SWITCHES])
ERL = Resource("erl", key="elin", title="ERL", options=[
    Option("elin", digits=True),
    Option("location"),
    Option("address_info"),
    Option("description"),
    # Who is at the location, each compared as a set: user names (extension numbers), phone MACs, groups.
    Option("users", "list", elements="str", digits=True),
    Option("phones", "list", elements="str"),
    Option("user_groups", "list", elements="str"),
    Option("phone_groups", "list", elements="str"),
])

RESOURCES = dict((r.name, r) for r in (EXTENSION, PHONE, CALLGROUP, GATEWAY, ERL, TENANT))
