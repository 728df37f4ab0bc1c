# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP trunks: /providers and their tenant assignees.

PLATFORM_NOTES (pbx_gateway -> /providers; reference portsip.md §3.4 trunks, §1.3 tenancy, §5 quirks 2, 6
and 10; the OpenAPI spec's createProvider, updateProvider, assignProvider):
- name: name (1 to 64 characters), the key; unique on the PBX (inferred: the portal tells trunks by name).
- Trunks are system-level: only the system admin manages them. The listing spans the whole PBX whatever
  tenant says, so whole_pbx() is always true and purge needs purge_all_tenants. tenant, when set, must name
  an existing tenant (checked before any write) but does not scope trunks: share a trunk with tenants through
  assignees.
- address: hostname; port: port (0 to 65535); transport: UDP, TCP or TLS (written upper-case);
  outbound_address / outbound_port: outbound_server / outbound_server_port; concurrency: concurrency (the
  trunk's channel count). The spec requires all seven to create a trunk and gives no defaults; the collection
  requires address and concurrency and defaults the others (inferred): transport UDP, port 5060 (5061 for
  TLS), outbound_address the address, outbound_port the port.
- enabled (default true), brand, auth_mode (IP_AUTH, REGISTER_AUTH, ACCEPT_REGISTER, TEAMS, WHATS_APP),
  auth_id, sip_username (username), registration (default true), register_interval (default 600), keep_alive
  (default true),
  keep_alive_interval (default 360), inlan (default false), single_via_header, rewrite_via_ip, verify_port,
  adjust_sdp_direction, remove_srtp_info (default true), stir_shaken_signature_required (default false),
  additional_ips (";"-separated CIDRs), did_numbers (";"-separated numbers and ranges), inbound_parameters and
  outbound_parameters (dicts by the API's names, compared key by key): the fields of the same names; defaults
  are the spec's and are left to PortSIP (a create sends only what the task sets, plus the required fields).
  brand and auth_mode are fixed at creation (PortSIP refuses them on update): a change fails before any
  write.
- sip_password: password, write-only (GET never returns it): written on create, afterwards only with
  update_password: always; never compared or shown.
- assignees: the tenants the trunk is shared with, each {tenant (name or SIP domain), did_numbers,
  concurrency}, compared by tenant (order does not matter; only the fields given are compared). Read with
  GET /providers/{id}/assignees per named trunk whose assignees the task sets and that the listing shows as
  shared; tenant names from GET /tenants (once). A tenant added or changed is one
  POST /providers/{id}/assignees/{tenant_id} with both fields (the current value of the one the task does not
  give), a tenant left is one POST .../assignees/{tenant_id}/destroy. An unknown tenant fails before any write.
- description, model, prefix, branch, caller ID options, settings, ports: not available (sipXcom only).
- pbx_info: trunks as name, enabled, brand, address, port (what the listing shows) plus did_numbers; the other
  fields cost one GET /providers/{id} per trunk and are left out.
Requests (documented minimum): reads are the listing GET /providers (100 per request), plus GET /tenants once
when tenant or assignees are set, plus GET /providers/{id} per named trunk whose task sets a field the listing
lacks (transport, outbound_*, concurrency, auth_*, sip_username, the switches, intervals, additional_ips, the
parameters), plus GET /providers/{id}/assignees per named shared trunk whose assignees the task sets. Writes:
a create is one POST /providers (201), plus one POST per assignee; an update is one POST /providers/{id} with
only the changed fields (however many), plus one POST per assignee added, changed or left; a delete is one
POST /providers/{id}/destroy (204). A rerun with nothing to change writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import GATEWAY_SWITCHES, subset_equal
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted

# option -> provider field
FIELDS = (("enabled", "enabled"), ("brand", "brand"), ("auth_mode", "auth_mode"), ("transport", "transport"),
          ("address", "hostname"), ("port", "port"), ("auth_id", "auth_id"), ("sip_username", "username"),
          ("register_interval", "register_interval"), ("outbound_address", "outbound_server"),
          ("outbound_port", "outbound_server_port"), ("keep_alive_interval", "keep_alive_interval"),
          ("concurrency", "concurrency"), ("additional_ips", "additional_ips"), ("did_numbers", "did_numbers"),
          ("inbound_parameters", "inbound_parameters"), ("outbound_parameters", "outbound_parameters")) + tuple(
              (name, name) for name in GATEWAY_SWITCHES)
FIELD = dict(FIELDS)
# What GET /providers shows of each trunk; the other options need GET /providers/{id}.
LISTED = frozenset(["enabled", "brand", "address", "port", "did_numbers"])
CREATE_ONLY = ("brand", "auth_mode")
TRANSPORTS = ("UDP", "TCP", "TLS")
LENGTHS = {"name": 64, "brand": 64, "auth_id": 64, "sip_username": 64}


class PortsipProviders(Kind):
    kind = "gateway"
    OPTIONS = frozenset([option for option, _f in FIELDS] + ["sip_password", "assignees"])
    REQUIRED_ON_CREATE = ("address", "concurrency")

    def __init__(self, driver):
        super(PortsipProviders, self).__init__(driver)
        self._tenants = None  # (tenant id -> name, name or domain in lower case -> id), read once
        self._desired = {}    # name -> the item of the task

    # -- checks without requests -------------------------------------------------------
    def validate(self, item, tenant):
        where = "gateway %s" % item["name"]
        for option, limit in LENGTHS.items():
            if option in item and len(str(item[option])) > limit:
                raise PbxError("%s: %s may have at most %d characters on PortSIP" % (where, option, limit))
        if "transport" in item and str(item["transport"]).strip().upper() not in TRANSPORTS:
            raise PbxError("%s: transport must be one of %s on PortSIP, got %r" % (where, ", ".join(TRANSPORTS),
                                                                                   item["transport"]))
        for option in ("port", "outbound_port"):
            if option in item and not 0 <= item[option] <= 65535:
                raise PbxError("%s: %s must be 0 to 65535, got %d" % (where, option, item[option]))
        for option in ("concurrency", "register_interval", "keep_alive_interval"):
            if item.get(option, 0) < 0:
                raise PbxError("%s: %s must be 0 or more" % (where, option))
        for option in ("address", "brand"):
            if option in item and not str(item[option]).strip():
                raise PbxError("%s: %s must not be empty" % (where, option))
        seen = set()
        for index, entry in enumerate(item.get("assignees") or []):
            name = str(entry.get("tenant") or "").strip().lower()
            if not name:
                raise PbxError("%s: assignees[%d] needs tenant (the tenant's name or SIP domain)" % (where, index))
            if name in seen:
                raise PbxError("%s: tenant %s is listed twice in assignees" % (where, entry["tenant"]))
            seen.add(name)
            if entry.get("concurrency", 0) < 0:
                raise PbxError("%s: assignees[%d].concurrency must be 0 or more" % (where, index))
        self._desired[item["name"]] = item

    def whole_pbx(self, tenant):
        return True  # trunks are system-level: no tenant narrows the listing

    def _require_system(self):
        if not self.driver.system:
            raise PbxError("PortSIP: trunks (providers) are system-level: only the system administrator manages them; "
                           "log in as the system admin (without a tenant's domain)")

    # -- reads ---------------------------------------------------------------------------
    def list(self, tenant):
        self._require_system()
        if tenant is not None:
            self._tenant_id(tenant, "the tenant option")  # raises TenantMissing
        return [self._normalise(p, False) for p in self.driver.paged("/providers")]

    @staticmethod
    def _normalise(provider, full):
        obj = {"name": provider.get("name"), "_id": provider.get("id"), "_shared": bool(provider.get("shared")),
               "_full": full}
        for option, field in FIELDS:
            if full or option in LISTED:
                obj[option] = provider.get(field)
        return obj

    def _tenant_map(self):
        if self._tenants is None:
            by_id, by_name = {}, {}
            for tenant in self.driver.paged("/tenants"):
                by_id[tenant.get("id")] = tenant.get("name")
                for key in (tenant.get("name"), tenant.get("domain")):
                    if key:
                        by_name[key.strip().lower()] = tenant.get("id")
            self._tenants = (by_id, by_name)
        return self._tenants

    def _tenant_id(self, name, where):
        tenant_id = self._tenant_map()[1].get(str(name).strip().lower())
        if tenant_id is None:
            if where == "the tenant option":
                raise TenantMissing("PortSIP: tenant %r not found (neither a tenant name nor a SIP domain); create it "
                                    "first with pbxops.pbx.pbx_tenant, or fix the tenant option" % name)
            raise PbxError("%s: tenant %r not found on PortSIP (neither a tenant name nor a SIP domain); create it "
                           "first with pbxops.pbx.pbx_tenant, or fix assignees" % (where, name))
        return tenant_id

    def details(self, tenant, obj, wanted):
        obj = dict(obj)
        if set(wanted) - LISTED - set(["name", "assignees"]):
            raw = self.call("GET", "/providers/%s" % quoted(obj["_id"])).data()
            obj.update(self._normalise(raw, True))
            obj["_shared"] = bool(raw.get("shared", obj["_shared"]))
        if "assignees" in wanted:
            obj["assignees"] = self._assignees(obj, wanted)
        return obj

    def _assignees(self, obj, wanted):
        held = []
        if obj["_shared"]:
            items = self.call("GET", "/providers/%s/assignees" % quoted(obj["_id"])).data().get("items") or []
            by_id = self._tenant_map()[0]
            for entry in items:
                held.append({"tenant": by_id.get(entry.get("tenant_id"), entry.get("tenant_id")),
                             "did_numbers": entry.get("did_numbers"), "concurrency": entry.get("concurrency"),
                             "_tenant_id": entry.get("tenant_id")})
        obj["_assignees"] = held
        # In the order the task gives them, so that the item-by-item comparison is one by tenant.
        desired = (self._desired.get(obj["name"]) or {}).get("assignees") or []
        ids = [self._tenant_map()[1].get(str(a.get("tenant")).strip().lower()) for a in desired]
        ordered = []
        for tenant_id, entry in zip(ids, desired):
            # The tenant as the task names it (a name or a SIP domain) when it is the same tenant.
            ordered.extend(dict(a, tenant=entry.get("tenant")) for a in held if a["_tenant_id"] == tenant_id)
        ordered.extend(a for a in held if a["_tenant_id"] not in ids)
        return [dict((k, v) for k, v in a.items() if not k.startswith("_")) for a in ordered]

    # -- checks while planning (reads, no writes) ----------------------------------------
    def validate_create(self, item, tenant):
        where = "gateway %s" % item["name"]
        missing = [option for option in self.REQUIRED_ON_CREATE if item.get(option) in (None, "")]
        if missing:
            raise PbxError("%s: PortSIP needs %s to create a trunk (address: the provider's host name or IP; "
                           "concurrency: the trunk's maximum of concurrent calls); add %s to the task"
                           % (where, " and ".join(missing), "them" if len(missing) > 1 else "it"))
        self._check_assignees(where, item)

    def validate_update(self, tenant, current, changes):
        where = "gateway %s" % current["name"]
        fixed = [option for option in CREATE_ONLY if option in changes]
        if fixed:
            raise PbxError("%s: PortSIP fixes %s at creation (its update refuses %s): remove the trunk "
                           "(state: absent) and create it again, or leave %s as it is (%s)"
                           % (where, " and ".join(fixed), "them" if len(fixed) > 1 else "it",
                              "them" if len(fixed) > 1 else "it",
                              ", ".join("%s %s" % (o, current.get(o)) for o in fixed)))
        if "assignees" in changes:
            self._check_assignees(where, changes)

    def _check_assignees(self, where, item):
        for entry in item.get("assignees") or []:
            self._tenant_id(entry["tenant"], where)

    # -- writes ---------------------------------------------------------------------------
    @staticmethod
    def _fields(values):
        body = {}
        for option, field in FIELDS:
            if option in values:
                value = values[option]
                body[field] = str(value).strip().upper() if option == "transport" else value
        return body

    def create(self, tenant, item):
        values = dict(item)
        transport = str(values.get("transport") or "UDP").strip().upper()
        values["transport"] = transport
        values.setdefault("port", 5061 if transport == "TLS" else 5060)
        values.setdefault("outbound_address", values["address"])
        values.setdefault("outbound_port", values["port"])
        body = self._fields(values)
        body["name"] = item["name"]
        if "sip_password" in item:
            body["password"] = item["sip_password"]
        answer = self.call("POST", "/providers", json=body, ok=(200, 201)).data()
        provider_id = answer.get("id")
        if not provider_id:
            raise PbxError("POST /providers answered without the new trunk's id")
        for entry in item.get("assignees") or []:
            self._assign(provider_id, entry, {})

    def _assign(self, provider_id, entry, held):
        tenant_id = self._tenant_id(entry["tenant"], "gateway")
        body = {}
        for field in ("did_numbers", "concurrency"):
            value = entry.get(field, held.get(field))
            if value is not None:
                body[field] = value
        self.call("POST", "/providers/%s/assignees/%s" % (quoted(provider_id), quoted(tenant_id)), json=body,
                  ok=(200, 204))

    def update(self, tenant, current, changes, item):
        body = self._fields(changes)
        if "sip_password" in changes:
            body["password"] = changes["sip_password"]
        provider_id = current["_id"]
        if body:
            self.call("POST", "/providers/%s" % quoted(provider_id), json=body)
        if "assignees" in changes:
            held = dict((a["_tenant_id"], a) for a in current.get("_assignees") or [])
            keep = set()
            for entry in changes["assignees"]:
                tenant_id = self._tenant_id(entry["tenant"], "gateway")
                keep.add(tenant_id)
                have = held.get(tenant_id)
                if have is None or not subset_equal(dict((k, v) for k, v in entry.items() if k != "tenant"), have):
                    self._assign(provider_id, entry, have or {})
            for tenant_id in held:
                if tenant_id not in keep:
                    self.call("POST", "/providers/%s/assignees/%s/destroy" % (quoted(provider_id), quoted(tenant_id)),
                              ok=(200, 204))

    def delete(self, tenant, current):
        self.call("POST", "/providers/%s/destroy" % quoted(current["_id"]), ok=(200, 204))
