# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP tenants.

PLATFORM_NOTES (pbx_tenant -> /tenants; system admin only):
- name: name (the key, fixed at creation: an update cannot change a tenant's
  name, so another name is another tenant).
- domain (the SIP domain), timezone (IANA name, e.g. Europe/London), currency
  (ISO 4217, e.g. GBP), region (ISO 3166-1 alpha-3, e.g. GBR): required to
  create. website, enabled, disk_quota (e.g. 100GB; empty: unlimited).
- max_extensions, max_concurrent_calls, max_ring_groups,
  max_virtual_receptionists, max_call_queues, max_conference_rooms: capacity
  limits. enable_*: the tenant's feature switches, by their API names.
- api_fields: any other field of the tenant object (e.g. {"recording_retention":
  90}), compared with GET /tenants/{id}.
- Reads: the tenant listing (100 per request); GET /tenants/{id} per named
  tenant only when an option the listing lacks is set. Writes: one POST each.
- Deleting a tenant deletes everything in it: pbx_tenant first enters the
  tenant and counts its users, ring groups and call queues, and refuses unless
  force is set.
- description, address, phone_number, fax_number: not available (sipXcom only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import TENANT_FLAGS, TENANT_LIMITS
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted

TENANT_FIELDS = ("domain", "website", "timezone", "currency", "region", "enabled", "disk_quota") + TENANT_LIMITS \
    + TENANT_FLAGS
# What GET /tenants shows of each tenant; the other options need GET /tenants/{id}.
TENANT_LISTED = frozenset(["domain", "website", "timezone", "currency", "region", "enabled", "max_extensions",
                           "max_concurrent_calls"])
TENANT_REQUIRED = ("domain", "timezone", "currency", "region")
TENANT_LENGTHS = {"name": 1024, "domain": 280, "website": 255}
# Things a tenant holds, counted before it is deleted: path -> what to call them.
TENANT_CONTENTS = (("/users", "user"), ("/ring_groups", "ring group"), ("/call_queues", "call queue"))


class PortsipTenants(Kind):
    kind = "tenant"
    OPTIONS = frozenset(TENANT_FIELDS + ("api_fields",))
    REQUIRED_ON_CREATE = TENANT_REQUIRED

    def validate(self, item, tenant):
        name = item["name"]
        for option, limit in TENANT_LENGTHS.items():
            if option in item and len(str(item[option])) > limit:
                raise PbxError("tenant %s: %s may have at most %d characters on PortSIP" % (name[:40], option, limit))
        if "domain" in item and not str(item["domain"]).strip():
            raise PbxError("tenant %s: domain must not be empty" % name)
        for option in TENANT_LIMITS:
            if option in item and item[option] < 0:
                raise PbxError("tenant %s: %s must be 0 or more" % (name, option))
        quota = str(item.get("disk_quota") or "").upper()
        if quota and not re.match(r"^[0-9]+\s*(KB|MB|GB|TB|PB)$", quota):
            raise PbxError("tenant %s: disk_quota %r: a number and a unit (KB, MB, GB, PB), e.g. 100GB, or empty for "
                           "unlimited" % (name, item["disk_quota"]))
        clash = sorted(set(item.get("api_fields") or {}) & set(TENANT_FIELDS + ("name",)))
        if clash:
            raise PbxError("tenant %s: api_fields %s: set %s with the option%s of the same name instead"
                           % (name, ", ".join(clash), "them" if len(clash) > 1 else "it",
                              "s" if len(clash) > 1 else ""))

    def validate_create(self, item, tenant):
        missing = [option for option in TENANT_REQUIRED if item.get(option) in (None, "")]
        if missing:
            raise PbxError("tenant %s: PortSIP needs %s to create a tenant; add %s to the task (timezone: an IANA name "
                           "such as Europe/London; currency: ISO 4217 such as GBP; region: ISO 3166-1 alpha-3 such as "
                           "GBR)" % (item["name"], ", ".join(missing), "them" if len(missing) > 1 else "it"))

    def _require_system(self):
        if not self.driver.system:
            raise PbxError("PortSIP: only the system administrator manages tenants; log in as the system admin "
                           "(without a tenant)")

    def list(self, tenant):
        self._require_system()
        return [self._normalise(t) for t in self.driver.paged("/tenants")]

    def details(self, tenant, obj, wanted):
        if not (wanted - TENANT_LISTED - set(["name"])):
            return obj
        return self._normalise(self.call("GET", "/tenants/%s" % quoted(obj["_id"])).data(), full=True)

    @staticmethod
    def _normalise(raw, full=False):
        obj = dict((field, raw.get(field)) for field in TENANT_FIELDS if full or field in TENANT_LISTED)
        obj.update(name=raw.get("name"), _id=raw.get("id"))
        if full:
            obj["api_fields"] = raw
        return obj

    def validate_delete(self, tenant, current):
        if self.params.get("force"):
            return
        self.driver.enter_id(current["_id"], current["name"])
        held = []
        for path, what in TENANT_CONTENTS:
            response = self.call("GET", path, params={"top": 1}, ok=(200, 404))
            count = (response.data().get("count") or 0) if response.status_code == 200 else 0
            if count:
                held.append("%d %s%s" % (count, what, "" if count == 1 else "s"))
        if held:
            raise PbxError("tenant %s: it still holds %s, and PortSIP deletes everything in a tenant with it; remove "
                           "them first, or set force: true to delete the tenant and all it holds"
                           % (current["name"], ", ".join(held)))

    @staticmethod
    def _body(item):
        body = dict(item.get("api_fields") or {})
        body.update((k, v) for k, v in item.items() if k in TENANT_FIELDS)
        return body

    def create(self, tenant, item):
        self._require_system()
        body = self._body(item)
        body["name"] = item["name"]
        self.call("POST", "/tenants", json=body)

    def update(self, tenant, current, changes, item):
        body = self._body(changes)
        if body:
            self.call("POST", "/tenants/%s" % quoted(current["_id"]), json=body)

    def delete(self, tenant, current):
        self.call("POST", "/tenants/%s/destroy" % quoted(current["_id"]), ok=(200, 204))
