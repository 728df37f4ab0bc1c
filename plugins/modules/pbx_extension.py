#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_extension
short_description: Manage extensions (users) on sipXcom, IPCortex and PortSIP PBXs
version_added: 1.0.0
description:
  - Creates, updates and removes extensions, one from the top-level options or many from O(extensions).
  - "An extension is found by its O(number): a sipXcom user whose user name is the number, an IPCortex
    ring-all extension (C(virt_exten)) of the company O(tenant), a PortSIP user with that extension number.
    Other objects (sipXcom C(superadmin), IPCortex hunt groups and queues, the PortSIP account the module
    logs in with) are never compared or purged."
  - Only the options you set are compared and written; everything else on the PBX is left alone.
    Secrets (O(voicemail_pin), O(sip_password), O(web_password)) cannot be read back, so they are
    written when the extension is created and afterwards only with O(update_password=always).
  - An option the platform cannot honour fails before any request is sent, naming the option and the platform.
  - The list form reads each kind once (one paged listing) and then sends only the writes needed.
    If one write fails the task stops, reads the extensions again and reports what the PBX holds (which
    changes were applied, applied in part or not applied). A rerun completes the work.
  - The tenant (O(tenant)) is checked before the first write. In check mode a tenant that does not exist yet
    (because a M(pbxops.pbx.pbx_tenant) task before this one would create it) is predicted as empty, with a warning.
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  number: &number
    description:
      - The extension number; the natural key. Required unless O(extensions) is given.
      - A string, so quote it (V("0643")). An unquoted number is refused, because YAML reads V(0643) as the integer 419.
      - "sipXcom: the user name, digits only. IPCortex: C(virt_exten), letters, digits, V(*) and V(#)
        (for example V(400b)). PortSIP: C(extension_number), 3 to 64 digits."
    type: raw
  name: &name
    description:
      - Display name.
      - "IPCortex: C(name), letters, digits, dot, space, dash and underscore. PortSIP: C(display_name), required to create."
      - Not available on sipXcom, which has O(first_name) and O(last_name) instead.
    type: str
  first_name: &first_name
    description:
      - First name. sipXcom only (C(firstName)).
    type: str
  last_name: &last_name
    description:
      - Last name. sipXcom only (C(lastName)).
    type: str
  email: &email
    description:
      - E-mail address.
      - "sipXcom: the user profile's address, compared lower-cased as sipXcom stores it. IPCortex: the
        fallback voicemail address. PortSIP: required to create."
    type: str
  enabled: &enabled
    description:
      - Whether the extension is enabled. sipXcom (user profile) and PortSIP.
    type: bool
  voicemail: &voicemail
    description:
      - Whether the extension has a voicemail box.
      - "sipXcom: the user permission C(permission/call-handling/Voicemail) (read with one extra request per
        named extension, only when set). IPCortex: a mailbox named after the number."
    type: bool
  voicemail_pin: &voicemail_pin
    description:
      - Voicemail PIN, digits only, as a quoted string. Write-only, see O(update_password).
      - "sipXcom: at least 4 digits. PortSIP: 6 to 10 digits without a run of three equal or consecutive
        digits (such as V(111), V(123) or V(321)); required to create."
    type: raw
  sip_password: &sip_password
    description:
      - Password the phone registers with. Write-only, see O(update_password).
      - "sipXcom: C(sipPassword). PortSIP: C(extension_password), required to create."
    type: str
  web_password: &web_password
    description:
      - Password for the user portal. Write-only, see O(update_password).
      - "sipXcom: the user's C(pintoken), sent as given. PortSIP: the portal C(password), required to create."
    type: str
  caller_id: &caller_id
    description:
      - Outbound caller ID number shown to external parties, as a quoted string (unquoted, YAML reads
        V(+14235550201) as a number and drops the V(+)).
      - "sipXcom: the user setting C(caller-alias/external-number). IPCortex: C(callerid), digits with an
        optional leading V(+); a leading V(-) withholds the number by default."
    type: raw
  aliases: &aliases
    description:
      - sipXcom only. Other names or numbers that reach this user, each a string (quote numbers).
        Compared as a set; the list replaces the current aliases.
    type: list
    elements: raw
  groups: &groups
    description:
      - sipXcom only. User groups the user belongs to, compared as a set. Groups that do not exist are created;
        the user leaves the groups the list does not name.
    type: list
    elements: str
  private: &private
    description:
      - IPCortex only. A private extension is visible only inside its company (O(tenant)).
      - Fixed when the extension is created; changing it fails (delete the extension and create it again).
    type: bool
  login_name: &login_name
    description:
      - PortSIP only. The portal login name (C(name)); defaults to the extension number when the extension is created.
      - Fixed at creation; changing it fails.
    type: str
  role: &role
    description:
      - PortSIP only. Role of the user, for example V(StandardUser) (the default on create),
        V(StandardInternationalUser), V(QueueManager) or V(Admin).
    type: str
  api_fields: &api_fields
    description:
      - Fields of the platform's own API object that the options above do not cover, sent as they are.
      - Only the keys given are compared (nested dictionaries too). Names and values are the vendor's;
        fields that an option manages must be set with that option.
      - "Examples: sipXcom V({\"userProfile\": {\"jobTitle\": \"CTO\"}}); IPCortex update columns such as
        V({\"ring_time\": 20, \"phonebook\": 0}); PortSIP user fields such as V({\"department\": \"Sales\"})."
    type: dict
  extensions:
    description:
      - Many extensions at once; each item takes the same options as the task (O(number) is required in each).
      - O(state) and O(update_password) of the task apply to every item unless the item sets its own O(extensions[].state).
    type: list
    elements: dict
    suboptions:
      number: *number
      name: *name
      first_name: *first_name
      last_name: *last_name
      email: *email
      enabled: *enabled
      voicemail: *voicemail
      voicemail_pin: *voicemail_pin
      sip_password: *sip_password
      web_password: *web_password
      caller_id: *caller_id
      aliases: *aliases
      groups: *groups
      private: *private
      login_name: *login_name
      role: *role
      api_fields: *api_fields
      state:
        description:
          - State of this extension; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the extension or brings the options you set up to date; V(absent) removes it.
    type: str
    default: present
    choices: [present, absent]
  update_password:
    description:
      - V(on_create) writes secrets only when the extension is created, so reruns stay unchanged.
      - V(always) writes every secret you set on every run; the task then always reports a change.
    type: str
    default: on_create
    choices: [on_create, always]
  purge:
    description:
      - With O(extensions), also remove every extension of the same O(tenant) that the list does not name.
      - Needs the list form; O(extensions=[]) with O(purge=true) removes all extensions of the tenant.
      - "On sipXcom without O(tenant), the listing spans every branch: such a purge is refused unless
        O(purge_all_tenants=true). Run it with C(--check) first to see what it would remove."
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to reach every tenant of the PBX, where the task's scope is the whole PBX (sipXcom
        without O(tenant)). Without it, such a purge fails before any write and says how many extensions
        of which tenants it would remove.
    type: bool
    default: false
seealso:
  - module: pbxops.pbx.pbx_tenant
  - name: sipXcom REST API
    description: The sipXconfig C(/api/users) resource this module uses on sipXcom.
    link: https://onrelay.github.io/sipxecs/restapi.html
  - name: PortSIP PBX REST API
    description: The C(/users) resource this module uses on PortSIP.
    link: https://support.portsip.com/development-portsip/rest-apis/version-22.2/users
"""

EXAMPLES = r"""
- name: Set the connection once for every task of the block
  module_defaults:
    group/pbxops.pbx.pbx:
      platform: portsip
      url: https://pbx.example.com:8887
      username: admin
      password: "{{ vault_pbx_password }}"
      tenant: acme
  block:
    - name: The tenant the extensions belong to
      pbxops.pbx.pbx_tenant:
        name: acme
        domain: acme.pbx.example.com
        timezone: Europe/London
        currency: GBP
        region: GBR

    - name: Create extension 101 with its secrets (written once, on create)
      pbxops.pbx.pbx_extension:
        number: "101"
        name: Ann Lee
        email: ann.lee@acme.example
        login_name: ann.lee
        role: StandardUser
        sip_password: "{{ vault_sip_101 }}"
        web_password: "{{ vault_web_101 }}"
        voicemail_pin: "{{ vault_pin_101 }}"

    - name: Onboard a tenant's extensions in one task and remove the ones not listed
      pbxops.pbx.pbx_extension:
        purge: true
        extensions: "{{ acme_extensions }}"

- name: Create a sipXcom user with aliases, groups and caller ID
  pbxops.pbx.pbx_extension:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    ca_path: /etc/pki/sipx-ca.pem
    tenant: headquarters
    number: "201"
    first_name: Bob
    last_name: Stone
    aliases: [bob, "2201"]
    groups: [sales]
    caller_id: "+14235550201"
    voicemail: true
    web_password: "{{ vault_pin_201 }}"
    sip_password: "{{ vault_sip_201 }}"

- name: Create an IPCortex private extension with an API key, voicemail on
  pbxops.pbx.pbx_extension:
    platform: ipcortex
    url: https://pabx.example.co.uk
    api_key: "{{ vault_ipcortex_key }}"
    tenant: acme
    number: "342"
    name: Reception
    private: true
    voicemail: true
    caller_id: "01234567890"
    api_fields:
      phonebook: 3

- name: Rotate the SIP passwords of two sipXcom users (reports changed on every run)
  # The items are whole definitions: an extension that is missing is created with them.
  pbxops.pbx.pbx_extension:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    update_password: always
    extensions:
      - number: "201"
        first_name: Bob
        last_name: Stone
        sip_password: "{{ vault_new_sip_201 }}"
      - number: "202"
        first_name: Cleo
        last_name: Diaz
        sip_password: "{{ vault_new_sip_202 }}"

- name: Disable a PortSIP extension on a lab PBX with a self-signed certificate, with patient retries
  pbxops.pbx.pbx_extension:
    platform: portsip
    url: https://lab-pbx.example.com:8887
    username: admin
    password: "{{ vault_lab_password }}"
    tenant: acme.lab.example.com
    validate_certs: false
    timeout: 60
    retries: 5
    number: "101"
    enabled: false

- name: Remove every extension of every sipXcom branch that the list does not name
  pbxops.pbx.pbx_extension:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    purge: true
    purge_all_tenants: true
    extensions: "{{ all_sipxcom_extensions }}"

- name: Remove the acme company's old extension 343, logging in with a username
  pbxops.pbx.pbx_extension:
    platform: ipcortex
    url: https://pabx.example.co.uk
    username: admin
    password: "{{ vault_ipcortex_password }}"
    tenant: acme
    number: "343"
    state: absent
"""

RETURN = r"""
extension:
  description:
    - The extension as it is after the task (in check mode, as it would be), single form only.
    - Secrets are shown as C(********) when they were written, and left out otherwise. Empty after removal.
  returned: when O(number) is given
  type: dict
  sample: {"number": "101", "first_name": "Ann", "last_name": "Lee", "email": "ann.lee@acme.example", "enabled": true}
objects:
  description:
    - One entry per extension of the list form that the task changed (or would change), and per extension
      removed by O(purge). Unchanged extensions are only counted in RV(summary), so a run over thousands of
      extensions that changes nothing returns a small result.
  returned: when O(extensions) is given
  type: list
  elements: dict
  contains:
    number:
      description: The extension number.
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
        - V(applied) (the PBX holds it), V(partial) (for example created, but not every option set yet),
          V(not_applied) (sent, but the PBX does not hold it), V(not_attempted) (never sent, as the run stopped at
          an earlier change), or V(unknown) when the PBX could not be read again.
      type: str
      returned: on failure
summary:
  description:
    - How many extensions were created, updated, deleted and left unchanged.
    - After a failure it counts what the PBX holds, read back after the failure (a planned create counts only if
      the extension exists), and adds V(not_applied) (and V(not_attempted) and V(unknown) when there are any).
  returned: always
  type: dict
  sample: {"created": 2, "updated": 1, "deleted": 0, "unchanged": 97}
applied:
  description: On failure, the numbers whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the numbers whose change the PBX holds only in part; a rerun completes them.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the numbers whose change was not made.
  returned: on failure
  type: list
  elements: str
not_attempted:
  description: On failure, the numbers whose change was never sent (the run stopped at an earlier one).
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the numbers whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("extension")


if __name__ == "__main__":
    main()
