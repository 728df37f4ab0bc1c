# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP phone catalogues: phone and DECT models, template profiles, create-time defaults.

Each catalogue is read at most once per run and kept in the driver's cache:
``GET /phone_models`` ({filename, model, display_name} per model),
``GET /dect_phone_models`` ({filename, model, lines, display_name}),
``GET /phone_models/{filename}`` (the template's profile: languages, time_zones,
codecs, ringtones ...) and ``GET /dect_phone_models/{name}`` (languages, tones,
time_zones, codecs, lines). See phones.py for how pbx_phone uses them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import random
import re
import string

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted

# Option (or api_fields key) -> the profile list that offers its values.
IP_PROFILE = (("language", "languages"), ("timezone", "time_zones"), ("codecs", "codecs"))
IP_PROFILE_FIELDS = (("ringtone", "ringtones"), ("queue_ringtone", "queue_ringtones"),
                     ("external_ringtone", "external_ringtone"), ("date_format", "date_formats"),
                     ("time_format", "time_formats"), ("powerled", "powerleds"), ("backlight", "backlights"),
                     ("screensaver", "screensavers"))
DECT_PROFILE = (("language", "languages"), ("handset_language", "languages"), ("timezone", "time_zones"),
                ("tone", "tones"), ("codecs", "codecs"))
# A zone at UTC+0, in each vendor's style: "GMT", "GMT, London", "0 United Kingdom - London",
# "(UTC+00:00) Europe/London".
_UTC_ZONE = re.compile(r"^(GMT|UTC)(,|$|\s)|^\(UTC([+-]00:00)?\)|^0 ")
DEFAULT_INTERFACE = "WEB_DOMAIN"
DEFAULT_TRANSPORT = "UDP"
DEFAULT_TRANSFER = "BLIND"
_PASSWORD_CHARS = string.ascii_letters + string.digits


class Catalogue:
    """The phone catalogues of one PortSIP, read lazily through the driver and cached there."""

    def __init__(self, driver):
        self.driver = driver
        self.cache = driver.cache

    def _read(self, name, path):
        if name not in self.cache:
            self.cache[name] = self.driver.call("GET", path).data()
        return self.cache[name]

    def phone_models(self):
        return self._read("phone_models", "/phone_models").get("items") or []

    def dect_models(self):
        return self._read("dect_phone_models", "/dect_phone_models").get("items") or []

    def profile(self, filename):
        return self._read("profile:" + filename, "/phone_models/%s" % quoted(filename))

    def dect_profile(self, name):
        return self._read("dect_profile:" + name, "/dect_phone_models/%s" % quoted(name))

    def is_dect_template(self, template):
        return any(row.get("filename") == template for row in self.dect_models())

    def entry(self, where, model, template=None):
        """(dect, catalogue row) of a model (in a template, when given); PbxError naming close matches."""
        rows = [(False, r) for r in self.phone_models() if r.get("model") == model]
        rows += [(True, r) for r in self.dect_models() if r.get("model") == model]
        if template is not None:
            offered = [r for r in rows if r[1].get("filename") == template]
            if not offered:
                if rows:
                    raise PbxError("%s: model %r is not in template %r; templates that offer it: %s (set template "
                                   "to one of them, or leave template out)" % (
                                       where, model, template, ", ".join(sorted(r[1]["filename"] for r in rows))))
                self._unknown(where, model)
            rows = offered
        if not rows:
            self._unknown(where, model)
        if len(rows) > 1:
            raise PbxError("%s: model %r is offered by several templates (%s): set template to the one to use"
                           % (where, model, ", ".join(sorted(r[1]["filename"] for r in rows))))
        return rows[0]

    def _unknown(self, where, model):
        names = sorted(set(r.get("model") for r in self.phone_models() + self.dect_models() if r.get("model")))
        close = difflib.get_close_matches(model, names, n=5, cutoff=0.5)
        hint = ("close matches: %s" % ", ".join(close)) if close else "pbx_info with gather: phone_models lists them"
        raise PbxError("%s: PortSIP has no phone or DECT model %r (%s)" % (where, model, hint))

    def models(self):
        """pbx_info's phone_models: every phone and DECT model."""
        out = []
        for dect, rows in ((False, self.phone_models()), (True, self.dect_models())):
            for row in rows:
                entry = {"model": row.get("model"), "template": row.get("filename"), "vendor": vendor_of(row),
                         "label": row.get("display_name"), "dect": dect}
                if dect:
                    entry["handsets"] = row.get("lines")
                out.append(entry)
        return out


def vendor_of(row):
    """PortSIP lists no vendor per model: its display name starts with it ("Fanvil V62 Pro" -> Fanvil)."""
    label = (row.get("display_name") or "").split()
    return label[0] if label else None


def default_timezone(zones):
    for zone in zones:
        if _UTC_ZONE.match(zone):
            return zone
    return zones[0] if zones else None


def default_language(languages):
    return "ENGLISH" if "ENGLISH" in languages else (languages[0] if languages else None)


def new_password():
    """The web password PortSIP requires when the task sets none: random, never shown."""
    rng = random.SystemRandom()
    return "".join(rng.choice(_PASSWORD_CHARS) for dummy in range(16))


def check_profile(where, template, profile, values, pairs):
    """PbxError for a value the template's profile does not offer (lists that are empty offer anything)."""
    for name, listing in pairs:
        allowed = profile.get(listing) or []
        if name not in values or values[name] is None or not allowed:
            continue
        given = values[name] if isinstance(values[name], list) else [values[name]]
        wrong = [str(v) for v in given if str(v) not in allowed]
        if wrong:
            shown = ", ".join(allowed[:40]) + (" ..." if len(allowed) > 40 else "")
            raise PbxError("%s: %s %r is not offered by PortSIP template %s; choose from: %s" % (
                where, name, wrong[0], template, shown))
