"""sipXcom /sipxconfig/api/* (Apache CXF + Jackson 1.9/JAXB).

Every handler takes the request context ``req`` (see sipxcom.Req) plus its path
parameters and returns a Starlette response. Success is 200 (bare id for
creates and updates, empty body for deletes and setting writes); errors are
``ApiError`` with sipXconfig's own status and text.
"""

from starlette.responses import Response

from . import sipxcom_wire as w
from .sipxcom_state import (ADMIN_GROUP, CATALOGUE, NPE, PGROUPS, PHONE_MODELS, SETTING_MODELS, UGROUPS, USERS,
                            as_int_key, fail, model_bean, no_row, pin_hash)
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
        names = " ".join(st.ugroup_name(x) or "" for x in groups)  # read once, before the loop
        for g in bean["groups"]:
            name = (g or {}).get("name")
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
    users = page(users, req)
    if req.fmt == "json":
        # The hot path of every run: each user's JSON is kept until that user, a group or a branch
        # changes, so one write does not make the next listing render every user again.
        return Response('{"users":[%s]}' % ",".join(user_json(st, u) for u in users), media_type="application/json")
    return bean_response(req, w.USERS, {"users": [user_bean(st, u) for u in users]})


def user_json(st, doc):
    """The user's bean as to_json renders it; a store write replaces the document, so identity is the version."""
    kept = st.user_json.get(doc["id"])
    if kept is not None and kept[0] is doc:
        return kept[1]
    text = w.to_json(w.USER, user_bean(st, doc))
    st.user_json[doc["id"]] = (doc, text)
    return text


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


user_settings = _UserSettings(_load_user, lambda obj: SETTING_MODELS["user"],
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


ugroup_settings = SettingsHandlers(ugroup_load,
                                   lambda obj: SETTING_MODELS["user"], _store_settings(UGROUPS))


def pgroup_models(req, group):
    # PhoneGroupApiImpl.getPhoneGroupModels never loads the group: any {g} lists every model.
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
    _phone_model(model)
    # The model's defaults, not the group's values, and the group is never loaded: PhoneGroupApiImpl
    # answers from newPhone(model).getSettings() for any {g}, even one that does not exist.
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
)
