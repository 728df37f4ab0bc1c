"""IPCortex type ``extension`` on /rest/dialplan/ (seed 002, ipcortex.md §3).

An extension is stored under its ``scoped_exten``: the number for an ordinary
extension (one dial plan shared by every company), ``<number>_<company>`` for a
private one.  That key is unique, so lookups by number never scan: a number in
a company is either ``<n>`` (if that row belongs to the company) or
``<n>_<company>``.
"""

import re

from .ipcortex_common import (
    ALREADY_EXISTS, COMPANIES, EXACTLY_ONE, EXTENSIONS, USERS, Fail, as_int, company_exists, invalid, is_bool, str_list,
)

READ_COLUMNS = ("virt_exten", "company", "scoped_exten", "owner", "name", "ring_type", "callerid", "ring_time")
RING_TYPES = "AHQIFTCOVPX"
BOUNCE_MODES = ("disabled", "1", "orig", "last", "fall")
# An underscore would make scoped_exten ambiguous; "400b" shows letters are fine.
NUMBER_RE = re.compile(r"[0-9A-Za-z*#+]{1,32}")
# Seed 002: "alphanumeric, dot, space, dash and underscore"; letters of any script [infer], 64 at most [infer].
NAME_RE = re.compile(r"[\w. -]{0,64}")
QUEUE_RE = re.compile(
    r"[adeflrADEFLR][y ][yY ][y ][y ][ 13yl](?:  |0[1-9]|[1-9][0-9])  "
    r"(?:  |[0-9]{2}){4}(?:[y ](?:  |0[1-9]|[1-9][0-9]|aa)?)?"
)


def _opt_range(lo, hi):
    def check(value, row, col):
        if value is None:
            return None
        n = as_int(value)
        if n is None or not lo <= n <= hi:
            raise invalid(col)
        return n
    return check


def _range(lo, hi):
    def check(value, row, col):
        n = as_int(value)
        if n is None or not lo <= n <= hi:
            raise invalid(col)
        return n
    return check


def _choice(*allowed):
    def check(value, row, col):
        if value not in allowed:
            raise invalid(col)
        return value
    return check


def _text(pattern=None):
    def check(value, row, col):
        if not isinstance(value, str) or (pattern is not None and not re.fullmatch(pattern, value)):
            raise invalid(col)
        return value
    return check


def _boolean(value, row, col):
    if not is_bool(value):
        raise invalid(col)
    return bool(value)


def _name(value, row, col):
    if not isinstance(value, str) or not NAME_RE.fullmatch(value):
        raise invalid(col)
    return value


def _ring_time(value, row, col):
    if value is None:
        return None
    n = as_int(value)
    top = 49 if row.get("ring_type") == "O" else 999  # O: number of orbits
    if n is None or not 0 <= n <= top:
        raise invalid(col)
    return n


def _passcode(value, row, col):
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,16}", value):
        return value
    raise invalid(col)


def _intro(value, row, col):
    if isinstance(value, str) and re.fullmatch(r"[0-9]{2}", value):
        return value
    raise invalid(col)


def _cname_prefix(value, row, col):
    if value is None or value in ("exten", "exnam"):
        return value
    n = as_int(value)
    if n is None or not 0 <= n <= 6:
        raise invalid(col)
    return n


def _subtype(value, row, col):
    if not isinstance(value, str):
        raise invalid(col)
    kind = row.get("ring_type")
    if value == "":
        return value
    if kind == "C" and value == "Q":
        return value
    # The doc says "18 characters" but defines bytes up to 21: accept both lengths.
    if kind == "Q" and 18 <= len(value) <= 21 and QUEUE_RE.fullmatch(value):
        return value
    raise invalid(col)


def _bounce_mode(value, row, col):
    if value not in BOUNCE_MODES:
        raise invalid(col)
    if value != "disabled" and row.get("ring_type") not in ("A", "H", "Q"):
        raise invalid(col)
    return value


def _fid(value, row, col):
    if value is None:
        return None
    n = as_int(value)
    if n not in (0, 1):
        raise invalid(col)
    return n


def _email(value, row, col):
    if not isinstance(value, str) or (value and not re.fullmatch(r"[^@\s]+@[^@\s]+", value)):
        raise invalid(col)
    return value


def _callerid(value, row, col):
    # A leading "-" asks for the number to be withheld by default.
    if not isinstance(value, str) or not re.fullmatch(r"(-?\+?[0-9]{1,20})?", value):
        raise invalid(col)
    return value


def _target(value, row, col):
    if not isinstance(value, str) or (value and not NUMBER_RE.fullmatch(value.split("_", 1)[0])):
        raise invalid(col)
    return value


# Every column update/readfull accept, in the order of the reference's table,
# with its validator and the value a freshly created extension has.
COLUMNS = (
    ("name", _name, ""),
    ("voicemail_box", _text(r"[0-9A-Za-z*#]{0,32}"), ""),
    ("voicemail_mon", _range(1, 4), 3),
    ("priority", _opt_range(0, 10), None),
    ("ring_type", _choice(*RING_TYPES), "A"),
    ("ring_time", _ring_time, None),
    ("passcode", _passcode, None),
    ("phonebook", _range(0, 3), 3),
    ("callerid", _callerid, ""),
    ("ivr_menu", _text(), ""),
    ("vm_jump_star", _target, ""),
    ("vm_jump_zero", _target, ""),
    ("no_vm_jump", _target, ""),
    ("no_vm_jump_night", _target, ""),
    ("intro_day", _intro, "00"),
    ("intro_night", _intro, "00"),
    ("busy_retry", _range(0, 99), 0),
    ("rec_override", _opt_range(0, 63), None),
    ("moh_in", _range(0, 5), 0),
    ("moh_out", _range(0, 5), 0),
    ("subtype", _subtype, ""),
    ("cname_prefix_ext", _cname_prefix, None),
    ("cname_prefix_int", _cname_prefix, None),
    ("fid", _fid, None),
    ("nightmode", _range(-1, 9), -1),
    ("bounce_mode", _bounce_mode, "disabled"),
    ("bounce_before", _boolean, False),
    ("bounce_duration", _range(0, 86400), 0),
    ("bounce_type", _choice("once", "many"), "once"),
    ("bounce_fall", _target, ""),
    ("vm_callback", _range(-1, 1), 0),
    ("email", _email, ""),
    ("email_vm_att", _boolean, False),
    ("email_vm_del", _boolean, False),
)
VALIDATORS = {column[0]: column[1] for column in COLUMNS}
DEFAULTS = {column[0]: column[2] for column in COLUMNS}
# readfull accepts the read columns except owner plus every update column; without "columns" it answers
# only "the full complement of columns as documented under update" (seed 002), not the read-only
# virt_exten, company and scoped_exten. [infer]
FULL_COLUMNS = ("virt_exten", "company", "scoped_exten") + tuple(VALIDATORS)
FULL_DEFAULT_COLUMNS = tuple(VALIDATORS)
# Applied first so that ring_time, subtype and bounce_mode are checked against the new type.
ORDER = {"ring_type": 0}
CREATE_KEYS = {"virt_exten", "company", "private", "voicemail", "nightmode"}


def scoped(ext):
    return "%s_%s" % (ext["virt_exten"], ext["company"]) if ext["private"] else ext["virt_exten"]


def lookup(store, number, company):
    """The extension with this number in this company, or None (two dict lookups)."""
    ext = store.get(EXTENSIONS, "%s_%s" % (number, company))
    if ext is not None and ext["company"] == company and ext["private"]:
        return ext
    ext = store.get(EXTENSIONS, number)
    if ext is not None and ext["company"] == company:
        return ext
    return None


def by_link_key(store, key):
    """Resolve a link key ``<ext>_<company>`` (company ids may hold underscores)."""
    if not isinstance(key, str):
        return None
    pos = key.find("_")
    while pos > 0:
        ext = lookup(store, key[:pos], key[pos + 1:])
        if ext is not None:
            return ext
        pos = key.find("_", pos + 1)
    return None


def link_key(ext):
    return "%s_%s" % (ext["virt_exten"], ext["company"])


def _number(value, field="virt_exten"):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # PHP would take 342 as "342"
    if not isinstance(value, str) or not NUMBER_RE.fullmatch(value):
        raise invalid(field)
    return value


def _select(req, scalars_only):
    """Rows the scope names, in creation order, before any rights filter."""
    scope = req.scope
    unknown = set(scope) - {"virt_exten", "scoped_exten", "company"}
    if unknown:
        raise invalid("scope " + sorted(unknown)[0])
    store = req.store
    companies = None
    if scope.get("company") is not None:
        companies = str_list(scope["company"], "company")
        if scalars_only and len(companies) != 1:
            raise Fail(EXACTLY_ONE)
    keys = None
    if scope.get("scoped_exten") is not None:
        keys = str_list(scope["scoped_exten"], "scoped_exten")
    numbers = None
    if scope.get("virt_exten") is not None:
        numbers = str_list(scope["virt_exten"], "virt_exten")
    if scalars_only and any(v is not None and len(v) != 1 for v in (keys, numbers)):
        raise Fail(EXACTLY_ONE)

    if keys is not None:
        rows = [store.get(EXTENSIONS, k) for k in dict.fromkeys(keys)]
        rows = [r for r in rows if r is not None]
    elif numbers is not None:
        rows = []
        for number in dict.fromkeys(numbers):
            candidates = [store.get(EXTENSIONS, number)]
            for company in companies or [c["id"] for c in store.all(COMPANIES)]:
                candidates.append(store.get(EXTENSIONS, "%s_%s" % (number, company)))
            rows.extend(r for r in candidates if r is not None and r["virt_exten"] == number)
    else:
        rows = store.all(EXTENSIONS)
    if companies is not None:
        wanted = set(companies)
        rows = [r for r in rows if r["company"] in wanted]
    if numbers is not None and keys is not None:
        wanted = set(numbers)
        rows = [r for r in rows if r["virt_exten"] in wanted]
    return rows


def _one(req):
    rows = _select(req, scalars_only=True)
    if len(rows) != 1:
        raise Fail(EXACTLY_ONE)
    return rows[0]


def _project(row, columns):
    out = {}
    for col in columns:
        if col == "scoped_exten":
            out[col] = scoped(row)
        else:
            out[col] = row.get(col)
    return out


def _read(req, allowed, default_columns):
    req.caller.require_admin()
    columns = req.columns if req.columns is not None else list(default_columns)
    for col in columns:
        if col not in allowed:
            raise invalid("column " + col)
    scope_company = req.scope.get("company")
    if scope_company is not None:
        for company in str_list(scope_company, "company"):
            req.caller.require_company(company)
    rows = [r for r in _select(req, scalars_only=False) if req.caller.administers(r["company"])]
    return {"values": [_project(r, columns) for r in rows], "numrows": len(rows)}


def read(req):
    return _read(req, READ_COLUMNS, READ_COLUMNS)


def readfull(req):
    # Owner is the one read column readfull refuses (seed 002).
    return _read(req, FULL_COLUMNS, FULL_DEFAULT_COLUMNS)


def new_row(number, company, private, voicemail, nightmode):
    row = {"virt_exten": number, "company": company, "private": private, "owner": None}
    row.update(DEFAULTS)
    row["nightmode"] = -1 if nightmode is None else nightmode  # create's null is update's -1
    if voicemail:
        # Voicemail "enabled on creation": a box named after the number, monitored. [infer]
        # The box is the bare number even for a private extension, so private extensions with the same
        # number in two companies both get box "<number>": the real naming is undocumented. [infer]
        row["voicemail_box"] = number
        row["voicemail_mon"] = 1
    return row


def create(req):
    req.caller.require_sysadmin()
    values = req.values
    extra = set(values) - CREATE_KEYS
    if extra:
        raise invalid(sorted(extra)[0])
    raw = values.get("virt_exten")
    numbers = [_number(v) for v in raw] if isinstance(raw, list) else [_number(raw)]
    if not numbers:
        raise invalid("virt_exten")
    company = values.get("company")
    if not company_exists(req.store, company):
        raise invalid("company")
    private = values.get("private", False)
    voicemail = values.get("voicemail", False)
    for field, value in (("private", private), ("voicemail", voicemail)):
        if not is_bool(value):
            raise invalid(field)
    nightmode = values.get("nightmode")
    if nightmode is not None:
        nightmode = as_int(nightmode)
        if nightmode is None or not 0 <= nightmode <= 9:
            raise invalid("nightmode")
    rows = [new_row(n, company, bool(private), bool(voicemail), nightmode) for n in numbers]
    # All or nothing: a duplicate anywhere in the batch fails the whole call. [infer]
    seen = set()
    for row in rows:
        key = scoped(row)
        if key in seen or req.store.get(EXTENSIONS, key) is not None or lookup(req.store, row["virt_exten"], company):
            raise Fail(ALREADY_EXISTS)
        seen.add(key)
    for row in rows:
        req.store.put(EXTENSIONS, scoped(row), row)
    return {"numrows": len(rows)}


def apply_values(row, values):
    """Validated copy of row with values written; raises Fail on the first bad column."""
    new = dict(row)
    for col in sorted(values, key=lambda c: (ORDER.get(c, 1), c)):
        check = VALIDATORS.get(col)
        if check is None:
            raise invalid(col)
        new[col] = check(values[col], new, col)
    return new


def update(req):
    req.caller.require_admin()
    row = _one(req)
    req.caller.require_company(row["company"])
    new = apply_values(row, req.values)
    if new != row:
        req.store.put(EXTENSIONS, scoped(row), new)
    return {"numrows": 1}


def delete(req):
    req.caller.require_sysadmin()
    row = _one(req)
    key = link_key(row)
    # The users' links to a deleted extension go with it (a ring group's members are its links): no
    # document says so, but a link to a missing extension could neither be read nor removed. [infer]
    for user in req.store.all(USERS):
        if key in user.get("extensions", {}):
            changed = dict(user, extensions={k: v for k, v in user["extensions"].items() if k != key})
            req.store.put(USERS, user["contact_id"], changed)
    req.store.delete(EXTENSIONS, scoped(row))
    box = row.get("voicemail_box")
    mailbox = "Mailbox %s purged" % box if box else "No mailbox to purge"
    return {"numrows": 1, "mailbox": mailbox}


def clone(req):
    req.caller.require_sysadmin()
    row = _one(req)
    extra = set(req.values) - {"virt_exten"}
    if extra:
        raise invalid(sorted(extra)[0])
    number = _number(req.values.get("virt_exten"))
    new = dict(row, virt_exten=number, owner=None)
    if row.get("voicemail_box") == row["virt_exten"]:
        new["voicemail_box"] = number
    if req.store.get(EXTENSIONS, scoped(new)) is not None or lookup(req.store, number, row["company"]):
        raise Fail(ALREADY_EXISTS)
    req.store.put(EXTENSIONS, scoped(new), new)
    source, target = link_key(row), link_key(new)
    links = 0
    for user in req.store.all(USERS):
        if source in user.get("extensions", {}):
            extensions = dict(user["extensions"])
            extensions[target] = extensions[source]
            req.store.put(USERS, user["contact_id"], dict(user, extensions=extensions))
            links += 1
    return {"numrows": 1, "links": links}


VERBS = {"create": create, "read": read, "readfull": readfull, "update": update, "delete": delete,
         "clone": clone}


def load_fixture(sim, items):
    """Extensions as a PBX already holds them: virt_exten, company, private, any update column."""
    count = 0
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("each extension must be an object")
        number = _number(item["virt_exten"])
        company = item.get("company", "default")
        if not company_exists(sim.store, company):
            raise ValueError("unknown company %r" % company)
        row = new_row(number, company, bool(item.get("private", False)), bool(item.get("voicemail", False)),
                      item.get("nightmode"))
        try:
            row = apply_values(row, {k: v for k, v in item.items()
                                     if k not in CREATE_KEYS and k != "owner"})
        except Fail as exc:
            raise ValueError(exc.message)
        row["owner"] = item.get("owner")
        if sim.store.get(EXTENSIONS, scoped(row)) is not None:
            raise ValueError("extension %s exists" % scoped(row))
        sim.store.put(EXTENSIONS, scoped(row), row)
        count += 1
    return count
