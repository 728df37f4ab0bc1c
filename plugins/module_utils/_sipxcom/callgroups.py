# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom call groups (hunt groups): /api/callgroups (20.04 and later).

PLATFORM_NOTES (pbx_callgroup -> /api/callgroups; reference sipxcom.md §10 call groups, §2 common /api
behaviour, §7a users; source CallGroupApiImpl.java, RingBean.java):
- number: extension (the group is addressed by it: PUT /api/callgroups/{extension} matches it exactly).
- name: name, description: description, did: did (a DID equal to the extension is refused before any
  request: sipXcom answers 500). A name, extension or DID that a user, alias or another group already
  holds makes sipXcom answer 500 (&error.nameInUse.long); the number and DID are checked against the
  users before any write whenever the users are read (see members).
- enabled: enabled (true when a group is created without it: the API's bean would otherwise create it
  disabled).
- strategy: ring_all or hunt, the ring type of every member after the first: "At the same time" or
  "If no response" (sipXcom has no group-wide strategy; the first ring's type reads back null). Any
  other strategy is refused before any request. A group with fewer than two members rings all and hunts
  alike: either value compares equal. strategy and a member's ring_type cannot be set together.
- ring_time: the expiration (seconds each member rings) of every member; it reads back when every member
  has the same expiration. ring_time and a member's expiration cannot be set together.
- members: the rings in order, each a user name (an extension number; an alias is refused: name the
  user). Per member: ring_type (if_no_response or at_same_time; not on the first member, which always
  rings first), expiration (seconds) and enabled. sipXcom silently drops the ring of an unknown user
  when it saves (CallGroupApiImpl swallows the conversion error), so every member is checked against
  GET /api/users before any write, and with tenant set a member must be a user of that branch.
  A new ring takes ring_type from strategy (else the member's current ring, else if_no_response),
  expiration from ring_time (else the current ring's, else 30, sipXcom's own default), enabled true
  unless given: the API's RingBean would otherwise send a disabled ring of 0 seconds.
- no_answer: {action: forward, number} is fallbackDestination (an extension or a SIP address), with
  voicemailFallback off; {action: voicemail} is voicemailFallback (the last member's voicemail) with no
  fallbackDestination; {action: hangup} clears both. repeat is refused before any request. A new group
  without no_answer gets sipXcom's defaults: voicemail fallback on.
- user_forward: userForward (default true), use_forward_timers: useFwdTimers (default false).
- api_fields: keys of the call group bean (name, did, description, enabled, fallbackDestination,
  voicemailFallback, userForward, useFwdTimers, ringBeans), sent as they are and compared as a subset of
  what GET returns; other keys are refused before any request (sipXcom's JSON reader fails on them).
- tenant: sipXcom call groups have no branch. With a tenant, the groups listed (and purged) are those
  whose members are all users of that branch, groups without members included; a group with a member of
  another branch is outside the tenant, and a task in it that names that group fails before any write.
  Without a tenant every group is listed: purge then needs purge_all_tenants.
- secrets: none (a call group has no credential).
- pbx_info: number, name, description, enabled, did, user_forward, use_forward_timers, no_answer,
  members (with ring_type, expiration and enabled of each) and strategy and ring_time where every member
  shares them; fed back it changes nothing.
Requests (documented minimum): reads are GET /api/callgroups (one listing of every group, unpaged: §10
Reads), plus GET /api/users once when tenant or purge is set or a created or changed group names members
(§7a Reads), plus GET /rest/branch when tenant is set and no user is in that branch (§9). Writes: a create
is one POST /api/callgroups; any update (members, their order and options included) is one
PUT /api/callgroups/{extension} of the whole group, which sipXcom copies in full (§10); a delete is one
DELETE /api/callgroups/{extension}. A rerun with nothing to change writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, ReferenceMissing, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import JSON, quoted

HUNT, TOGETHER = "If no response", "At the same time"
RING_TYPE = {"if_no_response": HUNT, "at_same_time": TOGETHER}
RING_TYPE_OPTION = dict((v, k) for k, v in RING_TYPE.items())
STRATEGY = {"hunt": HUNT, "ring_all": TOGETHER}
# sipXcom's own ring expiration for a new ring (the admin UI's default).
EXPIRATION = 30
# Keys of CallGroupBean; anything else makes sipXcom's Jackson 1.9 fail the whole request.
BEAN_KEYS = ("name", "extension", "did", "description", "enabled", "fallbackDestination", "voicemailFallback",
             "userForward", "useFwdTimers", "ringBeans")
FIELD_OF = {"name": "name", "description": "description", "did": "did", "enabled": "enabled",
            "user_forward": "userForward", "use_forward_timers": "useFwdTimers"}


def _text(value):
    return None if value is None else str(value).strip()


def _ring_options(rings):
    """members, strategy and ring_time of a list of ring beans (strategy and ring_time None unless shared)."""
    members = []
    for index, ring in enumerate(rings):
        member = {"number": ring.get("userName"), "expiration": ring.get("expiration"), "enabled": ring.get("enabled")}
        if index:
            member["ring_type"] = RING_TYPE_OPTION.get(ring.get("typeStr"), "if_no_response")
        members.append(member)
    types = set(m["ring_type"] for m in members[1:])
    expirations = set(m["expiration"] for m in members)
    return {"members": members,
            "strategy": {("if_no_response",): "hunt", ("at_same_time",): "ring_all"}.get(tuple(types)),
            "ring_time": list(expirations)[0] if len(expirations) == 1 else None}


class SipxcomCallgroups(Kind):
    kind = "callgroup"
    MEMBER_FIELDS = ("ring_type", "expiration", "enabled")
    OPTIONS = frozenset(["name", "description", "enabled", "strategy", "ring_time", "members", "no_answer",
                         "api_fields", "did", "user_forward", "use_forward_timers"])

    def __init__(self, driver):
        super(SipxcomCallgroups, self).__init__(driver)
        self._all = {}        # number -> every group of the PBX, normalised
        self._listed = set()  # the numbers list() returned (the tenant's)
        self._users = None    # userName -> branchName (read once, when needed)
        self._aliases = None  # alias -> userName
        self._desired = {}    # number -> the task's item

    # -- checks without requests ----------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        where = "call group %s" % number
        self._desired[number] = item
        strategy = item.get("strategy")
        if strategy is not None and strategy not in STRATEGY:
            raise PbxError("%s: strategy %s is not available on sipXcom, which rings members either all at once "
                           "or one after the other: use ring_all or hunt" % (where, strategy))
        action = (item.get("no_answer") or {}).get("action")
        if action == "repeat":
            raise PbxError("%s: no_answer action repeat is not available on sipXcom (it takes forward with a "
                           "number, voicemail or hangup)" % where)
        if action == "forward" and not _text(item["no_answer"].get("number")):
            raise PbxError("%s: no_answer action forward needs number (the extension or SIP address to forward "
                           "to)" % where)
        if action in ("voicemail", "hangup") and _text(item["no_answer"].get("number")):
            raise PbxError("%s: no_answer action %s takes no number on sipXcom (voicemail goes to the last "
                           "member's mailbox); remove number or use action forward" % (where, action))
        if item.get("did") is not None and _text(item["did"]) == number:
            raise PbxError("%s: did must differ from the group's number (sipXcom refuses a DID equal to the "
                           "extension)" % where)
        if item.get("ring_time") is not None and item["ring_time"] < 0:
            raise PbxError("%s: ring_time must be 0 or more seconds, got %d" % (where, item["ring_time"]))
        self._validate_members(where, item)
        extra = sorted(set(item.get("api_fields") or {}) - set(BEAN_KEYS))
        if "extension" in (item.get("api_fields") or {}):
            extra.append("extension (it is the option number)")
        if extra:
            raise PbxError("%s: api_fields %s are not fields of sipXcom's /api/callgroups (known: %s)"
                           % (where, ", ".join(extra), ", ".join(k for k in BEAN_KEYS if k != "extension")))

    @staticmethod
    def _validate_members(where, item):
        seen = set()
        for index, member in enumerate(item.get("members") or []):
            member = member if isinstance(member, dict) else {"number": member}
            number = str(member["number"]).strip()
            if number in seen:
                raise PbxError("%s: member %s is listed twice in members; list each extension once"
                               % (where, number))
            seen.add(number)
            if member.get("skill_level") is not None:
                raise PbxError("%s: members[%d].skill_level is a PortSIP option; sipXcom has no skill levels: "
                               "remove it" % (where, index))
            if member.get("ring_type") is not None:
                if item.get("strategy") is not None:
                    raise PbxError("%s: members[%d].ring_type and strategy cannot be set together on sipXcom "
                                   "(strategy sets the ring type of every member): set one of them"
                                   % (where, index))
                if index == 0:
                    raise PbxError("%s: members[0].ring_type has no meaning on sipXcom (the first member always "
                                   "rings first; sipXcom does not keep its type): remove it" % where)
            if member.get("expiration") is not None:
                if item.get("ring_time") is not None:
                    raise PbxError("%s: members[%d].expiration and ring_time cannot be set together on sipXcom "
                                   "(ring_time sets the expiration of every member): set one of them"
                                   % (where, index))
                if member["expiration"] < 0:
                    raise PbxError("%s: members[%d].expiration must be 0 or more seconds" % (where, index))

    def whole_pbx(self, tenant):
        return tenant is None

    # -- reads ------------------------------------------------------------------------------
    def list(self, tenant):
        # One request: the API has no paging for call groups.
        groups = self.call("GET", "/api/callgroups", headers=JSON).data().get("callGroups") or []
        self._all = {}
        for group in groups:
            obj = self._normalise(group)
            if obj["number"]:
                self._all[obj["number"]] = obj
        if tenant is None and not self.params.get("purge"):
            self._listed = set(self._all)
            return list(self._all.values())
        users = self._user_branches()
        out = []
        for obj in self._all.values():
            branches = set(users.get(m["number"]) for m in obj["members"])
            obj["_tenant"] = list(branches)[0] if len(branches) == 1 else None
            if tenant is None or branches <= set([tenant]):
                out.append(obj)
        if tenant is not None and tenant not in set(users.values()) and tenant not in self.driver.branches():
            raise TenantMissing("sipXcom: branch %r does not exist; create it first with pbxops.pbx.pbx_tenant, "
                                "or fix the tenant option" % tenant)
        self._listed = set(obj["number"] for obj in out)
        return out

    @staticmethod
    def _normalise(group):
        fallback = _text(group.get("fallbackDestination"))
        if fallback:
            no_answer = {"action": "forward", "number": fallback}
        else:
            no_answer = {"action": "voicemail" if group.get("voicemailFallback") else "hangup"}
        obj = {
            "number": _text(group.get("extension")),
            "name": group.get("name"),
            "description": group.get("description"),
            "did": group.get("did"),
            "enabled": group.get("enabled"),
            "user_forward": group.get("userForward"),
            "use_forward_timers": group.get("useFwdTimers"),
            "no_answer": no_answer,
            "api_fields": group,
            "_raw": group,
        }
        obj.update(_ring_options(group.get("ringBeans") or []))
        return obj

    def details(self, tenant, obj, wanted):
        item = self._desired.get(obj["number"]) or {}
        obj = dict(obj)
        if set(item) & set(["members", "strategy", "ring_time"]):
            # members, strategy and ring_time are three views of the same rings: the ones the task does not
            # name show what the rings will be, so that the result (and check mode's prediction) is true.
            after = _ring_options(self._rings(item, obj))
            for key in ("members", "strategy", "ring_time"):
                if key not in item:
                    obj[key] = after[key]
        # What sipXcom cannot hold: the strategy of a group of fewer than two members, the ring time
        # of a group without members. Any value describes such a group truly.
        if len(obj["members"]) < 2 and item.get("strategy") in STRATEGY:
            obj["strategy"] = item["strategy"]
        if not obj["members"] and item.get("ring_time") is not None:
            obj["ring_time"] = item["ring_time"]
        return obj

    def info(self, obj):
        out = super(SipxcomCallgroups, self).info(obj)
        out["members"] = [dict((k, v) for k, v in m.items() if v is not None) for m in obj["members"]]
        if len(obj["members"]) < 2:
            out.pop("strategy", None)
        for key in ("strategy", "ring_time"):
            # A shared value is shown once, as the option that sets it.
            if out.get(key) is not None:
                field = "ring_type" if key == "strategy" else "expiration"
                for member in out["members"]:
                    member.pop(field, None)
        return out

    def _user_branches(self):
        if self._users is None:
            users = self.call("GET", "/api/users", headers=JSON).data().get("users") or []
            self._users, self._aliases = {}, {}
            for user in users:
                name = user.get("userName")
                self._users[name] = user.get("branchName")
                for alias in user.get("aliases") or []:
                    self._aliases[alias] = name
        return self._users

    # -- checks while planning (reads, no writes) ---------------------------------------------
    def validate_create(self, item, tenant):
        number = item["number"]
        if number in self._all and number not in self._listed:
            owner = self._all[number].get("_tenant")
            raise PbxError("call group %s is on this sipXcom but outside tenant %s (its members are users of %s); "
                           "manage it without tenant, or with the tenant its members are in"
                           % (number, tenant, "branch %s" % owner if owner else "other branches"))
        if item.get("members"):
            self._check_members(number, item["members"], tenant)
        if self._users is not None:
            for option, value in (("number", number), ("did", _text(item.get("did")))):
                if value and (value in self._users or value in self._aliases):
                    raise PbxError("call group %s: %s %s is already a user name or alias on this sipXcom (sipXcom "
                                   "would refuse the group: &error.nameInUse.long); choose another %s"
                                   % (number, option, value, option))

    def validate_update(self, tenant, current, changes):
        if "members" in changes:
            self._check_members(current["number"], changes["members"], tenant)

    def _check_members(self, group, members, tenant):
        users = self._user_branches()
        for member in members:
            number = str(member["number"] if isinstance(member, dict) else member).strip()
            if number not in users:
                owner = self._aliases.get(number)
                raise (PbxError if owner else ReferenceMissing)(
                    "call group %s: member %s %s; sipXcom would silently drop it from the group. Create "
                    "it first with pbxops.pbx.pbx_extension, or fix members"
                    % (group, number, "is an alias of user %s: name the user" % owner if owner else
                       "does not exist on sipXcom (no user has that name)"))
            if tenant is not None and users[number] != tenant:
                raise PbxError("call group %s: member %s is a user of %s, not of tenant %s: a call group of the "
                               "tenant can only ring the tenant's users"
                               % (group, number, "branch %s" % users[number] if users[number] else "no branch",
                                  tenant))

    # -- writes ---------------------------------------------------------------------------------
    def create(self, tenant, item):
        bean = {"name": None, "extension": item["number"], "did": None, "description": None, "enabled": True,
                "fallbackDestination": None, "voicemailFallback": True, "userForward": True, "useFwdTimers": False,
                "ringBeans": []}
        self._apply(bean, item, item, None)
        self.call("POST", "/api/callgroups", json=bean, headers=JSON)

    def update(self, tenant, current, changes, item):
        # sipXcom copies every property of the bean (nulls too): send the whole group, changed.
        bean = dict((k, current["_raw"].get(k)) for k in BEAN_KEYS)
        bean["ringBeans"] = [dict(r) for r in current["_raw"].get("ringBeans") or []]
        self._apply(bean, changes, item, current)
        self.call("PUT", "/api/callgroups/%s" % quoted(current["number"]), json=bean, headers=JSON)

    def _apply(self, bean, changes, item, current):
        for option, field in FIELD_OF.items():
            if option in changes:
                bean[field] = changes[option]
        if "no_answer" in changes:
            rule = changes["no_answer"]
            action = rule.get("action")
            if action is None:  # only the number given: a forward
                action = "forward" if _text(rule.get("number")) else None
            if action == "forward":
                bean["fallbackDestination"], bean["voicemailFallback"] = _text(rule.get("number")), False
            elif action == "voicemail":
                bean["fallbackDestination"], bean["voicemailFallback"] = None, True
            elif action == "hangup":
                bean["fallbackDestination"], bean["voicemailFallback"] = None, False
        if set(changes) & set(["members", "strategy", "ring_time"]):
            bean["ringBeans"] = self._rings(item, current)
        for key, value in (changes.get("api_fields") or {}).items():
            bean[key] = value

    @staticmethod
    def _rings(item, current):
        held = dict((r.get("userName"), r) for r in ((current or {}).get("_raw") or {}).get("ringBeans") or [])
        members = item.get("members")
        if members is None:
            members = [{"number": r.get("userName")} for r in ((current or {}).get("_raw") or {}).get("ringBeans")
                       or []]
        strategy, ring_time = item.get("strategy"), item.get("ring_time")
        rings = []
        for member in members:
            member = member if isinstance(member, dict) else {"number": member}
            number = str(member["number"]).strip()
            old = held.get(number) or {}
            if member.get("ring_type") is not None:
                kind = RING_TYPE[member["ring_type"]]
            elif strategy is not None:
                kind = STRATEGY[strategy]
            else:
                kind = old.get("typeStr") or HUNT
            if member.get("expiration") is not None:
                expiration = int(member["expiration"])
            elif ring_time is not None:
                expiration = ring_time
            else:
                expiration = old.get("expiration") if old.get("expiration") is not None else EXPIRATION
            enabled = member.get("enabled")
            if enabled is None:
                enabled = old.get("enabled") if old else True
            rings.append({"userName": number, "typeStr": kind, "enabled": bool(enabled), "expiration": expiration})
        return rings

    def delete(self, tenant, current):
        self.call("DELETE", "/api/callgroups/%s" % quoted(current["number"]), headers=JSON)
