# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the user sees of each resource kind: options, types, secrets, keys.

How an option maps onto a vendor's API lives in that vendor's driver; the
argument spec, the comparison and the diff all come from the tables here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import MASK


class Option:
    """One user-facing option of a resource.

    compare: "exact" (after normalising by type), "nocase" (strings compared
    case-insensitively), "set" (lists compared as sets), "subset" (dicts: only
    the keys the user gave are compared).
    """

    def __init__(self, name, type="str", elements=None, secret=False, choices=None, compare=None):
        self.name = name
        self.type = type
        self.elements = elements
        self.secret = secret
        self.choices = choices
        if compare is None:
            compare = {"list": "set", "dict": "subset"}.get(type, "exact")
        self.compare = compare

    def spec(self):
        spec = {"type": self.type}
        if self.elements:
            spec["elements"] = self.elements
        if self.secret:
            spec["no_log"] = True
        if self.choices:
            spec["choices"] = list(self.choices)
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
            return sorted(set(str(v).strip() for v in value)) if self.compare == "set" else [str(v) for v in value]
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
        return desired is None and current is None
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


class Resource:
    """A resource kind: its natural key, options and bulk list name."""

    def __init__(self, name, key, options, plural=None, key_normaliser=normalise_text, title=None):
        self.name = name
        self.key = key
        self.plural = plural or name + "s"
        self.title = title or name
        self.key_normaliser = key_normaliser
        self.options = dict((o.name, o) for o in options)
        self.secrets = frozenset(o.name for o in options if o.secret)

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
    Option("number"),
    Option("name"),
    Option("first_name"),
    Option("last_name"),
    Option("email", compare="nocase"),  # PBXs store addresses in their own case (sipXcom lower-cases)
    Option("enabled", "bool"),
    Option("voicemail", "bool"),
    Option("voicemail_pin", secret=True),
    Option("sip_password", secret=True),
    Option("web_password", secret=True),
    Option("caller_id"),
    Option("aliases", "list", elements="str"),
    Option("groups", "list", elements="str"),
    Option("private", "bool"),
    Option("login_name"),
    Option("role"),
    Option("api_fields", "dict"),
])

# The other kinds: their natural keys are settled here so that every driver,
# the engine and pbx_info agree on them; their options arrive with their modules.
PHONE = Resource("phone", key="mac", key_normaliser=normalise_mac, options=[Option("mac")])
CALLGROUP = Resource("callgroup", key="number", title="call group", options=[Option("number")])
GATEWAY = Resource("gateway", key="name", options=[Option("name")])
ERL = Resource("erl", key="elin", title="emergency location (ERL)", options=[Option("elin")])
TENANT = Resource("tenant", key="name", options=[Option("name")])

RESOURCES = dict((r.name, r) for r in (EXTENSION, PHONE, CALLGROUP, GATEWAY, ERL, TENANT))
