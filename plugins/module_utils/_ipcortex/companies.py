# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex tenants: companies, which have no API.

PLATFORM_NOTES (pbx_tenant -> companies): companies have no create, update or
delete API. state=present only checks that the company exists (one auth call,
no write) and fails if it does not; state=absent and purge are refused; no
option but name can be managed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind


class IpcortexCompanies(Kind):
    """Companies: read-only (no API creates, changes or removes one)."""

    kind = "tenant"
    OPTIONS = frozenset()
    NO_WRITE = ("IPCortex companies have no API: pbx_tenant can only check that a company exists (state: present)")

    def validate(self, item, tenant):
        if item.get("state") == "absent":
            raise PbxError("tenant %s: %s; it cannot remove one" % (item["name"], self.NO_WRITE))

    def list(self, tenant):
        known = self.driver.companies()
        if known is None:
            raise PbxError("IPCortex did not list the companies of this account, so pbx_tenant cannot check them")
        return [{"name": name} for name in sorted(known)]

    def validate_create(self, item, tenant):
        raise PbxError("tenant %s: IPCortex company %r does not exist on the PABX, or the account does not "
                       "administer it. %s; create the company on the PABX itself"
                       % (item["name"], item["name"], self.NO_WRITE))

    def validate_delete(self, tenant, current):
        raise PbxError("tenant %s: %s; purge cannot remove companies" % (current["name"], self.NO_WRITE))

    # Never reached: validate_create and validate_delete refuse first.
    def create(self, tenant, item):
        raise PbxError(self.NO_WRITE)

    def update(self, tenant, current, changes, item):
        raise PbxError(self.NO_WRITE)

    def delete(self, tenant, current):
        raise PbxError(self.NO_WRITE)
