# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex call groups: dial plan extensions of ring type H (hunt) or Q (queue) and the users linked to them.

PLATFORM_NOTES (pbx_callgroup -> /rest/dialplan type extension + type user links; ipcortex.md 3, 4.2, 5;
seed 002):
- number: virt_exten of the group's extension (1 to 32 letters, digits, * or #).
- tenant: the company (default: the company called "default"). Only the company's H and Q extensions are
  listed and purged. Ordinary extensions (ring type A, pbx_extension's) and IVRs, conferences, parking
  orbits, ... are never listed, compared or purged; a create whose number is one of them fails before any
  write.
- strategy: ring_type. hunt is H (hunt dialling: members one after the other, in member order), queue is Q
  (call queuing: the queue_* options below). ring_all is refused: IPCortex rings every member at once in a
  ring type A extension, which it does not tell apart from a personal extension (pbx_extension manages
  those); a queue with queue_strategy ring_all rings every member at once. cyclic_hunt, least_worked_hunt,
  paging and the skill strategies are refused (a queue with queue_strategy cyclic rings members in turn).
  Required to create a group (IPCortex creates every extension as type A). A change of strategy is the same
  update call; leaving queue for hunt also clears subtype ('' for non-queues).
- name: name (letters, digits, dot, space, dash and underscore only).
- ring_time: ring_time, 0 to 999 seconds (for a queue: the queue timeout). Unset on a new group: the
  system's global default.
- members: the users linked to the group's extension (/rest/dialplan/link, values.extensions
  "<number>_<company>" -> order); each member is named by the extension its user owns (the extension's owner
  column). Member order is the link order, compared as the hunt order. A member extension that does not
  exist in the company, or that has no owner, fails before any write, as do two members with the same
  owner. Users linked to the group who own no extension of the company are not seen and are left alone.
  A change writes one link call per user whose link changes: new members and reordered ones get a new
  order value (the fewest possible: members whose order still fits keep it, so moving one member is one
  call), members that leave are unlinked (order null). New groups number their members 1, 2, 3, ...
  Per-member options (ring_type, expiration, enabled, skill_level) do not exist here and are refused.
- no_answer: {action: forward, number} is no_vm_jump (the day-mode no-answer jump target) with no voicemail
  box; {action: voicemail} gives the group a voicemail box named after its number (voicemail_box; on
  create, the create call's voicemail flag); {action: hangup} is neither. The reading (a box takes the
  call, else the jump target, else the call ends) follows the column names (inferred). repeat is
  refused.
- queue_*: the positions of a queue's subtype string (seed 002), only with strategy queue:
  queue_strategy (byte 1: ring_all a, ring_all_no_queue_if_first d, ring_all_avoid_queueing e, cyclic r,
  cyclic_max_calls f, ordered l; default ring_all), queue_announce_position (byte 1 upper case),
  queue_autopause (byte 2 y), queue_exit (byte 3: never ' ', no_agents y, no_agents_or_all_paused Y),
  queue_ringing (byte 4 y: ringing instead of hold music), queue_announce_hold_time (byte 5 y),
  queue_dynamic_priority (byte 6: off ' ', every_10s 1, every_30s 3, every_minute y, quick_to_slow l),
  queue_priority (bytes 7-8: 1 to 99, 0 for none), queue_prompts (bytes 11-18: up to four prompt numbers
  "00" to "99", "" for an empty slot), queue_abandoned_email (byte 19 y), queue_max_waiting (bytes 20-21:
  "1" to "99", "agents" for the number of available agents, "" for no limit). Bytes 9-10 are reserved and
  kept. The string is written whole (21 characters), positions the task leaves out keep the PABX's
  values (blank on a new queue).
- api_fields: other extension columns of the update call (e.g. {"no_vm_jump_night": "200", "moh_in": 2}),
  written as they are and compared with what readfull returns. Columns an option manages (name, ring_type,
  ring_time, subtype, no_vm_jump, voicemail_box) must be set with that option.
- description, enabled: not available (an IPCortex extension has neither).
Reads: one readfull of the company's extensions per run (the listing); when the task sets members (or for
pbx_info): one read of the company's extensions (owners, ipcortex.md 3), and when it compares the members of
an existing group, one readlink per extension owner of the company (4.2), once per run (a group being
created has no links: a run that only creates reads none).
Writes: create = 1 create (virt_exten, company, voicemail; a bulk run creates its new groups with one create
call per voicemail flag, virt_exten as an array) + 1 update (ring_type and the other columns) + 1 link per
member; update = 1 update when a column changes + 1 link per user whose link changes; delete = 1 delete
(the PABX drops the group's links with it). A rerun writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.driver import DEFAULT_COMPANY
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.extensions import NAME, NUMBER, UPDATE_COLUMNS

RING_TYPE = {"hunt": "H", "queue": "Q"}
STRATEGY_OF = dict((v, k) for k, v in RING_TYPE.items())
REFUSED = {
    "ring_all": "IPCortex rings every member at once in an extension of ring type A, which it does not tell apart "
                "from a personal extension (pbxops.pbx.pbx_extension manages those): use strategy queue with "
                "queue_strategy ring_all (every member rings at once), or hunt",
    "cyclic_hunt": "use strategy queue with queue_strategy cyclic (members ring in turn)",
}
# Columns the options write (api_fields must not).
COLUMN_OF = {"name": "name", "strategy": "ring_type", "ring_time": "ring_time", "no_answer": "no_vm_jump"}
MANAGED = frozenset(["name", "ring_type", "ring_time", "subtype", "no_vm_jump", "voicemail_box"])
OPTION_OF = {"name": "name", "ring_type": "strategy", "ring_time": "ring_time", "subtype": "queue_*",
             "no_vm_jump": "no_answer.number", "voicemail_box": "no_answer"}
LIST_COLUMNS = ["virt_exten", "scoped_exten", "ring_type", "name", "ring_time", "subtype", "no_vm_jump",
                "voicemail_box"]
NO_ANSWER = ("forward", "voicemail", "hangup")

# The queue's subtype string (seed 002): option -> (first byte, width, {option value: characters}).
QUEUE_TYPES = {"ring_all": "a", "ring_all_no_queue_if_first": "d", "ring_all_avoid_queueing": "e", "cyclic": "r",
               "cyclic_max_calls": "f", "ordered": "l"}
FLAG = {True: "y", False: " "}
BYTES = {
    "queue_autopause": (1, FLAG),
    "queue_exit": (2, {"never": " ", "no_agents": "y", "no_agents_or_all_paused": "Y"}),
    "queue_ringing": (3, FLAG),
    "queue_announce_hold_time": (4, FLAG),
    "queue_dynamic_priority": (5, {"off": " ", "every_10s": "1", "every_30s": "3", "every_minute": "y",
                                   "quick_to_slow": "l"}),
    "queue_abandoned_email": (18, FLAG),
}
QUEUE_OPTIONS = frozenset(["queue_strategy", "queue_announce_position", "queue_priority", "queue_prompts",
                           "queue_max_waiting"] + list(BYTES))
LENGTH = 21
BLANK = "a" + " " * (LENGTH - 1)
PROMPT = re.compile(r"^([0-9]{2})?$")
MAX_WAITING = re.compile(r"^([1-9][0-9]?|agents)?$")


def parse_subtype(subtype):
    """The queue options a subtype string holds (blank positions read as off/none)."""
    text = (subtype or "").ljust(LENGTH)
    out = {}
    letter = text[0]
    out["queue_strategy"] = dict((v, k) for k, v in QUEUE_TYPES.items()).get(letter.lower())
    out["queue_announce_position"] = letter.isupper()
    for option, (pos, chars) in BYTES.items():
        values = dict((v, k) for k, v in chars.items())
        out[option] = values.get(text[pos], values[" "])
    out["queue_priority"] = int(text[6:8]) if text[6:8].isdigit() else 0
    prompts = [text[pos:pos + 2].strip() for pos in (10, 12, 14, 16)]
    while prompts and not prompts[-1]:
        prompts.pop()
    out["queue_prompts"] = prompts
    depth = text[19:21]
    out["queue_max_waiting"] = "agents" if depth == "aa" else str(int(depth)) if depth.isdigit() else ""
    return out


def compose_subtype(subtype, item):
    """subtype with the task's queue options written into their positions (the others kept)."""
    text = subtype if subtype and len(subtype) >= 18 else BLANK
    chars = list(text.ljust(LENGTH))
    if "queue_strategy" in item:
        chars[0] = QUEUE_TYPES[item["queue_strategy"]]
    if "queue_announce_position" in item:
        chars[0] = chars[0].upper() if item["queue_announce_position"] else chars[0].lower()
    for option, (pos, values) in BYTES.items():
        if option in item:
            chars[pos] = values[item[option]]
    if "queue_priority" in item:
        chars[6:8] = "%02d" % item["queue_priority"] if item["queue_priority"] else "  "
    if "queue_prompts" in item:
        prompts = list(item["queue_prompts"]) + [""] * 4
        for slot, pos in enumerate((10, 12, 14, 16)):
            chars[pos:pos + 2] = (prompts[slot] or "  ")
    if "queue_max_waiting" in item:
        depth = item["queue_max_waiting"]
        chars[19:21] = "aa" if depth == "agents" else "%02d" % int(depth) if depth else "  "
    return "".join(chars)


def link_orders(current):
    """New order values for members in task order, given their current ones (None: not linked).

    Members whose current order still fits (increasing, with room for those between) keep it, so
    that a reorder writes as few links as it can: moving one member rewrites that member only."""
    count = len(current)
    best = [None] * count  # (members kept up to here, previous kept index)
    for j, order in enumerate(current):
        if order is None or order < j:
            continue
        best[j] = (1, None)
        for i in range(j):
            if best[i] is not None and order - current[i] >= j - i and best[i][0] + 1 > best[j][0]:
                best[j] = (best[i][0] + 1, i)
    kept, end = [], None
    for j in range(count):
        if best[j] is not None and (end is None or best[j][0] > best[end][0]):
            end = j
    while end is not None:
        kept.insert(0, end)
        end = best[end][1]
    if not kept:
        return [i + 1 for i in range(count)]
    out = list(current)
    for i in range(count):
        before = [k for k in kept if k <= i]
        if before and before[-1] == i:
            continue
        if before:
            out[i] = current[before[-1]] + (i - before[-1])
        else:
            out[i] = current[kept[0]] - (kept[0] - i)
    return out


class IpcortexCallgroups(Kind):
    kind = "callgroup"
    OPTIONS = frozenset(["name", "strategy", "ring_time", "members", "no_answer", "api_fields"]) | QUEUE_OPTIONS

    def __init__(self, driver):
        super(IpcortexCallgroups, self).__init__(driver)
        self._items = {}    # number -> the task's item
        self._others = {}   # number -> ring type, for the company's extensions that are not call groups
        self._owners = None  # extension number -> owner contact id (or None)
        self._links = None   # contact id -> {link key: order}
        self._tenant = None
        self._created = set()

    @staticmethod
    def _company(tenant):
        return tenant or DEFAULT_COMPANY

    def _dialplan(self, verb, company, scope=None, values=None, columns=None, read=False, what=None):
        body = {"type": "extension", "auth": self.driver.auth}
        for name, part in (("scope", scope), ("values", values), ("columns", columns)):
            if part is not None:
                body[name] = part
        return self.driver.post("/dialplan/%s/extension" % verb, body, idempotent=read, company=company,
                                what=what, option_of=OPTION_OF)

    # -- checks (no request) ------------------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        where = "call group %s" % number
        self._items[number] = item
        if not NUMBER.match(number):
            raise PbxError("%s: IPCortex numbers are 1 to 32 letters, digits, * or #" % where)
        strategy = item.get("strategy")
        if strategy is not None and strategy not in RING_TYPE:
            raise PbxError("%s: strategy %s is not available on IPCortex, whose call groups hunt (strategy hunt) "
                           "or queue (strategy queue)%s" % (where, strategy, ": " + REFUSED[strategy]
                                                            if strategy in REFUSED else ""))
        if "name" in item and not NAME.match(item["name"]):
            raise PbxError("%s: name %r: IPCortex names may hold only letters, digits, dot, space, dash and "
                           "underscore" % (where, item["name"]))
        if item.get("ring_time") is not None and not 0 <= item["ring_time"] <= 999:
            raise PbxError("%s: ring_time must be 0 to 999 seconds on IPCortex, got %d" % (where, item["ring_time"]))
        self._validate_members(where, item)
        self._validate_no_answer(where, item.get("no_answer"))
        queue = sorted(set(item) & QUEUE_OPTIONS)
        if queue and strategy is not None and strategy != "queue":
            raise PbxError("%s: %s: queue options apply only to strategy queue (ring type Q), not %s"
                           % (where, ", ".join(queue), strategy))
        self._validate_queue(where, item)
        for column in item.get("api_fields") or {}:
            if column in MANAGED:
                raise PbxError("%s: set api_fields.%s with option %s instead" % (where, column, OPTION_OF[column]))
            if column not in UPDATE_COLUMNS:
                raise PbxError("%s: api_fields.%s is not an IPCortex extension column (known: %s)"
                               % (where, column, ", ".join(sorted(UPDATE_COLUMNS - MANAGED))))

    @staticmethod
    def _validate_members(where, item):
        seen = set()
        for index, member in enumerate(item.get("members") or []):
            member = member if isinstance(member, dict) else {"number": member}
            extra = sorted(k for k, v in member.items() if k != "number" and v is not None)
            if extra:
                raise PbxError("%s: members[%d].%s: IPCortex members have no per-member options (a member is a "
                               "user linked to the group; the list's order is the hunt order): remove it"
                               % (where, index, extra[0]))
            number = str(member["number"]).strip()
            if not NUMBER.match(number):
                raise PbxError("%s: members[%d] %r is not an IPCortex extension number" % (where, index, number))
            if number == item["number"]:
                raise PbxError("%s: the group cannot be a member of itself" % where)
            if number in seen:
                raise PbxError("%s: member %s is listed twice in members; list each extension once" % (where, number))
            seen.add(number)

    @staticmethod
    def _validate_no_answer(where, no_answer):
        if not no_answer:
            return
        action = no_answer.get("action") or ("forward" if no_answer.get("number") else None)
        target = str(no_answer.get("number") or "").strip()
        if action is None:
            raise PbxError("%s: no_answer needs action (forward, voicemail or hangup)" % where)
        if action not in NO_ANSWER:
            raise PbxError("%s: no_answer action %s is not available on IPCortex (it takes forward with a number, "
                           "voicemail or hangup)" % (where, action))
        if action == "forward" and not target:
            raise PbxError("%s: no_answer action forward needs number (the extension to jump to)" % where)
        if action == "forward" and not NUMBER.match(target):
            raise PbxError("%s: no_answer.number %r is not an IPCortex extension number" % (where, target))
        if action != "forward" and target:
            raise PbxError("%s: no_answer action %s takes no number; remove number or use action forward"
                           % (where, action))

    @staticmethod
    def _validate_queue(where, item):
        if item.get("queue_priority") is not None and not 0 <= item["queue_priority"] <= 99:
            raise PbxError("%s: queue_priority must be 1 to 99 (0 for none), got %d" % (where, item["queue_priority"]))
        prompts = item.get("queue_prompts")
        if prompts is not None:
            if len(prompts) > 4:
                raise PbxError("%s: queue_prompts holds at most 4 prompts (subtype bytes 11 to 18), got %d"
                               % (where, len(prompts)))
            for index, prompt in enumerate(prompts):
                if not PROMPT.match(str(prompt)):
                    raise PbxError("%s: queue_prompts[%d] %r must be a prompt number of two digits, \"00\" to "
                                   "\"99\" (\"\" for an empty slot)" % (where, index, prompt))
        depth = item.get("queue_max_waiting")
        if depth is not None and not MAX_WAITING.match(str(depth)):
            raise PbxError("%s: queue_max_waiting %r must be \"1\" to \"99\" callers, \"agents\" (as many as there "
                           "are available agents) or \"\" (no limit)" % (where, depth))

    def whole_pbx(self, tenant):
        return False

    # -- reads --------------------------------------------------------------------------------
    def _columns(self):
        if "api_fields" in self.wanted:
            return LIST_COLUMNS + sorted(UPDATE_COLUMNS - set(LIST_COLUMNS))
        return LIST_COLUMNS

    def _normalise(self, row):
        ring_type = row.get("ring_type")
        if _text(row.get("voicemail_box")):
            no_answer = {"action": "voicemail"}
        elif _text(row.get("no_vm_jump")):
            no_answer = {"action": "forward", "number": _text(row["no_vm_jump"])}
        else:
            no_answer = {"action": "hangup"}
        obj = {"number": row["virt_exten"], "name": row.get("name") or "", "strategy": STRATEGY_OF[ring_type],
               "ring_time": row.get("ring_time"), "no_answer": no_answer, "api_fields": row,
               "_id": row.get("scoped_exten") or row["virt_exten"], "_row": row}
        if ring_type == "Q":
            obj.update(parse_subtype(row.get("subtype")))
        return obj

    def list(self, tenant):
        company = self._company(tenant)
        if tenant is not None:
            self.driver.require_company(company)
        self._tenant, self._owners, self._links, self._others = tenant, None, None, {}
        answer = self._dialplan("readfull", company, scope={"company": company}, columns=self._columns(), read=True,
                                what="list the extensions of company %s" % company)
        out = []
        for row in answer.get("values") or []:
            if row.get("ring_type") in STRATEGY_OF:
                out.append(self._normalise(row))
            else:
                self._others[row["virt_exten"]] = row.get("ring_type")
        return out

    def owners(self, tenant):
        if self._owners is None:
            self._owners = self.driver.read_owners(self._company(tenant))
        return self._owners

    def links(self, tenant):
        """contact id -> {link key: order}, for every owner of an extension of the company."""
        if self._links is None:
            self._links = {}
            for contact in sorted(set(c for c in self.owners(tenant).values() if c is not None)):
                self._links[contact] = self.driver.read_links(contact)["extensions"]
        return self._links

    def _key(self, tenant, number):
        return "%s_%s" % (number, self._company(tenant))

    def _members(self, tenant, number):
        """[(order, contact)] of the owners linked to the group, in link order."""
        key = self._key(tenant, number)
        owned = self._owned(tenant)
        linked = [(order, contact) for contact, links in self.links(tenant).items()
                  for k, order in links.items() if k == key and contact in owned]
        return sorted(linked, key=lambda pair: (pair[0] if pair[0] is not None else -1, owned[pair[1]][0]))

    def _owned(self, tenant):
        owned = {}
        for number, contact in sorted(self.owners(tenant).items()):
            if contact is not None:
                owned.setdefault(contact, []).append(number)
        return owned

    def details(self, tenant, obj, wanted):
        obj = dict(obj)
        item = self._items.get(obj["number"]) or {}
        if "members" in wanted:
            owned = self._owned(tenant)
            named = set(m["number"] if isinstance(m, dict) else m for m in item.get("members") or [])
            members = []
            for _order, contact in self._members(tenant, obj["number"]):
                numbers = owned[contact]
                members.append(next((n for n in numbers if n in named), numbers[0]))
            obj["members"] = members
        prompts = item.get("queue_prompts")
        if prompts is not None and obj.get("queue_prompts") is not None:
            # Trailing empty slots read back trimmed: ["05", ""] and ["05"] are the same string.
            have = list(obj["queue_prompts"])
            while len(have) < len(prompts) and not prompts[len(have)]:
                have.append("")
            obj["queue_prompts"] = have
        return obj

    def get(self, tenant, key):
        for obj in self.list(tenant):
            if obj["number"] == key:
                return obj
        return None

    def info(self, obj):
        return super(IpcortexCallgroups, self).info(self.details(self._tenant, obj, frozenset(["members"])))

    # -- plan-time checks (reads only) ----------------------------------------------------------
    def _check_members(self, tenant, item):
        if not item.get("members"):
            return
        where = "call group %s" % item["number"]
        owners = self.owners(tenant)
        seen = {}
        for member in item["members"]:
            number = str(member["number"] if isinstance(member, dict) else member).strip()
            if number not in owners:
                raise PbxError("%s: member %s is not an extension of company %s; create it first "
                               "(pbxops.pbx.pbx_extension)" % (where, number, self._company(tenant)))
            if owners[number] is None:
                raise PbxError("%s: member %s has no owner, and an IPCortex call group rings a member through the "
                               "user who owns the extension (that user's link to the group); give extension %s "
                               "an owner (a user) on the PABX first" % (where, number, number))
            if owners[number] in seen:
                raise PbxError("%s: members %s and %s have the same owner (user %s), and IPCortex links users, not "
                               "extensions: list one of them" % (where, seen[owners[number]], number,
                                                                 owners[number]))
            seen[owners[number]] = number

    def validate_create(self, item, tenant):
        where = "call group %s" % item["number"]
        if item["number"] in self._others:
            raise PbxError("%s: %s is an extension of ring type %s in company %s, not a call group (ordinary "
                           "extensions are pbxops.pbx.pbx_extension's): use another number, or delete it first"
                           % (where, item["number"], self._others[item["number"]], self._company(tenant)))
        if not item.get("strategy"):
            raise PbxError("%s: strategy is required to create an IPCortex call group (hunt or queue: IPCortex "
                           "creates every extension as an ordinary one, ring type A)" % where)
        self._check_members(tenant, item)

    def validate_update(self, tenant, current, changes):
        where = "call group %s" % current["number"]
        strategy = changes.get("strategy", current.get("strategy"))
        queue = sorted(set(changes) & QUEUE_OPTIONS)
        if queue and strategy != "queue":
            raise PbxError("%s: %s: queue options apply only to strategy queue (ring type Q); the group is a %s "
                           "group: set strategy queue too" % (where, ", ".join(queue), strategy))
        if "members" in changes:
            self._check_members(tenant, self._items.get(current["number"]) or dict(changes, number=current["number"]))

    # -- writes --------------------------------------------------------------------------------
    def _values(self, item, names, current_row):
        """The update call's values for the options in names."""
        values = {}
        if "name" in names:
            values["name"] = item["name"]
        if "ring_time" in names:
            values["ring_time"] = item["ring_time"]
        strategy = item.get("strategy") if "strategy" in names else None
        queue = names & QUEUE_OPTIONS
        if strategy is not None:
            values["ring_type"] = RING_TYPE[strategy]
        if strategy == "hunt":
            values["subtype"] = ""
        elif strategy == "queue" or queue:
            held = current_row.get("subtype") if current_row.get("ring_type") == "Q" else ""
            values["subtype"] = compose_subtype(held, dict((k, v) for k, v in item.items() if k in QUEUE_OPTIONS))
        if "no_answer" in names and item.get("no_answer"):
            box, jump = self._no_answer(item)
            if _text(current_row.get("voicemail_box")) != box:
                values["voicemail_box"] = box
            if _text(current_row.get("no_vm_jump")) != jump:
                values["no_vm_jump"] = jump
        if "api_fields" in names:
            values.update(item["api_fields"])
        return values

    @staticmethod
    def _no_answer(item):
        """(voicemail_box, no_vm_jump) for the task's no_answer."""
        no_answer = item["no_answer"]
        action = no_answer.get("action") or "forward"
        if action == "voicemail":
            return item["number"], ""
        if action == "forward":
            return "", str(no_answer["number"]).strip()
        return "", ""

    @staticmethod
    def _voicemail(item):
        return (item.get("no_answer") or {}).get("action") == "voicemail"

    def prepare_create(self, tenant, items):
        """One create call per voicemail flag, the numbers as a virt_exten array."""
        if len(items) < 2:
            return
        company = self._company(tenant)
        batches = {}
        for item in items:
            batches.setdefault(self._voicemail(item), []).append(item["number"])
        for voicemail, numbers in sorted(batches.items()):
            try:
                self._dialplan("create", company, values={"virt_exten": numbers, "company": company,
                                                          "private": False, "voicemail": voicemail})
            except AmbiguousWrite:
                # The PABX may have created them: those it did not are created one by one by create().
                answer = self._dialplan("readfull", company, scope={"virt_exten": numbers, "company": company},
                                        columns=["virt_exten"], read=True)
                self._created.update(row["virt_exten"] for row in answer.get("values") or [])
                continue
            self._created.update(numbers)

    def create(self, tenant, item):
        company = self._company(tenant)
        number = item["number"]
        if number not in self._created:
            self._dialplan("create", company, values={"virt_exten": number, "company": company, "private": False,
                                                      "voicemail": self._voicemail(item)})
            self._created.add(number)
        # What the create call gave the new extension (seed 002: type A, the box when voicemail was asked).
        row = {"ring_type": "A", "voicemail_box": number if self._voicemail(item) else "", "no_vm_jump": ""}
        values = self._values(item, set(item), row)
        self._dialplan("update", company, scope={"scoped_exten": number}, values=values)
        if item.get("members"):
            self._write_members(tenant, number, item["members"], new=True)

    def update(self, tenant, current, changes, item):
        values = self._values(item, set(changes), current["_row"])
        if values:
            self._dialplan("update", self._company(tenant), scope={"scoped_exten": current["_id"]}, values=values)
        if "members" in changes:
            self._write_members(tenant, current["number"], item["members"])

    def _write_members(self, tenant, number, members, new=False):
        """One link call per user whose link to the group changes."""
        key = self._key(tenant, number)
        owners = self.owners(tenant)
        # A group just created has no links yet: a run that only creates reads no user's links.
        links = {} if new and self._links is None else self.links(tenant)
        wanted = [owners[str(m["number"] if isinstance(m, dict) else m).strip()] for m in members]
        orders = link_orders([links.get(c, {}).get(key) for c in wanted])
        changes = {}
        for contact, order in zip(wanted, orders):
            if links.get(contact, {}).get(key) != order:
                changes[contact] = order
        for contact, held in links.items():
            if key in held and contact not in wanted:
                changes[contact] = None
        for contact, order in sorted(changes.items()):
            self.driver.post("/dialplan/link/user", {"type": "user", "auth": self.driver.auth,
                                                     "scope": {"contact_id": contact},
                                                     "values": {"extensions": {key: order}}},
                             idempotent=False, company=self._company(tenant),
                             what="link user %s to call group %s" % (contact, number))
            held = links.setdefault(contact, {})
            if order is None:
                held.pop(key, None)
            else:
                held[key] = order

    def delete(self, tenant, current):
        self._dialplan("delete", self._company(tenant), scope={"scoped_exten": current["_id"]})
        key = self._key(tenant, current["number"])
        for held in (self._links or {}).values():
            held.pop(key, None)


def _text(value):
    return "" if value is None else str(value).strip()
