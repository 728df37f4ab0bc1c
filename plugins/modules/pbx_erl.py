#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_erl
short_description: Manage E911 emergency locations (ERLs) on sipXcom PBXs
version_added: 1.0.0
description:
  - Creates, updates and removes emergency response locations (ERLs), one from the top-level options or many
    from O(erls), and sets which users, phones, user groups and phone groups are at each location.
  - An ERL is found by its O(elin), the number the PSAP sees for an emergency call from the location.
  - Only the options you set are compared and written; everything else on the PBX is left alone. The member
    lists (O(users), O(phones), O(user_groups), O(phone_groups)) are compared as sets, and only the members
    added and removed are written.
  - "Only sipXcom has an ERL API. IPCortex has none, and PortSIP only has emergency dial prefixes
    (C(/emergency_numbers)), which are not locations: on both the task fails before any request is sent."
  - "The platform's notes (which request each option costs, what sipXcom does that you might not expect) are in
    the C(PLATFORM_NOTES) of the collection's C(plugins/module_utils/_sipxcom/erls.py)."
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  elin: &elin
    description:
      - The ELIN (emergency location identification number), the natural key, as a quoted string. Required
        unless O(erls) is given.
      - A 10-digit North American number written as 10 digits, without separators or a leading V(1) (for example
        V(4235551212)); the area code and the exchange start with 2 to 9 and are not N11 service codes. Anything
        else fails before any request.
    type: raw
  location: &location
    description:
      - The caller's location, as the PSAP is told it (sipXcom's C(location)). Required to create an ERL, and
        never empty (sipXcom requires it).
    type: str
  address_info: &address_info
    description: Further address details (sipXcom's C(addressInfo)), for example the street address of the building.
    type: str
  description: &description
    description: A free description of the ERL.
    type: str
  users: &users
    description:
      - The users (their user names, the extension numbers, as quoted strings) whose own location is this ERL,
        compared as a set. Users the list does not name leave the ERL; a user listed here is moved from the ERL
        it was at, if any (a user has one location).
      - A user that gets this ERL through one of its user groups counts as at the ERL when you list it and is left
        alone when you do not (removing it would take its group's location away too).
      - With O(tenant), only the users of that branch are compared, and a user of another branch fails.
      - Every user must exist; one that does not fails before any write.
    type: list
    elements: raw
  phones: &phones
    description:
      - The phones (MAC addresses, in any common notation, for example V(00:04:f2:aa:bb:cc)) whose own location is
        this ERL, compared as a set, in the same way as O(users) (a phone may get its location from its phone
        groups).
      - With O(tenant), only the phones whose user lines all belong to users of that branch are compared (phones
        without lines too), as M(pbxops.pbx.pbx_phone) does.
      - Every phone must exist; one that does not fails before any write.
    type: list
    elements: str
  user_groups: &user_groups
    description:
      - The user groups whose location is this ERL, compared as a set; their users without a location of their own
        are at this ERL. Every group must exist. Groups belong to the whole PBX, with O(tenant) too.
    type: list
    elements: str
  phone_groups: &phone_groups
    description:
      - The phone groups whose location is this ERL, compared as a set; their phones without a location of their
        own are at this ERL. Every group must exist. Groups belong to the whole PBX, with O(tenant) too.
    type: list
    elements: str
  erls:
    description:
      - Many ERLs at once; each item takes the same options as the task (O(elin) is required in each).
      - O(state) of the task applies to every item unless the item sets its own O(erls[].state). A user, phone or
        group may be listed for one ERL of the list only.
    type: list
    elements: dict
    suboptions:
      elin: *elin
      location: *location
      address_info: *address_info
      description: *description
      users: *users
      phones: *phones
      user_groups: *user_groups
      phone_groups: *phone_groups
      state:
        description:
          - State of this ERL; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the ERL or brings the options you set up to date; V(absent) removes it, and sipXcom then
        clears the location of every user, phone and group that was at it.
    type: str
    default: present
    choices: [present, absent]
  purge:
    description:
      - With O(erls), also remove every ERL that the list does not name.
      - sipXcom ERLs belong to the whole PBX, not to a branch, so a purge always reaches every ERL of the PBX and
        needs O(purge_all_tenants=true), with O(tenant) too.
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to remove ERLs from the whole PBX (always needed for a purge, as ERLs have no tenant).
    type: bool
    default: false
notes:
  - O(tenant) must name an existing sipXcom branch; it does not scope the ERLs (they have none) but the users and
    phones compared and assigned.
seealso:
  - module: pbxops.pbx.pbx_extension
  - module: pbxops.pbx.pbx_phone
  - module: pbxops.pbx.pbx_info
"""

EXAMPLES = r"""
- name: The reception ERL of the headquarters, with its users, a phone and the groups at the location
  pbxops.pbx.pbx_erl:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    elin: "4235551212"
    location: 123 Test Street, Floor 1, Chattanooga, TN 37412
    address_info: 123 Test Street, Chattanooga, TN 37412
    description: Reception and lobby
    users: ["201"]
    phones: ["00:04:f2:aa:bb:cc"]
    user_groups: [sales]
    phone_groups: [lobby]

- name: Exactly these ERLs on the PBX, every other ERL removed
  pbxops.pbx.pbx_erl:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    purge: true
    purge_all_tenants: true
    erls:
      - elin: "4235551212"
        location: 123 Test Street, Floor 1, Chattanooga, TN 37412
      - elin: "4235551213"
        location: 123 Test Street, Floor 2, Chattanooga, TN 37412
        users: ["202"]
        state: present

- name: Retire an ERL (its users and phones are left without a location)
  pbxops.pbx.pbx_erl:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    elin: "4235551299"
    state: absent
"""

RETURN = r"""
erl:
  description:
    - The ERL as it is after the task (in check mode, as it would be), single form only. Empty after removal.
  returned: when O(elin) is given
  type: dict
  sample: {"elin": "4235551212", "location": "123 Test Street, Floor 1", "users": ["201", "202"]}
objects:
  description:
    - One entry per ERL of the list form that the task changed (or would change), and per ERL removed by
      O(purge). Unchanged ERLs are only counted in RV(summary).
  returned: when O(erls) is given
  type: list
  elements: dict
  contains:
    elin:
      description: The ERL's ELIN.
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
  description: How many ERLs were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"created": 2, "updated": 1, "deleted": 0, "unchanged": 7}
applied:
  description: On failure, the ELINs whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the ELINs whose change the PBX holds only in part.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the ELINs whose change was not made.
  returned: on failure
  type: list
  elements: str
not_attempted:
  description: On failure, the ELINs whose change was never sent (the run stopped at an earlier one).
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the ELINs whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("erl")


if __name__ == "__main__":
    main()
