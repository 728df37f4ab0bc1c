#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_phone
short_description: Manage desk phones (and PortSIP DECT bases) on sipXcom, IPCortex and PortSIP PBXs
version_added: 1.0.0
description:
  - Creates, updates and removes phones, one from the top-level options or many from O(phones).
  - "A phone is found by its O(mac): a sipXcom phone (C(serialNo)), the rows of an IPCortex handset (one per
    port), a PortSIP phone assigned to a user or a PortSIP DECT base."
  - Only the options you set are compared and written; everything else on the PBX is left alone.
    Secrets (O(web_password), O(user_password), O(engineer_password)) cannot be read back, so they are
    written when the phone is created and afterwards only with O(update_password=always).
  - An option the platform cannot honour fails before any request is sent, naming the option and the platform.
    A O(model) the platform does not know fails before any write and lists close matches.
  - Changes a platform cannot make in place (PortSIP template, vendor, model or owner) replace the phone
    (destroy, then create); the diff and the result say V(replaced), in check mode too.
  - O(push_config) sends the new configuration to the phones the task changed (sipXcom C(sendProfile), PortSIP
    C(reprovision), IPCortex C(reboot)), once per phone, never in check mode.
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  mac: &mac
    description:
      - The phone's MAC address; the natural key. Required unless O(phones) is given.
      - Any common notation, V(0004F2AABBCC), V(00:04:f2:aa:bb:cc), V(00-04-f2-aa-bb-cc) or V(0004.f2aa.bbcc).
    type: str
  model: &model
    description:
      - The platform's own model id, as M(pbxops.pbx.pbx_info) lists it in RV(pbxops.pbx.pbx_info#module:phone_models).
      - "sipXcom: the C(modelId) (for example V(yealinkPhoneT46)). IPCortex: the C(phone_type) (for example
        V(snom320), V(spa8000)). PortSIP: the model (for example V(T46U)) of a phone or DECT model."
      - Required to create a phone.
    type: str
  description: &description
    description:
      - "sipXcom: the phone's description. IPCortex: the device name. PortSIP DECT bases: the base's name
        (required to create one)."
    type: str
  extensions: &extensions
    description:
      - The extension numbers that ring on the phone, in order, as quoted strings. The order is compared.
      - "sipXcom: one user line per extension, in line order. IPCortex: the extension of each port, port 0 first,
        linked through the extension's owner. PortSIP: exactly one, the user the phone belongs to (for a DECT
        base: its handsets, in handset order)."
    type: list
    elements: raw
  api_fields: &api_fields
    description:
      - Fields of the platform's own phone object that the options do not cover, sent as they are; only the keys
        given are compared.
    type: dict
  device_version: &device_version
    description:
      - sipXcom only. The firmware family (C(deviceVersion)) of the model.
    type: str
  groups: &groups
    description:
      - sipXcom only. Phone groups the phone belongs to, compared as a set; groups that do not exist are created,
        and the phone leaves the groups the list does not name.
    type: list
    elements: str
  settings: &settings
    description:
      - sipXcom only. Setting path to value, for example the path V(server/outboundProxy) with the value V(sbc.example.com), compared
        with the values sipXcom returns; each changed path is one request. A path the model lacks fails before
        any write.
    type: dict
  zone: &zone
    description: IPCortex only. Time zone of the handset, for example V(Europe/London).
    type: str
  can_hotdesk: &can_hotdesk
    description: IPCortex only. Whether users may hot-desk on the handset.
    type: bool
  can_forward: &can_forward
    description: IPCortex only. Whether the handset may forward calls.
    type: bool
  qualify: &qualify
    description: IPCortex only. Whether the PABX qualifies (keeps alive) the handset.
    type: bool
  call_group: &call_group
    description: IPCortex only. The handset's call (pickup) group id, as a quoted string.
    type: raw
  access: &access
    description: IPCortex only. The handset's access level.
    type: str
  nat_mode: &nat_mode
    description: IPCortex only. Whether the handset is behind NAT.
    type: bool
  nat_ipaddr: &nat_ipaddr
    description: IPCortex only. The NAT IP address type.
    type: str
  ntp: &ntp
    description: IPCortex only. The NTP server type.
    type: str
  codec_list: &codec_list
    description: IPCortex only. The preferred codecs, as IPCortex writes them.
    type: str
  barge: &barge
    description: IPCortex only. 1 the handset can barge in, 2 it can be barged, 3 both, 0 neither.
    type: int
    choices: [0, 1, 2, 3]
  static_ip: &static_ip
    description:
      - IPCortex only. A fixed address instead of DHCP; IPCortex takes the five fields together, so all are sent
        whenever one changes.
    type: dict
    suboptions:
      address:
        description: Fixed IP address and mask, for example V(192.0.2.10/24).
        type: str
      dns1:
        description: First DNS server.
        type: str
      dns2:
        description: Second DNS server.
        type: str
      gateway:
        description: Default gateway.
        type: str
      domain:
        description: DNS search domain.
        type: str
  ports: &ports
    description:
      - IPCortex only. Values for single ports of a multi-port handset (such as V(spa8000)); the columns above apply
        to every port.
    type: list
    elements: dict
    suboptions:
      port:
        description: The port number, from 0.
        type: int
      description:
        description: The port's device name.
        type: str
      extension:
        description: The extension that rings on this port, as a quoted string.
        type: raw
  template: &template
    description:
      - PortSIP only. The provisioning template (C(filename) of a phone, C(template) of a DECT base), for example
        V(yealinkT4x.ph.xml). Defaults to the template of O(model) in C(/phone_models).
    type: str
  vendor: &vendor
    description: PortSIP only. The phone's vendor, for example V(Yealink). Defaults from O(model).
    type: str
  web_password: &web_password
    description:
      - PortSIP only. Password of the phone's web interface. Write-only, see O(update_password).
    type: str
  language: &language
    description: PortSIP only. Display language, one of the template profile's languages (default from the profile).
    type: str
  transfer: &transfer
    description: PortSIP only. Transfer mode.
    type: str
    choices: [BLIND, ATTENDED, NEW_CALL]
  timezone: &timezone
    description: PortSIP only. Time zone, one of the template profile's (default from the profile).
    type: str
  codecs: &codecs
    description: PortSIP only. Codecs in priority order (compared in order), from the template profile's.
    type: list
    elements: str
  interface: &interface
    description: PortSIP only. Which PBX address the phone registers to.
    type: str
    choices: [WEB_DOMAIN, PUBLIC_IPV4, PUBLIC_IPV6, PRIVATE_IPV4, PRIVATE_IPV6, SBC_DOMAIN]
  transport: &transport
    description: PortSIP only. SIP transport (C(preferred_transport)).
    type: str
    choices: [UDP, TCP, TLS]
  region: &region
    description: PortSIP DECT bases only. Region of the base.
    type: str
  tone: &tone
    description: PortSIP DECT bases only. Tone scheme of the base.
    type: str
  handset_language: &handset_language
    description: PortSIP DECT bases only. Language of the handsets.
    type: str
  user_password: &user_password
    description: PortSIP DECT bases only. The base's user password. Write-only, see O(update_password).
    type: str
  engineer_password: &engineer_password
    description: PortSIP DECT bases only. The base's engineer password. Write-only, see O(update_password).
    type: str
  phones:
    description:
      - Many phones at once; each item takes the same options as the task (O(mac) is required in each).
      - O(state), O(update_password) and O(push_config) of the task apply to every item unless the item sets its
        own O(phones[].state).
    type: list
    elements: dict
    suboptions:
      mac: *mac
      model: *model
      description: *description
      extensions: *extensions
      api_fields: *api_fields
      device_version: *device_version
      groups: *groups
      settings: *settings
      zone: *zone
      can_hotdesk: *can_hotdesk
      can_forward: *can_forward
      qualify: *qualify
      call_group: *call_group
      access: *access
      nat_mode: *nat_mode
      nat_ipaddr: *nat_ipaddr
      ntp: *ntp
      codec_list: *codec_list
      barge: *barge
      static_ip: *static_ip
      ports: *ports
      template: *template
      vendor: *vendor
      web_password: *web_password
      language: *language
      transfer: *transfer
      timezone: *timezone
      codecs: *codecs
      interface: *interface
      transport: *transport
      region: *region
      tone: *tone
      handset_language: *handset_language
      user_password: *user_password
      engineer_password: *engineer_password
      state:
        description:
          - State of this phone; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the phone or brings the options you set up to date; V(absent) removes it.
    type: str
    default: present
    choices: [present, absent]
  update_password:
    description:
      - V(on_create) writes secrets only when the phone is created, so reruns stay unchanged.
      - V(always) writes every secret you set on every run; the task then always reports a change.
    type: str
    default: on_create
    choices: [on_create, always]
  purge:
    description:
      - With O(phones), also remove every phone of the same O(tenant) that the list does not name.
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to reach every tenant of the PBX, where the task's scope is the whole PBX.
    type: bool
    default: false
  push_config:
    description:
      - V(changed) sends the new configuration to each phone the task created, changed or replaced, V(always) to
        every phone the task names, V(never) to none.
      - Sending it makes the phone fetch its configuration again (IPCortex and some models reboot). Never done in
        check mode, which lists in RV(would_push) what a real run would push.
    type: str
    default: never
    choices: [never, changed, always]
seealso:
  - module: pbxops.pbx.pbx_extension
  - module: pbxops.pbx.pbx_info
"""

EXAMPLES = r"""
- name: A Yealink on a PortSIP tenant, ringing extension 101, configuration pushed when it changes
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: "80:5e:c0:11:22:33"
    model: T46U
    extensions: ["101"]
    web_password: "{{ vault_phone_web }}"
    push_config: changed
"""

RETURN = r"""
phone:
  description:
    - The phone as it is after the task (in check mode, as it would be), single form only. Empty after removal.
  returned: when O(mac) is given
  type: dict
  sample: {"mac": "805ec0112233", "model": "T46U", "extensions": ["101"]}
objects:
  description:
    - One entry per phone of the list form that the task changed (or would change), and per phone removed by
      O(purge). Unchanged phones are only counted in RV(summary).
  returned: when O(phones) is given
  type: list
  elements: dict
  contains:
    mac:
      description: The phone's MAC address, normalised.
      type: str
      returned: always
    action:
      description: What the task did (or, in check mode, would do).
      type: str
      returned: always
      sample: replaced
    before:
      description: The managed fields before the task (all known fields for a removal).
      type: dict
      returned: always
    after:
      description: The managed fields after the task; empty after a removal.
      type: dict
      returned: always
    outcome:
      description:
        - Only when the task failed part-way; how far this change got, read back from the PBX after the failure.
      type: str
      returned: on failure
summary:
  description: How many phones were created, updated, replaced, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"created": 2, "updated": 1, "replaced": 0, "deleted": 0, "unchanged": 97}
pushed:
  description: The MACs the configuration was sent to, once each.
  returned: when O(push_config) is not V(never), not in check mode
  type: list
  elements: str
would_push:
  description: In check mode, the MACs a real run would send the configuration to.
  returned: in check mode, when O(push_config) is not V(never)
  type: list
  elements: str
applied:
  description: On failure, the MACs whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the MACs whose change the PBX holds only in part.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the MACs whose change was not made.
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the MACs whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("phone")


if __name__ == "__main__":
    main()
