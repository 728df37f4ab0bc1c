"""sipXcom objects: the catalogues, the setting models, the store collections
with their natural-key indexes, and the domain rules shared by /api, /rest and
the fixture loaders (uniqueness, serial patterns, line and port limits, group
auto-creation, cascades on delete).

Errors are raised as ``ApiError`` with the text sipXconfig's catch-all mapper
prints (``exception.toString()``); /rest callers translate them to envelopes.
"""

import hashlib
import json
import os
import re
import time

from .sipxcom_wire import ApiError

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")

with open(os.path.join(DATA, "sipxcom-models.json")) as _f:
    CATALOGUE = json.load(_f)
with open(os.path.join(DATA, "sipxcom-settings.json")) as _f:
    _SETTINGS = json.load(_f)

PHONE_MODELS = {m["modelId"]: m for m in CATALOGUE["phone_models"]}
GATEWAY_MODELS = {m["modelId"]: m for m in CATALOGUE["gateway_models"]}
# ITSP templates are accepted on POST /api/gateways but left out of /models.
ITSP_MODELS = ("itspAtt", "itspBT", "itspBandtel", "itspBandwidth", "itspCS1000", "itspCallWithUs", "itspCbeyond",
               "itspEutelia", "itspLes", "itspSipcall", "itspSkype", "itspVitelity", "itspVoipUser", "itspVoipms",
               "itspVoxitas")
for _m in ITSP_MODELS:
    GATEWAY_MODELS[_m] = {"modelId": _m, "label": "SIP trunk", "vendor": None, "versions": None}
# DeviceVersion.getDeviceVersion is a global lookup by full name, not per model.
DEVICE_VERSIONS = {v for m in CATALOGUE["phone_models"] for v in (m.get("versions") or [])}
DEFAULT_SERIAL = r"[a-f\d]{12}"

ADMIN_GROUP = "administrators"
USERS, UGROUPS, PGROUPS, PHONES, LINES = "sipxcom.users", "sipxcom.usergroups", "sipxcom.phonegroups", \
    "sipxcom.phones", "sipxcom.lines"
GATEWAYS, PORTS, CALLGROUPS, BRANCHES, ERLS, RULES = "sipxcom.gateways", "sipxcom.ports", "sipxcom.callgroups", \
    "sipxcom.branches", "sipxcom.erls", "sipxcom.rules"

NPE = "java.lang.NullPointerException"
NAME_IN_USE = "org.sipfoundry.sipxconfig.common.NameInUseException: &error.nameInUse.short"


def fail(status, text=""):
    return ApiError(status, text)


def no_row(cls, key):
    """Hibernate load() of a missing numeric id; Spring maps it to 404 with toString()."""
    msg = "No row with the given identifier exists: [org.sipfoundry.sipxconfig.%s#%s]" % (cls, key)
    return fail(404, "org.springframework.orm.hibernate3.HibernateObjectRetrievalFailureException: %s; nested "
                     "exception is org.hibernate.ObjectNotFoundException: %s" % (msg, msg))


def not_null(cls, prop):
    msg = "not-null property references a null or transient value: org.sipfoundry.sipxconfig.%s.%s" % (cls, prop)
    return fail(500, "org.springframework.dao.DataIntegrityViolationException: %s; nested exception is "
                     "org.hibernate.PropertyValueException: %s" % (msg, msg))


def model_bean(model):
    return {"modelId": model["modelId"], "label": model["label"], "vendor": model.get("vendor"),
            "versions": model.get("versions") or None}


def as_int_key(key):
    """sipXconfig's 'digits mean an id' rule (Integer.parseInt succeeds)."""
    if re.fullmatch(r"[+-]?\d+", key or ""):
        n = int(key)
        if -(2 ** 31) <= n < 2 ** 31:
            return n
    return None


def pin_hash(user_name, pin):
    # Matches UserApiTestIntegration: user 200 with PIN 1234 reads back 2331a3a7bce8433908996c6f9f71f2fe.
    return hashlib.md5(("%s:%s" % (user_name, pin)).encode()).hexdigest()


# -- settings --------------------------------------------------------------------
class SettingModel:
    """A flattened setting tree; hidden leaves are writable but never listed or read."""

    def __init__(self, entries):
        self.entries = entries
        self.by_path = {e["path"]: e for e in entries}
        self.visible = [e for e in entries if not e["hidden"]]

    def bean(self, entry, value):
        return {"path": entry["path"], "type": entry["type"], "options": entry["options"], "value": value,
                "defaultValue": entry["defaultValue"], "label": entry["label"], "description": entry["description"]}

    def listing(self, lookup):
        return [self.bean(e, lookup(e)) for e in self.visible]

    def read(self, lookup, path):
        """A leaf gives one setting, a branch the list of its leaves; None if unknown or hidden."""
        entry = self.by_path.get(path)
        if entry is not None:
            return None if entry["hidden"] else self.bean(entry, lookup(entry))
        prefix = path.rstrip("/") + "/"
        leaves = [self.bean(e, lookup(e)) for e in self.visible if e["path"].startswith(prefix)]
        return leaves or None


SETTING_MODELS = {name: SettingModel(entries) for name, entries in _SETTINGS.items() if not name.startswith("_")}


def gateway_setting_model(model_id):
    if model_id == "sipTrunkStandard" or model_id.startswith("itsp"):
        return SETTING_MODELS["gateway:itsp"]
    if model_id == "genericGatewayStandard":
        return SettingModel([])  # an unmanaged gateway has no settings of its own
    return SETTING_MODELS["gateway"]


# -- state -------------------------------------------------------------------------
class State:
    """Natural-key indexes over the store, rebuilt after every seed or restart."""

    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store
        self.rebuild()

    CACHE_SIZE = 256

    def written(self):
        """Any write may change any answer: cached reads of older generations are void."""
        self.generation += 1
        self.cache.clear()

    def remember(self, key, response):
        """Keep a successful read's body until the next write (list reads are the hot path)."""
        if len(self.cache) >= self.CACHE_SIZE:
            self.cache.clear()
        self.cache[key] = (self.generation, response.body, response.status_code, response.media_type)

    def rebuild(self):
        st = self.store
        self.generation = 0
        self.cache = {}
        # user id -> (the document it was rendered from, its JSON bean); users_list's per-user cache.
        # A user's bean also shows its groups' and branch's names: their writes void it all.
        self.user_json = {}
        self.user_by_name = {}
        self.alias_owner = {}  # every SIP alias: user aliases and call group name/extension/DID
        self.ugroup_by_name = {}
        self.pgroup_by_name = {}
        self.ugroup_members = {}
        self.pgroup_members = {}
        self.phone_by_serial = {}
        self.gateway_by_name = {}
        self.branch_by_name = {}
        self.erl_by_elin = {}
        self.cg_by_ext = {}
        for g in st.all(UGROUPS):
            self.ugroup_by_name[g["name"]] = g["id"]
            self.ugroup_members[g["id"]] = set()
        for g in st.all(PGROUPS):
            self.pgroup_by_name[g["name"]] = g["id"]
            self.pgroup_members[g["id"]] = set()
        for u in st.all(USERS):
            self._index_user(u)
        for p in st.all(PHONES):
            self.phone_by_serial[p["serialNo"]] = p["id"]
            for gid in p["groups"]:
                self.pgroup_members.setdefault(gid, set()).add(p["id"])
        for g in st.all(GATEWAYS):
            self.gateway_by_name[g["name"]] = g["id"]
        for b in st.all(BRANCHES):
            self.branch_by_name[b["name"]] = b["id"]
        for e in st.all(ERLS):
            self.erl_by_elin[e["elin"]] = e["id"]
        for c in st.all(CALLGROUPS):
            self._index_callgroup(c)

    def _index_user(self, u):
        self.user_by_name[u["userName"]] = u["id"]
        for a in u["aliases"]:
            self.alias_owner[a] = ("user", u["id"])
        for gid in u["groups"]:
            self.ugroup_members.setdefault(gid, set()).add(u["id"])

    def _unindex_user(self, u):
        self.user_by_name.pop(u["userName"], None)
        for a in u["aliases"]:
            if self.alias_owner.get(a) == ("user", u["id"]):
                del self.alias_owner[a]
        for gid in u["groups"]:
            self.ugroup_members.get(gid, set()).discard(u["id"])

    def _index_callgroup(self, c):
        self.cg_by_ext[c["extension"]] = c["id"]
        for key in (c["name"], c["extension"], c["did"]):
            if key:
                self.alias_owner[key] = ("callgroup", c["id"])

    def _unindex_callgroup(self, c):
        self.cg_by_ext.pop(c["extension"], None)
        for key in (c["name"], c["extension"], c["did"]):
            if key and self.alias_owner.get(key) == ("callgroup", c["id"]):
                del self.alias_owner[key]

    def name_owner(self, name):
        """Who already uses a SIP name (user name, alias, call group name/extension/DID)."""
        if name in self.user_by_name:
            return ("user", self.user_by_name[name])
        return self.alias_owner.get(name)

    # -- users ------------------------------------------------------------------
    def user(self, key):
        """loadUserByUserNameOrAlias."""
        uid = self.user_by_name.get(key)
        if uid is None:
            owner = self.alias_owner.get(key)
            uid = owner[1] if owner and owner[0] == "user" else None
        return self.store.get(USERS, uid) if uid is not None else None

    def new_user_doc(self):
        return {"id": None, "userName": None, "firstName": None, "lastName": None, "aliases": [],
                "sipPassword": None, "pintoken": None, "voicemailPin": None, "branch": None, "profile": None,
                "groups": [], "permissions": [], "settings": {}, "timestamp": 0}

    def save_user(self, doc):
        """CoreContextImpl.saveUser: names and aliases must be unique across every SIP alias."""
        if not doc.get("userName"):
            raise not_null("common.User", "userName")
        uid = doc["id"]
        for name in [doc["userName"]] + list(doc["aliases"]):
            owner = self.name_owner(name)
            if owner is not None and owner != ("user", uid):
                raise fail(500, NAME_IN_USE)
        if doc["userName"] in doc["aliases"]:
            raise fail(500, NAME_IN_USE)
        old = self.store.get(USERS, uid) if uid is not None else None
        if uid is None:
            doc["id"] = uid = self.store.next_id("sipxcom.user")
        doc["timestamp"] = int(time.time() * 1000)
        if old is not None:
            self._unindex_user(old)
        self.store.put(USERS, uid, doc)
        self._index_user(doc)
        return doc

    def delete_user(self, doc):
        self._unindex_user(doc)
        self.store.delete(USERS, doc["id"])
        for line in [ln for ln in self.store.all(LINES) if ln.get("user") == doc["id"]]:
            self.delete_line(line)
        for cg in self.store.all(CALLGROUPS):
            rings = [r for r in cg["rings"] if r["user"] != doc["id"]]
            if len(rings) != len(cg["rings"]):
                self.store.put(CALLGROUPS, cg["id"], dict(cg, rings=rings))

    def user_is_admin(self, doc):
        if ADMIN_GROUP in {self.ugroup_name(g) for g in doc["groups"]}:
            return True
        return self.user_setting(doc, "permission/application/superadmin") == "ENABLE"

    def user_setting(self, doc, path):
        """A user's value wins, then its groups by weight (the heaviest last), then the default."""
        if path in doc["settings"]:
            return doc["settings"][path]
        value = SETTING_MODELS["user"].by_path[path]["defaultValue"] if path in SETTING_MODELS["user"].by_path \
            else None
        for g in self.groups_sorted(UGROUPS, doc["groups"]):
            if path in g["settings"]:
                value = g["settings"][path]
        return value

    # -- groups (user and phone) ------------------------------------------------
    def ugroup_name(self, gid):
        g = self.store.get(UGROUPS, gid)
        return g["name"] if g else None

    def group_index(self, coll):
        return (self.ugroup_by_name, self.ugroup_members) if coll == UGROUPS else \
            (self.pgroup_by_name, self.pgroup_members)

    def group(self, coll, key):
        """idOrName: digits are the id."""
        by_name = self.group_index(coll)[0]
        n = as_int_key(key)
        if n is not None:
            return self.store.get(coll, n)
        gid = by_name.get(key)
        return self.store.get(coll, gid) if gid is not None else None

    def groups_sorted(self, coll, gids):
        groups = [self.store.get(coll, g) for g in gids]
        return sorted((g for g in groups if g), key=lambda g: (g["weight"] if g["weight"] is not None else 0, g["id"]))

    def save_group(self, coll, doc):
        self.user_json.clear()
        by_name, members = self.group_index(coll)
        if not doc.get("name"):
            raise not_null("setting.Group", "name")
        other = by_name.get(doc["name"])
        if other is not None and other != doc["id"]:
            raise fail(500, "org.sipfoundry.sipxconfig.setting.SettingDaoImpl$DuplicateGroupException: "
                            "&error.duplicateGroupName")
        if doc["id"] is None:
            doc["id"] = self.store.next_id("sipxcom.group")
            members[doc["id"]] = set()
        else:
            old = self.store.get(coll, doc["id"])
            if old and by_name.get(old["name"]) == doc["id"]:
                del by_name[old["name"]]
        by_name[doc["name"]] = doc["id"]
        self.store.put(coll, doc["id"], doc)
        return doc

    def group_create_if_not_found(self, coll, name):
        """SettingDao.getGroupCreateIfNotFound: a new group gets the next weight."""
        g = self.group_by_name(coll, name)
        if g is None:
            weight = max([x["weight"] or 0 for x in self.store.all(coll)] + [0]) + 1
            g = self.save_group(coll, {"id": None, "name": name, "description": None, "weight": weight,
                                       "settings": {}, "models": {}})
        return g

    def group_by_name(self, coll, name):
        by_name = self.group_index(coll)[0]
        gid = by_name.get(name)
        return self.store.get(coll, gid) if gid is not None else None

    def delete_group(self, coll, g):
        self.user_json.clear()
        by_name, members = self.group_index(coll)
        member_coll = USERS if coll == UGROUPS else PHONES
        for mid in list(members.get(g["id"], ())):
            member = self.store.get(member_coll, mid)
            self.set_member_groups(coll, member, [x for x in member["groups"] if x != g["id"]])
        members.pop(g["id"], None)
        by_name.pop(g["name"], None)
        self.store.delete(coll, g["id"])

    def set_member_groups(self, coll, doc, gids):
        """Replace a user's or phone's group ids, keeping the member index in step."""
        members = self.group_index(coll)[1]
        member_coll = USERS if coll == UGROUPS else PHONES
        for gid in doc["groups"]:
            members.get(gid, set()).discard(doc["id"])
        doc = dict(doc, groups=list(gids))
        for gid in gids:
            members.setdefault(gid, set()).add(doc["id"])
        self.store.put(member_coll, doc["id"], doc)
        return doc

    def group_bean(self, coll, g, with_count):
        count = None
        if with_count:
            members = self.group_index(coll)[1]
            count = len(members.get(g["id"], ())) or None
        return {"id": g["id"], "name": g["name"], "description": g["description"], "weight": g["weight"],
                "count": count}

    def member_group_beans(self, coll, gids):
        beans = [self.group_bean(coll, g, False) for g in self.groups_sorted(coll, gids)]
        return beans or None

    # -- phones and lines -------------------------------------------------------
    def phone(self, key):
        """idOrMac: a key that parses as an int is an id, so all-digit MACs are ids."""
        n = as_int_key(key)
        if n is not None:
            doc = self.store.get(PHONES, n)
            if doc is None:
                raise no_row("phone.Phone", n)
            return doc
        pid = self.phone_by_serial.get(key)
        return self.store.get(PHONES, pid) if pid is not None else None

    def check_serial(self, model, serial, phone_id=None):
        if serial is None:
            raise fail(500, NPE)  # Pattern.matcher(null)
        pattern = model.get("serialNumberPattern") or DEFAULT_SERIAL
        if not re.fullmatch(pattern, serial):
            raise fail(500, "org.sipfoundry.sipxconfig.phone.PhoneContextImpl$InvalidSerialNumberException: "
                            "&error.invalidSerialNumberException")
        other = self.phone_by_serial.get(serial)
        if other is not None and other != phone_id:
            raise fail(500, "org.sipfoundry.sipxconfig.phone.PhoneContextImpl$DuplicateSerialNumberException: "
                            "&error.duplicateSerialNumberException")

    def save_phone(self, doc):
        old = self.store.get(PHONES, doc["id"]) if doc["id"] is not None else None
        self.check_serial(PHONE_MODELS[doc["modelId"]], doc["serialNo"], doc["id"])
        if old is None:
            doc["id"] = self.store.next_id("sipxcom.phone")
        else:
            if self.phone_by_serial.get(old["serialNo"]) == old["id"]:
                del self.phone_by_serial[old["serialNo"]]
            for gid in old["groups"]:
                self.pgroup_members.get(gid, set()).discard(old["id"])
        self.phone_by_serial[doc["serialNo"]] = doc["id"]
        for gid in doc["groups"]:
            self.pgroup_members.setdefault(gid, set()).add(doc["id"])
        self.store.put(PHONES, doc["id"], doc)
        return doc

    def delete_phone(self, doc):
        for lid in doc["lines"]:
            self.store.delete(LINES, lid)
        for gid in doc["groups"]:
            self.pgroup_members.get(gid, set()).discard(doc["id"])
        if self.phone_by_serial.get(doc["serialNo"]) == doc["id"]:
            del self.phone_by_serial[doc["serialNo"]]
        self.store.delete(PHONES, doc["id"])

    def add_line(self, phone, line):
        limit = PHONE_MODELS[phone["modelId"]]["maxLineCount"]
        if len(phone["lines"]) >= limit:
            raise fail(500, "org.sipfoundry.sipxconfig.phone.Phone$MaxLinesException: &error.maxLinesException")
        line["id"] = self.store.next_id("sipxcom.line")
        line["phone"] = phone["id"]
        self.store.put(LINES, line["id"], line)
        self.store.put(PHONES, phone["id"], dict(phone, lines=phone["lines"] + [line["id"]]))
        return line

    def delete_line(self, line):
        phone = self.store.get(PHONES, line["phone"])
        if phone is not None:
            self.store.put(PHONES, phone["id"], dict(phone, lines=[x for x in phone["lines"] if x != line["id"]]))
        self.store.delete(LINES, line["id"])

    def line_bean(self, line):
        domain = self.sim.config.sipxcom_domain
        user = self.store.get(USERS, line["user"]) if line.get("user") is not None else None
        if user is not None:
            display = " ".join(x for x in (user["firstName"], user["lastName"]) if x) or None
            sip = "sip:%s@%s" % (user["userName"], domain)
            return {"id": line["id"], "uri": '"%s"<%s>' % (display, sip) if display else "<%s>" % sip,
                    "user": user["userName"], "userId": user["userName"], "extension": user["userName"],
                    "displayName": display, "password": user["sipPassword"], "registrationServer": domain,
                    "registrationServerPort": None, "voicemail": None}
        server = line.get("registrationServer") or domain
        uid = line.get("userId")
        uri = "sip:%s@%s" % (uid, server) if uid else None
        if uri and line.get("displayName"):
            uri = '"%s"<%s>' % (line["displayName"], uri)
        return {"id": line["id"], "uri": uri, "user": None, "userId": uid, "extension": line.get("extension"),
                "displayName": line.get("displayName"), "password": line.get("password"),
                "registrationServer": line.get("registrationServer"),
                "registrationServerPort": line.get("registrationServerPort"), "voicemail": line.get("voicemail")}

    def phone_bean(self, doc):
        lines = [self.line_bean(self.store.get(LINES, lid)) for lid in doc["lines"]]
        return {"id": doc["id"], "serialNo": doc["serialNo"], "deviceVersion": doc["deviceVersion"],
                "description": doc["description"], "model": model_bean(PHONE_MODELS[doc["modelId"]]),
                "lines": lines or None, "groups": self.member_group_beans(PGROUPS, doc["groups"])}

    def phones_of_user(self, uid):
        pids = []
        for line in self.store.all(LINES):
            if line.get("user") == uid and line["phone"] not in pids:
                pids.append(line["phone"])
        return [self.store.get(PHONES, p) for p in pids]

    # -- branches and ERLs ------------------------------------------------------
    def branch(self, name):
        bid = self.branch_by_name.get(name) if name is not None else None
        return self.store.get(BRANCHES, bid) if bid is not None else None

    def save_branch(self, doc):
        self.user_json.clear()
        old = self.store.get(BRANCHES, doc["id"]) if doc["id"] is not None else None
        if doc["id"] is None:
            doc["id"] = self.store.next_id("sipxcom.branch")
        if old is not None and self.branch_by_name.get(old["name"]) == old["id"]:
            del self.branch_by_name[old["name"]]
        self.branch_by_name[doc["name"]] = doc["id"]
        self.store.put(BRANCHES, doc["id"], doc)
        return doc

    def delete_branch(self, doc):
        self.user_json.clear()
        for coll in (USERS, GATEWAYS):
            for d in self.store.all(coll):
                if d.get("branch") == doc["id"]:
                    self.store.put(coll, d["id"], dict(d, branch=None))
        self.branch_by_name.pop(doc["name"], None)
        self.store.delete(BRANCHES, doc["id"])

    def erl(self, elin):
        eid = self.erl_by_elin.get(elin)
        return self.store.get(ERLS, eid) if eid is not None else None

    def save_erl(self, doc):
        if doc["id"] is None:
            doc["id"] = self.store.next_id("sipxcom.erl")
        self.erl_by_elin[doc["elin"]] = doc["id"]
        self.store.put(ERLS, doc["id"], doc)
        return doc

    def delete_erl(self, doc):
        """Deleting a location clears every e911/location setting that points at it."""
        ref = str(doc["id"])
        for coll in (USERS, PHONES, UGROUPS, PGROUPS):
            for d in self.store.all(coll):
                if d.get("settings", {}).get("e911/location") == ref:
                    settings = dict(d["settings"])
                    del settings["e911/location"]
                    self.store.put(coll, d["id"], dict(d, settings=settings))
        self.erl_by_elin.pop(doc["elin"], None)
        self.store.delete(ERLS, doc["id"])

    # -- gateways -----------------------------------------------------------------
    def gateway(self, key):
        """idOrSerial: digits are the id; gateway serials are never stored."""
        n = as_int_key(key)
        if n is None:
            # HibernateTemplate.load(Gateway.class, null) (inferred)
            raise fail(500, "java.lang.IllegalArgumentException: id to load is required for loading")
        doc = self.store.get(GATEWAYS, n)
        if doc is None:
            raise no_row("gateway.Gateway", n)
        return doc

    def save_gateway(self, doc):
        if not doc.get("name"):
            raise not_null("gateway.Gateway", "name")
        other = self.gateway_by_name.get(doc["name"])
        if other is not None and other != doc["id"]:
            raise fail(500, "org.sipfoundry.sipxconfig.gateway.GatewayContextImpl$DuplicateNameException: "
                            "&error.duplicateNameException")
        old = self.store.get(GATEWAYS, doc["id"]) if doc["id"] is not None else None
        if old is None:
            doc["id"] = self.store.next_id("sipxcom.gateway")
        elif self.gateway_by_name.get(old["name"]) == old["id"]:
            del self.gateway_by_name[old["name"]]
        self.gateway_by_name[doc["name"]] = doc["id"]
        self.store.put(GATEWAYS, doc["id"], doc)
        return doc

    def delete_gateway(self, doc):
        for pid in doc["ports"]:
            self.store.delete(PORTS, pid)
        self.gateway_by_name.pop(doc["name"], None)
        self.store.delete(GATEWAYS, doc["id"])

    def gateway_bean(self, doc):
        branch = self.store.get(BRANCHES, doc["branch"]) if doc["branch"] is not None else None
        return {"id": doc["id"], "name": doc["name"], "serialNo": None, "deviceVersion": doc["deviceVersion"],
                "description": doc["description"], "model": model_bean(GATEWAY_MODELS[doc["modelId"]]),
                "enabled": doc["enabled"], "address": doc["address"], "addressPort": doc["addressPort"],
                "outboundAddress": doc["outboundAddress"], "outboundPort": doc["outboundPort"],
                "addressTransport": doc["addressTransport"], "prefix": doc["prefix"], "shared": doc["shared"],
                "useInternalBridge": doc["useInternalBridge"],
                "branch": {"id": branch["id"], "name": branch["name"], "description": branch["description"]}
                if branch else None,
                "callerAliasInfo": dict(doc["callerAliasInfo"])}

    # -- call groups ---------------------------------------------------------------
    def callgroup(self, key):
        """Lookup by name, extension or DID (the call group's aliases)."""
        owner = self.alias_owner.get(key)
        if owner and owner[0] == "callgroup":
            return self.store.get(CALLGROUPS, owner[1])
        return None

    def save_callgroup(self, doc):
        cid = doc["id"]
        if doc["did"] and doc["did"] == doc["extension"]:
            raise fail(500, "org.sipfoundry.sipxconfig.common.UserException: &error.extensionInUse")
        for key in (doc["name"], doc["extension"], doc["did"]):
            if not key:
                continue
            owner = self.name_owner(key)
            if owner is not None and owner != ("callgroup", cid):
                raise fail(500, "org.sipfoundry.sipxconfig.common.NameInUseException: &error.nameInUse.long")
        old = self.store.get(CALLGROUPS, cid) if cid is not None else None
        if old is None:
            doc["id"] = self.store.next_id("sipxcom.callgroup")
        else:
            self._unindex_callgroup(old)
        self.store.put(CALLGROUPS, doc["id"], doc)
        self._index_callgroup(doc)
        return doc

    def delete_callgroup(self, doc):
        self._unindex_callgroup(doc)
        self.store.delete(CALLGROUPS, doc["id"])
