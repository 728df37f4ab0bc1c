"""sipXcom gateways as the PBX holds them, read through sipXconfig's own /api (reference sipxcom.md §4, §2).

The tests' oracle for pbx_gateway on sipXcom: no collection code. A gateway is found by its name in the
listing (sipXcom has no lookup by name) and its settings and ports are read by its id.
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


def raw_gateways(sim):
    """name -> the raw GatewayBean."""
    return dict((g["name"], g) for g in _get(sim, "/api/gateways")["gateways"])


def gateway(sim, name, settings=False, ports=False):
    """The gateway of this name in pbx_gateway's terms (plus "_raw"), or None.

    settings: also every setting value (credentials included, in clear: only for tests); ports: the port
    ids and each port's setting values."""
    raw = raw_gateways(sim).get(name)
    if raw is None:
        return None
    cai = raw["callerAliasInfo"] or {}
    out = {"name": raw["name"], "model": raw["model"]["modelId"], "description": raw["description"],
           "enabled": raw["enabled"], "address": raw["address"], "port": raw["addressPort"],
           "transport": raw["addressTransport"], "outbound_address": raw["outboundAddress"],
           "outbound_port": raw["outboundPort"], "prefix": raw["prefix"], "shared": raw["shared"],
           "internal_bridge": raw["useInternalBridge"], "device_version": raw["deviceVersion"],
           "branch": (raw["branch"] or {}).get("name"), "caller_id": cai.get("defaultCallerAlias"),
           "caller_id_name": cai.get("displayName"), "caller_id_block": cai.get("anonymous"),
           "caller_id_ignore_user": cai.get("ignoreUserInfo"),
           "caller_id_from_extension": cai.get("transformUserExtension"), "caller_id_prefix": cai.get("addPrefix"),
           "caller_id_keep_digits": cai.get("keepDigits"), "caller_id_url_parameters": cai.get("urlParameters"),
           "_raw": raw}
    if settings:
        values = dict((s["path"], s["value"]) for s in _get(sim, "/api/gateways/%d/settings" % raw["id"])["settings"])
        out["settings"] = values
        out["sip_username"] = values.get("itsp-account/user-name")
        out["auth_id"] = values.get("itsp-account/authentication-user-name")
        out["_password"] = values.get("itsp-account/password")
    if ports:
        ids = [p["id"] for p in _get(sim, "/api/gateways/%d/ports" % raw["id"])["ports"]]
        out["_ports"] = ids
        out["ports"] = [{"settings": dict((s["path"], s["value"]) for s in _get(
            sim, "/api/gateways/%d/ports/%d/settings" % (raw["id"], pid))["settings"])} for pid in ids]
    return out
