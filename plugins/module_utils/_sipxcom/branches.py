# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom tenants: branches.

PLATFORM_NOTES (pbx_tenant -> /rest/branch; a tenant is a branch):
- name: the branch name. description, phone_number (phoneNumber), fax_number
  (faxNumber), address (street, city, state, zip, country, office_designation).
- Reads: one listing of every branch (XML). Writes: sipXcom replaces a branch
  as a whole, so an update is one PUT of the complete merged branch; a create
  one PUT, a delete one DELETE.
- Deleting a branch leaves its users and gateways without a branch; pbx_tenant
  counts them first (one read each) and refuses unless force is set.
- enabled, domain, website, timezone, currency, region, disk_quota, the limits
  and the enable_* switches, api_fields: not available (PortSIP only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import ADDRESS
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import ADDRESS_TAGS, JSON, XML, xml_of


class SipxcomBranches(Kind):
    kind = "tenant"
    OPTIONS = frozenset(["description", "address", "phone_number", "fax_number"])

    def validate(self, item, tenant):
        name = item["name"]
        if len(name) > 255:
            raise PbxError("tenant %s: sipXcom branch names may have at most 255 characters" % name[:40])
        unknown = sorted(set(item.get("address") or {}) - set(ADDRESS))
        if unknown:
            raise PbxError("tenant %s: address has no field %s (known: %s)" % (name, ", ".join(unknown),
                                                                               ", ".join(ADDRESS)))

    def list(self, tenant):
        self.driver.forget_branches()
        return list(self.driver.branches().values())

    def validate_delete(self, tenant, current):
        if self.params.get("force"):
            return
        name, branch_id = current["name"], current["_id"]
        users = xml_of(self.call("GET", "/rest/user", headers=XML,
                                 params={"branch": branch_id, "page": 1, "pagesize": 1}), "GET /rest/user")
        held = []
        count = int(users.findtext("metadata/totalResults") or 0)
        if count:
            held.append("%d user%s" % (count, "" if count == 1 else "s"))
        gateways = self.call("GET", "/api/gateways", headers=JSON).data().get("gateways") or []
        count = len([g for g in gateways if (g.get("branch") or {}).get("name") == name])
        if count:
            held.append("%d gateway%s" % (count, "" if count == 1 else "s"))
        if held:
            raise PbxError("tenant %s: sipXcom branch %r still holds %s, which would be left without a branch; "
                           "remove them first, or set force: true to delete the branch anyway"
                           % (name, name, " and ".join(held)))

    @staticmethod
    def _element(branch):
        root = ET.Element("branch")
        ET.SubElement(root, "name").text = branch["name"]
        ET.SubElement(root, "description").text = branch.get("description") or ""
        address = branch.get("address") or {}
        if any(address.values()):
            elem = ET.SubElement(root, "address")
            for option, tag in ADDRESS_TAGS:
                ET.SubElement(elem, tag).text = address.get(option) or ""
        ET.SubElement(root, "phoneNumber").text = branch.get("phone_number") or ""
        ET.SubElement(root, "faxNumber").text = branch.get("fax_number") or ""
        return ET.tostring(root, encoding="utf-8")

    def _put(self, path, branch):
        self.call("PUT", path, data=self._element(branch), headers={"Content-Type": "text/xml; charset=UTF-8",
                                                                    "Accept": "text/xml"})

    def create(self, tenant, item):
        self._put("/rest/branch", item)

    def update(self, tenant, current, changes, item):
        # A PUT replaces the whole branch: start from what it holds now.
        branch = dict(current)
        for name, value in changes.items():
            if name == "address":
                branch["address"] = dict(current.get("address") or {}, **value)
            else:
                branch[name] = value
        self._put("/rest/branch/%d" % current["_id"], branch)

    def delete(self, tenant, current):
        self.call("DELETE", "/rest/branch/%d" % current["_id"], headers=XML)
