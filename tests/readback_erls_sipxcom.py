"""sipXcom ERLs as the PBX holds them, read through sipXconfig's own /rest E911 API (reference sipxcom.md §11,
seed 004 "Using the e911 REST API").

The tests' oracle for pbx_erl on sipXcom: no collection code. ERLs come from GET /rest/erls; who is at a
location from the per-user, per-group and per-phone reads (sipXcom has no reverse lookup).
"""

import xml.etree.ElementTree as ET

import requests

AUTH = ("superadmin", "superadmin")


def _get(sim, path, accept="text/xml"):
    s = requests.Session()
    s.trust_env = False
    if sim.ca_path:
        s.verify = sim.ca_path
    r = s.get(sim.url + "/sipxconfig" + path, auth=AUTH, headers={"Accept": accept}, timeout=30)
    r.raise_for_status()
    return r


def erls(sim):
    """elin -> {"location", "address_info", "description"} of every ERL."""
    root = ET.fromstring(_get(sim, "/rest/erls").content)
    return dict((e.findtext("elin"), {"location": e.findtext("location") or "",
                                      "address_info": e.findtext("addressInfo") or "",
                                      "description": e.findtext("description") or ""})
                for e in root.iter("e911Location"))


def user_elin(sim, user):
    """The ELIN a user is at (its own, else its groups'), "" for none."""
    return _get(sim, "/rest/erl/user/%s" % user, "text/plain").text.strip()


def group_elin(sim, group):
    return _get(sim, "/rest/erl/group/%s" % group, "text/plain").text.strip()


def phonegroup_elin(sim, group):
    return _get(sim, "/rest/erl/phonegroup/%s" % group, "text/plain").text.strip()


def phone_elin(sim, serial):
    root = ET.fromstring(_get(sim, "/rest/erl/phone/%s" % serial).content)
    return (root.findtext("e911Location/elin") or "").strip()


def at(sim, elin, users=(), phones=(), user_groups=(), phone_groups=()):
    """Which of the given users, phones (serials) and groups are at the ELIN, as sorted lists."""
    return {"users": sorted(u for u in users if user_elin(sim, u) == elin),
            "phones": sorted(p for p in phones if phone_elin(sim, p) == elin),
            "user_groups": sorted(g for g in user_groups if group_elin(sim, g) == elin),
            "phone_groups": sorted(g for g in phone_groups if phonegroup_elin(sim, g) == elin)}
