# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex extensions: dial plan objects of type extension.

PLATFORM_NOTES (pbx_extension -> /rest/dialplan type extension):
- number: virt_exten (letters, digits, * and #; "400b" is a valid number).
- tenant: the company (default: the company called "default"). Only the
  company's extensions are listed and purged.
- Only ring-all (type A) extensions are extensions here: hunt groups, queues,
  IVRs, conferences, parking orbits and the voicemail/external access numbers
  are never listed, compared or purged.
- private: a private (company-scoped) extension. Fixed at creation: changing it
  on an existing extension fails; delete the extension and create it again.
- voicemail: voicemail_box; true gives the extension a mailbox named after its
  number (on create: the create call's voicemail flag), false removes it.
- name: name (letters, digits, dot, space, dash and underscore only).
- caller_id: callerid, digits with an optional leading + (a leading - withholds
  the number by default).
- email: email, the fallback voicemail email address.
- api_fields: extension columns of the update call (e.g. {"ring_time": 20,
  "phonebook": 0}) written as they are and compared with what readfull returns.
  ring_type is not accepted (it would turn the extension into a call group);
  columns that an option manages must be set with that option.
- first_name, last_name, enabled, voicemail_pin, sip_password, web_password,
  aliases, groups, login_name, role: not available (IPCortex keeps SIP secrets
  on phones and users, not on extensions).
Writes: create only takes number, company, private and voicemail, so a create
is one create call plus one update of the other columns (none when there are
none). A bulk run creates all its new extensions with one create call (one per
combination of private/voicemail), then updates each. An update is one update
call; a delete one delete call. Reads: one readfull of the company per run,
asking for the columns the task needs (every update column only when a task
sets api_fields).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.driver import DEFAULT_COMPANY

NUMBER = re.compile(r"^[0-9A-Za-z*#]{1,32}$")
# "alphanumeric, dot, space, dash and underscore" (seed 002): letters of any script.
NAME = re.compile(r"^[\w. -]*$", re.UNICODE)
CALLER_ID = re.compile(r"^-?\+?[0-9]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Columns the update call accepts (and readfull returns).
UPDATE_COLUMNS = frozenset([
    "name", "voicemail_box", "voicemail_mon", "priority", "ring_type", "ring_time", "passcode", "phonebook",
    "callerid", "ivr_menu", "vm_jump_star", "vm_jump_zero", "no_vm_jump", "no_vm_jump_night", "intro_day",
    "intro_night", "busy_retry", "rec_override", "moh_in", "moh_out", "subtype", "cname_prefix_ext",
    "cname_prefix_int", "fid", "nightmode", "bounce_mode", "bounce_before", "bounce_duration", "bounce_type",
    "bounce_fall", "vm_callback", "email", "email_vm_att", "email_vm_del"])
# Option -> the column it is written to.
COLUMN_OF = {"name": "name", "email": "email", "caller_id": "callerid", "voicemail": "voicemail_box"}
OPTION_OF = dict((column, option) for option, column in COLUMN_OF.items())
PERSONAL_RING_TYPE = "A"
# What a listing asks readfull for (the seed promises only the columns asked for).
KEY_COLUMNS = ["virt_exten", "scoped_exten", "ring_type"]


class IpcortexExtensions(Kind):
    kind = "extension"
    OPTIONS = frozenset(["name", "email", "voicemail", "caller_id", "private", "api_fields"])

    def __init__(self, driver):
        super(IpcortexExtensions, self).__init__(driver)
        self._created = set()

    @staticmethod
    def _company(tenant):
        return tenant or DEFAULT_COMPANY

    def _dialplan(self, verb, company, scope=None, values=None, columns=None, read=False):
        body = {"type": "extension", "auth": self.driver.auth}
        if scope is not None:
            body["scope"] = scope
        if values is not None:
            body["values"] = values
        if columns is not None:
            body["columns"] = columns
        return self.driver.post("/dialplan/%s/extension" % verb, body, idempotent=read, company=company,
                                option_of=OPTION_OF)

    def _columns_to_read(self):
        if "api_fields" in self.wanted:
            return KEY_COLUMNS + sorted(UPDATE_COLUMNS - set(KEY_COLUMNS))
        return KEY_COLUMNS + sorted(COLUMN_OF.values())

    # -- checks (no request) ------------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        if not NUMBER.match(number):
            raise PbxError("extension %s: IPCortex numbers are 1 to 32 letters, digits, * or #" % number)
        if "name" in item and not NAME.match(item["name"]):
            raise PbxError("extension %s: name %r: IPCortex names may hold only letters, digits, dot, space, dash "
                           "and underscore" % (number, item["name"]))
        if "caller_id" in item and not CALLER_ID.match(str(item["caller_id"])):
            raise PbxError("extension %s: caller_id %r: digits with an optional leading + (a leading - withholds "
                           "the number)" % (number, item["caller_id"]))
        if item.get("email") and not EMAIL.match(item["email"]):
            raise PbxError("extension %s: email %r is not an email address" % (number, item["email"]))
        for column in item.get("api_fields") or {}:
            if column in OPTION_OF:
                raise PbxError("extension %s: set api_fields.%s with option %s instead"
                               % (number, column, OPTION_OF[column]))
            if column == "ring_type":
                raise PbxError("extension %s: api_fields.ring_type cannot be set here: an extension of another "
                               "ring type is a call group on IPCortex" % number)
            if column not in UPDATE_COLUMNS:
                raise PbxError("extension %s: api_fields.%s is not an IPCortex extension column (known: %s)"
                               % (number, column, ", ".join(sorted(UPDATE_COLUMNS - set(OPTION_OF) - {"ring_type"}))))

    # -- reads ----------------------------------------------------------------------------
    @staticmethod
    def _normalise(row):
        return {
            "number": row["virt_exten"],
            "name": row.get("name") or "",
            "email": row.get("email") or "",
            "caller_id": row.get("callerid") or "",
            "voicemail": bool(row.get("voicemail_box")),
            "private": row.get("scoped_exten") != row["virt_exten"],
            "_id": row.get("scoped_exten") or row["virt_exten"],
            "api_fields": row,
        }

    def list(self, tenant):
        company = self._company(tenant)
        if tenant is not None:
            self.driver.require_company(company)
        answer = self._dialplan("readfull", company, scope={"company": company}, columns=self._columns_to_read(),
                                read=True)
        return [self._normalise(row) for row in answer.get("values") or []
                if row.get("ring_type", PERSONAL_RING_TYPE) == PERSONAL_RING_TYPE]

    def get(self, tenant, key):
        company = self._company(tenant)
        answer = self._dialplan("readfull", company, scope={"virt_exten": key, "company": company},
                                columns=self._columns_to_read(), read=True)
        rows = [r for r in answer.get("values") or [] if r.get("ring_type", PERSONAL_RING_TYPE) == PERSONAL_RING_TYPE]
        return self._normalise(rows[0]) if rows else None

    # -- writes ----------------------------------------------------------------------------
    @staticmethod
    def _values(item, number, names):
        values = {}
        for name in names:
            if name == "voicemail":
                values["voicemail_box"] = number if item[name] else ""
            elif name == "api_fields":
                values.update(item[name])
            elif name in COLUMN_OF:
                values[COLUMN_OF[name]] = item[name]
        return values

    @staticmethod
    def _create_values(item, company, numbers):
        return {"virt_exten": numbers, "company": company, "private": bool(item.get("private", False)),
                "voicemail": bool(item.get("voicemail", False))}

    def prepare_create(self, tenant, items):
        """One create call per private/voicemail combination, with the numbers as a virt_exten array."""
        if len(items) < 2:
            return  # a single create is the same one call in create()
        company = self._company(tenant)
        batches = {}
        for item in items:
            flags = (bool(item.get("private", False)), bool(item.get("voicemail", False)))
            batches.setdefault(flags, []).append(item)
        for batch in batches.values():
            numbers = [item["number"] for item in batch]
            try:
                self._dialplan("create", company, values=self._create_values(batch[0], company, numbers))
            except AmbiguousWrite:
                # The PABX may have created them: ask which exist. Those it did not are
                # created one by one by create(), like any other.
                answer = self._dialplan("readfull", company, scope={"virt_exten": numbers, "company": company},
                                        columns=["virt_exten"], read=True)
                self._created.update(row["virt_exten"] for row in answer.get("values") or [])
                continue
            self._created.update(numbers)

    def create(self, tenant, item):
        company = self._company(tenant)
        number = item["number"]
        if number not in self._created:
            self._dialplan("create", company, values=self._create_values(item, company, number))
            self._created.add(number)
        # voicemail and private went with the create call.
        values = self._values(item, number, [k for k in item if k not in ("number", "private", "voicemail")])
        if values:
            scope = {"scoped_exten": "%s_%s" % (number, company) if item.get("private") else number}
            self._dialplan("update", company, scope=scope, values=values)

    def validate_update(self, tenant, current, changes):
        if "private" in changes:
            raise PbxError("extension %s: private cannot be changed on an existing IPCortex extension (it is fixed "
                           "when the extension is created): delete the extension and create it again"
                           % current["number"])

    def update(self, tenant, current, changes, item):
        company = self._company(tenant)
        values = self._values(changes, current["number"], changes)
        if values:
            self._dialplan("update", company, scope={"scoped_exten": current["_id"]}, values=values)

    def delete(self, tenant, current):
        self._dialplan("delete", self._company(tenant), scope={"scoped_exten": current["_id"]})
