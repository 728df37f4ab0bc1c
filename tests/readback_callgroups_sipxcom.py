"""sipXcom call groups as the PBX holds them, read through sipXconfig's own /api (reference sipxcom.md §10).

The tests' oracle for pbx_callgroup on sipXcom: no collection code. A group is read with
GET /api/callgroups/{extension}, which answers 204 (not 404) when there is no such group.
"""

import requests

AUTH = ("superadmin", "superadmin")
JSON = {"Accept": "application/json"}
RING_TYPES = {"If no response": "if_no_response", "At the same time": "at_same_time"}


def _session(sim):
    s = requests.Session()
    s.trust_env = False
    if sim.ca_path:
        s.verify = sim.ca_path
    return s


def raw(sim, number):
    """The raw call group bean, or None (204)."""
    r = _session(sim).get(sim.url + "/sipxconfig/api/callgroups/" + number, auth=AUTH, headers=JSON, timeout=30)
    r.raise_for_status()
    if r.status_code == 204:
        return None
    return r.json()


def numbers(sim):
    r = _session(sim).get(sim.url + "/sipxconfig/api/callgroups", auth=AUTH, headers=JSON, timeout=30)
    r.raise_for_status()
    return sorted(g["extension"] for g in r.json()["callGroups"])


def callgroup(sim, number):
    """The group in pbx_callgroup's terms (members as dicts with every ring field), or None."""
    bean = raw(sim, number)
    if bean is None:
        return None
    members = []
    for index, ring in enumerate(bean["ringBeans"] or []):
        member = {"number": ring["userName"], "expiration": ring["expiration"], "enabled": ring["enabled"]}
        if index:
            member["ring_type"] = RING_TYPES[ring["typeStr"]]
        members.append(member)
    if bean["fallbackDestination"]:
        no_answer = {"action": "forward", "number": bean["fallbackDestination"]}
    else:
        no_answer = {"action": "voicemail" if bean["voicemailFallback"] else "hangup"}
    return {"number": bean["extension"], "name": bean["name"], "description": bean["description"],
            "did": bean["did"], "enabled": bean["enabled"], "user_forward": bean["userForward"],
            "use_forward_timers": bean["useFwdTimers"], "members": members, "no_answer": no_answer,
            "api_fields": bean}
