# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP call groups: ring groups (/ring_groups) and their agents.

PLATFORM_NOTES (pbx_callgroup -> /ring_groups; reference portsip.md §3.2 ring groups, §3.0 common
patterns, §5 quirks; the OpenAPI 22.2 operations createRingGroup, updateRingGroup, listRingGroups,
listRingGroupAgents, updateRingGroupMemberList, deleteRingGroup):
- number: extension_number (3 to 64 digits). Fixed at creation (it is the key). It shares one namespace
  with the tenant's users, queues and other groups: a create whose number is a user's extension is refused
  before any write (the users are read once per run when a group is created; a queue's or conference's
  number is only refused by PortSIP itself).
- tenant: the ring groups of the tenant (required for the system admin), as for extensions.
- name: name (1 to 64 characters; required to create: the spec marks nothing required, the server needs
  name and extension_number).
- strategy: ring_strategy: ring_all RING_SIMULTANEOUSLY, hunt PRIORITIZED_HUNT (members in order),
  cyclic_hunt CYCLIC_HUNT, least_worked_hunt LEAST_WORKED_HUNT, paging PAGING_INTERCOM, skill_hunt,
  skill_cyclic_hunt and skill_least_worked_hunt SKILL_BASED_ROUTING_{PRIORITIZED,CYCLIC,LEAST_WORKED}_HUNT.
  queue is refused before any request (PortSIP queues are call queues, another object). A group created
  without strategy gets PortSIP's default.
- ring_time: ring_time (seconds each member rings, 0 or more; PortSIP's default 20).
- members: the agents in order, each a user's extension number, with skill_level (1 to 100, PortSIP's
  default 1; it counts for the skill-based strategies). The list is replaced as a whole: any change
  (a member added, removed, moved, or a skill level) is one POST /ring_groups/{id}/agents with every
  member; a member whose skill_level the task does not give keeps its current level (1 when new). The
  agents are read with one GET /ring_groups/{id}/agents per named group, only when the task sets members.
  Every member must be an extension (a user) of the tenant: checked against the users before any write.
  ring_type, expiration and a member's enabled are sipXcom options, refused before any request.
- no_answer: no_answer_forward_rule: forward FORWARD_TO_NUMBER (number required: an extension or an
  external number), voicemail FORWARD_TO_VOICEMAIL (number: whose mailbox, optional), repeat REPEAT,
  hangup HANGUP.
- skip_busy_members: skip_busy_member (members on a call are not rung).
- api_fields: fields of PortSIP's ring group (e.g. {"enable_paid": true, "night_mode_forward_rule":
  {...}}), sent as they are on create and update and compared with GET /ring_groups/{id}, read only when
  api_fields is set. Fields an option manages must be set with the option.
- description, enabled: not available (a PortSIP ring group has neither).
- secrets: none (a ring group has no credential).
- pbx_info: number, name, strategy, ring_time, skip_busy_members, no_answer and members (an extension
  number, or {number, skill_level} when the level is not 1), one agents read per group; fed back it changes
  nothing.
Requests (documented minimum): reads are one login (plus one tenant listing and one switch for the
system admin, §1.3), then the ring groups of the tenant 100 per request (§3.0 List), plus
GET /ring_groups/{id}/agents per named existing group when the task sets members (§3.2: the listing has
no agents), plus GET /ring_groups/{id} per named group when it sets api_fields, plus the users of the
tenant 100 per request once when a group is created or its members change (§3.1 GET /users). Writes: a create is one
POST /ring_groups (answered 200 {id}), plus one POST /ring_groups/{id}/agents when it has members; an
update is one POST /ring_groups/{id} of the changed fields, plus one POST .../agents when the members
change in any way; a delete is one POST /ring_groups/{id}/destroy (§3.2). A rerun writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, ReferenceMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted

NUMBER = re.compile(r"^[0-9]{3,64}$")
STRATEGY = {"ring_all": "RING_SIMULTANEOUSLY", "hunt": "PRIORITIZED_HUNT", "cyclic_hunt": "CYCLIC_HUNT",
            "least_worked_hunt": "LEAST_WORKED_HUNT", "paging": "PAGING_INTERCOM",
            "skill_hunt": "SKILL_BASED_ROUTING_PRIORITIZED_HUNT",
            "skill_cyclic_hunt": "SKILL_BASED_ROUTING_CYCLIC_HUNT",
            "skill_least_worked_hunt": "SKILL_BASED_ROUTING_LEAST_WORKED_HUNT"}
STRATEGY_OPTION = dict((v, k) for k, v in STRATEGY.items())
ACTION = {"forward": "FORWARD_TO_NUMBER", "voicemail": "FORWARD_TO_VOICEMAIL", "repeat": "REPEAT",
          "hangup": "HANGUP"}
ACTION_OPTION = dict((v, k) for k, v in ACTION.items())
SKILL_LEVEL = 1  # PortSIP's default
# Ring group fields the options own (api_fields may not set them).
MANAGED_FIELDS = {"extension_number": "number", "name": "name", "ring_time": "ring_time",
                  "ring_strategy": "strategy", "skip_busy_member": "skip_busy_members",
                  "no_answer_forward_rule": "no_answer", "items": "members"}


def _member(member):
    return member if isinstance(member, dict) else {"number": member}


def _rule(rule):
    """A no_answer_forward_rule in the option's terms (None when the group has none)."""
    if not isinstance(rule, dict) or not rule.get("action"):
        return None
    out = {"action": ACTION_OPTION.get(rule["action"], rule["action"])}
    if rule.get("number"):
        out["number"] = rule["number"]
    return out


class PortsipRingGroups(Kind):
    kind = "callgroup"
    OPTIONS = frozenset(["name", "strategy", "ring_time", "members", "no_answer", "skip_busy_members",
                         "api_fields"])
    REQUIRED_ON_CREATE = ("name",)
    MEMBER_FIELDS = ("skill_level",)

    def __init__(self, driver):
        super(PortsipRingGroups, self).__init__(driver)
        self._users = None  # the tenant's extension numbers (read once, when needed)

    # -- validation (no request) --------------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        where = "call group %s" % number
        if not NUMBER.match(number):
            raise PbxError("%s: number must be 3 to 64 digits on PortSIP; got %r" % (where, number))
        if "name" in item and not 1 <= len(str(item["name"]).strip()) <= 64:
            raise PbxError("%s: name must have 1 to 64 characters on PortSIP" % where)
        strategy = item.get("strategy")
        if strategy is not None and strategy not in STRATEGY:
            raise PbxError("%s: strategy %s is not available on PortSIP (a PortSIP queue is a call queue, not a "
                           "ring group); use one of %s" % (where, strategy, ", ".join(sorted(STRATEGY))))
        if item.get("ring_time") is not None and item["ring_time"] < 0:
            raise PbxError("%s: ring_time must be 0 or more seconds, got %d" % (where, item["ring_time"]))
        rule = item.get("no_answer")
        if rule is not None:
            action = rule.get("action")
            if action is None:
                raise PbxError("%s: no_answer needs action (forward, voicemail, repeat or hangup)" % where)
            if action == "forward" and not str(rule.get("number") or "").strip():
                raise PbxError("%s: no_answer action forward needs number (an extension or an external number)"
                               % where)
            if action in ("repeat", "hangup") and rule.get("number"):
                raise PbxError("%s: no_answer action %s takes no number; remove it" % (where, action))
        seen = set()
        for index, member in enumerate(item.get("members") or []):
            member = _member(member)
            mnumber = str(member["number"]).strip()
            if not NUMBER.match(mnumber):
                raise PbxError("%s: members[%d] %r is not an extension number (3 to 64 digits)"
                               % (where, index, mnumber))
            if mnumber in seen:
                raise PbxError("%s: member %s is listed twice in members; list each extension once" % (where, mnumber))
            seen.add(mnumber)
            other = sorted(k for k in ("ring_type", "expiration", "enabled") if member.get(k) is not None)
            if other:
                raise PbxError("%s: members[%d].%s %s sipXcom option%s; PortSIP agents only have skill_level: "
                               "remove %s" % (where, index, ", ".join(other), "is a" if len(other) == 1 else "are",
                                              "" if len(other) == 1 else "s", "it" if len(other) == 1 else "them"))
            level = member.get("skill_level")
            if level is not None and not 1 <= int(level) <= 100:
                raise PbxError("%s: members[%d].skill_level must be 1 to 100, got %s" % (where, index, level))
        fields = item.get("api_fields") or {}
        clash = sorted(k for k in fields if k in MANAGED_FIELDS)
        if clash:
            raise PbxError("%s: api_fields %s are set with the option%s %s instead" % (
                where, ", ".join(clash), "s" if len(clash) > 1 else "", ", ".join(MANAGED_FIELDS[k] for k in clash)))

    def validate_create(self, item, tenant):
        if not str(item.get("name") or "").strip():
            raise PbxError("call group %s: PortSIP needs name to create a ring group; add it to the task"
                           % item["number"])
        users = self._extensions()
        if item["number"] in users:
            raise PbxError("call group %s: %s is already an extension of this tenant (users and ring groups share "
                           "one number plan on PortSIP); choose another number" % (item["number"], item["number"]))
        self._check_members(item["number"], item.get("members"))

    def validate_update(self, tenant, current, changes):
        if "members" in changes:
            self._check_members(current["number"], changes["members"])

    def _check_members(self, group, members):
        if not members:
            return
        users = self._extensions()
        for member in members:
            number = str(_member(member)["number"]).strip()
            if number not in users:
                raise ReferenceMissing("call group %s: member %s is not an extension of this tenant (no user has "
                                       "that number); create it first with pbxops.pbx.pbx_extension, or fix members"
                                       % (group, number))

    def _extensions(self):
        if self._users is None:
            if self.tenant_missing:
                return set()  # check mode in a tenant an earlier task would create: no user exists yet
            self._users = set(u.get("extension_number") for u in self.driver.paged("/users"))
        return self._users

    # -- reads ------------------------------------------------------------------------------------
    def list(self, tenant):
        self.driver.enter(tenant)
        return [self._normalise(g) for g in self.driver.paged("/ring_groups")]

    @staticmethod
    def _normalise(group):
        return {
            "number": group.get("extension_number"),
            "name": group.get("name"),
            "strategy": STRATEGY_OPTION.get(group.get("ring_strategy"), group.get("ring_strategy")),
            "ring_time": group.get("ring_time"),
            "skip_busy_members": group.get("skip_busy_member"),
            "no_answer": _rule(group.get("no_answer_forward_rule")),
            "_id": group.get("id"),
        }

    def details(self, tenant, obj, wanted):
        if "members" not in wanted and "api_fields" not in wanted:
            return obj
        obj = dict(obj)
        if "members" in wanted:
            obj["members"] = self._agents(obj["_id"])
        if "api_fields" in wanted:
            obj["api_fields"] = self.call("GET", "/ring_groups/%s" % quoted(obj["_id"])).data()
        return obj

    def _agents(self, group_id):
        items = self.call("GET", "/ring_groups/%s/agents" % quoted(group_id)).data().get("items") or []
        return [{"number": a.get("extension_number"), "skill_level": a.get("skill_level")} for a in items]

    def info(self, obj):
        out = super(PortsipRingGroups, self).info(obj)
        out["members"] = [m["number"] if m.get("skill_level") in (None, SKILL_LEVEL) else m
                          for m in self._agents(obj["_id"])]
        return out

    # -- writes -------------------------------------------------------------------------------------
    def _body(self, changes):
        body = dict(changes.get("api_fields") or {})
        if "name" in changes:
            body["name"] = changes["name"]
        if "strategy" in changes:
            body["ring_strategy"] = STRATEGY[changes["strategy"]]
        if "ring_time" in changes:
            body["ring_time"] = changes["ring_time"]
        if "skip_busy_members" in changes:
            body["skip_busy_member"] = changes["skip_busy_members"]
        if "no_answer" in changes:
            rule = changes["no_answer"]
            body["no_answer_forward_rule"] = {"action": ACTION[rule["action"]], "number": rule.get("number") or ""}
        return body

    def create(self, tenant, item):
        self.driver.enter(tenant)
        body = self._body(item)
        body["extension_number"] = item["number"]
        group_id = self.call("POST", "/ring_groups", json=body, ok=(200, 201)).data().get("id")
        if not group_id:
            raise PbxError("POST /ring_groups answered no id for the new ring group")
        if item.get("members"):
            self._set_agents(group_id, item["members"], [])

    def update(self, tenant, current, changes, item):
        self.driver.enter(tenant)
        body = self._body(changes)
        if body:
            self.call("POST", "/ring_groups/%s" % quoted(current["_id"]), json=body)
        if "members" in changes:
            self._set_agents(current["_id"], changes["members"], current.get("members") or [])

    def _set_agents(self, group_id, members, held):
        levels = dict((m["number"], m.get("skill_level")) for m in held)
        items = []
        for member in members:
            member = _member(member)
            number = str(member["number"]).strip()
            level = member.get("skill_level")
            if level is None:
                level = levels.get(number) or SKILL_LEVEL
            items.append({"extension_number": number, "skill_level": int(level)})
        # The agent list is replaced as a whole (§3.2): one request for every member.
        self.call("POST", "/ring_groups/%s/agents" % quoted(group_id), json={"items": items})

    def delete(self, tenant, current):
        self.driver.enter(tenant)
        self.call("POST", "/ring_groups/%s/destroy" % quoted(current["_id"]), ok=(200, 204))
