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
  - Changes a platform cannot make in place (a sipXcom model; a PortSIP template, vendor, model or owner)
    replace the phone (destroy, then create); the diff and the result say V(replaced), in check mode too.
  - "Each platform's notes (which request each option costs, what the vendor's API does that you might not
    expect) are in the C(PLATFORM_NOTES) of the collection's C(plugins/module_utils/_<platform>/phones.py)."
  - "A replacement creates the phone with what the task names; PortSIP keeps the old phone's settings the task
    does not set while the template stays the same, sipXcom does not carry over lines, groups or settings the
    task leaves out."
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
      - "sipXcom: the C(modelId) (for example V(yealinkPhoneSIPT46S)); sipXcom cannot change a phone's model,
        so a new model replaces the phone. IPCortex: the C(phone_type) (for example V(snom320), V(spa8000)); a
        change is made in place, and IPCortex adds or drops port rows when the port count changes. PortSIP: the
        model of C(/phone_models) (an IP phone, for example V(SIP-T46U)) or C(/dect_phone_models) (a DECT base,
        for example V(SIP-W70B)); which list holds it decides what the phone is."
      - Required to create a phone, except an IPCortex phone waiting in the inactive list, which is adopted with
        its own type.
    type: str
  description: &description
    description:
      - "sipXcom: the phone's description. IPCortex: the device name of every port (O(ports[].description) names
        single ports). PortSIP: DECT bases only, the base's name (1 to 64 characters, required to create one);
        PortSIP IP phones have no name."
    type: str
  extensions: &extensions
    description:
      - The extension numbers that ring on the phone, in order, as quoted strings. The order is compared.
      - Every extension must exist (in the O(tenant)); one that does not fails before any write.
      - "sipXcom: one user line per extension (the user whose name is the number), in line order, at most the
        model's line count. Lines are only added at the end or removed, so a reorder removes and adds lines.
        Lines that are not user lines are left alone."
      - "IPCortex: the extension of each port, port 0 first (an empty string for a port without one; ports after the list
        have none). An extension rings on a port through its owner's link, so it needs an owner."
      - "PortSIP: an IP phone belongs to exactly one user: list its one extension; another one replaces the phone.
        A DECT base: its handsets' extensions in handset order, at most the model's handsets."
    type: list
    elements: raw
  api_fields: &api_fields
    description:
      - PortSIP only. Fields of the PortSIP phone or DECT base object that the options do not cover (for example
        C(ringtone), C(enable_lldp), C(wan_port_id)), sent as they are; only the keys given are compared, and
        profile-backed fields are checked against the template's profile.
    type: dict
  device_version: &device_version
    description:
      - sipXcom only. The firmware family (C(deviceVersion)) of the model, one of the model's C(versions) in
        RV(pbxops.pbx.pbx_info#module:phone_models); sipXcom itself would silently store no version for another.
    type: str
  groups: &groups
    description:
      - sipXcom only. Phone groups the phone belongs to, compared as a set; groups that do not exist are created,
        and the phone leaves the groups the list does not name (one request per group left, as sipXcom removes
        them one by one).
    type: list
    elements: str
  settings: &settings
    description:
      - sipXcom only. Setting path to value, for example the path V(server/outboundProxy) with the value
        V(sbc.example.com), compared with the values sipXcom returns; each changed path is one request.
      - Values are text, numbers or booleans; a boolean setting compares by meaning (V(true) matches C(1)). A path
        the model lacks, or a value its type or options refuse, fails before any write.
    type: dict
  zone: &zone
    description:
      - IPCortex only. Time zone of the handset, one of those IPCortex documents (for example V(Europe/London),
        V(US/Eastern)), or an empty string for the PABX's default.
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
    description: IPCortex only. The handset's call (pickup) group number, as a quoted string; an empty string for none.
    type: raw
  access: &access
    description: IPCortex only. The handset's access level (IPCortex documents no value set; sent as given).
    type: str
  nat_mode: &nat_mode
    description: IPCortex only. Whether the handset is behind NAT.
    type: bool
  nat_ipaddr: &nat_ipaddr
    description: IPCortex only. The NAT IP address type (IPCortex documents no value set; sent as given).
    type: str
  ntp: &ntp
    description: IPCortex only. The NTP server type (IPCortex documents no value set; sent as given).
    type: str
  codec_list: &codec_list
    description: IPCortex only. The preferred codecs, as IPCortex writes them (a comma list, for example V(g722,alaw)).
    type: str
  barge: &barge
    description: IPCortex only. 1 the handset can barge in, 2 it can be barged, 3 both, 0 neither.
    type: int
    choices: [0, 1, 2, 3]
  static_ip: &static_ip
    description:
      - IPCortex only. A fixed address instead of DHCP; IPCortex takes the five fields together, so all are sent
        whenever one changes (those you leave out keep their current value). Applies to every port.
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
        V(yealinkT4x.ph.xml). Defaults to the template that lists O(model) (a model several templates list needs
        it set). A change replaces the phone.
    type: str
  vendor: &vendor
    description:
      - PortSIP only. The phone's vendor, for example V(Yealink). Defaults to the first word of the model's display
        name (set it where the template names its vendor otherwise, for example V(Mitel) for Aastra models). A
        change replaces the phone.
    type: str
  web_password: &web_password
    description:
      - PortSIP only. Password of the phone's web interface (of a DECT base too). Write-only, see
        O(update_password). A phone created without it gets a random password that is never shown.
    type: str
  language: &language
    description:
      - PortSIP only. Display language, one of the template profile's languages; default V(ENGLISH) (or the
        profile's first language when it has no English).
    type: str
  transfer: &transfer
    description: PortSIP IP phones only. Transfer mode; default V(BLIND).
    type: str
    choices: [BLIND, ATTENDED, NEW_CALL]
  timezone: &timezone
    description:
      - PortSIP only. Time zone, one of the template profile's, for example V(GMT+1 Germany(Berlin)); default the profile's
        UTC+0 zone (V(GMT), else its first).
    type: str
  codecs: &codecs
    description:
      - PortSIP only. Codecs in priority order (compared in order), from the template profile's; default all of
        the profile's, in its order.
    type: list
    elements: str
  interface: &interface
    description: PortSIP only. Which PBX address the phone registers to; default V(WEB_DOMAIN).
    type: str
    choices: [WEB_DOMAIN, PUBLIC_IPV4, PUBLIC_IPV6, PRIVATE_IPV4, PRIVATE_IPV6, SBC_DOMAIN]
  transport: &transport
    description: PortSIP only. SIP transport (C(preferred_transport)); default V(UDP).
    type: str
    choices: [UDP, TCP, TLS]
  region: &region
    description: PortSIP DECT bases only. Region of the base (free text).
    type: str
  tone: &tone
    description: PortSIP DECT bases only. Tone scheme of the base, one of the profile's; default its first.
    type: str
  handset_language: &handset_language
    description: PortSIP DECT bases only. Language of the handsets, one of the profile's languages.
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
      - V(on_create) writes secrets only when the phone is created (or replaced), so reruns stay unchanged.
      - V(always) writes every secret you set on every run; the task then always reports a change.
    type: str
    default: on_create
    choices: [on_create, always]
  purge:
    description:
      - With O(phones), also remove every phone of the same O(tenant) that the list does not name.
      - "The tenant's phones: sipXcom, the phones whose user lines all belong to users of the branch (phones
        without lines too); IPCortex, the company's phones (never those waiting in the inactive list); PortSIP, the
        tenant's phones and DECT bases."
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to reach every tenant of the PBX, where the task's scope is the whole PBX (sipXcom without
        O(tenant)).
    type: bool
    default: false
  push_config:
    description:
      - V(changed) sends the new configuration to each phone the task created, changed or replaced, V(always) to
        every phone the task names, V(never) to none.
      - Sending it makes the phone fetch its configuration again (IPCortex and some models reboot). Never done in
        check mode, which lists in RV(would_push) what a real run would push.
      - "sipXcom: one C(sendProfile) request for every phone of the run. PortSIP: one C(reprovision) per phone;
        PortSIP cannot re-provision a DECT base, so a push to one fails while planning. IPCortex: one C(reboot)
        per phone."
    type: str
    default: never
    choices: [never, changed, always]
seealso:
  - module: pbxops.pbx.pbx_extension
  - module: pbxops.pbx.pbx_info
"""

EXAMPLES = r"""
- name: A Yealink of a PortSIP user, defaults from its template's profile, configuration pushed when it changes
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: "80:5e:c0:11:22:33"
    model: SIP-T46U
    extensions: ["101"]
    web_password: "{{ vault_phone_web }}"
    push_config: changed

- name: The same kind of phone with every PortSIP setting named
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: 80-5E-C0-11-22-44
    model: SIP-T46U
    template: yealinkT4x.ph.xml
    vendor: Yealink
    extensions: ["102"]
    language: GERMAN
    timezone: GMT+1 Germany(Berlin)
    codecs: [G722, PCMA, PCMU]
    transfer: ATTENDED
    interface: WEB_DOMAIN
    transport: TLS
    api_fields:
      enable_lldp: true

- name: A PortSIP DECT base with two handsets
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: 0015.6511.2233
    model: SIP-W60B
    description: Warehouse DECT
    extensions: ["101", "102"]
    region: Leeds
    tone: Great Britain
    language: ENGLISH
    handset_language: ENGLISH
    timezone: 0 United Kingdom(London)
    user_password: "{{ vault_dect_user }}"
    engineer_password: "{{ vault_dect_engineer }}"

- name: Rotate the web password of a PortSIP phone (reports changed on every run)
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: "80:5e:c0:11:22:33"
    model: SIP-T46U
    extensions: ["101"]
    web_password: "{{ vault_new_phone_web }}"
    update_password: always

- name: A sipXcom phone with two lines, its groups and two settings, profile sent when something changed
  pbxops.pbx.pbx_phone:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    mac: 00:04:f2:aa:bb:cc
    model: yealinkPhoneSIPT46S
    device_version: yealink8X
    description: Reception
    extensions: ["201", "202"]
    groups: [hq, lobby]
    settings:
      server/outboundProxy: sbc.example.com
      features/callWaiting: false
    push_config: changed

- name: An IPCortex 8-port ATA on a fixed address, one port named, with the extension of port 0
  pbxops.pbx.pbx_phone:
    platform: ipcortex
    url: https://pabx.example.co.uk
    api_key: "{{ vault_ipcortex_key }}"
    tenant: acme
    mac: 0004F2AA0800
    model: spa8000
    description: Fax ATA
    extensions: ["342"]
    ports:
      - port: 7
        description: Lift
    zone: Europe/London
    can_hotdesk: false
    can_forward: true
    qualify: true
    call_group: "2"
    access: local
    nat_mode: false
    nat_ipaddr: internal
    ntp: internal
    codec_list: g722,alaw
    barge: 2
    static_ip:
      address: 192.0.2.10/24
      gateway: 192.0.2.1
      dns1: 192.0.2.53
      dns2: 192.0.2.54
      domain: acme.example

- name: Adopt the IPCortex phones that called in and wait to be provisioned
  module_defaults:
    group/pbxops.pbx.pbx:
      platform: ipcortex
      url: https://pabx.example.co.uk
      api_key: "{{ vault_ipcortex_key }}"
      tenant: acme
  block:
    - name: The phones waiting in the inactive list
      pbxops.pbx.pbx_info:
        gather: [unprovisioned_phones]
      register: waiting

    - name: Promote each into the company with its own type (no model needed)
      pbxops.pbx.pbx_phone:
        mac: "{{ item.mac }}"
      loop: "{{ waiting.unprovisioned_phones }}"
      loop_control:
        label: "{{ item.mac }} {{ item.model }}"

- name: Exactly these phones in a sipXcom branch, every other phone of the branch removed
  pbxops.pbx.pbx_phone:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    purge: true
    phones:
      - {mac: 00:04:f2:aa:bb:cc, model: yealinkPhoneSIPT46S}
      - {mac: 00:04:f2:aa:bb:dd, model: polycomVVX500, extensions: ["202"], state: present}

- name: Remove every sipXcom phone the list does not name, in every branch and outside them
  pbxops.pbx.pbx_phone:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    purge: true
    purge_all_tenants: true
    phones:
      - {mac: 00:04:f2:aa:bb:cc, model: yealinkPhoneSIPT46S}
      - {mac: 00:04:f2:aa:bb:dd, model: polycomVVX500}

- name: Retire a PortSIP phone
  pbxops.pbx.pbx_phone:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    mac: 80:5e:c0:11:22:99
    state: absent
"""

RETURN = r"""
phone:
  description:
    - The phone as it is after the task (in check mode, as it would be), single form only. Empty after removal.
  returned: when O(mac) is given
  type: dict
  sample: {"mac": "805ec0112233", "model": "SIP-T46U", "extensions": ["101"]}
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
not_attempted:
  description: On failure, the MACs whose change was never sent (the run stopped at an earlier one).
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
