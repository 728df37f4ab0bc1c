#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_gateway
short_description: Manage SIP trunks and gateways on sipXcom and PortSIP PBXs
version_added: 1.0.0
description:
  - Creates, updates and removes SIP trunks and gateways, one from the top-level options or many from O(gateways).
  - "A gateway is found by its O(name): a sipXcom gateway (C(/api/gateways): SIP trunks, unmanaged gateways,
    AudioCodes gateways) or a PortSIP trunk (C(/providers))."
  - Only the options you set are compared and written; everything else on the PBX is left alone. sipXcom replaces
    the whole gateway on every update, so the module sends it back with only the changed fields replaced.
  - The trunk's credentials (O(sip_password)) cannot be read back, so they are written when the gateway is created
    and afterwards only with O(update_password=always); they never appear in the output, the diff or C(-vvv).
  - An option the platform cannot honour fails before any request is sent, naming the option and the platform.
    An unknown O(model), a missing required option or a setting the model lacks fails before any write.
  - IPCortex has no API for trunks or gateways; every task there fails before any request.
  - "Each platform's notes (which request each option costs, what the vendor's API does that you might not
    expect) are in the C(PLATFORM_NOTES) of the collection's C(plugins/module_utils/_sipxcom/gateways.py) and
    C(plugins/module_utils/_portsip/providers.py)."
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  name: &name
    description:
      - The gateway's (trunk's) name; the natural key. Required unless O(gateways) is given.
      - "sipXcom: unique on the whole PBX, branches included. PortSIP: 1 to 64 characters."
    type: str
  enabled: &enabled
    description:
      - Whether the gateway carries calls.
      - "sipXcom: defaults to V(true) on create. PortSIP: defaults to V(true) (PortSIP's own default)."
    type: bool
  address: &address
    description:
      - The gateway's or the provider's host name or IP address.
      - "sipXcom: C(address). PortSIP: C(hostname); required to create a trunk."
    type: str
  port: &port
    description:
      - The SIP port of O(address), 0 to 65535.
      - "sipXcom: C(addressPort); V(0) (the default) means the transport's default port. PortSIP: C(port);
        defaults to V(5060) (V(5061) with O(transport=TLS))."
    type: int
  transport: &transport
    description:
      - The SIP transport, compared case-insensitively.
      - "sipXcom: V(none) (the default: sipXcom chooses), V(udp), V(tcp) or V(tls). PortSIP: V(UDP) (the
        default), V(TCP) or V(TLS)."
    type: str
  outbound_address: &outbound_address
    description:
      - The outbound proxy calls are sent through, a host name or IP address.
      - "sipXcom: C(outboundAddress). PortSIP: C(outbound_server); defaults to O(address)."
    type: str
  outbound_port: &outbound_port
    description:
      - The outbound proxy's port, 0 to 65535.
      - "sipXcom: C(outboundPort), V(5060) by default. PortSIP: C(outbound_server_port); defaults to O(port)."
    type: int
  sip_username: &sip_username
    description:
      - The trunk's SIP account name (not the connection's O(username)).
      - "sipXcom: the setting C(itsp-account/user-name) of a SIP trunk (O(model=sipTrunkStandard) or an ITSP
        template). PortSIP: C(username)."
    type: str
  auth_id: &auth_id
    description:
      - The authentication name of the trunk's SIP account, where it differs from O(sip_username).
      - "sipXcom: the setting C(itsp-account/authentication-user-name) of a SIP trunk. PortSIP: C(auth_id)."
    type: str
  sip_password: &sip_password
    description:
      - The password of the trunk's SIP account (not the connection's O(password)); write-only, never compared or
        shown.
      - "sipXcom: the setting C(itsp-account/password) of a SIP trunk (sipXcom returns it in clear: it is masked
        wherever it could appear). PortSIP: C(password)."
    type: str
  model: &model
    description:
      - sipXcom only. The gateway model's id, required to create a gateway; M(pbxops.pbx.pbx_info) shows each
        gateway's model.
      - "V(sipTrunkStandard) (SIP trunk), V(genericGatewayStandard) (unmanaged gateway), V(acmeGatewayStandard),
        the AudioCodes models V(audiocodesMP1X4_4_FXO), V(audiocodesMP1X8_8_FXO), V(audiocodesMediant1000),
        V(audiocodesMediant2000), V(audiocodesMediant3000), V(audiocodesMediantBRI), V(audiocodesTP260), or an
        ITSP template (an id starting with C(itsp), for example V(itspBandwidth)). An unknown model fails before
        any write and lists close matches."
      - sipXcom cannot change a gateway's model; another model fails before any write.
    type: str
  description: &description
    description: sipXcom only. The gateway's description.
    type: str
  device_version: &device_version
    description:
      - sipXcom only. The firmware family (C(deviceVersion)) of an AudioCodes model, for example V(audiocodes6.0);
        another value fails before any write (sipXcom would silently store none).
    type: str
  prefix: &prefix
    description:
      - sipXcom only. Digits added in front of every number dialled through the gateway, as a quoted string.
    type: raw
  shared: &shared
    description:
      - sipXcom only. Whether users of every branch may call out through the gateway (V(true) by default), not only
        those of its O(branch).
    type: bool
  internal_bridge: &internal_bridge
    description:
      - sipXcom only. Whether calls go through sipXcom's internal SIP bridge (sipXbridge, C(useInternalBridge));
        V(true) by default.
    type: bool
  branch: &branch
    description:
      - sipXcom only. The branch the gateway belongs to (an empty string for none); it must exist.
      - "With O(tenant) set, the tenant is the branch: only the gateways of that branch are listed and purged, a
        new gateway goes into it, and O(branch) may only name it. Without O(tenant), O(branch) moves a gateway."
    type: str
  caller_id: &caller_id
    description: sipXcom only. The caller ID sent for calls through the gateway (C(defaultCallerAlias)).
    type: str
  caller_id_name: &caller_id_name
    description: sipXcom only. The display name sent with the caller ID (C(displayName)).
    type: str
  caller_id_block: &caller_id_block
    description: sipXcom only. Whether the caller ID is withheld (C(anonymous)).
    type: bool
  caller_id_ignore_user: &caller_id_ignore_user
    description: sipXcom only. Whether the gateway's O(caller_id) is sent instead of the user's own (C(ignoreUserInfo)).
    type: bool
  caller_id_from_extension: &caller_id_from_extension
    description:
      - sipXcom only. Whether the caller ID is made from the caller's extension (C(transformUserExtension)), with
        O(caller_id_prefix) and O(caller_id_keep_digits).
    type: bool
  caller_id_prefix: &caller_id_prefix
    description: sipXcom only. Digits put in front of the extension's kept digits (C(addPrefix)), as a quoted string.
    type: raw
  caller_id_keep_digits: &caller_id_keep_digits
    description: sipXcom only. How many of the extension's last digits are kept (C(keepDigits)); V(0) keeps all.
    type: int
  caller_id_url_parameters: &caller_id_url_parameters
    description: sipXcom only. Parameters added to the caller ID's SIP URL (C(urlParameters)).
    type: str
  settings: &settings
    description:
      - sipXcom only. Setting path to value, for example the path V(itsp-account/registration-interval) with the
        value V(300), compared with the values sipXcom returns; each changed path is one request.
      - Values are text, numbers or booleans; a boolean compares by meaning. A path the model lacks, or a value its
        type or options refuse, fails before any write (sipXcom itself would answer success and ignore it).
      - Credentials (a path ending in C(password) or C(secret)) are refused here; give O(sip_password).
      - "Paths of a new SIP trunk are checked against the SIP trunk's settings; for a new gateway of another model,
        against an existing gateway of the model (create the first one without settings)."
    type: dict
  ports: &ports
    description:
      - sipXcom only, AudioCodes models. The gateway's FXO (or digital trunk) ports in order, at most the model's
        port count; ports are added at the end and the last ones removed.
      - Each port may set C(settings) by path (for example V(Port/extension)), compared like O(settings). Settings
        of a new port are checked against an existing port of the gateway or model.
    type: list
    elements: dict
    suboptions:
      settings:
        description: The port's setting path to value.
        type: dict
  brand: &brand
    description: PortSIP only. The trunk's brand (C(brand)), 1 to 64 characters; fixed at creation.
    type: str
  auth_mode: &auth_mode
    description:
      - PortSIP only. How the trunk authenticates (C(auth_mode)); fixed at creation.
    type: str
    choices: [IP_AUTH, REGISTER_AUTH, ACCEPT_REGISTER, TEAMS, WHATS_APP]
  register_interval: &register_interval
    description: PortSIP only. Registration refresh interval in seconds (PortSIP's default 600).
    type: int
  keep_alive_interval: &keep_alive_interval
    description: PortSIP only. Interval of the C(OPTIONS) keep-alive in seconds (PortSIP's default 360).
    type: int
  concurrency: &concurrency
    description: PortSIP only. The trunk's maximum of concurrent calls; required to create a trunk.
    type: int
  additional_ips: &additional_ips
    description: PortSIP only. Further addresses of the provider, C(;)-separated CIDRs (V(192.0.2.0/24;192.0.2.7/32)).
    type: str
  did_numbers: &did_numbers
    description: PortSIP only. The trunk's DID numbers, C(;)-separated numbers and ranges (V(3000;12000-18000)).
    type: str
  inbound_parameters: &inbound_parameters
    description:
      - PortSIP only. Where inbound calls' numbers are taken from (C(inbound_parameters)), by the API's field names,
        for example C(caller_num) set to V(FROM_USER_PART); only the keys given are compared.
    type: dict
  outbound_parameters: &outbound_parameters
    description:
      - PortSIP only. How outbound headers are rewritten (C(outbound_parameters)), by the API's field names, for
        example C(from_user_part) with C(value) V(OUTBOUND_CALLER_ID); only the keys given are compared.
    type: dict
  assignees: &assignees
    description:
      - PortSIP only. The tenants the trunk is shared with (a trunk is system-level), compared by tenant; tenants
        the list does not name stop sharing it. Each tenant must exist.
    type: list
    elements: dict
    suboptions:
      tenant:
        description: The tenant's name or SIP domain.
        type: str
      did_numbers:
        description: The DID numbers of the trunk that the tenant receives (C(;)-separated numbers and ranges).
        type: str
      concurrency:
        description: The tenant's maximum of concurrent calls on the trunk.
        type: int
  registration: &registration
    description: PortSIP only. Whether the trunk registers (PortSIP's default V(true)).
    type: bool
  keep_alive: &keep_alive
    description: PortSIP only. Whether C(OPTIONS) keep-alives are sent (PortSIP's default V(true)).
    type: bool
  inlan: &inlan
    description: PortSIP only. Whether the trunk is on the PBX's LAN (PortSIP's default V(false)).
    type: bool
  single_via_header: &single_via_header
    description: PortSIP only. Whether the trunk accepts a single C(Via) header only (PortSIP's default V(true)).
    type: bool
  rewrite_via_ip: &rewrite_via_ip
    description: PortSIP only. Whether the C(Via) host is rewritten to the public IP (PortSIP's default V(true)).
    type: bool
  verify_port: &verify_port
    description: PortSIP only. Whether the port of the trunk's SIP messages is checked (PortSIP's default V(true)).
    type: bool
  adjust_sdp_direction: &adjust_sdp_direction
    description: PortSIP only. Whether the SDP direction is adjusted for call hold (PortSIP's default V(true)).
    type: bool
  remove_srtp_info: &remove_srtp_info
    description: PortSIP only. Whether the SDP's crypto lines are removed (PortSIP's default V(true)).
    type: bool
  stir_shaken_signature_required: &stir_shaken_signature_required
    description: PortSIP only. Whether STIR/SHAKEN signatures are required (PortSIP's default V(false)).
    type: bool
  gateways:
    description:
      - Many gateways in one task, each a dictionary of the options above plus C(state). Mutually exclusive with
        O(name).
    type: list
    elements: dict
    suboptions:
      name: *name
      enabled: *enabled
      address: *address
      port: *port
      transport: *transport
      outbound_address: *outbound_address
      outbound_port: *outbound_port
      sip_username: *sip_username
      auth_id: *auth_id
      sip_password: *sip_password
      model: *model
      description: *description
      device_version: *device_version
      prefix: *prefix
      shared: *shared
      internal_bridge: *internal_bridge
      branch: *branch
      caller_id: *caller_id
      caller_id_name: *caller_id_name
      caller_id_block: *caller_id_block
      caller_id_ignore_user: *caller_id_ignore_user
      caller_id_from_extension: *caller_id_from_extension
      caller_id_prefix: *caller_id_prefix
      caller_id_keep_digits: *caller_id_keep_digits
      caller_id_url_parameters: *caller_id_url_parameters
      settings: *settings
      ports: *ports
      brand: *brand
      auth_mode: *auth_mode
      register_interval: *register_interval
      keep_alive_interval: *keep_alive_interval
      concurrency: *concurrency
      additional_ips: *additional_ips
      did_numbers: *did_numbers
      inbound_parameters: *inbound_parameters
      outbound_parameters: *outbound_parameters
      assignees: *assignees
      registration: *registration
      keep_alive: *keep_alive
      inlan: *inlan
      single_via_header: *single_via_header
      rewrite_via_ip: *rewrite_via_ip
      verify_port: *verify_port
      adjust_sdp_direction: *adjust_sdp_direction
      remove_srtp_info: *remove_srtp_info
      stir_shaken_signature_required: *stir_shaken_signature_required
      state:
        description:
          - State of this gateway; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the gateway or brings the options you set up to date; V(absent) removes it.
    type: str
    default: present
    choices: [present, absent]
  update_password:
    description:
      - V(on_create) writes O(sip_password) only when the gateway is created, so reruns stay unchanged.
      - V(always) writes it on every run; the task then always reports a change.
    type: str
    default: on_create
    choices: [on_create, always]
  purge:
    description:
      - With O(gateways), also remove every gateway that the list does not name.
      - "sipXcom: the gateways of the O(tenant)'s branch; without O(tenant) every gateway of the PBX, which needs
        O(purge_all_tenants). PortSIP: trunks are system-level, so purge always reaches the whole PBX and needs
        O(purge_all_tenants)."
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to reach the gateways of the whole PBX (sipXcom without O(tenant); PortSIP always).
    type: bool
    default: false
notes:
  - "O(tenant): on sipXcom the gateway's branch (see O(branch)); on PortSIP trunks belong to the whole PBX and
    only the system administrator manages them: O(tenant), when set, must name an existing tenant but does not
    narrow the trunks; share a trunk with tenants through O(assignees)."
seealso:
  - module: pbxops.pbx.pbx_extension
  - module: pbxops.pbx.pbx_info
"""

EXAMPLES = r"""
- name: A SIP trunk of the headquarters branch on sipXcom, registering with its ITSP account
  pbxops.pbx.pbx_gateway:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    name: carrier
    model: sipTrunkStandard
    description: DIDs 4235550000 through 4235551000
    enabled: true
    address: sip.carrier.example
    port: 5060
    transport: udp
    outbound_address: sbc.carrier.example
    outbound_port: 5060
    prefix: "9"
    shared: false
    internal_bridge: true
    caller_id: "4235550000"
    caller_id_name: Acme
    caller_id_block: false
    caller_id_ignore_user: false
    caller_id_from_extension: true
    caller_id_prefix: "423555"
    caller_id_keep_digits: 4
    caller_id_url_parameters: user=phone
    sip_username: acme-trunk
    auth_id: acme-auth
    sip_password: "{{ vault_trunk_password }}"
    settings:
      itsp-account/register-on-initialization: true
      itsp-account/registration-interval: 300

- name: An AudioCodes FXO gateway with four analogue lines, the first one answering as extension 300
  pbxops.pbx.pbx_gateway:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    name: fxo-lobby
    model: audiocodesMP1X4_4_FXO
    device_version: audiocodes6.0
    address: 192.0.2.40
    branch: headquarters
    ports:
      - settings:
          Port/extension: "300"
      - {}
      - {}
      - {}

- name: The sipXcom gateways of branch headquarters, exactly these (others of the branch are removed)
  pbxops.pbx.pbx_gateway:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    purge: true
    gateways:
      - name: carrier
        model: sipTrunkStandard
      - name: fxo-lobby
        model: audiocodesMP1X4_4_FXO
      - name: pstn-fallback
        model: genericGatewayStandard
        address: 192.0.2.50

- name: A PortSIP trunk that registers, shared with tenant acme for its DIDs
  pbxops.pbx.pbx_gateway:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    name: Carrier
    brand: Generic
    auth_mode: REGISTER_AUTH
    address: sip.carrier.example
    port: 5060
    transport: UDP
    outbound_address: sbc.carrier.example
    outbound_port: 5060
    concurrency: 30
    sip_username: acct-1001
    auth_id: "1001"
    sip_password: "{{ vault_trunk_password }}"
    enabled: true
    registration: true
    register_interval: 600
    keep_alive: true
    keep_alive_interval: 360
    inlan: false
    single_via_header: true
    rewrite_via_ip: true
    verify_port: true
    adjust_sdp_direction: true
    remove_srtp_info: true
    stir_shaken_signature_required: false
    additional_ips: 192.0.2.0/24
    did_numbers: 4235550000-4235550999
    inbound_parameters:
      caller_num: FROM_USER_PART
    outbound_parameters:
      from_user_part:
        value: OUTBOUND_CALLER_ID
    assignees:
      - tenant: acme
        did_numbers: 4235550000-4235550099
        concurrency: 10

- name: Every PortSIP trunk of the PBX, exactly these two
  pbxops.pbx.pbx_gateway:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    purge: true
    purge_all_tenants: true
    update_password: on_create
    gateways:
      - name: Carrier
        address: sip.carrier.example
        concurrency: 30
      - name: Backup carrier
        address: backup.carrier.example
        concurrency: 10
        state: present

- name: No more trunk to the old carrier
  pbxops.pbx.pbx_gateway:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    name: Old carrier
    state: absent
"""

RETURN = r"""
gateway:
  description:
    - The gateway as it is after the task (in check mode, as it would be), single form only. Empty after removal.
      O(sip_password) is shown masked.
  returned: when O(name) is given
  type: dict
  sample: {"name": "carrier", "model": "sipTrunkStandard", "address": "sip.carrier.example", "port": 5060}
objects:
  description:
    - One entry per gateway of the list form that the task changed (or would change), and per gateway removed by
      O(purge). Unchanged gateways are only counted in RV(summary).
  returned: when O(gateways) is given
  type: list
  elements: dict
  contains:
    name:
      description: The gateway's name.
      type: str
      returned: always
    action:
      description: What the task did (or, in check mode, would do).
      type: str
      returned: always
      sample: updated
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
  description: How many gateways were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"created": 1, "updated": 1, "deleted": 0, "unchanged": 3}
applied:
  description: On failure, the names of the gateways whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the names of the gateways whose change the PBX holds only in part.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the names of the gateways whose change was not made.
  returned: on failure
  type: list
  elements: str
not_attempted:
  description: On failure, the names of the gateways whose change was never sent (the run stopped at an earlier one).
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the names of the gateways whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("gateway")


if __name__ == "__main__":
    main()
