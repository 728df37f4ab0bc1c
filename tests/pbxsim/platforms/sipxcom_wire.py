"""sipXcom wire formats: the /api beans (Jackson 1.9 JSON, JAXB XML), the /rest
XML (XStream) documents and the Java-style errors a client sees when a body does
not parse.

A bean is a list of fields in the server's fixed property order; the same table
renders responses and decodes requests, so a key the bean does not declare is
refused exactly where Jackson refuses it (``UnrecognizedPropertyException``).
"""

import json
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

XML_DECL_API = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
XML_DECL_REST = '<?xml version="1.0" encoding="UTF-8"?>'
# What Jackson prints as the input source in its messages (a CXF input stream).
_SOURCE = "org.apache.cxf.transport.http.AbstractHTTPDestination$1@5f1c3a9e"
INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1
MODEL_PKG = "org.sipfoundry.sipxconfig.api.model."
# Characters XML 1.0 does not allow at all (not even as references): C0 controls other than tab, LF and CR,
# lone surrogates, U+FFFE and U+FFFF. They are dropped, so that every document the simulator writes parses.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ApiError(Exception):
    """An /api answer other than success: status plus a plain-text body."""

    def __init__(self, status, body="", content_type="text/plain"):
        super().__init__(body)
        self.status = status
        self.body = body
        self.content_type = content_type


def java_error(status, text):
    return ApiError(status, text)


# -- bean tables ----------------------------------------------------------------
class F:
    """One bean property.

    kind: int (Java primitive), Integer, long, bool (primitive), Boolean, str,
    strset / strlist (JSON array, XML wrapper + items), intlist, bean, beanlist,
    map (Map<String,String>).
    """

    __slots__ = ("name", "kind", "xml", "item", "bean", "java")

    def __init__(self, name, kind="str", xml=None, item=None, bean=None):
        self.name = name
        self.kind = kind
        self.xml = xml or name
        self.item = item
        self.bean = bean
        self.java = {
            "int": "int", "Integer": "java.lang.Integer", "long": "long", "bool": "boolean",
            "Boolean": "java.lang.Boolean", "str": "java.lang.String", "strset": "java.util.Set",
            "strlist": "java.util.List", "intlist": "java.util.List", "beanlist": "java.util.List",
            "map": "java.util.Map",
        }.get(kind)


class Bean:
    def __init__(self, java, root, fields, ignore_unknown=False, init=None):
        self.java = java if "." in java else MODEL_PKG + java
        self.root = root
        self.fields = fields
        self.by_name = {f.name: f for f in fields}
        self.by_xml = {f.xml: f for f in fields}
        self.ignore_unknown = ignore_unknown
        self.init = init or {}  # Java field initialisers, e.g. an empty alias set
        self.names = tuple(f.name for f in fields)
        self.nested = tuple((f.name, f.kind, f.bean) for f in fields if f.kind in ("bean", "beanlist"))
        self._template = {f.name: _java_default(f.kind) for f in fields}

    def blank(self):
        """A freshly constructed bean: primitives at their Java defaults, the rest
        null unless the class initialises the field."""
        out = dict(self._template)
        for name, make in self.init.items():
            out[name] = make()
        return out


def _java_default(kind):
    return {"int": 0, "long": 0, "bool": False}.get(kind)


def S(name, **kw):
    return F(name, "str", **kw)


MODEL = Bean("ModelBean", "Model", [
    S("modelId"), S("label"), S("vendor"), F("versions", "strlist", xml="Versions", item="Version")])
GROUP = Bean("GroupBean", "group", [
    F("id", "int"), S("name"), S("description"), F("weight", "Integer"), F("count", "Integer")])
LINE = Bean("LineBean", "Line", [
    F("id", "int"), S("uri"), S("user"), S("userId"), S("extension"), S("displayName"), S("password"),
    S("registrationServer"), S("registrationServerPort"), S("voicemail")])
PHONE = Bean("PhoneBean", "Phone", [
    F("id", "int"), S("serialNo"), S("deviceVersion"), S("description"),
    F("model", "bean", xml="Model", bean=MODEL),
    F("lines", "beanlist", xml="Lines", item="Line", bean=LINE),
    F("groups", "beanlist", xml="Groups", item="Group", bean=GROUP)])
# The /api branch reference of a gateway: matched by name (inferred shape: id, name, description).
API_BRANCH = Bean("BranchBean", "Branch", [F("id", "int"), S("name"), S("description")])
CALLER_ALIAS = Bean("CallerAliasInfoBean", "CallerAliasInfo", [
    S("defaultCallerAlias"), F("anonymous", "bool"), F("ignoreUserInfo", "bool"),
    F("transformUserExtension", "bool"), S("addPrefix"), F("keepDigits", "int"), S("displayName"),
    S("urlParameters")])
GATEWAY = Bean("GatewayBean", "Gateway", [
    F("id", "int"), S("name"), S("serialNo"), S("deviceVersion"), S("description"),
    F("model", "bean", xml="Model", bean=MODEL), F("enabled", "bool"), S("address"),
    F("addressPort", "int"), S("outboundAddress"), F("outboundPort", "int"), S("addressTransport"),
    S("prefix"), F("shared", "bool"), F("useInternalBridge", "bool"),
    F("branch", "bean", xml="Branch", bean=API_BRANCH),
    F("callerAliasInfo", "bean", xml="CallerAliasInfo", bean=CALLER_ALIAS)])
ADDRESS = Bean("org.sipfoundry.commons.userdb.profile.Address", "Address", [
    S("country"), S("street"), S("city"), S("zip"), S("officeDesignation"), S("state")])
# Property order read from UserProfileBean's @JsonPropertyOrder and the JSON in
# UserApiTestIntegration.
PROFILE_FIELDS = [
    S("userName"), S("authAccountName"), S("firstName"), S("lastName"), S("jobTitle"), S("jobDept"),
    S("companyName"), S("assistantName"), S("location"),
    F("homeAddress", "bean", bean=ADDRESS), F("officeAddress", "bean", bean=ADDRESS),
    F("branchAddress", "bean", bean=ADDRESS), S("cellPhoneNumber"), S("homePhoneNumber"),
    S("assistantPhoneNumber"), S("faxNumber"), S("didNumber"), S("imId"), S("imDisplayName"),
    S("alternateImId"), S("emailAddress"), S("alternateEmailAddress"),
    F("emailAddressAliasesSet", "strset"), S("emailAddressAliases"), F("useBranchAddress", "bool"),
    S("branchName"), S("manager"), S("salutation"), S("employeeId"), S("twiterName"),
    S("linkedinName"), S("facebookName"), S("xingName"), F("timestamp", "long"), S("avatar"),
    S("extAvatar"), F("useExtAvatar", "bool"), F("enabled", "bool"), F("ldapManaged", "bool"),
    S("lastImportedDate"), S("disabledDate"), S("custom1"), S("custom2"), S("custom3"), S("userId"),
    S("salutationId")]
# UserProfile initialises the addresses to empty objects and enabled to true.
PROFILE = Bean("UserProfileBean", "userProfile", PROFILE_FIELDS, init={
    "homeAddress": ADDRESS.blank, "officeAddress": ADDRESS.blank, "branchAddress": ADDRESS.blank,
    "enabled": lambda: True})
USER = Bean("UserBean", "User", [
    F("id", "int"), S("userName"), S("lastName"), S("firstName"),
    F("aliases", "strset", xml="Aliases", item="Alias"), S("sipPassword"), S("pintoken"),
    S("voicemailPin"), S("branchName"), F("userProfile", "bean", bean=PROFILE), F("notified", "bool"),
    F("groups", "beanlist", xml="Groups", item="Group", bean=GROUP),
    F("permissions", "strlist", xml="Permissions", item="Permission")],
    # m_aliases = new LinkedHashSet(): a body without "aliases" still carries an
    # empty set, and UserApiImpl.convertToUser applies any non-null set.
    init={"aliases": list})
SETTING = Bean("SettingBean", "Setting", [
    S("path"), S("type"), F("options", "map"), S("value"), S("defaultValue"), S("label"), S("description")])
RING = Bean("RingBean", "Ring", [S("userName"), S("typeStr"), F("enabled", "bool"), F("expiration", "int")],
            ignore_unknown=True)  # the one bean marked @JsonIgnoreProperties(ignoreUnknown = true)
CALLGROUP = Bean("CallGroupBean", "CallGroup", [
    S("name"), S("extension"), S("did"), S("description"), F("enabled", "bool"), S("fallbackDestination"),
    F("voicemailFallback", "bool"), F("userForward", "bool"), F("useFwdTimers", "bool"),
    F("ringBeans", "beanlist", xml="Rings", item="Ring", bean=RING)])
RULE = Bean("DialRuleBean", "Rule", [F("id", "int"), S("name"), S("description"), F("enabled", "bool")])
PORT = Bean("PortBean", "Port", [F("id", "int")])


def list_bean(java, key, root, item, bean, kind="beanlist"):
    return Bean(java, root, [F(key, kind, xml=root, item=item, bean=bean)])


GATEWAYS = list_bean("GatewayList", "gateways", "Gateways", "Gateway", GATEWAY)
PHONES = list_bean("PhoneList", "phones", "Phones", "Phone", PHONE)
LINES = list_bean("LineList", "lines", "Lines", "Line", LINE)
GROUPS = list_bean("GroupList", "groups", "Groups", "Group", GROUP)
MODELS = list_bean("ModelList", "models", "Models", "Model", MODEL)
USERS = list_bean("UsersList", "users", "Users", "User", USER)
SETTINGS = list_bean("SettingsList", "settings", "Settings", "Setting", SETTING)
CALLGROUPS = list_bean("CallGroupList", "callGroups", "CallGroups", "CallGroup", CALLGROUP)
RULES = list_bean("DialRuleList", "rules", "Rules", "Rule", RULE)
PORTS = list_bean("PortList", "ports", "Ports", "Port", PORT)
IDS = list_bean("IdsList", "ids", "Ids", "Id", None, kind="intlist")
STRINGS = list_bean("StringList", "strings", "Strings", "String", None, kind="strlist")


# -- rendering -------------------------------------------------------------------
def to_json(bean, obj):
    return json.dumps(_json_value(bean, obj), separators=(",", ":"), ensure_ascii=False)


def _json_value(bean, obj):
    """The bean's properties in its fixed order (what @JsonPropertyOrder gives), nulls kept."""
    if obj is None:
        return None
    get = obj.get
    out = {name: get(name) for name in bean.names}
    for name, kind, sub in bean.nested:
        value = out[name]
        if value is not None:
            out[name] = _json_value(sub, value) if kind == "bean" else [_json_value(sub, v) for v in value]
    return out


def to_xml(bean, obj, root=None):
    parts = [XML_DECL_API]
    _xml_bean(parts, bean, obj, root or bean.root)
    return "".join(parts)


def xml_text(v):
    """A value as XML character data: escaped, without the characters XML 1.0 forbids."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return escape(_NOT_XML.sub("", str(v)))


def _xml_bean(parts, bean, obj, tag):
    inner = []
    for f in bean.fields:
        v = obj.get(f.name)
        if v is None:
            continue  # JAXB leaves nulls out
        if f.kind == "bean":
            _xml_bean(inner, f.bean, v, f.xml)
        elif f.kind == "beanlist":
            if len(bean.fields) == 1 and f.xml == tag:  # a list document: items sit under the root
                for item in v:
                    _xml_bean(inner, f.bean, item, f.item)
                continue
            inner.append("<%s>" % f.xml)
            for item in v:
                _xml_bean(inner, f.bean, item, f.item)
            inner.append("</%s>" % f.xml)
        elif f.kind in ("strset", "strlist", "intlist"):
            items = "".join("<%s>%s</%s>" % (f.item or f.name, xml_text(i), f.item or f.name) for i in v)
            if len(bean.fields) == 1 and f.xml == tag:
                inner.append(items)
            elif f.item:
                inner.append("<%s>%s</%s>" % (f.xml, items, f.xml))
            else:
                inner.append("".join("<%s>%s</%s>" % (f.xml, xml_text(i), f.xml) for i in v))
        elif f.kind == "map":
            entries = "".join("<entry><key>%s</key>%s</entry>" % (
                xml_text(k), "" if val is None else "<value>%s</value>" % xml_text(val)) for k, val in v.items())
            inner.append("<%s>%s</%s>" % (f.xml, entries, f.xml))
        else:
            inner.append("<%s>%s</%s>" % (f.xml, xml_text(v), f.xml))
    if inner:
        parts.append("<%s>%s</%s>" % (tag, "".join(inner), tag))
    else:
        parts.append("<%s/>" % tag)


# -- JSON decoding (Jackson 1.9 semantics) -----------------------------------------
_TOKENS = {dict: "START_OBJECT", list: "START_ARRAY", str: "VALUE_STRING", bool: None,
           int: "VALUE_NUMBER_INT", float: "VALUE_NUMBER_FLOAT"}


def _token(v):
    if v is True:
        return "VALUE_TRUE"
    if v is False:
        return "VALUE_FALSE"
    if v is None:
        return "VALUE_NULL"
    return _TOKENS[type(v)]


class _Ctx:
    def __init__(self, text):
        self.text = text

    def where(self, key=None):
        """Jackson's ' at [Source: ...; line: L, column: C]' suffix, pointing near key."""
        pos = self.text.find('"%s"' % key) if key is not None else -1
        pos = max(pos, 0)
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return "\n at [Source: %s; line: %d, column: %d]" % (_SOURCE, line, col)


def _mapping_error(ctx, msg, chain, key=None):
    text = "org.codehaus.jackson.map.JsonMappingException: %s%s" % (msg, ctx.where(key))
    if chain:
        text += " (through reference chain: %s)" % "->".join(chain)
    return java_error(500, text)


def _reject_constant(name):
    raise ValueError("Non-standard token '%s'" % name)


def java_strings(data):
    """Decoded JSON with each lone surrogate escape ("\\ud800") as '?'. [infer] Jackson keeps it in a
    Java String, and Java's UTF-8 encoder (PostgreSQL's driver, the response writer) writes '?' for it."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.loads(json.dumps(data, ensure_ascii=False).encode("utf-8", "replace"))
    return data


def parse_json(raw):
    """Parse a body the way Jackson's parser does; errors become its exceptions."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    if not text.strip():
        raise java_error(500, "org.codehaus.jackson.map.JsonMappingException: No content to map to Object due "
                              "to end of input")
    try:
        return text, java_strings(json.loads(text, parse_constant=_reject_constant))
    except ValueError as exc:
        pos = getattr(exc, "pos", None)
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        if pos is not None and pos < len(text):
            ch = text[pos]
            detail = "Unexpected character ('%s' (code %d)): %s" % (ch, ord(ch), getattr(exc, "msg", exc))
        else:
            detail = "Unexpected end-of-input: %s" % getattr(exc, "msg", exc)
        raise java_error(500, "org.codehaus.jackson.JsonParseException: %s\n at [Source: %s; line: %d, column: %d]"
                         % (detail, _SOURCE, line, col))


def decode_json(bean, raw):
    """Request body -> bean dict (every field present, Java defaults for absent ones)."""
    text, data = parse_json(raw)
    ctx = _Ctx(text)
    if data is None:
        return None
    return _decode_bean(ctx, bean, data, [])


def _decode_bean(ctx, bean, data, chain, key=None):
    cls = bean.java
    if not isinstance(data, dict):
        if isinstance(data, str):
            msg = ("Can not instantiate value of type [simple type, class %s] from JSON String; no single-String "
                   "constructor/factory method" % cls)
        elif isinstance(data, int) and not isinstance(data, bool):
            msg = ("Can not instantiate value of type [simple type, class %s] from JSON integral number; no "
                   "single-int-argument constructor/factory method" % cls)
        else:
            msg = "Can not deserialize instance of %s out of %s token" % (cls, _token(data))
        raise _mapping_error(ctx, msg, chain, key)
    out = bean.blank()
    for k, v in data.items():
        f = bean.by_name.get(k)
        here = chain + ['%s["%s"]' % (cls, k)]
        if f is None:
            if bean.ignore_unknown:
                continue
            raise java_error(500, (
                'org.codehaus.jackson.map.exc.UnrecognizedPropertyException: Unrecognized field "%s" (Class %s), '
                "not marked as ignorable%s (through reference chain: %s)") % (k, cls, ctx.where(k), "->".join(here)))
        out[k] = _decode_value(ctx, f, v, here, k)
    return out


def _decode_value(ctx, f, v, chain, key):
    kind = f.kind
    if v is None:
        return _java_default(kind)
    if kind == "str":
        if isinstance(v, (dict, list)):
            raise _mapping_error(ctx, "Can not deserialize instance of java.lang.String out of %s token"
                                 % _token(v), chain, key)
        if isinstance(v, bool):
            return "true" if v else "false"
        return v if isinstance(v, str) else json.dumps(v)
    if kind in ("int", "Integer", "long"):
        return _decode_int(ctx, f, v, chain, key)
    if kind in ("bool", "Boolean"):
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v != 0
        if isinstance(v, str):
            s = v.strip()
            if s in ("true", "false"):
                return s == "true"
            if s == "":
                return _java_default(kind)
            raise _mapping_error(ctx, "Can not construct instance of %s from String value '%s': only \"true\" or "
                                 "\"false\" recognized" % (f.java, v), chain, key)
        raise _mapping_error(ctx, "Can not deserialize instance of %s out of %s token" % (f.java, _token(v)),
                             chain, key)
    if kind in ("strset", "strlist", "intlist", "beanlist"):
        if not isinstance(v, list):
            raise _mapping_error(ctx, "Can not deserialize instance of %s out of %s token" % (f.java, _token(v)),
                                 chain, key)
        out = []
        for item in v:
            if kind == "beanlist":
                out.append(_decode_bean(ctx, f.bean, item, chain, key) if item is not None else None)
            elif kind == "intlist":
                out.append(_decode_int(ctx, F(key, "Integer"), item, chain, key) if item is not None else None)
            else:
                out.append(_decode_value(ctx, F(key, "str"), item, chain, key))
        if kind == "strset":
            out = list(dict.fromkeys(out))
        return out
    if kind == "bean":
        return _decode_bean(ctx, f.bean, v, chain, key)
    if kind == "map":
        if not isinstance(v, dict):
            raise _mapping_error(ctx, "Can not deserialize instance of java.util.Map out of %s token" % _token(v),
                                 chain, key)
        return {k: _decode_value(ctx, F(k, "str"), val, chain, key) for k, val in v.items()}
    return v


def _decode_int(ctx, f, v, chain, key):
    java = f.java
    if isinstance(v, bool) or isinstance(v, (dict, list)):
        raise _mapping_error(ctx, "Can not deserialize instance of %s out of %s token" % (java, _token(v)),
                             chain, key)
    if isinstance(v, float):
        v = int(v)
    elif isinstance(v, str):
        s = v.strip()
        if s == "":
            return _java_default(f.kind)
        if not re.fullmatch(r"[+-]?\d+", s):
            raise _mapping_error(ctx, "Can not construct instance of %s from String value '%s': not a valid "
                                 "%s value" % (java, v, "Long" if f.kind == "long" else "Integer"), chain, key)
        v = int(s)
    limit = 2 ** 63 if f.kind == "long" else 2 ** 31
    if not -limit <= v < limit:
        raise java_error(500, "org.codehaus.jackson.JsonParseException: Numeric value (%s) out of range of %s%s"
                         % (v, "long" if f.kind == "long" else "int", ctx.where(key)))
    return v


# -- XML decoding (JAXB semantics) ---------------------------------------------------
def parse_xml(raw):
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (1, 0))
        raise ApiError(400, "JAXBException occurred : ParseError at [row,col]:[%d,%d]\nMessage: %s. "
                       % (line, col + 1, str(exc).split(":", maxsplit=1)[0]))


def decode_xml(bean, raw):
    """JAXB: the root element must match, unknown elements are skipped, values
    that do not convert leave the field at its default."""
    if not raw or not raw.strip():
        raise ApiError(400, "JAXBException occurred : Premature end of file.. ")
    root = parse_xml(raw)
    if root.tag != bean.root:
        raise ApiError(400, 'JAXBException occurred : unexpected element (uri:"", local:"%s"). Expected elements '
                       'are <{}%s>. ' % (root.tag, bean.root))
    return _xml_decode_bean(bean, root)


def _xml_decode_bean(bean, elem):
    out = bean.blank()
    list_doc = len(bean.fields) == 1 and bean.fields[0].xml == bean.root
    for child in elem:
        if list_doc:  # a list document: its items sit directly under the root
            f = bean.fields[0] if child.tag == bean.fields[0].item else None
        else:
            f = bean.by_xml.get(child.tag)
        if f is None:
            continue
        if f.kind == "bean":
            out[f.name] = _xml_decode_bean(f.bean, child)
        elif f.kind in ("beanlist", "strset", "strlist", "intlist"):
            items = [child] if list_doc or not f.item else list(child)
            vals = out.get(f.name) or []
            for it in items:
                if f.kind == "beanlist":
                    vals.append(_xml_decode_bean(f.bean, it))
                elif f.kind == "intlist":
                    n = _xml_int(it.text)
                    if n is not None:
                        vals.append(n)
                else:
                    vals.append(it.text or "")
            out[f.name] = list(dict.fromkeys(vals)) if f.kind == "strset" else vals
        elif f.kind == "map":
            out[f.name] = {(e.findtext("key") or ""): e.findtext("value") for e in child.findall("entry")}
        elif f.kind in ("int", "Integer", "long"):
            n = _xml_int(child.text)
            out[f.name] = n if n is not None else _java_default(f.kind)
        elif f.kind in ("bool", "Boolean"):
            t = (child.text or "").strip()
            out[f.name] = True if t in ("true", "1") else False if t in ("false", "0") else _java_default(f.kind)
        else:
            out[f.name] = child.text or ""
    return out


def _xml_int(text):
    t = (text or "").strip()
    if re.fullmatch(r"[+-]?\d+", t) and INT_MIN <= int(t) <= INT_MAX:
        return int(t)
    return None


# -- /rest (Restlet + XStream) --------------------------------------------------------
def rest_xml(tag, value):
    """A /rest document: nested (tag, value) pairs; dict = element, list = repeated
    children given as (tag, value) tuples, None = omitted."""
    parts = [XML_DECL_REST]
    _rest_elem(parts, tag, value)
    return "".join(parts)


def _rest_elem(parts, tag, value):
    if value is None:
        return
    if isinstance(value, dict):
        parts.append("<%s>" % tag)
        for k, v in value.items():
            _rest_elem(parts, k, v)
        parts.append("</%s>" % tag)
    elif isinstance(value, list):
        parts.append("<%s>" % tag)
        for child_tag, child in value:
            _rest_elem(parts, child_tag, child)
        parts.append("</%s>" % tag)
    else:
        parts.append("<%s>%s</%s>" % (tag, xml_text(value), tag))


def rest_json(tag, value):
    """Jettison-style JSON: the root wrapper stays; a repeated child list becomes an array."""
    return json.dumps({tag: _rest_json_value(value)}, separators=(",", ":"), ensure_ascii=False)


def _rest_json_value(value):
    if isinstance(value, dict):
        return {k: _rest_json_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_rest_json_value(v) for _tag, v in value]
    return value


def rest_envelope(code, message, data=None):
    inner = "<code>%s</code><message>%s</message>" % (code, xml_text(message))
    if data:
        inner += "<data>%s</data>" % "".join("<%s>%s</%s>" % (k, xml_text(v), k) for k, v in data)
    return XML_DECL_REST + "<response>%s</response>" % inner


def json_to_element(tag, value):
    """Read a Jettison (mapped convention) JSON body as the XML it stands for:
    objects are elements, arrays repeat their element, scalars are text."""
    elem = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            for item in (v if isinstance(v, list) else [v]):
                elem.append(json_to_element(k, item))
    elif value is not None:
        elem.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return elem
