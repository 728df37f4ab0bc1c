#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_info
short_description: Read what a sipXcom, IPCortex or PortSIP PBX holds, in the shape the modules take
version_added: 1.0.0
description:
  - Reads the tenants, extensions, phones and emergency locations (ERLs) of a PBX (in the O(tenant) given), and
    the catalogues a playbook chooses from (phone models, phones that called in but are not provisioned yet).
  - "Each kind comes back as a list under the name of its module's list option (RV(extensions), RV(phones), ...),
    with the same option names the module takes, so that the list fed back to the module as it is changes
    nothing: read a live PBX into YAML, then manage it."
  - Secrets are never returned (sipXcom, for one, returns SIP passwords in clear; they are dropped), nor the
    vendor's raw record behind C(api_fields).
  - Options that need one extra request per object on a platform (for example sipXcom's caller ID and voicemail
    settings) are left out, so that gathering a tenant of thousands of extensions stays one listing per kind.
  - Kinds a platform has no API for are left out of O(gather=all) and listed in RV(skipped); naming one in
    O(gather) fails before any request.
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.info_attributes
options:
  gather:
    description:
      - What to read. V(all) reads every kind and catalogue the platform has.
      - V(tenants), V(extensions), V(phones), V(erls) come back in the shape of M(pbxops.pbx.pbx_tenant),
        M(pbxops.pbx.pbx_extension), M(pbxops.pbx.pbx_phone) and M(pbxops.pbx.pbx_erl).
      - V(phone_models) lists the models (sipXcom phone models, IPCortex phone types, PortSIP phone models with
        their templates) that O(pbxops.pbx.pbx_phone#module:model) takes.
      - V(unprovisioned_phones) lists phones that asked the PBX for their configuration and wait to be adopted
        (IPCortex inactive phones, PortSIP inventory phones without a user).
    type: list
    elements: str
    default: [all]
    choices: [all, tenants, extensions, phones, callgroups, gateways, erls, phone_models, unprovisioned_phones]
  keys:
    description:
      - Only return the objects whose natural key is in this list (extension numbers, MACs in any notation,
        tenant names). Quote numbers.
    type: list
    elements: raw
"""

EXAMPLES = r"""
- name: Read the acme tenant of a PortSIP PBX
  pbxops.pbx.pbx_info:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    gather: [extensions]
  register: acme

- name: Manage exactly what it holds from now on (changes nothing the first time)
  pbxops.pbx.pbx_extension:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    extensions: "{{ acme.extensions }}"

- name: Two extensions of a sipXcom branch, through a private CA
  pbxops.pbx.pbx_info:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    ca_path: /etc/pki/sipx-ca.pem
    tenant: headquarters
    gather: [extensions]
    keys: ["201", "202"]
  register: hq

- name: The phones of a sipXcom branch and the models they can be, in check mode too
  pbxops.pbx.pbx_info:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    gather: [phones, phone_models]
    keys: ["00:04:F2:AA:BB:CC"]
  check_mode: true
  register: hq_phones

- name: Everything an IPCortex PABX lets the API key see, on a lab PABX
  pbxops.pbx.pbx_info:
    platform: ipcortex
    url: https://lab-pabx.example.co.uk
    api_key: "{{ vault_ipcortex_key }}"
    validate_certs: false
    timeout: 60
    retries: 5
  register: pabx
"""

RETURN = r"""
platform:
  description: The platform read.
  returned: always
  type: str
  sample: portsip
tenant:
  description: The tenant read (the O(tenant) option), or null for the platform's default scope.
  returned: always
  type: str
  sample: acme
tenants:
  description:
    - The tenants (PortSIP tenants, sipXcom branches, IPCortex companies) in the shape of the
      O(pbxops.pbx.pbx_tenant#module:tenants) option.
  returned: when gathered
  type: list
  elements: dict
  sample: [{"name": "acme", "domain": "acme.pbx.example.com", "timezone": "Europe/London", "enabled": true}]
extensions:
  description:
    - The extensions of the tenant in the shape of the O(pbxops.pbx.pbx_extension#module:extensions) option,
      without secrets.
  returned: when gathered
  type: list
  elements: dict
  sample: [{"number": "101", "name": "Ann Lee", "email": "ann@acme.example", "enabled": true}]
phones:
  description:
    - The phones of the tenant in the shape of the O(pbxops.pbx.pbx_phone#module:phones) option, without secrets.
    - "sipXcom: mac, model, description, device_version, groups, extensions (settings are left out: they cost one
      request per phone; the line passwords sipXcom returns in clear are dropped). IPCortex: mac, model, the
      description of port 0, the columns every port shares, static_ip, extensions, and ports for the ports named
      otherwise. PortSIP: mac, model, template, vendor, extensions and the profile fields (language, timezone,
      codecs, ...; a DECT base also its description and handset settings), never its passwords."
  returned: when gathered, on platforms where pbx_phone manages phones
  type: list
  elements: dict
  sample: [{"mac": "0004f2aabbcc", "model": "yealinkPhoneSIPT46S", "description": "Reception",
            "device_version": "yealink8X", "groups": ["hq"], "extensions": ["201", "202"]}]
callgroups:
  description:
    - The call groups of the tenant in the shape of the O(pbxops.pbx.pbx_callgroup#module:callgroups) option.
    - "sipXcom: number, name, description, did, enabled, user_forward, use_forward_timers, no_answer and members
      (each with expiration, enabled and, after the first, ring_type), plus strategy and ring_time when every member
      shares them (then left out of the members). IPCortex: number, name, strategy (hunt or queue), ring_time (when
      set), members in link order, no_answer, and for a queue every queue_* option. PortSIP: number, name, strategy,
      ring_time, skip_busy_members, no_answer and members (an extension number, or {number, skill_level} when the
      level is not 1), one request per group for its members."
  returned: when gathered, on platforms where pbx_callgroup manages call groups
  type: list
  elements: dict
  sample: [{"number": "500", "name": "sales", "strategy": "hunt", "ring_time": 20, "members": ["201", "202"],
            "no_answer": {"action": "forward", "number": "200"}}]
gateways:
  description:
    - The gateways (sipXcom gateways, PortSIP trunks) in the shape of the O(pbxops.pbx.pbx_gateway#module:gateways)
      option; never the trunk's sip_password.
    - "sipXcom: the tenant's branch (every gateway without tenant): name, model, description, enabled, address, port,
      transport, outbound_address, outbound_port, prefix, shared, internal_bridge, branch, device_version and the
      caller_id options (settings, the ITSP account and ports cost requests per gateway and are left out).
      PortSIP: every trunk of the PBX as name, enabled, brand, address, port, did_numbers."
  returned: when gathered, on platforms where pbx_gateway manages gateways
  type: list
  elements: dict
  sample: [{"name": "carrier", "model": "sipTrunkStandard", "address": "sip.carrier.example", "port": 5060,
            "transport": "udp", "enabled": true, "shared": false}]
erls:
  description:
    - The E911 emergency locations (ERLs) in the shape of the O(pbxops.pbx.pbx_erl#module:erls) option.
    - "sipXcom only (IPCortex and PortSIP have no ERL API: RV(skipped) says why): elin, location, address_info,
      description, and the non-empty users, phones, user_groups and phone_groups whose own location is the ERL
      (members that are at it only through one of their groups are left out). sipXcom has no call that lists
      an ERL's members, so gathering erls reads the location of every user, phone and group of the tenant,
      one request each."
  returned: when gathered, on sipXcom
  type: list
  elements: dict
  sample: [{"elin": "4235551212", "location": "123 Test Street, Floor 1", "address_info": "",
            "description": "Reception", "users": ["201"], "phones": ["0004f2aabbcc"], "user_groups": ["sales"],
            "phone_groups": ["lobby"]}]
phone_models:
  description:
    - The models the platform offers, for O(pbxops.pbx.pbx_phone#module:model).
  returned: when gathered, on platforms where pbx_phone manages phones
  type: list
  elements: dict
  sample: [{"model": "SIP-T46U", "template": "yealinkT4x.ph.xml", "vendor": "Yealink", "label": "Yealink SIP-T46U",
            "dect": false}]
  contains:
    model:
      description: The model id pbx_phone takes (sipXcom C(modelId), IPCortex C(phone_type), PortSIP model).
      type: str
      returned: always
    label:
      description: The model's display name.
      type: str
      returned: always
    vendor:
      description: The vendor (sipXcom, PortSIP).
      type: str
      returned: on sipXcom and PortSIP
    versions:
      description: sipXcom only. The firmware families O(pbxops.pbx.pbx_phone#module:device_version) takes.
      type: list
      elements: str
      returned: on sipXcom
    max_lines:
      description: sipXcom only. How many lines the model takes (null for a model the collection does not know).
      type: int
      returned: on sipXcom
    group:
      description: IPCortex only. The phone type's group (C(pgroup)), for example V(cisco).
      type: str
      returned: on IPCortex
    template:
      description: PortSIP only. The template file of the model.
      type: str
      returned: on PortSIP
    dect:
      description: PortSIP only. Whether the model is a DECT base.
      type: bool
      returned: on PortSIP
    handsets:
      description: PortSIP only. How many handsets a DECT base takes.
      type: int
      returned: on PortSIP, for DECT models
unprovisioned_phones:
  description:
    - Phones that asked for their configuration and wait to be adopted (IPCortex's inactive list, PortSIP's
      inventory phones without a user); sipXcom has none. Give one's mac (and, on PortSIP, its model and an
      extension) to M(pbxops.pbx.pbx_phone) to adopt it.
  returned: when gathered, on platforms where pbx_phone manages phones
  type: list
  elements: dict
  sample: [{"mac": "0004f2aabbcc", "model": "snom320", "description": "Snom 320", "created": 1700000000}]
  contains:
    mac:
      description: The phone's MAC address, normalised.
      type: str
      returned: always
    model:
      description: The model or phone type it reported.
      type: str
      returned: always
    description:
      description: IPCortex only. The type's display name.
      type: str
      returned: on IPCortex
    created:
      description: IPCortex only. When it first called in (seconds since the epoch).
      type: int
      returned: on IPCortex
    vendor:
      description: PortSIP only. The vendor it reported.
      type: str
      returned: on PortSIP
    fwver:
      description: PortSIP only. Its firmware version.
      type: str
      returned: on PortSIP
    ip:
      description: PortSIP only. The address it called from.
      type: str
      returned: on PortSIP
skipped:
  description: What O(gather=all) left out because the platform has no API for it, and why.
  returned: always
  type: dict
  sample: {"phones": "IPCortex ..."}
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_info_module


def main():
    run_info_module()


if __name__ == "__main__":
    main()
