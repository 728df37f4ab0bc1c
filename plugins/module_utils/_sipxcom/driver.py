# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom (sipXconfig REST) driver: everything the collection knows about sipXcom.

Paths are below ``/sipxconfig``: ``/api/*`` (Apache CXF, JSON) for users and
``/rest/*`` (Restlet, XML) for branches. HTTP Basic is sent on every request
(sipXcom only challenges with Digest, so it must be pre-emptive); the account
needs admin rights (a valid non-admin gets 403). Plain HTTP is answered with a
302 to HTTPS by sipXcom's Apache; the client refuses to follow it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver
from ansible.module_utils.six.moves.urllib.parse import quote

JSON = {"Accept": "application/json"}
XML = {"Accept": "text/xml"}
# What sipXconfig's raw i18n keys mean, for error messages.
HINTS = {
    "&error.nameInUse.short": "the number or one of the aliases is already used by another user, call group or "
                              "alias on this sipXcom",
    "&error.nameInUse.long": "the name, extension or DID is already in use on this sipXcom",
    "&error.duplicateGroupName": "a group with this name already exists",
    "&duplicate.name.error": "a branch with this name already exists",
}
# Branch address: option -> XML element, in the order XStream writes them.
ADDRESS_TAGS = (("street", "street"), ("city", "city"), ("country", "country"), ("state", "state"),
                ("zip", "zip"), ("office_designation", "officeDesignation"))


def quoted(value):
    return quote(str(value), safe="")


def group_changes(held, wanted):
    """(groups the object's PUT can add, groups to add one by one, groups to remove), each sorted.

    sipXcom's PUT of a user or a phone only adds groups, and skips a group whose name is contained in
    the object's current group names (a substring test, UserApiImpl and PhoneApiImpl.convertToPhone):
    those go through the groups sub-resource, as every removal does."""
    held = list(held or [])
    add = sorted(set(str(g).strip() for g in wanted) - set(held))
    names = " ".join(held)
    return ([g for g in add if g not in names], [g for g in add if g in names],
            sorted(set(held) - set(str(g).strip() for g in wanted)))


class SipxcomDriver(Driver):
    name = "sipxcom"
    label = "sipXcom"
    prefix = "/sipxconfig"
    NO_API = {}

    def __init__(self, client, params):
        super(SipxcomDriver, self).__init__(client, params)
        self._branches = None

    # -- connection -------------------------------------------------------------
    def connect(self):
        username, password = self.params.get("username"), self.params.get("password")
        if not username or not password:
            raise PbxError("sipXcom: username and password are required (an account with admin rights, "
                           "e.g. superadmin)")
        self.client.session.auth = (username, password)

    def describe_error(self, response):
        text = (response.text or "").strip()
        status = response.status_code
        if status == 401:
            return "authentication failed: check username and password (%s)" % (text[:100] or "no message")
        if status == 403:
            return "the account has no admin rights on sipXcom; use superadmin or a member of administrators"
        if not text:
            return "no message" if status != 404 else "not found"
        if text.startswith("<"):
            envelope = rest_envelope(text)
            if envelope:
                return envelope
        first = text.splitlines()[0][:400]
        for key, hint in HINTS.items():
            if first.endswith(key):
                return "%s (%s)" % (hint, first)
        if "UnrecognizedPropertyException" in first:
            return "sipXcom does not know a field of the request (check api_fields): %s" % first
        return first

    # -- branches, shared by both kinds -------------------------------------------------
    def branches(self):
        """Every branch, normalised, by name (read once per run)."""
        if self._branches is None:
            root = xml_of(self.call("GET", "/rest/branch", headers=XML), "GET /rest/branch")
            found = {}
            for elem in root.iter("branch"):
                if elem.find("name") is not None and elem.find("id") is not None:
                    branch = branch_of(elem)
                    found[branch["name"]] = branch
            self._branches = found
        return self._branches

    def forget_branches(self):
        self._branches = None


def xml_of(response, what):
    try:
        return ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise PbxError("%s: sipXcom answered something that is not XML (%s); check that url points at sipXcom"
                       % (what, exc))


def rest_envelope(text):
    """'CODE: message (additional)' from a /rest error envelope, or None."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return None
    if root.tag != "response" or root.find("code") is None:
        return None
    out = "%s: %s" % (root.findtext("code"), root.findtext("message") or "")
    extra = root.findtext("data/additionalMessage")
    if extra:
        out += " (%s)" % HINTS.get(extra.strip(), extra.strip())
    return out


def branch_of(elem):
    address = elem.find("address")
    return {
        "name": elem.findtext("name"),
        "description": elem.findtext("description") or "",
        "phone_number": elem.findtext("phoneNumber") or "",
        "fax_number": elem.findtext("faxNumber") or "",
        "address": dict((option, (address.findtext(tag) if address is not None else None) or "")
                        for option, tag in ADDRESS_TAGS),
        "_id": int(elem.findtext("id")),
    }
