"""sipXcom /sipxconfig/api/* (Apache CXF + Jackson 1.9/JAXB).

Every handler takes the request context ``req`` (see sipxcom.Req) plus its path
parameters and returns a Starlette response. Success is 200 (bare id for
creates and updates, empty body for deletes and setting writes); errors are
``ApiError`` with sipXconfig's own status and text.
"""

from starlette.responses import Response

from . import sipxcom_wire as w
from .sipxcom_state import (ADMIN_GROUP, CALLGROUPS, DEVICE_VERSIONS, GATEWAY_MODELS, GATEWAYS, LINES, NPE,
                            PGROUPS, PHONE_MODELS, PHONES, PORTS, RULES, SETTING_MODELS, UGROUPS, USERS,
                            CATALOGUE, as_int_key, fail, gateway_setting_model, model_bean, no_row, pin_hash)
from .sipxcom_wire import ApiError

NO_PHONE_MODEL = "No such phone model defined"


# -- responses --------------------------------------------------------------------
def bean_response(req, bean, obj):
    if req.fmt == "xml":
        return Response(w.to_xml(bean, obj), media_type=req.xml_type)
    return Response(w.to_json(bean, obj), media_type="application/json")


def id_response(req, value):
    """POST/PUT return the id as an Integer entity. JAXB has no writer for a bare
    Integer, so asking for XML gets CXF's 500 after the write was made (inferred
    from CXF 3.0's JAXRSOutInterceptor; why sipXconfig's tests keep Accept: json)."""
    if req.fmt == "xml":
        return Response("No message body writer has been found for class java.lang.Integer, ContentType: %s"
                        % req.xml_type, status_code=500, media_type="text/plain")
    return Response(str(value), media_type="application/json")


def empty(status=200):
    return Response(b"", status_code=status)


def not_found(text=""):
    return ApiError(404, text)


def page(items, req, start="start", limit="limit"):
    lo, n = req.int_param(start), req.int_param(limit)
    if lo is not None and n is not None:
        return items[max(lo, 0):max(lo, 0) + max(n, 0)]
    return items


# -- settings (shared by users, groups, phones, lines, gateways, ports) --------------
def settings_get(req, model, lookup, path=None):
    if path is None:
        return bean_response(req, w.SETTINGS, {"settings": model.listing(lookup)})
    found = model.read(lookup, path)
    if found is None:
        raise not_found()
    if isinstance(found, list):
        return bean_response(req, w.SETTINGS, {"settings": found})
    return bean_response(req, w.SETTING, found)


def settings_put(model, values, path, value):
    """BeanWithSettings.setSettingValue: an unknown path is silently ignored; hidden ones are written."""
    if path in model.by_path:
        values[path] = value if value != "" else None
        return True
    return False


def settings_delete(model, values, path):
    if path not in model.by_path:
        raise fail(500, NPE)  # getSetting(path) returned null
    values.pop(path, None)


def settings_put_list(req, model, values):
    bean = req.bean(w.SETTINGS)
    if bean is None:
        raise fail(500, NPE)
    for s in bean["settings"] or []:
        if s is not None and s.get("path"):
            settings_put(model, values, s["path"], s.get("value"))


def own_lookup(values):
    return lambda e: values.get(e["path"], e["defaultValue"])


class SettingsHandlers:
    """GET/PUT/DELETE .../settings[/{path}] over one object's own values dict."""

    def __init__(self, load, model_of, save):
        self.load, self.model_of, self.save = load, model_of, save

    def lookup(self, req, obj):
        return own_lookup(obj["settings"])

    def get_all(self, req, **key):
        obj = self.load(req, **key)
        return settings_get(req, self.model_of(obj), self.lookup(req, obj))

    def get_one(self, req, path, **key):
        obj = self.load(req, **key)
        return settings_get(req, self.model_of(obj), self.lookup(req, obj), path)

    def put_one(self, req, path, **key):
        value = req.plain_text()
        obj = self.load(req, **key)
        values = dict(obj["settings"])
        if settings_put(self.model_of(obj), values, path, value):
            self.save(req, obj, values)
        return empty()

    def put_all(self, req, **key):
        obj = self.load(req, **key)
        values = dict(obj["settings"])
        settings_put_list(req, self.model_of(obj), values)
        self.save(req, obj, values)
        return empty()

    def delete_one(self, req, path, **key):
        obj = self.load(req, **key)
        values = dict(obj["settings"])
        settings_delete(self.model_of(obj), values, path)
        self.save(req, obj, values)
        return empty()


def _store_settings(coll):
    def save(req, obj, values):
        req.sim.store.put(coll, obj["id"], dict(obj, settings=values))
    return save


# -- users ------------------------------------------------------------------------
def _load_user(req, user):
    doc = req.st.user(user)
    if doc is None:
        raise not_found()
    return doc


def user_bean(st, doc):
    profile = dict(doc["profile"] or w.PROFILE.blank())
    for addr in ("homeAddress", "officeAddress", "branchAddress"):
        profile[addr] = profile.get(addr) or w.ADDRESS.blank()
    if profile.get("useBranchAddress"):
        profile["officeAddress"] = profile["branchAddress"]  # UserProfile.getOfficeAddress
    if profile.get("imDisplayName") is None:
        profile["imDisplayName"] = profile.get("imId")
    profile.update({
        "userName": doc["userName"], "firstName": doc["firstName"], "lastName": doc["lastName"],
        "userId": str(doc["id"]), "timestamp": doc["timestamp"], "branchName": profile.get("branchName") or "",
        "avatar": "https://%s/sipxconfig/rest/avatar/%s" % (st.sim.config.sipxcom_domain, doc["userName"]),
        "emailAddressAliasesSet": profile.get("emailAddressAliasesSet") or [],
        "emailAddressAliases": profile.get("emailAddressAliases") or "",
        "salutation": profile.get("salutation") or "None", "salutationId": profile.get("salutation") or "None"})
    branch = st.store.get("sipxcom.branches", doc["branch"]) if doc["branch"] is not None else None
    return {"id": doc["id"], "userName": doc["userName"], "lastName": doc["lastName"],
            "firstName": doc["firstName"], "aliases": list(doc["aliases"]), "sipPassword": doc["sipPassword"],
            "pintoken": doc["pintoken"], "voicemailPin": doc["voicemailPin"],
            "branchName": branch["name"] if branch else None, "userProfile": profile, "notified": False,
            "groups": st.member_group_beans(UGROUPS, doc["groups"]), "permissions": list(doc["permissions"])}


# Profile properties the server computes or mirrors from the user; input values are dropped.
_PROFILE_COMPUTED = ("userName", "firstName", "lastName", "userId", "timestamp", "avatar", "branchName")


def apply_user_bean(st, doc, bean):
    """UserApiImpl.convertToUser: only non-null properties apply."""
    for key in ("userName", "firstName", "lastName", "sipPassword", "pintoken"):
        if bean.get(key) is not None:
            doc[key] = bean[key]
    if bean.get("aliases") is not None:
        doc["aliases"] = [a for a in bean["aliases"] if a is not None]
    if bean.get("branchName") is not None:
        branch = st.branch(bean["branchName"])  # an unknown name clears the branch
        doc["branch"] = branch["id"] if branch else None
    if bean.get("voicemailPin") is not None:
        doc["voicemailPin"] = pin_hash(doc["userName"], bean["voicemailPin"])
    if bean.get("userProfile") is not None:
        # BeanUtils.copyProperties copies every property, nulls included.
        profile = {k: v for k, v in bean["userProfile"].items() if k not in _PROFILE_COMPUTED}
        for key in ("emailAddress", "alternateEmailAddress", "authAccountName"):
            if profile.get(key):
                profile[key] = profile[key].lower()
        doc["profile"] = profile
    if bean.get("permissions") is not None:
        doc["permissions"] = list(dict.fromkeys(doc["permissions"] + [p for p in bean["permissions"] if p]))
    groups = list(doc["groups"])
    if bean.get("groups") is not None:
        for g in bean["groups"]:
            name = (g or {}).get("name")
            names = " ".join(st.ugroup_name(x) or "" for x in groups)
            if name is not None and name in names:
                continue  # StringUtils.contains(user.getGroupsNames(), name): a substring match
            if name is None:
                raise fail(500, NPE)
            gid = st.group_create_if_not_found(UGROUPS, name)["id"]
            if gid not in groups:
                groups.append(gid)
    return groups


def save_user_from_bean(st, doc, bean):
    doc["groups"] = apply_user_bean(st, doc, bean)
    return st.save_user(doc)


def users_list(req):
    st = req.st
    users = req.sim.store.all(USERS)
    email = req.query.get("email")
    if email:
        users = _email_filter(users, email)
    return bean_response(req, w.USERS, {"users": [user_bean(st, u) for u in page(users, req)]})


def _email_filter(users, text):
    text = text.lower()
    return [u for u in users if text in ((u["profile"] or {}).get("emailAddress") or "")]


def users_by_email(req):
    users = _email_filter(req.sim.store.all(USERS), req.query.get("emailFilter") or "")
    return bean_response(req, w.USERS, {"users": [user_bean(req.st, u) for u in users]})


def users_by_group(req, group):
    g = req.st.group_by_name(UGROUPS, group)
    members = req.st.ugroup_members.get(g["id"], set()) if g else set()
    users = [u for u in req.sim.store.all(USERS) if u["id"] in members]
    return bean_response(req, w.USERS, {"users": [user_bean(req.st, u) for u in users]})


def user_create(req):
    bean = req.bean(w.USER)
    if bean is None:
        raise fail(500, NPE)
    doc = save_user_from_bean(req.st, req.st.new_user_doc(), bean)
    return id_response(req, doc["id"])


def user_get(req, user):
    return bean_response(req, w.USER, user_bean(req.st, _load_user(req, user)))


def user_update(req, user):
    bean = req.bean(w.USER)
    doc = _load_user(req, user)
    if bean is None:
        raise fail(500, NPE)
    doc = save_user_from_bean(req.st, dict(doc, aliases=list(doc["aliases"])), bean)
    return id_response(req, doc["id"])


def user_delete(req, user):
    # deleteUsersByUserName: the user name only, no existence check (unknown -> 500, inferred).
    uid = req.st.user_by_name.get(user)
    if uid is None:
        raise fail(500, NPE)
    req.st.delete_user(req.sim.store.get(USERS, uid))
    return empty()


def user_groups(req, user):
    doc = _load_user(req, user)
    beans = req.st.member_group_beans(UGROUPS, doc["groups"]) or []
    return bean_response(req, w.GROUPS, {"groups": beans})


def user_groups_clear(req, user):
    req.st.set_member_groups(UGROUPS, _load_user(req, user), [])
    return empty()


def user_group_add(req, user, group):
    doc = _load_user(req, user)
    gid = req.st.group_create_if_not_found(UGROUPS, group)["id"]
    if gid not in doc["groups"]:
        req.st.set_member_groups(UGROUPS, doc, doc["groups"] + [gid])
    return empty()


def user_group_remove(req, user, group):
    doc = _load_user(req, user)
    g = req.st.group_by_name(UGROUPS, group)
    if g is None:
        raise not_found()
    req.st.set_member_groups(UGROUPS, doc, [x for x in doc["groups"] if x != g["id"]])
    return empty()


class _UserSettings(SettingsHandlers):
    def lookup(self, req, obj):
        return lambda e: req.st.user_setting(obj, e["path"])  # group values show through


user_settings = _UserSettings(lambda req, user: _load_user(req, user), lambda obj: SETTING_MODELS["user"],
                              _store_settings(USERS))


def user_phones_by_name(req, user):
    doc = req.st.user(user)
    if doc is None:
        raise not_found("User not found")
    return bean_response(req, w.PHONES, {"phones": [req.st.phone_bean(p) for p in req.st.phones_of_user(doc["id"])]})


def user_phones_by_id(req, uid):
    n = as_int_key(uid)
    doc = req.sim.store.get(USERS, n) if n is not None else None
    if doc is None:
        raise not_found("User not found")
    return bean_response(req, w.PHONES, {"phones": [req.st.phone_bean(p) for p in req.st.phones_of_user(doc["id"])]})


# -- user and phone groups ---------------------------------------------------------
def _group_handlers(coll):
    def load(req, group, missing=None):
        g = req.st.group(coll, group)
        if g is None:
            n = as_int_key(group)
            if missing is not None:
                raise ApiError(missing)
            raise no_row("setting.Group", n) if n is not None else not_found()
        return g

    def listing(req):
        groups = sorted(req.sim.store.all(coll), key=lambda g: (g["weight"] or 0, g["id"]))
        return bean_response(req, w.GROUPS, {"groups": [req.st.group_bean(coll, g, True) for g in groups]})

    def create(req):
        bean = req.bean(w.GROUP)
        if bean is None or bean["weight"] is None:
            raise fail(500, NPE)  # setWeight(int) unboxing a null Integer
        g = req.st.save_group(coll, {"id": None, "name": bean["name"], "description": bean["description"],
                                     "weight": bean["weight"], "settings": {}, "models": {}})
        return id_response(req, g["id"])

    def get(req, group):
        return bean_response(req, w.GROUP, req.st.group_bean(coll, load(req, group), True))

    def update(req, group):
        bean = req.bean(w.GROUP)
        g = load(req, group)
        if bean is None or bean["weight"] is None:
            raise fail(500, NPE)
        g = req.st.save_group(coll, dict(g, name=bean["name"], description=bean["description"],
                                         weight=bean["weight"]))
        return id_response(req, g["id"])

    def delete(req, group):
        g = load(req, group)
        if coll == UGROUPS and g["name"] == ADMIN_GROUP:
            raise ApiError(403)
        req.st.delete_group(coll, g)
        return empty()

    def move(step):
        def handler(req, group):
            g = load(req, group)
            ordered = sorted(req.sim.store.all(coll), key=lambda x: (x["weight"] or 0, x["id"]))
            i = [x["id"] for x in ordered].index(g["id"])
            j = i + step
            if 0 <= j < len(ordered):
                other = ordered[j]
                req.sim.store.put(coll, g["id"], dict(g, weight=other["weight"]))
                req.sim.store.put(coll, other["id"], dict(other, weight=g["weight"]))
            return id_response(req, g["id"])
        return handler

    return load, listing, create, get, update, delete, move(-1), move(1)


(ugroup_load, ugroups_list, ugroup_create, ugroup_get, ugroup_update, ugroup_delete,
 ugroup_up, ugroup_down) = _group_handlers(UGROUPS)
(pgroup_load, pgroups_list, pgroup_create, pgroup_get, pgroup_update, pgroup_delete,
 pgroup_up, pgroup_down) = _group_handlers(PGROUPS)


def ugroup_delete_empty(req, group):
    g = req.st.group(UGROUPS, group)
    if g is None:
        return empty(204)
    if g["name"] == ADMIN_GROUP:
        raise ApiError(403)
    if req.st.ugroup_members.get(g["id"]):
        return empty(409)
    req.st.delete_group(UGROUPS, g)
    return empty()


def ugroup_delete_all(req, group):
    g = req.st.group(UGROUPS, group)
    if g is None:
        return empty(204)
    if g["name"] == ADMIN_GROUP:
        raise ApiError(403)
    req.st.delete_group(UGROUPS, g)
    return empty()


ugroup_settings = SettingsHandlers(lambda req, group: ugroup_load(req, group),
                                   lambda obj: SETTING_MODELS["user"], _store_settings(UGROUPS))


def pgroup_models(req, group):
    pgroup_load(req, group)
    return bean_response(req, w.MODELS, {"models": [model_bean(m) for m in CATALOGUE["phone_models"]]})


def no_such_model(model_id):
    return fail(500, "java.lang.IllegalArgumentException: No such model with id '%s'"
                % ("null" if model_id is None else model_id))


def _phone_model(model_id):
    model = PHONE_MODELS.get(model_id)
    if model is None:
        raise no_such_model(model_id)
    return model


def _pgroup_model_values(g, model_id):
    return dict((g.get("models") or {}).get(model_id, {}))


def _save_pgroup_model_values(req, g, model_id, values):
    models = dict(g.get("models") or {})
    models[model_id] = values
    req.sim.store.put(PGROUPS, g["id"], dict(g, models=models))


def pgroup_model_settings(req, group, model):
    pgroup_load(req, group)
    _phone_model(model)
    # Reads the model's defaults, not the group's values (PhoneGroupApiImpl).
    return settings_get(req, SETTING_MODELS["phone"], lambda e: e["defaultValue"])


def pgroup_model_settings_put(req, group, model):
    g = pgroup_load(req, group)
    _phone_model(model)
    values = _pgroup_model_values(g, model)
    settings_put_list(req, SETTING_MODELS["phone"], values)
    _save_pgroup_model_values(req, g, model, values)
    return empty()


def pgroup_model_setting(req, group, model, path):
    g = pgroup_load(req, group)
    _phone_model(model)
    return settings_get(req, SETTING_MODELS["phone"], own_lookup(_pgroup_model_values(g, model)), path)


def pgroup_model_setting_put(req, group, model, path):
    value = req.plain_text()
    g = pgroup_load(req, group)
    _phone_model(model)
    values = _pgroup_model_values(g, model)
    if settings_put(SETTING_MODELS["phone"], values, path, value):
        _save_pgroup_model_values(req, g, model, values)
    return empty()


def pgroup_model_setting_delete(req, group, model, path):
    g = pgroup_load(req, group)
    _phone_model(model)
    values = _pgroup_model_values(g, model)
    settings_delete(SETTING_MODELS["phone"], values, path)
    _save_pgroup_model_values(req, g, model, values)
    return empty()


def pgroup_firmware(req, group, model, firmware):
    g = pgroup_load(req, group)
    _phone_model(model)
    firmwares = dict(g.get("firmware") or {})
    firmwares[model] = firmware
    req.sim.store.put(PGROUPS, g["id"], dict(g, firmware=firmwares))
    return empty()


# -- phones -------------------------------------------------------------------------
def _load_phone(req, phone):
    doc = req.st.phone(phone)
    if doc is None:
        raise not_found()
    return doc


def _device_version(name):
    return name if name in DEVICE_VERSIONS else None  # unknown names silently become null


def phones_list(req):
    phones = page(req.sim.store.all(PHONES), req)
    return bean_response(req, w.PHONES, {"phones": [req.st.phone_bean(p) for p in phones]})


def phones_by_line(req):
    text = req.query.get("lineFilter") or ""
    out = []
    for p in req.sim.store.all(PHONES):
        beans = [req.st.line_bean(req.sim.store.get(LINES, lid)) for lid in p["lines"]]
        if any(text in (b["user"] or "") or text in (b["uri"] or "") for b in beans):
            out.append(req.st.phone_bean(p))
    return bean_response(req, w.PHONES, {"phones": out})


def phone_models(req):
    return bean_response(req, w.MODELS, {"models": [model_bean(m) for m in CATALOGUE["phone_models"]]})


def _add_groups(st, coll, gids, group_beans):
    gids = list(gids)
    for g in group_beans or []:
        name = (g or {}).get("name")
        if name is None:
            raise fail(500, NPE)
        gid = st.group_create_if_not_found(coll, name)["id"]
        if gid not in gids:
            gids.append(gid)
    return gids


def phone_create(req):
    bean = req.bean(w.PHONE)
    if bean is None:
        raise fail(500, NPE)
    if bean["model"] is None:
        raise not_found(NO_PHONE_MODEL)
    model = _phone_model(bean["model"]["modelId"])
    doc = {"id": None, "serialNo": bean["serialNo"], "description": bean["description"],
           "deviceVersion": _device_version(bean["deviceVersion"]), "modelId": model["modelId"], "lines": [],
           "groups": [], "settings": {}}
    st = req.st
    st.check_serial(model, doc["serialNo"])  # before any group is auto-created
    doc["groups"] = _add_groups(st, PGROUPS, [], bean["groups"])
    doc = st.save_phone(doc)
    return id_response(req, doc["id"])


def phone_get(req, phone):
    return bean_response(req, w.PHONE, req.st.phone_bean(_load_phone(req, phone)))


def phone_update(req, phone):
    bean = req.bean(w.PHONE)
    doc = _load_phone(req, phone)
    if bean is None:
        raise fail(500, NPE)
    st = req.st
    doc = dict(doc, serialNo=bean["serialNo"], description=bean["description"],
               deviceVersion=_device_version(bean["deviceVersion"]))
    st.check_serial(PHONE_MODELS[doc["modelId"]], doc["serialNo"], doc["id"])
    doc["groups"] = _add_groups(st, PGROUPS, doc["groups"], bean["groups"])
    doc = st.save_phone(doc)
    return id_response(req, doc["id"])


def phone_delete(req, phone):
    req.st.delete_phone(_load_phone(req, phone))
    return empty()


def phone_groups(req, phone):
    doc = _load_phone(req, phone)
    return bean_response(req, w.GROUPS, {"groups": req.st.member_group_beans(PGROUPS, doc["groups"]) or []})


def phone_groups_clear(req, phone):
    req.st.set_member_groups(PGROUPS, _load_phone(req, phone), [])
    return empty()


def phone_group_add(req, phone, group):
    doc = _load_phone(req, phone)
    gid = req.st.group_create_if_not_found(PGROUPS, group)["id"]
    if gid not in doc["groups"]:
        req.st.set_member_groups(PGROUPS, doc, doc["groups"] + [gid])
    return empty()


def phone_group_remove(req, phone, group):
    doc = _load_phone(req, phone)
    g = req.st.group_by_name(PGROUPS, group)
    if g is None:
        raise not_found()
    req.st.set_member_groups(PGROUPS, doc, [x for x in doc["groups"] if x != g["id"]])
    return empty()


phone_settings = SettingsHandlers(lambda req, phone: _load_phone(req, phone), lambda obj: SETTING_MODELS["phone"],
                                  _store_settings(PHONES))


def phone_lines(req, phone):
    doc = _load_phone(req, phone)
    lines = [req.st.line_bean(req.sim.store.get(LINES, lid)) for lid in doc["lines"]]
    return bean_response(req, w.LINES, {"lines": lines})


def phone_lines_clear(req, phone):
    doc = _load_phone(req, phone)
    for lid in doc["lines"]:
        req.sim.store.delete(LINES, lid)
    req.sim.store.put(PHONES, doc["id"], dict(doc, lines=[]))
    return empty()


def phone_line_add(req, phone):
    bean = req.bean(w.LINE)
    doc = _load_phone(req, phone)
    if bean is None:
        raise fail(500, NPE)
    line = {"id": None, "user": None}
    if bean["user"] is not None:
        user = req.st.user(bean["user"])
        if user is None:
            raise not_found("User not found")
        line["user"] = user["id"]  # the same user may be added twice
    else:
        for key in ("userId", "displayName", "password", "registrationServer", "registrationServerPort",
                    "voicemail", "extension"):
            line[key] = bean[key]
    line["settings"] = {}
    req.st.add_line(doc, line)
    return empty()  # no id in the answer


def _load_line(req, line, phone=None):
    n = as_int_key(line)
    if n is None:
        raise not_found()
    doc = req.sim.store.get(LINES, n)
    if doc is None:
        raise no_row("phone.Line", n)
    return doc


def phone_line_get(req, phone, line):
    return bean_response(req, w.LINE, req.st.line_bean(_load_line(req, line)))


def phone_line_delete(req, phone, line):
    req.st.delete_line(_load_line(req, line))
    return empty()


line_settings = SettingsHandlers(lambda req, phone, line: _load_line(req, line), lambda obj: SETTING_MODELS["line"],
                                 _store_settings(LINES))


def send_profile_one(req, phone, restart=None):
    if req.st.phone(phone) is None:
        raise fail(500, NPE)
    return empty()


def send_profile_ids(req, restart=None):
    if req.fmt_in != "json":
        raise ApiError(415)
    bean = req.bean(w.IDS)
    if bean is None:
        raise fail(500, NPE)
    for pid in bean["ids"] or []:
        if pid is None or req.sim.store.get(PHONES, pid) is None:
            raise no_row("phone.Phone", pid)
    return empty()


def send_profile_all(req, restart=None):
    return empty()


def send_profile_user(req, kind, user, restart=None):
    doc = req.st.user(user) if kind == "name" else req.sim.store.get(USERS, as_int_key(user))
    if doc is None:
        raise not_found("User not found")
    return empty()


def send_profile_group(req, kind, group, restart=None):
    key = as_int_key(group) if kind == "id" else req.st.pgroup_by_name.get(group)
    if key is None or req.sim.store.get(PGROUPS, key) is None:
        raise not_found()
    return empty()


# -- gateways -----------------------------------------------------------------------
def _gateway_doc(st, doc, bean):
    """GatewayApiImpl copies the whole bean: absent booleans false, ints 0, strings null."""
    cai = bean["callerAliasInfo"] or w.CALLER_ALIAS.blank()
    branch = st.branch((bean["branch"] or {}).get("name"))
    model = GATEWAY_MODELS[doc["modelId"]]
    version = bean["deviceVersion"] if (bean["model"] or {}).get("vendor") else None
    doc.update({
        "name": bean["name"], "description": bean["description"],
        "deviceVersion": version if version in (model.get("versions") or []) else None,
        "enabled": bean["enabled"], "address": bean["address"], "addressPort": bean["addressPort"],
        "outboundAddress": bean["outboundAddress"], "outboundPort": bean["outboundPort"],
        "addressTransport": bean["addressTransport"], "prefix": bean["prefix"], "shared": bean["shared"],
        "useInternalBridge": bean["useInternalBridge"], "branch": branch["id"] if branch else None,
        "callerAliasInfo": {f.name: cai[f.name] for f in w.CALLER_ALIAS.fields}})
    return doc


def gateways_list(req):
    return bean_response(req, w.GATEWAYS, {"gateways": [req.st.gateway_bean(g)
                                                         for g in req.sim.store.all(GATEWAYS)]})


def gateway_models(req):
    models = [model_bean(m) for m in CATALOGUE["gateway_models"]]
    return bean_response(req, w.MODELS, {"models": models})


def gateway_create(req):
    bean = req.bean(w.GATEWAY)
    if bean is None:
        raise fail(500, NPE)
    if bean["model"] is None:
        raise not_found(NO_PHONE_MODEL)
    model_id = bean["model"]["modelId"]
    if model_id not in GATEWAY_MODELS:
        raise no_such_model(model_id)
    doc = {"id": None, "modelId": model_id, "ports": [], "rules": [], "settings": {}}
    doc = req.st.save_gateway(_gateway_doc(req.st, doc, bean))
    return id_response(req, doc["id"])


def gateway_get(req, gateway):
    return bean_response(req, w.GATEWAY, req.st.gateway_bean(req.st.gateway(gateway)))


def gateway_update(req, gateway):
    bean = req.bean(w.GATEWAY)
    doc = req.st.gateway(gateway)
    if bean is None:
        raise fail(500, NPE)
    doc = req.st.save_gateway(_gateway_doc(req.st, dict(doc), bean))
    return id_response(req, doc["id"])


def gateway_delete(req, gateway):
    req.st.delete_gateway(req.st.gateway(gateway))
    return empty()


gateway_settings = SettingsHandlers(lambda req, gateway: req.st.gateway(gateway),
                                    lambda obj: gateway_setting_model(obj["modelId"]), _store_settings(GATEWAYS))


def gateway_ports(req, gateway):
    doc = req.st.gateway(gateway)
    return bean_response(req, w.PORTS, {"ports": [{"id": p} for p in doc["ports"]]})


def gateway_port_add(req, gateway):
    doc = req.st.gateway(gateway)
    limit = GATEWAY_MODELS[doc["modelId"]].get("maxPorts", 0)
    if len(doc["ports"]) >= limit:
        raise fail(500, "org.sipfoundry.sipxconfig.gateway.Gateway$MaxPortsException: Maximum number of ports "
                        "is %d" % limit)
    pid = req.sim.store.next_id("sipxcom.port")
    req.sim.store.put(PORTS, pid, {"id": pid, "gateway": doc["id"], "settings": {}})
    req.sim.store.put(GATEWAYS, doc["id"], dict(doc, ports=doc["ports"] + [pid]))
    return id_response(req, pid)  # (inferred) like every other /api create


def _load_port(req, gateway, port):
    doc = req.st.gateway(gateway)
    n = as_int_key(port)
    if n is None:
        raise not_found()
    if n not in doc["ports"]:
        raise no_row("gateway.FxoPort", n)
    return req.sim.store.get(PORTS, n)


def gateway_port_delete(req, gateway, port):
    p = _load_port(req, gateway, port)
    doc = req.st.gateway(gateway)
    req.sim.store.put(GATEWAYS, doc["id"], dict(doc, ports=[x for x in doc["ports"] if x != p["id"]]))
    req.sim.store.delete(PORTS, p["id"])
    return empty()


port_settings = SettingsHandlers(lambda req, gateway, port: _load_port(req, gateway, port),
                                 lambda obj: SETTING_MODELS["port"], _store_settings(PORTS))


def _rule_bean(rule):
    return {"id": rule["id"], "name": rule["name"], "description": rule["description"], "enabled": rule["enabled"]}


def gateway_available_rules(req, gateway):
    """Dial rules that can still take this gateway (inferred: those not yet attached)."""
    doc = req.st.gateway(gateway)
    rules = [_rule_bean(r) for r in req.sim.store.all(RULES) if r["id"] not in doc["rules"]]
    return bean_response(req, w.RULES, {"rules": rules})


def _load_rule(req, rule):
    n = as_int_key(rule)
    if n is None:
        raise not_found()
    r = req.sim.store.get(RULES, n)
    if r is None:
        raise no_row("dialplan.DialingRule", n)
    return r


def gateway_rule_attach(req, gateway, rule):
    doc = req.st.gateway(gateway)
    r = _load_rule(req, rule)
    if r["id"] not in doc["rules"]:
        req.sim.store.put(GATEWAYS, doc["id"], dict(doc, rules=doc["rules"] + [r["id"]]))
    return empty()


def gateway_rule_detach(req, gateway, rule):
    doc = req.st.gateway(gateway)
    r = _load_rule(req, rule)
    req.sim.store.put(GATEWAYS, doc["id"], dict(doc, rules=[x for x in doc["rules"] if x != r["id"]]))
    return empty()


# -- call groups (20.04+) --------------------------------------------------------------
RING_TYPES = ("If no response", "At the same time")


def callgroup_bean(st, doc):
    rings = []
    for i, r in enumerate(doc["rings"]):
        user = st.store.get(USERS, r["user"])
        rings.append({"userName": user["userName"] if user else None, "typeStr": None if i == 0 else r["type"],
                      "enabled": r["enabled"], "expiration": r["expiration"]})
    return {"name": doc["name"], "extension": doc["extension"], "did": doc["did"],
            "description": doc["description"], "enabled": doc["enabled"],
            "fallbackDestination": doc["fallbackDestination"], "voicemailFallback": doc["voicemailFallback"],
            "userForward": doc["userForward"], "useFwdTimers": doc["useFwdTimers"], "ringBeans": rings}


def _callgroup_doc(st, doc, bean):
    """Properties copied by name; rings rebuilt from user names, unknown users
    logged and skipped (CallGroupApiImpl swallows the conversion error)."""
    for key in ("name", "extension", "did", "description", "enabled", "fallbackDestination", "voicemailFallback",
                "userForward", "useFwdTimers"):
        doc[key] = bean[key]
    rings = []
    for r in bean["ringBeans"] or []:
        user = st.user_by_name.get((r or {}).get("userName"))
        if user is None:
            continue
        rings.append({"user": user, "type": r["typeStr"] if r["typeStr"] in RING_TYPES else RING_TYPES[0],
                      "enabled": r["enabled"], "expiration": r["expiration"]})
    doc["rings"] = rings
    return doc


# CallGroup's own defaults for the two properties the bean initialises to true.
CALLGROUP_BEAN = w.Bean("CallGroupBean", "CallGroup", w.CALLGROUP.fields,
                        init={"voicemailFallback": lambda: True, "userForward": lambda: True})


def callgroups_list(req):
    return bean_response(req, w.CALLGROUPS, {"callGroups": [callgroup_bean(req.st, c)
                                                             for c in req.sim.store.all(CALLGROUPS)]})


def callgroups_by_prefix(req, prefix):
    groups = [c for c in req.sim.store.all(CALLGROUPS) if (c["extension"] or "").startswith(prefix)]
    return bean_response(req, w.CALLGROUPS, {"callGroups": [callgroup_bean(req.st, c) for c in groups]})


def callgroup_get(req, ext):
    doc = req.st.callgroup(ext)
    if doc is None:
        return empty(204)
    return bean_response(req, w.CALLGROUP, callgroup_bean(req.st, doc))


def callgroup_create(req):
    bean = req.bean(CALLGROUP_BEAN)
    if bean is None:
        raise fail(500, NPE)
    doc = req.st.save_callgroup(_callgroup_doc(req.st, {"id": None}, bean))
    return id_response(req, doc["id"])


def callgroup_update(req, ext):
    bean = req.bean(CALLGROUP_BEAN)
    cid = req.st.cg_by_ext.get(ext)  # the extension exactly
    if cid is None or bean is None:
        raise fail(500, NPE)  # (inferred)
    doc = req.st.save_callgroup(_callgroup_doc(req.st, dict(req.sim.store.get(CALLGROUPS, cid)), bean))
    return id_response(req, doc["id"])


def callgroup_delete(req, ext):
    doc = req.st.callgroup(ext)
    if doc is not None:
        req.st.delete_callgroup(doc)
    return empty()  # always 200


# -- routes -------------------------------------------------------------------------
def _settings_routes(base, h):
    return [
        ("GET", base + "/settings", h.get_all),
        ("PUT", base + "/settings", h.put_all),
        ("GET", base + "/settings/{path:.*}", h.get_one),
        ("PUT", base + "/settings/{path:.*}", h.put_one),
        ("DELETE", base + "/settings/{path:.*}", h.delete_one),
    ]


def _send_profile_routes(base, handler):
    return [("PUT", base + "/sendProfile", handler), ("PUT", base + "/sendProfile/{restart:restart}", handler)]


ROUTES = (
    [("GET", "/api/users", users_list),
     ("POST", "/api/users", user_create),
     ("GET", "/api/users/email", users_by_email),
     ("GET", "/api/users/group/{group}", users_by_group),
     ("GET", "/api/users/name/{user}/phones", user_phones_by_name),
     ("GET", "/api/users/id/{uid}/phones", user_phones_by_id),
     ("GET", "/api/users/{user}", user_get),
     ("PUT", "/api/users/{user}", user_update),
     ("DELETE", "/api/users/{user}", user_delete),
     ("GET", "/api/users/{user}/groups", user_groups),
     ("DELETE", "/api/users/{user}/groups", user_groups_clear),
     ("POST", "/api/users/{user}/groups/{group}", user_group_add),
     ("DELETE", "/api/users/{user}/groups/{group}", user_group_remove)]
    + _settings_routes("/api/users/{user}", user_settings)
    + [("GET", "/api/userGroups", ugroups_list),
       ("POST", "/api/userGroups", ugroup_create),
       ("GET", "/api/userGroups/{group}", ugroup_get),
       ("PUT", "/api/userGroups/{group}", ugroup_update),
       ("DELETE", "/api/userGroups/{group}", ugroup_delete),
       ("DELETE", "/api/userGroups/{group}/empty", ugroup_delete_empty),
       ("DELETE", "/api/userGroups/{group}/all", ugroup_delete_all),
       ("PUT", "/api/userGroups/{group}/up", ugroup_up),
       ("PUT", "/api/userGroups/{group}/down", ugroup_down)]
    + _settings_routes("/api/userGroups/{group}", ugroup_settings)
    + [("GET", "/api/phoneGroups", pgroups_list),
       ("POST", "/api/phoneGroups", pgroup_create),
       ("GET", "/api/phoneGroups/{group}", pgroup_get),
       ("PUT", "/api/phoneGroups/{group}", pgroup_update),
       ("DELETE", "/api/phoneGroups/{group}", pgroup_delete),
       ("PUT", "/api/phoneGroups/{group}/up", pgroup_up),
       ("PUT", "/api/phoneGroups/{group}/down", pgroup_down),
       ("GET", "/api/phoneGroups/{group}/models", pgroup_models),
       ("GET", "/api/phoneGroups/{group}/model/{model}/settings", pgroup_model_settings),
       ("PUT", "/api/phoneGroups/{group}/model/{model}/settings", pgroup_model_settings_put),
       ("GET", "/api/phoneGroups/{group}/model/{model}/settings/{path:.*}", pgroup_model_setting),
       ("PUT", "/api/phoneGroups/{group}/model/{model}/settings/{path:.*}", pgroup_model_setting_put),
       ("DELETE", "/api/phoneGroups/{group}/model/{model}/settings/{path:.*}", pgroup_model_setting_delete),
       ("PUT", "/api/phoneGroups/{group}/model/{model}/firmware/{firmware}", pgroup_firmware)]
    + [("GET", "/api/phones", phones_list),
       ("POST", "/api/phones", phone_create),
       ("GET", "/api/phones/models", phone_models),
       ("GET", "/api/phones/line", phones_by_line)]
    + _send_profile_routes("/api/phones", send_profile_ids)
    + [("PUT", "/api/phones/sendProfile/all", send_profile_all),
       ("PUT", "/api/phones/sendProfile/all/{restart:restart}", send_profile_all)]
    + _send_profile_routes("/api/phones/user/{kind:id|name}/{user}", send_profile_user)
    + _send_profile_routes("/api/phones/phoneGroup/{kind:id|name}/{group}", send_profile_group)
    + [("GET", "/api/phones/{phone}", phone_get),
       ("PUT", "/api/phones/{phone}", phone_update),
       ("DELETE", "/api/phones/{phone}", phone_delete),
       ("GET", "/api/phones/{phone}/groups", phone_groups),
       ("DELETE", "/api/phones/{phone}/groups", phone_groups_clear),
       ("POST", "/api/phones/{phone}/groups/{group}", phone_group_add),
       ("DELETE", "/api/phones/{phone}/groups/{group}", phone_group_remove),
       ("GET", "/api/phones/{phone}/lines", phone_lines),
       ("POST", "/api/phones/{phone}/lines", phone_line_add),
       ("DELETE", "/api/phones/{phone}/lines", phone_lines_clear),
       ("GET", "/api/phones/{phone}/lines/{line}", phone_line_get),
       ("DELETE", "/api/phones/{phone}/lines/{line}", phone_line_delete)]
    + _settings_routes("/api/phones/{phone}/lines/{line}", line_settings)
    + _settings_routes("/api/phones/{phone}", phone_settings)
    + _send_profile_routes("/api/phones/{phone}", send_profile_one)
    + [("GET", "/api/gateways", gateways_list),
       ("POST", "/api/gateways", gateway_create),
       ("GET", "/api/gateways/models", gateway_models),
       ("GET", "/api/gateways/{gateway}", gateway_get),
       ("PUT", "/api/gateways/{gateway}", gateway_update),
       ("DELETE", "/api/gateways/{gateway}", gateway_delete),
       ("GET", "/api/gateways/{gateway}/ports", gateway_ports),
       ("POST", "/api/gateways/{gateway}/ports", gateway_port_add),
       ("DELETE", "/api/gateways/{gateway}/ports/{port}", gateway_port_delete),
       ("GET", "/api/gateways/{gateway}/availablerules", gateway_available_rules),
       ("PUT", "/api/gateways/{gateway}/rules/{rule}", gateway_rule_attach),
       ("DELETE", "/api/gateways/{gateway}/rules/{rule}", gateway_rule_detach)]
    + _settings_routes("/api/gateways/{gateway}/ports/{port}", port_settings)
    + _settings_routes("/api/gateways/{gateway}", gateway_settings)
    + [("GET", "/api/callgroups", callgroups_list),
       ("POST", "/api/callgroups", callgroup_create),
       ("GET", "/api/callgroups/prefix/{prefix}", callgroups_by_prefix),
       ("GET", "/api/callgroups/{ext}", callgroup_get),
       ("PUT", "/api/callgroups/{ext}", callgroup_update),
       ("DELETE", "/api/callgroups/{ext}", callgroup_delete)]
)
