#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_tenant
short_description: Manage tenants (PortSIP tenants, sipXcom branches) and check IPCortex companies
version_added: 1.0.0
description:
  - Creates, updates and removes the tenant that a PBX's other objects belong to, one from the top-level
    options or many from O(tenants). This is usually the first task of an onboarding play, before
    M(pbxops.pbx.pbx_extension).
  - "A tenant is found by its O(name): on PortSIP a tenant (C(/tenants)), on sipXcom a branch
    (C(/rest/branch)). IPCortex companies have no API: O(state=present) only checks that the company exists
    and fails if it does not; O(state=absent) and O(purge) are refused."
  - Only the options you set are compared and written; everything else on the PBX is left alone.
  - A tenant that still holds objects is not deleted unless O(force=true); the failure says what it holds.
    In check mode the same check runs, so C(--check) fails the same way.
  - An option the platform cannot honour fails before any request is sent, naming the option and the platform.
  - "Run the play as PortSIP's system administrator (a tenant administrator cannot manage tenants), as a
    sipXcom administrator, or with an IPCortex account that administers the company."
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  name: &name
    description:
      - The tenant's name; the natural key. Required unless O(tenants) is given.
      - "PortSIP: the tenant name (fixed once created; another name is another tenant). sipXcom: the branch
        name. IPCortex: the company id."
      - The O(tenant) connection option is not used to find it.
    type: str
  description: &description
    description:
      - sipXcom only. Description of the branch.
    type: str
  address: &address
    description:
      - sipXcom only. Postal address of the branch. Only the fields given are compared.
    type: dict
    suboptions:
      street:
        description: Street and number.
        type: str
      city:
        description: City.
        type: str
      state:
        description: State or province.
        type: str
      zip:
        description: Postal code.
        type: str
      country:
        description: Country.
        type: str
      office_designation:
        description: Building, floor or office.
        type: str
  phone_number: &phone_number
    description:
      - sipXcom only. Main phone number of the branch (C(phoneNumber)). Quote it.
    type: raw
  fax_number: &fax_number
    description:
      - sipXcom only. Fax number of the branch (C(faxNumber)). Quote it.
    type: raw
  domain: &domain
    description:
      - PortSIP only. The tenant's SIP domain, usually a fully qualified domain name; compared without case.
        Required to create a tenant.
      - A tenant administrator logs in with this domain as O(tenant).
    type: str
  website: &website
    description:
      - PortSIP only. The tenant's web site.
    type: str
  timezone: &timezone
    description:
      - PortSIP only. IANA time zone name, for example V(Europe/London). Required to create a tenant.
    type: str
  currency: &currency
    description:
      - PortSIP only. ISO 4217 currency code, for example V(GBP). Required to create a tenant.
    type: str
  region: &region
    description:
      - PortSIP only. ISO 3166-1 alpha-3 country code, for example V(GBR). Required to create a tenant.
    type: str
  enabled: &enabled
    description:
      - PortSIP only. Whether the tenant is enabled (PortSIP's default when created without it is V(true)).
    type: bool
  disk_quota: &disk_quota
    description:
      - PortSIP only. Disk space the tenant may use, a number and a unit (KB, MB, GB, PB), for example V(100GB).
        An empty string means unlimited.
    type: str
  max_extensions: &max_extensions
    description:
      - PortSIP only. How many users (extensions) the tenant may create (PortSIP's default 1000).
    type: int
  max_concurrent_calls: &max_concurrent_calls
    description:
      - PortSIP only. How many calls the tenant may have at once (PortSIP's default 20).
    type: int
  max_ring_groups: &max_ring_groups
    description:
      - PortSIP only. How many ring groups the tenant may create (PortSIP's default 20).
    type: int
  max_virtual_receptionists: &max_virtual_receptionists
    description:
      - PortSIP only. How many virtual receptionists (IVRs) the tenant may create (PortSIP's default 20).
    type: int
  max_call_queues: &max_call_queues
    description:
      - PortSIP only. How many call queues the tenant may create (PortSIP's default 20).
    type: int
  max_conference_rooms: &max_conference_rooms
    description:
      - PortSIP only. How many conference rooms the tenant may have online at once (PortSIP's default 20).
    type: int
  enable_video_recording: &enable_video_recording
    description: PortSIP only. Allow extensions to record video.
    type: bool
  enable_audio_recording: &enable_audio_recording
    description: PortSIP only. Allow extensions to record audio.
    type: bool
  enable_dual_track_recording: &enable_dual_track_recording
    description: PortSIP only. Record the two parties of a call as separate tracks.
    type: bool
  enable_billing: &enable_billing
    description: PortSIP only. Bill the tenant's calls.
    type: bool
  enable_feature_billing: &enable_feature_billing
    description: PortSIP only. Give the tenant the call billing feature.
    type: bool
  enable_feature_call_statistics: &enable_feature_call_statistics
    description: PortSIP only. Give the tenant the call statistics feature.
    type: bool
  enable_feature_contact_center: &enable_feature_contact_center
    description: PortSIP only. Give the tenant the contact center feature.
    type: bool
  enable_feature_message_channels: &enable_feature_message_channels
    description: PortSIP only. Give the tenant the message channels feature.
    type: bool
  enable_feature_microsoft_teams: &enable_feature_microsoft_teams
    description: PortSIP only. Give the tenant the Microsoft Teams feature.
    type: bool
  enable_feature_trunks: &enable_feature_trunks
    description: PortSIP only. Give the tenant the trunks feature.
    type: bool
  enable_feature_whats_app: &enable_feature_whats_app
    description: PortSIP only. Give the tenant the WhatsApp feature.
    type: bool
  enable_night_mode: &enable_night_mode
    description: PortSIP only. Enable night mode for the tenant.
    type: bool
  enable_two_factor_authentication: &enable_two_factor_authentication
    description: PortSIP only. Require two-factor authentication from the tenant's users.
    type: bool
  api_fields: &api_fields
    description:
      - 'PortSIP only. Other fields of the PortSIP tenant object, sent as they are, for example
        V({"recording_retention": 90, "e164": {"enabled": true, "country": "44"}}).'
      - Only the keys given are compared (nested dictionaries too); fields an option manages must be set with
        that option.
    type: dict
  tenants:
    description:
      - Many tenants at once; each item takes the same options as the task (O(name) is required in each).
      - O(state) of the task applies to every item unless the item sets its own O(tenants[].state).
    type: list
    elements: dict
    suboptions:
      name: *name
      description: *description
      address: *address
      phone_number: *phone_number
      fax_number: *fax_number
      domain: *domain
      website: *website
      timezone: *timezone
      currency: *currency
      region: *region
      enabled: *enabled
      disk_quota: *disk_quota
      max_extensions: *max_extensions
      max_concurrent_calls: *max_concurrent_calls
      max_ring_groups: *max_ring_groups
      max_virtual_receptionists: *max_virtual_receptionists
      max_call_queues: *max_call_queues
      max_conference_rooms: *max_conference_rooms
      enable_video_recording: *enable_video_recording
      enable_audio_recording: *enable_audio_recording
      enable_dual_track_recording: *enable_dual_track_recording
      enable_billing: *enable_billing
      enable_feature_billing: *enable_feature_billing
      enable_feature_call_statistics: *enable_feature_call_statistics
      enable_feature_contact_center: *enable_feature_contact_center
      enable_feature_message_channels: *enable_feature_message_channels
      enable_feature_microsoft_teams: *enable_feature_microsoft_teams
      enable_feature_trunks: *enable_feature_trunks
      enable_feature_whats_app: *enable_feature_whats_app
      enable_night_mode: *enable_night_mode
      enable_two_factor_authentication: *enable_two_factor_authentication
      api_fields: *api_fields
      state:
        description:
          - State of this tenant; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the tenant or brings the options you set up to date (IPCortex, only checks that the
        company exists); V(absent) removes it.
    type: str
    default: present
    choices: [present, absent]
  purge:
    description:
      - With O(tenants), also remove every tenant of the PBX that the list does not name. Tenants are PBX-wide,
        so this reaches every customer on the PBX; the ones that still hold objects are refused unless O(force=true).
      - Needs the list form. Refused on IPCortex.
    type: bool
    default: false
  force:
    description:
      - Delete a tenant even if it still holds objects. On PortSIP everything in the tenant (users, phones, ring
        groups, ...) goes with it; on sipXcom the branch's users and gateways are left without a branch.
      - Without it, deleting a tenant that holds objects fails and says what it holds.
    type: bool
    default: false
seealso:
  - module: pbxops.pbx.pbx_extension
  - name: PortSIP tenants API
    description: The C(/tenants) resource this module uses on PortSIP.
    link: https://support.portsip.com/development-portsip/rest-apis/version-22.2
  - name: sipXcom REST API
    description: The C(/rest/branch) resource this module uses on sipXcom.
    link: https://onrelay.github.io/sipxecs/restapi.html
"""

EXAMPLES = r"""
- name: Create the acme tenant on PortSIP, then its extensions
  module_defaults:
    group/pbxops.pbx.pbx:
      platform: portsip
      url: https://pbx.example.com:8887
      username: admin
      password: "{{ vault_pbx_password }}"
      tenant: acme
  block:
    - name: The tenant, with its limits
      pbxops.pbx.pbx_tenant:
        name: acme
        domain: acme.pbx.example.com
        timezone: Europe/London
        currency: GBP
        region: GBR
        max_extensions: 200
        max_concurrent_calls: 30
        enable_feature_microsoft_teams: false

    - name: Its reception extension (under --check predicted even before the tenant exists)
      pbxops.pbx.pbx_extension:
        extensions:
          - number: "100"
            name: Reception
            email: reception@acme.example
            sip_password: "{{ vault_sip_100 }}"
            web_password: "{{ vault_web_100 }}"
            voicemail_pin: "{{ vault_pin_100 }}"

- name: A sipXcom branch with its address
  pbxops.pbx.pbx_tenant:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    name: headquarters
    description: Head office
    phone_number: "+441632960000"
    address:
      street: 1 High Street
      city: Leeds
      zip: LS1 1AA
      country: United Kingdom

- name: Check that the IPCortex company exists before onboarding it (companies have no API)
  pbxops.pbx.pbx_tenant:
    platform: ipcortex
    url: https://pabx.example.co.uk
    api_key: "{{ vault_ipcortex_key }}"
    name: acme

- name: Exactly these PortSIP tenants, disabling one; empty tenants not listed are removed
  pbxops.pbx.pbx_tenant:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    purge: true
    tenants:
      - {name: acme, domain: acme.pbx.example.com, timezone: Europe/London, currency: GBP, region: GBR}
      - {name: globex, domain: globex.pbx.example.com, timezone: America/New_York, currency: USD, region: USA,
         enabled: false}

- name: Remove a PortSIP tenant and everything in it, on a lab PBX with a self-signed certificate
  pbxops.pbx.pbx_tenant:
    platform: portsip
    url: https://lab-pbx.example.com:8887
    username: admin
    password: "{{ vault_lab_password }}"
    validate_certs: false
    timeout: 60
    retries: 5
    name: old-customer
    state: absent
    force: true

- name: Remove an empty sipXcom branch through a CA the PBX's certificate comes from
  pbxops.pbx.pbx_tenant:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    ca_path: /etc/pki/sipx-ca.pem
    name: closed-office
    state: absent
"""

RETURN = r"""
tenant:
  description:
    - The tenant as it is after the task (in check mode, as it would be), single form only. Empty after removal.
  returned: when O(name) is given
  type: dict
  sample: {"name": "acme", "domain": "acme.pbx.example.com", "timezone": "Europe/London", "enabled": true}
objects:
  description:
    - One entry per tenant of the list form that the task changed (or would change), and per tenant removed by
      O(purge). Unchanged tenants are only counted in RV(summary).
  returned: when O(tenants) is given
  type: list
  elements: dict
  contains:
    name:
      description: The tenant's name.
      type: str
      returned: always
    action:
      description: What the task did (or, in check mode, would do).
      type: str
      returned: always
      sample: created
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
        - V(applied), V(partial), V(not_applied) (sent, but the PBX does not hold it), V(not_attempted) (never
          sent, as the run stopped at an earlier change), or V(unknown) when the PBX could not be read again.
      type: str
      returned: on failure
summary:
  description:
    - How many tenants were created, updated, deleted and left unchanged.
    - After a failure it counts what the PBX holds, read back after the failure, and adds V(not_applied) (and
      V(not_attempted) and V(unknown) when there are any).
  returned: always
  type: dict
  sample: {"created": 1, "updated": 0, "deleted": 0, "unchanged": 3}
applied:
  description: On failure, the tenants whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the tenants whose change the PBX holds only in part.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the tenants whose change was not made.
  returned: on failure
  type: list
  elements: str
not_attempted:
  description: On failure, the tenants whose change was never sent (the run stopped at an earlier one).
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the tenants whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("tenant")


if __name__ == "__main__":
    main()
