"""sipXcom /sipxconfig/api/* devices: phones (lines, groups, settings,
sendProfile), gateways (models, settings, ports, dial rules) and call groups.
Handlers follow the conventions of sipxcom_api."""

from . import sipxcom_wire as w
from .sipxcom_api import (NO_PHONE_MODEL, SettingsHandlers, _phone_model, _settings_routes, _send_profile_routes,
                          _store_settings, bean_response, empty, id_response, not_found, page)
from .sipxcom_state import (CATALOGUE, DEVICE_VERSIONS, GATEWAY_MODELS, GATEWAYS, LINES, NPE, PGROUPS,
                            PHONE_MODELS, PHONES, PORTS, RULES, SETTING_MODELS, USERS, CALLGROUPS, as_int_key,
                            fail, gateway_setting_model, model_bean, no_row)
from .sipxcom_wire import ApiError


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
    """PhoneApiImpl.convertToPhone: a group is skipped when its name is contained in the phone's current
    group names (StringUtils.contains(phone.getGroupsNames(), name), read once before the loop)."""
    gids = list(gids)
    names = " ".join(g["name"] for g in (st.store.get(coll, x) for x in gids) if g)
    for g in group_beans or []:
        name = (g or {}).get("name")
        if name is not None and name in names:
            continue
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


phone_settings = SettingsHandlers(_load_phone, lambda obj: SETTING_MODELS["phone"],
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


def _sent(req, docs, restart):
    """Count each profile sent (and restart asked), per phone, for GET /_sim/sipxcom/phones/{serial}."""
    for doc in docs:
        doc = req.sim.store.get(PHONES, doc["id"])
        req.sim.store.put(PHONES, doc["id"], dict(doc, profilesSent=doc.get("profilesSent", 0) + 1,
                                                  restarts=doc.get("restarts", 0) + (1 if restart else 0)))


def send_profile_one(req, phone, restart=None):
    doc = req.st.phone(phone)
    if doc is None:
        raise fail(500, NPE)
    _sent(req, [doc], restart)
    return empty()


def send_profile_ids(req, restart=None):
    if req.fmt_in != "json":
        raise ApiError(415)
    bean = req.bean(w.IDS)
    if bean is None:
        raise fail(500, NPE)
    docs = []
    for pid in bean["ids"] or []:
        doc = req.sim.store.get(PHONES, pid) if pid is not None else None
        if doc is None:
            raise no_row("phone.Phone", pid)
        docs.append(doc)
    # (inferred) PhoneApiImpl loads every id before it sends anything: one unknown id sends none.
    _sent(req, docs, restart)
    return empty()


def send_profile_all(req, restart=None):
    _sent(req, req.sim.store.all(PHONES), restart)
    return empty()


def send_profile_user(req, kind, user, restart=None):
    doc = req.st.user(user) if kind == "name" else req.sim.store.get(USERS, as_int_key(user))
    if doc is None:
        raise not_found("User not found")
    _sent(req, req.st.phones_of_user(doc["id"]), restart)
    return empty()


def send_profile_group(req, kind, group, restart=None):
    key = as_int_key(group) if kind == "id" else req.st.pgroup_by_name.get(group)
    if key is None or req.sim.store.get(PGROUPS, key) is None:
        raise not_found()
    _sent(req, [p for p in req.sim.store.all(PHONES) if key in p["groups"]], restart)
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
    gateways = [req.st.gateway_bean(g) for g in req.sim.store.all(GATEWAYS)]
    return bean_response(req, w.GATEWAYS, {"gateways": gateways})


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
        # Reference sipxcom.md §4: an unknown or missing model.modelId gives 404 "No such phone model defined"
        # (GatewayApiImpl looks the model up itself; the 500 IllegalArgumentException is the phones' answer).
        raise not_found(NO_PHONE_MODEL)
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


port_settings = SettingsHandlers(_load_port,
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
            # sipxcom.md §10: swallowed, the group saved anyway; that only this ring goes (not the rest of
            # the loop, and no ring without a user) is inferred.
            continue
        rings.append({"user": user, "type": r["typeStr"] if r["typeStr"] in RING_TYPES else RING_TYPES[0],
                      "enabled": r["enabled"], "expiration": r["expiration"]})
    doc["rings"] = rings
    return doc


# CallGroup's own defaults for the two properties the bean initialises to true.
CALLGROUP_BEAN = w.Bean("CallGroupBean", "CallGroup", w.CALLGROUP.fields,
                        init={"voicemailFallback": lambda: True, "userForward": lambda: True})


def callgroups_list(req):
    groups = [callgroup_bean(req.st, c) for c in req.sim.store.all(CALLGROUPS)]
    return bean_response(req, w.CALLGROUPS, {"callGroups": groups})


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


# -- routes ---------------------------------------------------------------------
ROUTES = (
    [("GET", "/api/phones", phones_list),
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
    # PhoneApi has no PUT .../settings of several values (only one path at a time, text/plain): 405.
    + [r for r in _settings_routes("/api/phones/{phone}", phone_settings)
       if r[:2] != ("PUT", "/api/phones/{phone}/settings")]
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
