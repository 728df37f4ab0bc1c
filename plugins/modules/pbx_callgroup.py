#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_callgroup
short_description: Manage call groups (hunt groups, ring groups, queues) on sipXcom, IPCortex and PortSIP PBXs
version_added: 1.0.0
description:
  - Creates, updates and removes call groups, one from the top-level options or many from O(callgroups).
  - "A call group is found by its O(number), the extension callers dial: a sipXcom hunt group
    (C(/api/callgroups), its C(extension)), an IPCortex extension of ring type H (hunt) or Q (queue) of the
    company O(tenant), a PortSIP ring group (C(/ring_groups), its C(extension_number))."
  - O(members) is an ordered list (the hunt order) and is compared in order; of a member's own options only
    those you give are compared. Every member must be an existing extension; one that is not fails before any
    write (sipXcom itself would silently drop it from the group).
  - Only the options you set are compared and written; everything else on the PBX is left alone. A call group
    has no secret on any platform.
  - An option or value the platform cannot honour (a strategy it lacks, a per-member option of another
    platform) fails before any request is sent, naming the option and the platform.
  - The list form reads the call groups once (plus, where members are set, one read of the extensions, and on
    PortSIP the members of each named group) and then sends only the writes needed. If one write fails the task
    stops, reads the call groups again and reports what the PBX holds. A rerun completes the work.
  - "Each platform's notes (which request each option costs, what the vendor's API does that you might not
    expect) are in the C(PLATFORM_NOTES) of the collection's C(plugins/module_utils/_sipxcom/callgroups.py),
    C(_ipcortex/callgroups.py) and C(_portsip/ringgroups.py)."
author:
  - pbxops.pbx founding engineer (@pbxops)
extends_documentation_fragment:
  - pbxops.pbx.connection
  - pbxops.pbx.connection.attributes
options:
  number: &number
    description:
      - The extension number of the group; the natural key. Required unless O(callgroups) is given.
      - A string, so quote it (V("500")). An unquoted number is refused, because YAML reads V(0643) as the integer 419.
      - "sipXcom: the group's C(extension); it must not be a user name or alias. IPCortex: C(virt_exten), letters,
        digits, V(*) and V(#). PortSIP: C(extension_number), 3 to 64 digits, not the number of an extension."
    type: raw
  name: &name
    description:
      - The group's name.
      - "sipXcom: C(name), unique among users, aliases and groups. IPCortex: C(name), letters, digits, dot, space,
        dash and underscore. PortSIP: C(name), 1 to 64 characters, required to create."
    type: str
  description: &description
    description:
      - sipXcom only. The group's description.
    type: str
  enabled: &enabled
    description:
      - sipXcom only. Whether the group takes calls; a new group is enabled unless this says otherwise.
    type: bool
  strategy: &strategy
    description:
      - How calls reach the members. V(ring_all) rings every member at once, V(hunt) rings them one after the other
        in O(members) order; V(cyclic_hunt), V(least_worked_hunt), V(paging), V(skill_hunt), V(skill_cyclic_hunt)
        and V(skill_least_worked_hunt) are PortSIP's, V(queue) is IPCortex's. A strategy the platform lacks fails
        before any request.
      - "sipXcom: V(ring_all) or V(hunt), the ring type of every member after the first (C(At the same time) or
        C(If no response)); not together with C(ring_type) of O(members). A group of fewer than two members rings all
        and hunts alike, so either value matches it."
      - "IPCortex: V(hunt) (ring type H) or V(queue) (ring type Q, with the C(queue_*) options); required to create.
        IPCortex rings every member at once in a ring-all extension, which is an extension, not a group: use a
        queue with O(queue_strategy=ring_all)."
      - "PortSIP: C(ring_strategy): V(ring_all) C(RING_SIMULTANEOUSLY), V(hunt) C(PRIORITIZED_HUNT),
        V(cyclic_hunt) C(CYCLIC_HUNT), V(least_worked_hunt) C(LEAST_WORKED_HUNT), V(paging) C(PAGING_INTERCOM),
        V(skill_hunt), V(skill_cyclic_hunt), V(skill_least_worked_hunt) the C(SKILL_BASED_ROUTING_*) ones
        (they use C(skill_level) of O(members))."
    type: str
    choices: [ring_all, hunt, cyclic_hunt, least_worked_hunt, paging, skill_hunt, skill_cyclic_hunt,
              skill_least_worked_hunt, queue]
  ring_time: &ring_time
    description:
      - Seconds each member rings.
      - "sipXcom: the expiration of every member's ring; not together with C(expiration) of O(members). New rings
        ring 30 seconds unless set. IPCortex: C(ring_time), 0 to 999 (for a queue its timeout); unset, the
        system's default. PortSIP: C(ring_time), default 20."
    type: int
  members: &members
    description:
      - The extensions the group rings, in order (the hunt order, compared in order). Each member is an extension
        number as a quoted string (V("101")), or a dictionary with C(number) and the member's own options.
      - C(ring_type) (sipXcom only) V(if_no_response) (rings when the members before did not answer) or
        V(at_same_time) (rings with the member before); not on the first member, and not together with
        O(strategy).
      - C(expiration) (sipXcom only) seconds this member rings; not together with O(ring_time).
      - C(enabled) (sipXcom only) whether this member's ring is on; new members are on.
      - C(skill_level) (PortSIP only) 1 to 100 (default 1; the skill strategies ring level 1 first). A member
        whose level you leave out keeps its current level.
      - Options of a member that you leave out keep their current value (a new member gets the defaults above).
      - An empty list removes every member.
      - "sipXcom: each member is a user name (an alias is refused: name the user); with O(tenant), a user of that
        branch. IPCortex: each member is named by its extension and rung through that extension's owner, which it
        must have. PortSIP: each member must be a user's extension of the tenant; any change sends the whole list
        (PortSIP replaces it as a whole)."
    type: list
    elements: raw
  no_answer: &no_answer
    description:
      - Where a call goes when no member answers.
      - "sipXcom: V(forward) is C(fallbackDestination) (an extension or a SIP address) with C(voicemailFallback)
        off, V(voicemail) the last member's voicemail (C(voicemailFallback)), V(hangup) neither; V(repeat) is
        refused. A new group without it has voicemail fallback on."
      - "IPCortex: V(forward) is C(no_vm_jump) (day mode), V(voicemail) a voicemail box of the group's number,
        V(hangup) neither; V(repeat) is refused."
      - "PortSIP: C(no_answer_forward_rule): V(forward) C(FORWARD_TO_NUMBER), V(voicemail) C(FORWARD_TO_VOICEMAIL)
        (C(number) names the mailbox, optional), V(repeat) C(REPEAT), V(hangup) C(HANGUP)."
    type: dict
    suboptions:
      action:
        description: What to do; see above for each platform.
        type: str
        choices: [forward, voicemail, repeat, hangup]
      number:
        description:
          - Where to forward (required with V(forward)), as a quoted string.
        type: raw
  api_fields: &api_fields
    description:
      - The platform's own fields of the group that the options do not cover, sent as they are; only the keys
        given are compared.
      - "sipXcom: keys of the call group bean (for example C(fallbackDestination), C(voicemailFallback)); other
        keys are refused (sipXcom's JSON reader fails on them). IPCortex: other extension columns (for example
        C(no_vm_jump_night), C(moh_in)). PortSIP: ring group fields (for example C(enable_paid),
        C(night_mode_forward_rule)); fields an option manages must be set with the option."
    type: dict
  did: &did
    description:
      - sipXcom only. A DID that also reaches the group (C(did)), as a quoted string; it must differ from O(number).
    type: raw
  user_forward: &user_forward
    description:
      - sipXcom only. Whether the members' own call forwarding applies to group calls (C(userForward)); sipXcom's
        default is true.
    type: bool
  use_forward_timers: &use_forward_timers
    description:
      - sipXcom only. Whether the members' forwarding timers apply (C(useFwdTimers)); default false.
    type: bool
  skip_busy_members: &skip_busy_members
    description:
      - PortSIP only. Whether members on a call are skipped (C(skip_busy_member)).
    type: bool
  queue_strategy: &queue_strategy
    description:
      - IPCortex queues only (O(strategy=queue)). How the queue rings its members (the C(subtype) string's first
        position); default V(ring_all).
    type: str
    choices: [ring_all, ring_all_no_queue_if_first, ring_all_avoid_queueing, cyclic, cyclic_max_calls, ordered]
  queue_announce_position: &queue_announce_position
    description: IPCortex queues only. Whether callers hear their position in the queue.
    type: bool
  queue_autopause: &queue_autopause
    description: IPCortex queues only. Whether a member who does not answer is paused.
    type: bool
  queue_exit: &queue_exit
    description: IPCortex queues only. When callers leave the queue for O(no_answer).
    type: str
    choices: [never, no_agents, no_agents_or_all_paused]
  queue_ringing: &queue_ringing
    description: IPCortex queues only. Whether callers hear ringing instead of hold music.
    type: bool
  queue_announce_hold_time: &queue_announce_hold_time
    description: IPCortex queues only. Whether callers hear the expected hold time.
    type: bool
  queue_dynamic_priority: &queue_dynamic_priority
    description: IPCortex queues only. How a waiting caller's priority rises.
    type: str
    choices: ["off", every_10s, every_30s, every_minute, quick_to_slow]
  queue_priority: &queue_priority
    description: IPCortex queues only. The queue's default priority, 1 to 99 (0 for none).
    type: int
  queue_prompts: &queue_prompts
    description:
      - IPCortex queues only. Up to four prompt numbers, V("00") to V("99"), in order (V("") for an empty slot).
    type: list
    elements: raw
  queue_abandoned_email: &queue_abandoned_email
    description: IPCortex queues only. Whether abandoned calls are e-mailed.
    type: bool
  queue_max_waiting: &queue_max_waiting
    description:
      - IPCortex queues only. The most callers waiting, V("1") to V("99"), V("agents") for the number of available
        agents, V("") for no limit.
    type: raw
  callgroups:
    description:
      - Many call groups at once; each item takes the same options as the task (O(number) is required in each).
      - O(state) of the task applies to every item unless the item sets its own O(callgroups[].state).
    type: list
    elements: dict
    suboptions:
      number: *number
      name: *name
      description: *description
      enabled: *enabled
      strategy: *strategy
      ring_time: *ring_time
      members: *members
      no_answer: *no_answer
      api_fields: *api_fields
      did: *did
      user_forward: *user_forward
      use_forward_timers: *use_forward_timers
      skip_busy_members: *skip_busy_members
      queue_strategy: *queue_strategy
      queue_announce_position: *queue_announce_position
      queue_autopause: *queue_autopause
      queue_exit: *queue_exit
      queue_ringing: *queue_ringing
      queue_announce_hold_time: *queue_announce_hold_time
      queue_dynamic_priority: *queue_dynamic_priority
      queue_priority: *queue_priority
      queue_prompts: *queue_prompts
      queue_abandoned_email: *queue_abandoned_email
      queue_max_waiting: *queue_max_waiting
      state:
        description:
          - State of this call group; defaults to the task's O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) creates the group or brings the options you set up to date; V(absent) removes it (its members
        stay, as extensions).
    type: str
    default: present
    choices: [present, absent]
  purge:
    description:
      - With O(callgroups), also remove every call group of the same O(tenant) that the list does not name.
      - "The tenant's call groups: sipXcom, the groups whose members are all users of the branch (groups without
        members too); IPCortex, the company's hunt groups and queues (never its ordinary extensions); PortSIP, the
        tenant's ring groups."
    type: bool
    default: false
  purge_all_tenants:
    description:
      - Allow O(purge) to reach every tenant of the PBX, where the task's scope is the whole PBX (sipXcom without
        O(tenant)).
    type: bool
    default: false
seealso:
  - module: pbxops.pbx.pbx_extension
  - module: pbxops.pbx.pbx_info
"""

EXAMPLES = r"""
- name: A sipXcom hunt group of two users of the branch, 20 seconds each, then the operator
  pbxops.pbx.pbx_callgroup:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    number: "500"
    name: sales
    description: Sales line
    did: "4155550500"
    enabled: true
    strategy: hunt
    ring_time: 20
    members: ["201", "202"]
    no_answer:
      action: forward
      number: "200"
    user_forward: true
    use_forward_timers: false

- name: A sipXcom group whose second member rings with the first (its ring off for now), each with its own time
  pbxops.pbx.pbx_callgroup:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    tenant: headquarters
    number: "501"
    name: support
    members:
      - {number: "201", expiration: 15}
      - {number: "202", expiration: 30, ring_type: at_same_time, enabled: false}
    no_answer:
      action: voicemail
    api_fields:
      useFwdTimers: true

- name: A PortSIP ring group that hunts by skill level, skipping busy members
  pbxops.pbx.pbx_callgroup:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    number: "600"
    name: Helpdesk
    strategy: skill_hunt
    ring_time: 25
    skip_busy_members: true
    members:
      - {number: "102", skill_level: 1}
      - "101"
    no_answer:
      action: voicemail
      number: "101"
    api_fields:
      enable_paid: true

- name: An IPCortex queue whose member's phone rings, callers hear their position
  pbxops.pbx.pbx_callgroup:
    platform: ipcortex
    url: https://pabx.example.co.uk
    api_key: "{{ vault_ipcortex_key }}"
    tenant: acme
    number: "700"
    name: Queue
    strategy: queue
    ring_time: 60
    members: ["342"]
    no_answer:
      action: forward
      number: "342"
    queue_strategy: cyclic
    queue_announce_position: true
    queue_autopause: false
    queue_exit: no_agents
    queue_ringing: true
    queue_announce_hold_time: true
    queue_dynamic_priority: every_30s
    queue_priority: 5
    queue_prompts: ["01", "02"]
    queue_abandoned_email: false
    queue_max_waiting: "10"

- name: Exactly these PortSIP ring groups in the tenant, every other one removed
  pbxops.pbx.pbx_callgroup:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    purge: true
    callgroups:
      - {number: "600", name: Helpdesk, members: ["102", "101"], strategy: skill_hunt}
      - {number: "602", name: Night, strategy: ring_all, state: present}

- name: Remove every sipXcom call group the list does not name, in every branch and outside them
  pbxops.pbx.pbx_callgroup:
    platform: sipxcom
    url: https://sipx.example.com
    username: superadmin
    password: "{{ vault_sipx_password }}"
    purge: true
    purge_all_tenants: true
    callgroups:
      - {number: "500", name: sales}
      - {number: "501"}

- name: Retire a PortSIP ring group (its members stay, as extensions)
  pbxops.pbx.pbx_callgroup:
    platform: portsip
    url: https://pbx.example.com:8887
    username: admin
    password: "{{ vault_pbx_password }}"
    tenant: acme
    number: "601"
    state: absent
"""

RETURN = r"""
callgroup:
  description:
    - The call group as it is after the task (in check mode, as it would be), single form only. Empty after removal.
  returned: when O(number) is given
  type: dict
  sample: {"number": "500", "name": "sales", "strategy": "hunt", "members": ["201", "202"]}
objects:
  description:
    - One entry per call group of the list form that the task changed (or would change), and per group removed by
      O(purge). Unchanged groups are only counted in RV(summary).
  returned: when O(callgroups) is given
  type: list
  elements: dict
  contains:
    number:
      description: The group's number.
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
  description: How many call groups were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"created": 2, "updated": 1, "deleted": 0, "unchanged": 7}
applied:
  description: On failure, the numbers of the groups whose change the PBX holds.
  returned: on failure
  type: list
  elements: str
partial:
  description: On failure, the numbers of the groups whose change the PBX holds only in part.
  returned: on failure
  type: list
  elements: str
not_applied:
  description: On failure, the numbers of the groups whose change was not made.
  returned: on failure
  type: list
  elements: str
not_attempted:
  description: On failure, the numbers of the groups whose change was never sent (the run stopped at an earlier one).
  returned: on failure
  type: list
  elements: str
unknown:
  description: On failure, the numbers of the groups whose state could not be read back.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.pbxops.pbx.plugins.module_utils._module import run_resource_module


def main():
    run_resource_module("callgroup")


if __name__ == "__main__":
    main()
