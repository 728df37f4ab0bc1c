"""PortSIP trunks as the PBX holds them, read through PortSIP's own API in pbx_gateway's terms.

The tests' oracle for pbx_gateway on PortSIP: it shares no code with the collection. A trunk is found by
name in GET /providers, read with GET /providers/{id} and its tenants with GET /providers/{id}/assignees
(portsip.md §3.4; the spec's listProviders, getProvider, listProviderAssignees). The password, which the API
never returns, comes from the simulator's operator endpoint.
"""

from readback import Portsip

FIELDS = {"enabled": "enabled", "brand": "brand", "auth_mode": "auth_mode", "transport": "transport",
          "address": "hostname", "port": "port", "auth_id": "auth_id", "sip_username": "username",
          "register_interval": "register_interval", "outbound_address": "outbound_server",
          "outbound_port": "outbound_server_port", "keep_alive_interval": "keep_alive_interval",
          "concurrency": "concurrency", "additional_ips": "additional_ips", "did_numbers": "did_numbers",
          "inbound_parameters": "inbound_parameters", "outbound_parameters": "outbound_parameters",
          "registration": "registration", "keep_alive": "keep_alive", "inlan": "inlan",
          "single_via_header": "single_via_header", "rewrite_via_ip": "rewrite_via_ip", "verify_port": "verify_port",
          "adjust_sdp_direction": "adjust_sdp_direction", "remove_srtp_info": "remove_srtp_info",
          "stir_shaken_signature_required": "stir_shaken_signature_required"}


class PortsipTrunks(Portsip):
    def providers(self):
        out, skip = [], 0
        while True:
            page = self.get("/providers", params={"top": 100, "skip": skip}).json()
            out.extend(page["items"])
            skip += len(page["items"])
            if not page["items"] or skip >= page["count"]:
                return out

    def tenant_names(self):
        return dict((t["id"], t["name"]) for t in self.get("/tenants", params={"top": 100}).json()["items"])


def trunk(sim, name):
    """The trunk of this name in pbx_gateway's terms (assignees by tenant name, sorted), or None."""
    api = PortsipTrunks(sim)
    found = [p for p in api.providers() if p["name"] == name]
    if not found:
        return None
    raw = api.get("/providers/" + found[0]["id"]).json()
    out = dict((option, raw.get(field)) for option, field in FIELDS.items())
    out["name"] = raw["name"]
    names = api.tenant_names()
    items = api.get("/providers/%s/assignees" % raw["id"]).json()["items"]
    out["assignees"] = sorted(({"tenant": names.get(a["tenant_id"], a["tenant_id"]), "did_numbers": a["did_numbers"],
                                "concurrency": a["concurrency"]} for a in items), key=lambda a: a["tenant"])
    out["_raw"] = raw
    out["_listed"] = found[0]
    return out


def names(sim):
    return sorted(p["name"] for p in PortsipTrunks(sim).providers())


def credentials(sim, name):
    return sim.ops("GET", "portsip/providers/%s/credentials" % name)
