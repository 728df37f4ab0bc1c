"""sipXcom phones as the PBX holds them, read through sipXconfig's own /api (reference sipxcom.md §5, §6, §2).

The tests' oracle for pbx_phone on sipXcom: no collection code. A phone is found by its serialNo in
the listing (never by a path key: an all-digit serial would be read as an id) and then read by its id.
"""

import requests

AUTH = ("superadmin", "superadmin")
JSON = {"Accept": "application/json"}


def _get(sim, path):
    s = requests.Session()
    s.trust_env = False
    if sim.ca_path:
        s.verify = sim.ca_path
    r = s.get(sim.url + "/sipxconfig" + path, auth=AUTH, headers=JSON, timeout=30)
    r.raise_for_status()
    return r.json()


def raw_phones(sim):
    """serialNo -> the raw /api/phones bean (line passwords included: only for tests)."""
    return dict((p["serialNo"], p) for p in _get(sim, "/api/phones")["phones"])


def phone(sim, mac, settings=False):
    """The phone with this serial in pbx_phone's terms, or None. settings: also read its setting values."""
    raw = raw_phones(sim).get(mac)
    if raw is None:
        return None
    pid = raw["id"]
    lines = _get(sim, "/api/phones/%d/lines" % pid)["lines"]
    groups = _get(sim, "/api/phones/%d/groups" % pid)["groups"]
    out = {"mac": raw["serialNo"], "model": raw["model"]["modelId"], "description": raw["description"],
           "device_version": raw["deviceVersion"], "groups": sorted(g["name"] for g in groups),
           "extensions": [line["user"] for line in lines if line["user"]], "_id": pid, "_lines": lines}
    if settings:
        out["settings"] = dict((s["path"], s["value"]) for s in _get(sim, "/api/phones/%d/settings" % pid)["settings"])
    return out


def profiles_sent(sim, mac):
    """How many times the simulator sent this phone its profile (its operator endpoint)."""
    return sim.ops("GET", "sipxcom/phones/%s" % mac)["profiles_sent"]


def phone_groups(sim):
    return sorted(g["name"] for g in _get(sim, "/api/phoneGroups")["groups"])
