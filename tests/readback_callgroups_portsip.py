"""PortSIP ring groups as a simulated PortSIP holds them, read through PortSIP's own API in pbx_callgroup's
terms (portsip.md §3.2; the spec's listRingGroups, showRingGroup and listRingGroupAgents).

The tests' oracle for pbx_callgroup on PortSIP: it shares no code with the collection.
"""

from readback import Portsip

STRATEGIES = {"RING_SIMULTANEOUSLY": "ring_all", "PRIORITIZED_HUNT": "hunt", "CYCLIC_HUNT": "cyclic_hunt",
              "LEAST_WORKED_HUNT": "least_worked_hunt", "PAGING_INTERCOM": "paging",
              "SKILL_BASED_ROUTING_PRIORITIZED_HUNT": "skill_hunt",
              "SKILL_BASED_ROUTING_CYCLIC_HUNT": "skill_cyclic_hunt",
              "SKILL_BASED_ROUTING_LEAST_WORKED_HUNT": "skill_least_worked_hunt"}
ACTIONS = {"FORWARD_TO_NUMBER": "forward", "FORWARD_TO_VOICEMAIL": "voicemail", "REPEAT": "repeat",
           "HANGUP": "hangup"}


def groups(sim, tenant):
    """extension_number -> the ring group's full record (GET /ring_groups/{id})."""
    api = Portsip(sim, tenant)
    out, skip = {}, 0
    while True:
        page = api.get("/ring_groups", params={"top": 100, "skip": skip}).json()
        for item in page["items"]:
            out[item["extension_number"]] = api.get("/ring_groups/" + item["id"]).json()
        skip += len(page["items"])
        if not page["items"] or skip >= page["count"]:
            return out


def callgroup(sim, tenant, number):
    """The ring group in pbx_callgroup's terms (members as {number, skill_level}), or None."""
    record = groups(sim, tenant).get(number)
    if record is None:
        return None
    agents = Portsip(sim, tenant).get("/ring_groups/%s/agents" % record["id"]).json()["items"]
    rule = record.get("no_answer_forward_rule")
    no_answer = None
    if rule and rule.get("action"):
        no_answer = {"action": ACTIONS[rule["action"]]}
        if rule.get("number"):
            no_answer["number"] = rule["number"]
    return {"number": record["extension_number"], "name": record["name"], "ring_time": record["ring_time"],
            "strategy": STRATEGIES[record["ring_strategy"]], "skip_busy_members": record["skip_busy_member"],
            "no_answer": no_answer,
            "members": [{"number": a["extension_number"], "skill_level": a["skill_level"]} for a in agents],
            "api_fields": record}
