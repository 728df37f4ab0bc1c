"""What a PBX holds of a whole tenant, read through each vendor's own API (the readback_* helpers), compared with
a tenant definition: the end-state check of the tenant roles' tests, never the roles' own results."""

import readback
import readback_callgroups_ipcortex as cg_ipcortex
import readback_callgroups_portsip as cg_portsip
import readback_callgroups_sipxcom as cg_sipxcom
import readback_erls_sipxcom as erl_sipxcom
import readback_gateways_portsip as gw_portsip
import readback_gateways_sipxcom as gw_sipxcom
import readback_phones_ipcortex as ph_ipcortex
import readback_phones_portsip as ph_portsip
import readback_phones_sipxcom as ph_sipxcom

SECRETS = ("sip_password", "web_password", "voicemail_pin", "user_password", "engineer_password")


def _mac(value):
    return "".join(c for c in str(value).lower() if c in "0123456789abcdef")


def _numbers(members):
    return [str(m["number"] if isinstance(m, dict) else m) for m in members or []]


def held(sim, platform, tenant, plural, key):
    """One object as the PBX holds it, in the module's option names (None: not there)."""
    if plural == "tenant":
        return readback.tenant(sim, platform, tenant)
    if plural == "extensions":
        return readback.extension(sim, platform, tenant, key)
    if plural == "callgroups":
        found = {"sipxcom": lambda: cg_sipxcom.callgroup(sim, key),
                 "ipcortex": lambda: cg_ipcortex.callgroup(sim, tenant, key),
                 "portsip": lambda: cg_portsip.callgroup(sim, tenant, key)}[platform]()
        if found and platform == "ipcortex":
            # ipcortex.md 3: ring_type H is a hunt group (each member in order), Q a queue.
            found = {"number": key, "name": found["name"], "members": found["members"],
                     "strategy": {"H": "hunt", "Q": "queue"}.get(found["ring_type"], found["ring_type"])}
        elif found and platform == "sipxcom":
            # sipxcom.md: a hunt group rings its first member, then each next one "if no response".
            later = [m.get("ring_type") for m in found["members"][1:]]
            found["strategy"] = "hunt" if later and all(t == "if_no_response" for t in later) else "ring_all"
        return found
    if plural == "phones":
        mac = _mac(key)
        found = {"sipxcom": lambda: ph_sipxcom.phone(sim, mac), "ipcortex": lambda: ph_ipcortex.phone(sim, tenant, mac),
                 "portsip": lambda: ph_portsip.phone(sim, tenant, mac)}[platform]()
        if found and platform == "ipcortex":
            found = {"mac": mac, "model": found["model"], "extensions": found["ports"][0]["extensions"],
                     "description": found["ports"][0]["description"]}
        return found
    if plural == "gateways":
        return gw_sipxcom.gateway(sim, key) if platform == "sipxcom" else gw_portsip.trunk(sim, key)
    if plural == "erls":
        erls = erl_sipxcom.erls(sim)
        if key not in erls:
            return None
        return dict(erls[key], elin=key)  # its users are checked one by one (user_elin)
    raise ValueError(plural)


KEYS = {"tenant": "name", "gateways": "name", "extensions": "number", "callgroups": "number", "phones": "mac",
        "erls": "elin"}


def problems(sim, platform, definition):
    """Every way the PBX differs from what the definition declares (empty: it holds all of it)."""
    out = []
    tenant = definition["tenant"]["name"]
    # A PortSIP tenant's users, ring groups and phones go with it (its trunks are system-level).
    gone = platform == "portsip" and readback.tenant(sim, platform, tenant) is None
    for plural, items in definition.items():
        items = [items] if plural == "tenant" else items
        for item in items:
            key = str(item[KEYS[plural]])
            inside = gone and plural not in ("tenant", "gateways")
            have = None if inside else held(sim, platform, tenant, plural, key)
            if have is None:
                out.append("%s %s: not on the PBX" % (plural, key))
                continue
            want = dict((k, v) for k, v in item.items() if k not in SECRETS and k != KEYS[plural])
            if "members" in want:
                if _numbers(want.pop("members")) != _numbers(have.get("members")):
                    out.append("%s %s: members %s, the PBX holds %s" % (
                        plural, key, _numbers(item["members"]), _numbers(have.get("members"))))
            if plural == "erls":
                for member in want.pop("users", []):
                    if erl_sipxcom.user_elin(sim, member) != key:
                        out.append("erls %s: user %s is not at it" % (key, member))
            out.extend("%s %s: %s" % (plural, key, p) for p in readback.holds(have, want))
    return out
