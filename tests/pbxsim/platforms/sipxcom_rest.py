"""sipXcom /sipxconfig/rest/* (Restlet + XStream): branches, E911 locations and
the legacy user resource.

Reads default to XML (JSON when the client prefers it); writes always answer
with the XML envelope of RestUtilities (201 SUCCESS_CREATED + <data><id>,
200 SUCCESS_UPDATED/_DELETED, 400 for missing objects and bad input, 500 for
failed writes with the raw ``&...`` key in <additionalMessage>). PUT creates
without an id and replaces with one; POST is 405.
"""

import hashlib
import json
import xml.etree.ElementTree as ET

from starlette.responses import Response

from . import sipxcom_wire as w
from .sipxcom_state import BRANCHES, ERLS, PGROUPS, PHONES, UGROUPS, USERS, as_int_key, pin_hash
from .sipxcom_wire import ApiError

STATUS = {"SUCCESS_CREATED": 201, "SUCCESS_UPDATED": 200, "SUCCESS_DELETED": 200, "ERROR_MISSING_ID": 400,
          "ERROR_OBJECT_NOT_FOUND": 400, "ERROR_ID_INVALID": 400, "ERROR_VALIDATION_FAILED": 400,
          "ERROR_UPDATE_FAILED": 500, "ERROR_CREATE_FAILED": 500, "ERROR_READ_FAILED": 500,
          "ERROR_DELETE_FAILED": 500, "ERROR_REFERENCE_EXISTS": 500}
MESSAGES = {"ERROR_OBJECT_NOT_FOUND": "Could not retrieve object using ID", "ERROR_MISSING_ID": "ID value missing "
            "from request", "ERROR_READ_FAILED": "Read failed", "ERROR_UPDATE_FAILED": "Update failed",
            "ERROR_CREATE_FAILED": "Create failed", "ERROR_DELETE_FAILED": "Delete failed",
            "ERROR_ID_INVALID": "ID value is invalid", "ERROR_VALIDATION_FAILED": "Failed input validation",
            "ERROR_REFERENCE_EXISTS": "Reference to object still exists", "SUCCESS_UPDATED": "Updated",
            "SUCCESS_CREATED": "Created", "SUCCESS_DELETED": "Deleted"}


class RestError(Exception):
    def __init__(self, code, additional=None, object_id=None):
        super().__init__(code)
        self.code = code
        self.additional = additional
        self.object_id = object_id


def envelope(code, object_id=None, additional=None):
    data = []
    if object_id is not None:
        data.append(("id", object_id))
    if additional is not None:
        data.append(("additionalMessage", additional))
    return Response(w.rest_envelope(code, MESSAGES.get(code, "Unhandled messageType"), data),
                    status_code=STATUS.get(code, 200), media_type="text/xml")


def error_response(exc):
    return envelope(exc.code, exc.object_id, exc.additional)


def from_api_error(exc, code):
    """A domain failure seen through a Restlet resource: the exception's message
    (the raw &... key) goes into additionalMessage."""
    text = exc.body or ""
    return RestError(code, text.split(": ", 1)[1] if ": " in text else text)


def document(req, tag, value):
    if req.rest_json:
        return Response(w.rest_json(tag, value), media_type="application/json")
    return Response(w.rest_xml(tag, value), media_type="text/xml")


def plain(text):
    return Response(text or "", media_type="text/plain")


def body_element(req, root, failure):
    """The request body as an XML element; JSON bodies need the root wrapper."""
    raw = req.body
    try:
        if "json" in req.content_type:
            data = w.java_strings(json.loads(raw.decode("utf-8")))
            if not isinstance(data, dict) or root not in data:
                raise ValueError("com.thoughtworks.xstream.mapper.CannotResolveClassException: %s"
                                 % (next(iter(data)) if isinstance(data, dict) and data else "null"))
            return w.json_to_element(root, data[root])
        elem = ET.fromstring(raw)
    except (ValueError, ET.ParseError, UnicodeDecodeError) as exc:
        raise RestError(failure, str(exc) or "com.thoughtworks.xstream.io.StreamException")
    if elem.tag != root:
        raise RestError(failure, "com.thoughtworks.xstream.mapper.CannotResolveClassException: %s" % elem.tag)
    return elem


def text_of(elem, tag):
    child = elem.find(tag)
    return None if child is None else (child.text or "")


def listing(req, root, list_tag, item_tag, items, sort_keys):
    """RestUtilities pagination (page+pagesize, clamped to the last page) and sorting."""
    q = req.query
    sortby, sortdir = q.get("sortby"), q.get("sortdir")
    if sortby and sortdir and sortby in sort_keys:
        items = sorted(items, key=lambda x: (sort_keys[sortby](x) or "").lower(),
                       reverse=sortdir.lower() == "reverse")
    total = len(items)
    pg, size = as_int_key(q.get("page") or ""), as_int_key(q.get("pagesize") or "")
    if pg is not None and size is not None and pg >= 1 and size >= 1:
        pages = (total - 1) // size + 1 if total else 1
        pg = min(pg, pages)
        shown = items[(pg - 1) * size:pg * size]
    else:
        pg, pages, size, shown = 1, 1, total, items
    meta = {"totalResults": total, "currentPage": pg, "totalPages": pages, "resultsPerPage": size}
    return document(req, root, {"metadata": meta, list_tag: [(item_tag, i) for i in shown]})


def _id(key):
    if key is None or key == "":
        raise RestError("ERROR_MISSING_ID")
    n = as_int_key(key)
    if n is None:
        raise RestError("ERROR_ID_INVALID")
    return n


# -- branches ---------------------------------------------------------------------------
ADDRESS_KEYS = ("street", "city", "country", "state", "zip", "officeDesignation")


def branch_value(doc):
    addr = doc.get("address")
    return {"id": doc["id"], "name": doc["name"], "description": doc["description"],
            "address": dict({"id": addr["id"]}, **{k: addr.get(k) for k in ADDRESS_KEYS}) if addr else None,
            "phoneNumber": doc["phoneNumber"], "faxNumber": doc["faxNumber"]}


def branches_list(req):
    return listing(req, "branch", "branches", "branch", [branch_value(b) for b in req.sim.store.all(BRANCHES)],
                   {"name": lambda b: b["name"], "description": lambda b: b["description"]})


def _load_branch(req, bid):
    doc = req.sim.store.get(BRANCHES, _id(bid))
    if doc is None:
        raise RestError("ERROR_OBJECT_NOT_FOUND")
    return doc


def branch_get(req, bid):
    return document(req, "branch", branch_value(_load_branch(req, bid)))


def _branch_from(req, elem, doc, failure):
    name = (text_of(elem, "name") or "").strip()
    if not name:
        raise RestError("ERROR_VALIDATION_FAILED", "Name: Cannot be empty")
    other = req.st.branch_by_name.get(name)
    if other is not None and other != doc["id"]:
        raise RestError(failure, "&duplicate.name.error")  # (inferred key)
    addr_elem = elem.find("address")
    address = None
    if addr_elem is not None:
        old = doc.get("address") or {}
        address = {"id": old.get("id") or req.sim.store.next_id("sipxcom.address")}
        address.update({k: text_of(addr_elem, k) for k in ADDRESS_KEYS})
    doc.update({"name": name, "description": text_of(elem, "description"), "address": address,
                "phoneNumber": text_of(elem, "phoneNumber"), "faxNumber": text_of(elem, "faxNumber")})
    return doc


def branch_create(req):
    elem = body_element(req, "branch", "ERROR_CREATE_FAILED")
    doc = req.st.save_branch(_branch_from(req, elem, {"id": None}, "ERROR_CREATE_FAILED"))
    return envelope("SUCCESS_CREATED", doc["id"])


def branch_update(req, bid):
    doc = dict(_load_branch(req, bid))
    elem = body_element(req, "branch", "ERROR_UPDATE_FAILED")
    req.st.save_branch(_branch_from(req, elem, doc, "ERROR_UPDATE_FAILED"))  # a full replacement
    return envelope("SUCCESS_UPDATED", doc["id"])


def branch_delete(req, bid):
    req.st.delete_branch(_load_branch(req, bid))
    return envelope("SUCCESS_DELETED", int(bid))


def missing_id(req):
    raise RestError("ERROR_MISSING_ID")


# -- E911 locations (shapes beyond GET /rest/erls are inferred) -------------------------------
def erl_value(doc, serial=None):
    out = {"location": doc["location"], "elin": doc["elin"], "addressInfo": doc["addressInfo"],
           "description": doc["description"]}
    if serial is not None:
        out["serial"] = serial
    return out


def erls_list(req):
    return document(req, "e911Locations", [("e911Location", erl_value(e)) for e in req.sim.store.all(ERLS)])


def _erl_fields(elem):
    out = {k: text_of(elem, k) for k in ("location", "elin", "addressInfo", "description")}
    out["elin"] = (out["elin"] or "").strip()
    if not out["elin"]:
        raise RestError("ERROR_VALIDATION_FAILED", "&blank.elin.error")
    if not (out["location"] or "").strip():
        raise RestError("ERROR_VALIDATION_FAILED", "&blank.location.error")
    return out


def erls_put(req):
    """Upsert a list by ELIN, all or nothing."""
    root = body_element(req, "e911Locations", "ERROR_UPDATE_FAILED")
    items = [_erl_fields(e) for e in root.findall("e911Location")]
    seen = set()
    for item in items:
        if item["elin"] in seen:
            raise RestError("ERROR_UPDATE_FAILED", "&duplicate.elin.error")
        seen.add(item["elin"])
    created = False
    for item in items:
        old = req.st.erl(item["elin"])
        created = created or old is None
        req.st.save_erl(dict(item, id=old["id"] if old else None))
    return envelope("SUCCESS_UPDATED")


def erls_delete(req):
    if not req.body.strip():
        raise RestError("ERROR_MISSING_ID")
    root = body_element(req, "e911Locations", "ERROR_DELETE_FAILED")
    for e in root.findall("e911Location"):
        doc = req.st.erl((text_of(e, "elin") or "").strip())
        if doc is None:
            raise RestError("ERROR_OBJECT_NOT_FOUND")
        req.st.delete_erl(doc)
    return envelope("SUCCESS_DELETED")


def _load_erl(req, elin):
    doc = req.st.erl(elin)
    if doc is None:
        raise RestError("ERROR_OBJECT_NOT_FOUND")
    return doc


def erl_get(req, elin):
    return document(req, "e911Location", erl_value(_load_erl(req, elin)))


def erl_put(req, elin):
    doc = _load_erl(req, elin)
    fields = _erl_fields(body_element(req, "e911Location", "ERROR_UPDATE_FAILED"))
    other = req.st.erl(fields["elin"])
    if other is not None and other["id"] != doc["id"]:
        raise RestError("ERROR_UPDATE_FAILED", "&duplicate.elin.error")
    req.st.erl_by_elin.pop(doc["elin"], None)
    req.st.save_erl(dict(doc, **fields))
    return envelope("SUCCESS_UPDATED", doc["id"])


def erl_delete(req, elin):
    doc = _load_erl(req, elin)
    req.st.delete_erl(doc)
    return envelope("SUCCESS_DELETED", doc["id"])


def _elin_of(req, settings):
    ref = as_int_key(settings.get("e911/location") or "")
    doc = req.sim.store.get(ERLS, ref) if ref is not None else None
    return doc["elin"] if doc else ""


def _link_handlers(coll, find, effective=None):
    """GET/PUT/DELETE of the ERL linked to a user, user group or phone group (text/plain ELIN).
    A user reads its effective location: its own, else its groups' (User.getE911LocationId)."""
    def load(req, name):
        doc = find(req, name)
        if doc is None:
            raise RestError("ERROR_OBJECT_NOT_FOUND")
        return doc

    def set_location(req, doc, erl_id):
        settings = dict(doc["settings"])
        if erl_id is None:
            settings.pop("e911/location", None)
        else:
            settings["e911/location"] = str(erl_id)
        req.sim.store.put(coll, doc["id"], dict(doc, settings=settings))

    def get(req, name):
        doc = load(req, name)
        if effective is not None:
            return plain(_elin_of(req, {"e911/location": effective(req, doc)}))
        return plain(_elin_of(req, doc["settings"]))

    def put(req, name):
        doc = load(req, name)
        elin = req.plain_text().strip()
        erl = req.st.erl(elin) if elin else None
        if elin and erl is None:
            raise RestError("ERROR_OBJECT_NOT_FOUND", elin)
        set_location(req, doc, erl["id"] if erl else None)
        return envelope("SUCCESS_UPDATED", doc["id"])

    def delete(req, name):
        doc = load(req, name)
        set_location(req, doc, None)
        return envelope("SUCCESS_DELETED", doc["id"])

    return get, put, delete


erl_user_get, erl_user_put, erl_user_delete = _link_handlers(
    USERS, lambda req, key: req.st.user(key), lambda req, doc: req.st.user_setting(doc, "e911/location"))
erl_group_get, erl_group_put, erl_group_delete = _link_handlers(
    UGROUPS, lambda req, key: req.st.group_by_name(UGROUPS, key))
erl_pgroup_get, erl_pgroup_put, erl_pgroup_delete = _link_handlers(
    PGROUPS, lambda req, key: req.st.group_by_name(PGROUPS, key))


def erl_phone_get(req, serial):
    pid = req.st.phone_by_serial.get(serial)
    phone = req.sim.store.get(PHONES, pid) if pid is not None else None
    if phone is None:
        raise RestError("ERROR_OBJECT_NOT_FOUND")
    # Phone.getE911LocationId reads the setting as every BeanWithGroups does: the phone's own value, else its
    # groups' by weight, the heaviest last (as users; the seed shows no phone-group example: inferred).
    elin = _elin_of(req, phone["settings"])
    if not elin:
        for g in req.st.groups_sorted(PGROUPS, phone["groups"]):
            elin = _elin_of(req, g["settings"]) or elin
    items = [("e911Location", erl_value(req.st.erl(elin), serial))] if elin else []
    return document(req, "e911Locations", items)


def erl_phones_put(req):
    root = body_element(req, "phones", "ERROR_UPDATE_FAILED")
    links = []
    for p in root.findall("phone"):
        serial, elin = (text_of(p, "serial") or "").strip(), (text_of(p, "elin") or "").strip()
        pid, erl = req.st.phone_by_serial.get(serial), req.st.erl(elin)
        if pid is None or erl is None:
            raise RestError("ERROR_OBJECT_NOT_FOUND", serial if pid is None else elin)
        links.append((pid, erl["id"]))
    for pid, erl_id in links:
        phone = req.sim.store.get(PHONES, pid)
        req.sim.store.put(PHONES, pid, dict(phone, settings=dict(phone["settings"], **{"e911/location": str(erl_id)})))
    return envelope("SUCCESS_UPDATED")


# -- legacy users (UsersResource) --------------------------------------------------------
def user_value(req, doc):
    groups = req.st.groups_sorted(UGROUPS, doc["groups"])
    branch = req.sim.store.get(BRANCHES, doc["branch"]) if doc["branch"] is not None else None
    return {"id": doc["id"], "lastName": doc["lastName"], "firstName": doc["firstName"],
            "userName": doc["userName"], "pin": "", "sipPassword": "",
            "emailAddress": (doc["profile"] or {}).get("emailAddress"),
            "groups": [("group", {"id": g["id"], "name": g["name"], "description": g["description"]})
                       for g in groups] or None,
            "branch": {"id": branch["id"], "name": branch["name"], "description": branch["description"]}
            if branch else None,
            "aliases": [("alias", {"alias": a}) for a in doc["aliases"]] or None}


def users_list(req):
    users = req.sim.store.all(USERS)
    branch = as_int_key(req.query.get("branch") or "")
    if branch is not None:
        users = [u for u in users if u["branch"] == branch]
    ids = req.query.get("ids")
    if ids:
        wanted = {as_int_key(x) for x in ids.split(",")}
        users = [u for u in users if u["id"] in wanted]
    return listing(req, "user", "users", "user", [user_value(req, u) for u in users],
                   {"username": lambda u: u["userName"], "lastname": lambda u: u["lastName"],
                    "firstname": lambda u: u["firstName"]})


def _load_user(req, uid):
    doc = req.sim.store.get(USERS, _id(uid))
    if doc is None:
        raise RestError("ERROR_OBJECT_NOT_FOUND")
    return doc


def user_get(req, uid):
    return document(req, "user", user_value(req, _load_user(req, uid)))


def _user_from(req, elem, doc, failure):
    name = (text_of(elem, "userName") or "").strip()
    if not name:
        raise RestError("ERROR_VALIDATION_FAILED", "UserName: Cannot be empty")
    pin, sip = text_of(elem, "pin"), text_of(elem, "sipPassword")
    if pin is None or sip is None:
        raise RestError(failure, "java.lang.NullPointerException")  # (inferred)
    doc.update({"userName": name, "lastName": text_of(elem, "lastName"), "firstName": text_of(elem, "firstName")})
    if pin:  # an empty PIN keeps the current one
        realm = req.sim.config.sipxcom_realm
        doc["pintoken"] = hashlib.md5(("%s:%s:%s" % (name, realm, pin)).encode()).hexdigest()
        doc["voicemailPin"] = pin_hash(name, pin)
    if sip:
        doc["sipPassword"] = sip
    email = text_of(elem, "emailAddress")
    if email is not None:
        doc["profile"] = dict(doc["profile"] or {}, emailAddress=email.lower() or None)
    # Groups, branch and aliases are referenced by id; leaving one out clears it.
    gids = []
    for g in elem.findall("groups/group"):
        gid = as_int_key(text_of(g, "id") or "")
        if gid is not None and req.sim.store.get(UGROUPS, gid) and gid not in gids:
            gids.append(gid)
    doc["groups"] = gids
    bid = as_int_key(text_of(elem, "branch/id") or "") if elem.find("branch") is not None else None
    doc["branch"] = bid if bid is not None and req.sim.store.get(BRANCHES, bid) else None
    doc["aliases"] = [a.text for a in elem.findall("aliases/alias/alias") if a.text]
    try:
        return req.st.save_user(doc)
    except ApiError as exc:
        raise from_api_error(exc, failure)


def user_create(req):
    elem = body_element(req, "user", "ERROR_CREATE_FAILED")
    doc = _user_from(req, elem, req.st.new_user_doc(), "ERROR_CREATE_FAILED")
    return envelope("SUCCESS_CREATED", doc["id"])


def user_update(req, uid):
    doc = dict(_load_user(req, uid))
    elem = body_element(req, "user", "ERROR_UPDATE_FAILED")
    _user_from(req, elem, doc, "ERROR_UPDATE_FAILED")
    return envelope("SUCCESS_UPDATED", doc["id"])


def user_delete(req, uid):
    doc = _load_user(req, uid)
    req.st.delete_user(doc)
    return envelope("SUCCESS_DELETED", doc["id"])


ROUTES = [
    ("GET", "/rest/branch", branches_list),
    ("PUT", "/rest/branch", branch_create),
    ("DELETE", "/rest/branch", missing_id),
    ("GET", "/rest/branch/{bid}", branch_get),
    ("PUT", "/rest/branch/{bid}", branch_update),
    ("DELETE", "/rest/branch/{bid}", branch_delete),
    ("GET", "/rest/erls", erls_list),
    ("PUT", "/rest/erls", erls_put),
    ("DELETE", "/rest/erls", erls_delete),
    ("GET", "/rest/erl/elin/{elin}", erl_get),
    ("PUT", "/rest/erl/elin/{elin}", erl_put),
    ("DELETE", "/rest/erl/elin/{elin}", erl_delete),
    ("GET", "/rest/erl/user/{name}", erl_user_get),
    ("PUT", "/rest/erl/user/{name}", erl_user_put),
    ("DELETE", "/rest/erl/user/{name}", erl_user_delete),
    ("GET", "/rest/erl/group/{name}", erl_group_get),
    ("PUT", "/rest/erl/group/{name}", erl_group_put),
    ("DELETE", "/rest/erl/group/{name}", erl_group_delete),
    ("GET", "/rest/erl/phone/{serial}", erl_phone_get),
    ("PUT", "/rest/erl/phones", erl_phones_put),
    ("GET", "/rest/erl/phonegroup/{name}", erl_pgroup_get),
    ("PUT", "/rest/erl/phonegroup/{name}", erl_pgroup_put),
    ("DELETE", "/rest/erl/phonegroup/{name}", erl_pgroup_delete),
    ("GET", "/rest/user", users_list),
    ("PUT", "/rest/user", user_create),
    ("DELETE", "/rest/user", missing_id),
    ("GET", "/rest/user/{uid}", user_get),
    ("PUT", "/rest/user/{uid}", user_update),
    ("DELETE", "/rest/user/{uid}", user_delete),
]
