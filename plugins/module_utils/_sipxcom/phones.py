# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom phones: /api/phones with their lines, groups and settings.

PLATFORM_NOTES (pbx_phone -> /api/phones; reference sipxcom.md §5 phones and lines, §6 phone
groups, §2 settings, §15 models):
- mac: serialNo, sent as 12 lower-case hex digits (sipXcom does not normalise serials; every model
  accepts that form, the four soft-phone models with the pattern [a-zA-Z0-9]+ too). Phones whose
  serial is not a MAC are never listed, compared or purged. sipXcom reads a path key made only of
  digits as the phone's id, so every request after the listing addresses a phone by its numeric id,
  never by its MAC (000000000042 is a MAC like any other).
- model: model.modelId, checked against GET /api/phones/models (read once per run, only when a phone
  is created or its model changes); an unknown model fails before any write and lists close matches.
  Required to create a phone. sipXcom cannot change a phone's model (PUT ignores it): a model change
  replaces the phone (DELETE, then a create with what the task names: lines, groups and settings the
  task does not name are not carried over). The diff and the result say replaced, check mode too.
- device_version: deviceVersion, checked against the model's versions before any write (sipXcom
  itself silently stores null for a name it does not know).
- description: description. PUT /api/phones/{id} replaces description and deviceVersion (null clears
  them), so an update sends the current value of the one the task does not change.
- groups: phone group names, compared as a set. Groups are added with the phone's PUT (which only
  adds, creating unknown groups), except a group whose name is part of a current group's name, which
  PUT would skip: that one is one POST /api/phones/{id}/groups/{name}. Each group left is one
  DELETE /api/phones/{id}/groups/{name}.
- extensions: one user line per extension (the user whose userName is the number), in line order.
  Lines are only added (POST /api/phones/{id}/lines, appended at the end) or removed (DELETE
  .../lines/{lineId}): the longest prefix of the wanted order that the phone's lines already hold in
  order is kept, the other lines are removed and the rest added, so a reorder is remove + add. An
  extension listed twice, one that is no user (or an alias: name the user), a user of another branch
  when tenant is set, or more lines than the model takes (its maxLineCount, a server-side fact
  built into the collection) fail before any write. Lines that are not user lines are left alone.
  Line passwords, which sipXcom returns in clear, are never kept, compared or returned.
- settings: setting path -> value, compared with GET /api/phones/{id}/settings (one read per named
  phone, only when the task sets settings) and written one PUT .../settings/{path} (text/plain) per
  changed path. Values are text; a boolean setting compares by meaning (true/1/yes/on against
  false/0/no/off) and is written as the setting itself writes booleans ("1"/"0", or "true"/"false"
  when its value or default has that form); an enum takes one of its options. A path the model lacks
  fails before any write with close matches (sipXcom would answer 200 and ignore it). For a phone
  still to be created, the model's settings are read once per model from
  GET /api/phoneGroups/{g}/model/{model}/settings (sipXcom answers it from a new phone of the model
  without looking at the group).
- tenant: sipXcom phones have no branch. With a tenant, the phones listed (and purged) are those
  whose user lines all belong to users of that branch, phones without user lines included (so purge
  in a tenant also removes unnamed phones that have no line yet); a phone with a line of a user of
  another branch is outside the tenant, and a task in it that names that phone fails before any
  write. New lines may only be lines of the branch's users. Without a tenant every phone is listed:
  purge then needs purge_all_tenants.
- push_config: one PUT /api/phones/sendProfile with {"ids": [...]} for every phone of the run (ids,
  so all-digit MACs are safe), after all writes, never in check mode.
- api_fields: not available (the options cover every field of PhoneBean).
- pbx_info: phones as mac, model, description, device_version, groups, extensions (settings are left
  out: they cost one request per phone); phone_models as {model, label, vendor, versions, max_lines}
  (max_lines from the collection's table, null for a model it does not know). sipXcom has no
  unprovisioned phones.
Requests (documented minimum): reads are GET /api/phones (one listing of every phone, unpaged), plus
GET /api/users once when tenant or purge is set or a created or changed phone names extensions, plus
GET /rest/branch when tenant is set and no user is in that branch, plus GET /api/phones/models once
when a phone is created or replaced or its device_version changes, plus GET /api/phones/{id}/settings
per named phone whose settings the task sets (not when its model changes), plus
GET /api/phoneGroups/{g}/model/{model}/settings once per model of a created phone with settings.
Writes: a create is one POST, plus one POST per line, plus one PUT per setting. An update is one PUT
when description, device_version or added groups change, plus one POST per added group whose name is
part of a current one, one DELETE per group left, one DELETE per line removed, one POST per line
added, one PUT per setting changed. A delete is one DELETE; a replacement is a delete plus a create.
A rerun with nothing to change writes nothing. A push is one PUT for the whole run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, ReferenceMissing, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import normalise_mac, subset_equal
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import JSON, group_changes, quoted

# maxLineCount of each stock 21.04 model (sipxcom-models.json): sipXcom enforces it but never shows it
# in the API, so the limit can only be checked before a write from this table.
_MAX_LINES = {
    1: ("SPA501G audiocodes-310 avaya-1210 cisco7905 cisco7912 ciscoplus7911G clearoneMax gsHt286 gsHt486 "
        "gsHt701 gsHt801 gsPhoneBt100 gsPhoneBt200 gsPhoneGxp1100 gsPhoneGxp1160 gsPhoneGxp280 gtekAq10x "
        "hitachi3000 hitachi5000 hitachi5000A linksys901 linksys921 linksys922 mitel5224 nortel11xx "
        "nortel1535 polycom4000 polycom5000 polycom6000 polycom7000 polycomRealPresenceTrio polycomVVX101 "
        "unidatawpu7700 yealinkPhoneSIPCP860 yealinkPhoneSIPT19P"),
    2: ("SPA502G audiocodes-420 audiocodesMP112_FXS cisco18x cisco7940 ciscoplus7941G ciscoplus7945G gsHt386 "
        "gsHt488 gsHt496 gsHt502 gsHt702 gsHt802 gsHt812 gsPhoneGxp1200 gsPhoneGxp1400 gsPhoneGxp1450 "
        "gtekHl20x ipDialogPhoneStandard linksys2102 linksys3102 polycom300 polycom301 polycom320 polycom321 "
        "polycom330 polycom331 polycom335 polycom430 polycomVVX150 polycomVVX201 yealinkPhoneSIPT12P "
        "yealinkPhoneSIPT18P yealinkPhoneSIPT20P yealinkPhoneSIPT21P"),
    3: ("acmePhoneStandard gsPhoneGxp2130 gsPhoneGxv3000 gsPhoneGxv3140 gsPhoneGxv3175 polycom450 polycom500 "
        "polycom501 yealinkPhoneSIPT22P yealinkPhoneSIPT23G yealinkPhoneSIPT26P yealinkPhoneSIPT32G "
        "yealinkPhoneSIPT40P"),
    4: ("SPA504G audiocodes-320 audiocodesMP114_FXS avaya-1220 gsFxsGxw4004 gsHt704 gsHt814 gsPhoneGxp2000 "
        "gsPhoneGxp2010 gsPhoneGxp2100 gsPhoneGxp2124 gsPhoneGxp2135 gsPhoneGxp2140 gtekVt20x linksys941 "
        "linksys942 lip6804 polycom550 polycom560 polycomVVX250 snom300 yealinkPhoneVP530"),
    5: ("counterpathCMCEnterprise yealinkPhoneW52"),
    6: ("audiocodes-430 audiocodes-440 cisco7960 ciscoplus7961G ciscoplus7965G gsPhoneGxp2020 gsPhoneGxp2160 "
        "gsPhoneGxp2170 gsPhoneGxp2200 isphoneModel linksys962 polycomVVX1500 polycomVVX300 polycomVVX301 "
        "polycomVVX310 polycomVVX311 polycomVVX350 yealinkPhoneSIPT27P yealinkPhoneSIPT28P "
        "yealinkPhoneSIPT38G yealinkPhoneSIPT41P"),
    8: ("SPA508G audiocodesMP118_FXS ciscoplus7970G ciscoplus7975G gsFxsGxw4008 gsHt818 linksys8000 snomM3"),
    9: ("aastra53i aastra55i aastra560m aastra57i"),
    10: ("avaya-1230"),
    11: ("lip6812"),
    12: ("SPA509G SPA525G polycom600 polycom601 polycomVVX400 polycomVVX401 polycomVVX410 polycomVVX411 "
         "polycomVVX450 polycomVVX500 polycomVVX501 snom320 snom360 snom370 yealinkPhoneSIPT42G "
         "yealinkPhoneSIPT42S"),
    16: ("gsFxsGxw4216 polycomVVX600 polycomVVX601 yealinkPhoneSIPT29G yealinkPhoneSIPT46G yealinkPhoneSIPT46S "
         "yealinkPhoneSIPT48G yealinkPhoneSIPT48S yealinkPhoneSIPT49G yealinkPhoneSIPT49S"),
    24: ("audiocodesMP124_FXS gsFxsGxw4024 gsFxsGxw4224 lip6830"),
    32: ("gsFxsGxw4232"),
    34: ("polycom650 polycom670"),
    48: ("gsFxsGxw4248"),
    100: ("jitsiPhoneModel zoiperPhoneModel"),
}
MAX_LINES = dict((model, count) for count, text in _MAX_LINES.items() for model in text.split())
TRUE = frozenset(["1", "true", "yes", "on", "enable", "enabled"])
FALSE = frozenset(["0", "false", "no", "off", "disable", "disabled"])
INTEGER = re.compile(r"^-?\d+$")
TEXT = {"Content-Type": "text/plain", "Accept": "application/json"}
# The group of GET /api/phoneGroups/{g}/model/{m}/settings, which sipXcom does not look at.
ANY_GROUP = "pbxops"


def close_matches(word, choices):
    found = difflib.get_close_matches(str(word), list(choices), n=5, cutoff=0.6)
    return ("; close matches: %s" % ", ".join(found)) if found else ""


def text_of(value):
    """A setting value as sipXcom holds it: text, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def truth(value):
    """True/False for a boolean-like value, None when it is not one."""
    text = text_of(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def setting_path(path):
    """A setting path in a URL: each segment quoted, the slashes kept."""
    return "/".join(quoted(part) for part in str(path).split("/"))


def line_plan(lines, wanted):
    """(line ids to remove, extensions to add) that turn the phone's user lines into wanted, in order.

    Added lines go to the end, so the lines kept are the longest prefix of wanted that the phone
    already holds in order; every other line is removed."""
    kept, done = set(), 0
    for line_id, user in lines:
        if done < len(wanted) and user == wanted[done]:
            kept.add(line_id)
            done += 1
    return [line_id for line_id, _user in lines if line_id not in kept], list(wanted[done:])


class SipxcomPhones(Kind):
    kind = "phone"
    REQUIRED_ON_CREATE = ("model",)
    OPTIONS = frozenset(["model", "description", "extensions", "device_version", "groups", "settings"])

    def __init__(self, driver):
        super(SipxcomPhones, self).__init__(driver)
        self._all = {}        # mac -> every phone of the PBX, normalised
        self._listed = set()  # the macs list() returned (the tenant's)
        self._users = None    # userName -> branchName, and alias -> userName (read once, when needed)
        self._aliases = None
        self._models = None   # modelId -> model bean (read once, when needed)
        self._schemas = {}    # modelId -> {path: setting bean}
        self._desired = {}    # mac -> (the settings the task sets, its model)
        self._created = {}    # mac -> id of a phone this run created

    # -- checks without requests -------------------------------------------------------
    def validate(self, item, tenant):
        mac = item["mac"]
        if "model" in item and not str(item["model"]).strip():
            raise PbxError("phone %s: model must not be empty" % mac)
        seen = set()
        for number in item.get("extensions") or []:
            number = str(number).strip()
            if not number:
                raise PbxError("phone %s: extensions must not hold an empty number" % mac)
            if number in seen:
                raise PbxError("phone %s: extension %s is listed twice in extensions; sipXcom would give the "
                               "phone two lines of the same user: list it once" % (mac, number))
            seen.add(number)
        if item.get("model") is not None:
            self._check_limit(mac, item["model"], item.get("extensions"), 0)
        settings = item.get("settings")
        if settings is not None:
            for path, value in settings.items():
                if not str(path).strip():
                    raise PbxError("phone %s: settings has an empty path" % mac)
                if value is None or isinstance(value, (dict, list)):
                    raise PbxError("phone %s: settings %s must be text, a number or a boolean (\"\" clears it), "
                                   "got %r" % (mac, path, value))
            self._desired[mac] = (settings, item.get("model"))

    @staticmethod
    def _check_limit(mac, model, extensions, others):
        limit = MAX_LINES.get(model)
        count = len(extensions or []) + others
        if extensions and limit is not None and count > limit:
            extra = " besides its %d other line%s" % (others, "" if others == 1 else "s") if others else ""
            raise PbxError("phone %s: model %s takes at most %d line%s, and %d extension%s%s would need %d: "
                           "list at most %d" % (mac, model, limit, "" if limit == 1 else "s", len(extensions),
                                                "" if len(extensions) == 1 else "s", extra, count,
                                                max(limit - others, 0)))

    def whole_pbx(self, tenant):
        return tenant is None

    # -- reads ---------------------------------------------------------------------------
    def list(self, tenant):
        # One request: start/limit are optional, and each page would be one more round trip.
        phones = self.call("GET", "/api/phones", headers=JSON).data().get("phones") or []
        self._all = {}
        for phone in phones:
            obj = self._normalise(phone)
            if obj is not None:
                self._all[obj["mac"]] = obj
        self._listed = set()
        if tenant is None and not self.params.get("purge"):
            self._listed = set(self._all)
            return list(self._all.values())
        users = self._user_branches()
        out = []
        for obj in self._all.values():
            branches = set(users.get(user) for user in obj["extensions"])
            obj["_tenant"] = list(branches)[0] if len(branches) == 1 else None
            if tenant is None or branches <= set([tenant]):
                out.append(obj)
        if tenant is not None and tenant not in set(users.values()) and tenant not in self.driver.branches():
            raise TenantMissing("sipXcom: branch %r does not exist; create it first with pbxops.pbx.pbx_tenant, "
                                "or fix the tenant option" % tenant)
        self._listed = set(obj["mac"] for obj in out)
        return out

    def _normalise(self, phone):
        serial = phone.get("serialNo") or ""
        try:
            mac = normalise_mac(serial)
        except ValueError:
            return None  # a soft phone's serial that is not a MAC: not a phone pbx_phone manages
        lines = phone.get("lines") or []
        # Only ids and user names are kept: sipXcom returns each line's SIP password in clear.
        user_lines = [(line.get("id"), line.get("user")) for line in lines if line.get("user")]
        return {
            "mac": mac,
            "model": (phone.get("model") or {}).get("modelId"),
            "description": phone.get("description"),
            "device_version": phone.get("deviceVersion"),
            "groups": [g.get("name") for g in phone.get("groups") or []],
            "extensions": [user for _line_id, user in user_lines],
            "_id": phone.get("id"),
            "_serial": serial,
            "_lines": user_lines,
            "_other_lines": len(lines) - len(user_lines),
        }

    def _user_branches(self):
        if self._users is None:
            users = self.call("GET", "/api/users", headers=JSON).data().get("users") or []
            self._users, self._aliases = {}, {}
            for user in users:
                name = user.get("userName")
                self._users[name] = user.get("branchName")
                for alias in user.get("aliases") or []:
                    self._aliases[alias] = name
        return self._users

    def _model_map(self):
        if self._models is None:
            models = self.call("GET", "/api/phones/models", headers=JSON).data().get("models") or []
            self._models = dict((m.get("modelId"), m) for m in models)
        return self._models

    def models(self, tenant):
        """pbx_info phone_models: what model and device_version take."""
        return [{"model": model_id, "label": m.get("label"), "vendor": m.get("vendor"),
                 "versions": list(m.get("versions") or []), "max_lines": MAX_LINES.get(model_id)}
                for model_id, m in self._model_map().items()]

    def details(self, tenant, obj, wanted):
        if "settings" not in wanted:
            return obj
        desired, model = self._desired.get(obj["mac"]) or (None, None)
        if not desired or (model is not None and model != obj["model"]):
            return obj  # nothing to compare, or a model change: the new phone is checked as a create
        answer = self.call("GET", "/api/phones/%d/settings" % obj["_id"], headers=JSON).data()
        schema = dict((s.get("path"), s) for s in answer.get("settings") or [])
        self._schemas.setdefault(obj["model"], schema)
        self._check_settings(obj["mac"], obj["model"], desired, schema)
        current = {}
        for path, value in desired.items():
            have = schema[path].get("value")
            # Equal in meaning is equal: a boolean setting may read back "1" for the user's true.
            current[path] = value if self._same(schema[path], value, have) else have
        obj = dict(obj)
        obj["settings"] = current
        obj["_schema"] = schema
        return obj

    @staticmethod
    def _same(setting, want, have):
        if setting.get("type") == "boolean":
            return truth(want) is not None and truth(want) == truth(have)
        return text_of(want) == text_of(have)

    def _model_schema(self, model):
        """The settings of a model, for a phone still to be created (read once per model).

        sipXcom's PhoneGroupApiImpl answers this from a new phone of the model and never loads the group,
        so any group name serves, one that does not exist too."""
        if model not in self._schemas:
            answer = self.call("GET", "/api/phoneGroups/%s/model/%s/settings" % (ANY_GROUP, quoted(model)),
                               headers=JSON).data()
            self._schemas[model] = dict((s.get("path"), s) for s in answer.get("settings") or [])
        return self._schemas[model]

    @staticmethod
    def _check_settings(mac, model, desired, schema):
        for path, value in desired.items():
            setting = schema.get(path)
            if setting is None:
                known = sorted(schema)
                listing = ("its settings: %s" % ", ".join(known)) if len(known) <= 30 else \
                    ("it has %d settings" % len(known))
                raise PbxError("phone %s: model %s has no setting %s (sipXcom would answer 200 and ignore it)%s; %s"
                               % (mac, model, path, close_matches(path, known), listing))
            kind = setting.get("type")
            if kind == "boolean" and truth(value) is None:
                raise PbxError("phone %s: setting %s is a boolean: give true or false, got %r" % (mac, path, value))
            if kind == "integer" and text_of(value) and not INTEGER.match(text_of(value)):
                raise PbxError("phone %s: setting %s is an integer, got %r" % (mac, path, value))
            options = setting.get("options")
            if kind == "enum" and options and text_of(value) and text_of(value) not in options:
                raise PbxError("phone %s: setting %s takes one of %s, got %r"
                               % (mac, path, ", ".join(sorted(options)), value))

    # -- checks while planning (reads, no writes) ----------------------------------------
    def validate_create(self, item, tenant):
        mac = item["mac"]
        if mac in self._all and mac not in self._listed:
            owner = self._all[mac].get("_tenant")
            raise PbxError("phone %s is on this sipXcom but outside tenant %s (its lines belong to users of %s); "
                           "manage it without tenant, or with the tenant its users are in"
                           % (mac, tenant, "branch %s" % owner if owner else "other branches"))
        model = item.get("model")
        if not model:
            raise PbxError("phone %s: model is required to create a phone on sipXcom (the modelId, for example "
                           "yealinkPhoneSIPT46S; pbx_info with gather: [phone_models] lists them)" % mac)
        models = self._model_map()
        if model not in models:
            raise PbxError("phone %s: sipXcom has no phone model %r%s; pbx_info with gather: [phone_models] lists "
                           "the %d models" % (mac, model, close_matches(model, models), len(models)))
        self._check_version(mac, model, item.get("device_version"))
        self._check_lines(mac, model, item.get("extensions"), 0, tenant)
        if item.get("settings"):
            self._check_settings(mac, model, item["settings"], self._model_schema(model))

    def validate_update(self, tenant, current, changes):
        if "model" in changes:
            return  # a replacement: validate_create checks the new phone
        mac, model = current["mac"], current["model"]
        if "device_version" in changes:
            self._check_version(mac, model, changes["device_version"])
        if "extensions" in changes:
            self._check_lines(mac, model, changes["extensions"], current["_other_lines"], tenant)

    def replaces(self, tenant, current, changes):
        return "model" in changes  # PUT ignores the model

    def _check_version(self, mac, model, version):
        if not text_of(version):
            return
        versions = (self._model_map().get(model) or {}).get("versions") or []
        if version not in versions:
            raise PbxError("phone %s: device_version %r is not a version of model %s (%s); sipXcom would store "
                           "no version at all" % (mac, version, model, "its versions: %s" % ", ".join(versions)
                                                  if versions else "the model has no versions: leave it out"))

    def _check_lines(self, mac, model, extensions, others, tenant):
        if not extensions:
            return
        self._check_limit(mac, model, extensions, others)
        users = self._user_branches()
        for number in extensions:
            if number not in users:
                owner = self._aliases.get(number)
                raise (PbxError if owner else ReferenceMissing)(
                    "phone %s: extension %s %s; create it first with pbxops.pbx.pbx_extension, or fix "
                    "extensions" % (mac, number, "is an alias of user %s: name the user" % owner
                                    if owner else "does not exist on sipXcom (no user has that name)"))
            if tenant is not None and users[number] != tenant:
                raise PbxError("phone %s: extension %s is a user of %s, not of tenant %s: a phone of the tenant can "
                               "only have lines of the tenant's users"
                               % (mac, number, "branch %s" % users[number] if users[number] else "no branch",
                                  tenant))

    # -- writes ---------------------------------------------------------------------------
    def create(self, tenant, item):
        mac = item["mac"]
        body = {"serialNo": mac, "description": item.get("description"), "model": {"modelId": item["model"]},
                "deviceVersion": item.get("device_version") or None,
                "groups": [{"name": g} for g in sorted(set(item.get("groups") or []))] or None, "lines": None}
        answer = self.call("POST", "/api/phones", json=body, headers=JSON)
        try:
            phone_id = int(answer.text.strip())
        except ValueError:
            raise PbxError("POST /api/phones answered %r instead of the new phone's id" % answer.text[:100])
        self._created[mac] = phone_id
        for number in item.get("extensions") or []:
            self._add_line(phone_id, number)
        schema = self._schemas.get(item["model"]) or {}
        for path, value in (item.get("settings") or {}).items():
            self._put_setting(phone_id, schema.get(path) or {}, path, value)

    def _add_line(self, phone_id, number):
        self.call("POST", "/api/phones/%d/lines" % phone_id, json={"user": str(number)}, headers=JSON)

    def _put_setting(self, phone_id, setting, path, value):
        text = text_of(value)
        if setting.get("type") == "boolean":
            style = text_of(setting.get("value") or setting.get("defaultValue")).lower()
            # (inferred) a boolean setting holds what its own true/false values are: 1/0 unless it shows true/false.
            text = ("true" if truth(value) else "false") if style in ("true", "false") else \
                ("1" if truth(value) else "0")
        self.call("PUT", "/api/phones/%d/settings/%s" % (phone_id, setting_path(path)), data=text.encode("utf-8"),
                  headers=TEXT)

    def update(self, tenant, current, changes, item):
        phone_id = current["_id"]
        add, one_by_one, remove = [], [], []
        if "groups" in changes:
            add, one_by_one, remove = group_changes(current.get("groups"), changes["groups"])
        if "description" in changes or "device_version" in changes or add:
            # PUT replaces serialNo, description and deviceVersion: the current ones go with it.
            body = {"serialNo": current["_serial"],
                    "description": changes.get("description", current.get("description")),
                    "deviceVersion": changes.get("device_version", current.get("device_version")) or None,
                    "model": {"modelId": current["model"]},
                    "groups": [{"name": g} for g in add] or None, "lines": None}
            self.call("PUT", "/api/phones/%d" % phone_id, json=body, headers=JSON)
        for group in one_by_one:
            self.call("POST", "/api/phones/%d/groups/%s" % (phone_id, quoted(group)), headers=JSON)
        for group in remove:
            self.call("DELETE", "/api/phones/%d/groups/%s" % (phone_id, quoted(group)), headers=JSON)
        if "extensions" in changes:
            drop, extra = line_plan(current["_lines"], [str(n).strip() for n in changes["extensions"]])
            for line_id in drop:
                self.call("DELETE", "/api/phones/%d/lines/%d" % (phone_id, line_id), headers=JSON)
            for number in extra:
                self._add_line(phone_id, number)
        if "settings" in changes:
            have = current.get("settings") or {}
            schema = current.get("_schema") or {}
            for path, value in changes["settings"].items():
                if not subset_equal(value, have.get(path)):
                    self._put_setting(phone_id, schema.get(path) or {}, path, value)

    def delete(self, tenant, current):
        self.call("DELETE", "/api/phones/%d" % current["_id"], headers=JSON)

    def push(self, tenant, steps):
        ids = []
        for step in steps:
            phone_id = self._created.get(step.key)
            if phone_id is None and step.current is not None:
                phone_id = step.current.get("_id")
            if phone_id is not None and phone_id not in ids:
                ids.append(phone_id)
        if ids:
            # One request for every phone (JSON only, reference §5 sendProfile).
            self.call("PUT", "/api/phones/sendProfile", json={"ids": ids}, headers=JSON)
