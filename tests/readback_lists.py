"""Every extension number and phone MAC a simulated PBX holds in a tenant, read through each vendor's own
listing, duplicates kept: the oracle of "nothing created twice, nothing missing" at scale. No collection code."""

import readback
import readback_phones_ipcortex as ph_ipcortex
import readback_phones_portsip as ph_portsip
import readback_phones_sipxcom as ph_sipxcom


def extensions(sim, platform, tenant):
    """[(number, email)] of the tenant's extensions, one entry per object the PBX holds."""
    if platform == "sipxcom":
        users = ph_sipxcom._get(sim, "/api/users")["users"]  # pylint: disable=W0212
        return [(u["userName"], (u.get("userProfile") or {}).get("emailAddress")) for u in users
                if u.get("branchName") == tenant]
    if platform == "ipcortex":
        answer = readback.ipcortex_call(sim, "readfull", {"type": "extension", "scope": {"company": tenant},
                                                          "columns": ["virt_exten", "email", "ring_type"]})
        return [(str(r["virt_exten"]), r["email"]) for r in answer["values"] if r["ring_type"] == "A"]
    return [(u["extension_number"], u["email"]) for u in ph_portsip.PortsipPhones(sim, tenant).users()]


def phones(sim, platform, tenant):
    """The MACs of the tenant's phones, one entry per phone the PBX holds (sipXcom phones have no tenant:
    every phone of the PBX)."""
    if platform == "sipxcom":
        return [p["serialNo"] for p in ph_sipxcom._get(sim, "/api/phones")["phones"]]  # pylint: disable=W0212
    if platform == "ipcortex":
        # One row per port: phoneid is the MAC followed by the port number.
        return [r["phoneid"][:12] for r in ph_ipcortex.active(sim, tenant) if int(r["phoneid"][12:] or 0) == 0]
    api = ph_portsip.PortsipPhones(sim, tenant)
    return [ph_portsip._plain(phone["mac"]) for user in api.users()  # pylint: disable=W0212
            for phone in api.get("/users/%s/phones" % user["id"]).json()["items"]]
