"""Read what a simulated PBX holds through the vendor's own API, in the options' terms.

This is the tests' oracle: it shares no code with the collection, so a check-mode
prediction or a module result is compared with what the PBX really holds, never
with the engine's own plan. Each reader is deliberately small and written from
the vendor's API (see shared/reference/*.md), not from the drivers.
"""

import xml.etree.ElementTree as ET

import requests

SIPXCOM = ("superadmin", "superadmin")
JSON = {"Accept": "application/json"}


def _session(sim):
    s = requests.Session()
    s.trust_env = False
    if sim.ca_path:
        s.verify = sim.ca_path
    return s


# -- sipXcom ------------------------------------------------------------------------------
def sipxcom_user(sim, number):
    """The raw /api/users bean, or None."""
    r = _session(sim).get(sim.url + "/sipxconfig/api/users/" + number, auth=SIPXCOM, headers=JSON, timeout=10)
    if r.status_code == 404 or not r.content:
        return None
    r.raise_for_status()
    user = r.json()
    return user if user.get("userName") == number else None


def sipxcom_extension(sim, number):
    user = sipxcom_user(sim, number)
    if user is None:
        return None
    settings = _session(sim).get(sim.url + "/sipxconfig/api/users/%s/settings" % number, auth=SIPXCOM,
                                 headers=JSON, timeout=10).json()["settings"]
    values = dict((s["path"], s["value"]) for s in settings)
    profile = user.get("userProfile") or {}
    return {"number": user["userName"], "first_name": user.get("firstName"), "last_name": user.get("lastName"),
            "email": profile.get("emailAddress"), "enabled": profile.get("enabled"),
            "aliases": sorted(user.get("aliases") or []), "groups": sorted(g["name"] for g in user.get("groups") or []),
            "caller_id": values.get("caller-alias/external-number") or "",
            "voicemail": values.get("permission/call-handling/Voicemail") == "ENABLE",
            "api_fields": user, "_branch": user.get("branchName")}


def sipxcom_branch(sim, name):
    r = _session(sim).get(sim.url + "/sipxconfig/rest/branch", auth=SIPXCOM, headers={"Accept": "text/xml"},
                          timeout=10)
    r.raise_for_status()
    for elem in ET.fromstring(r.content).iter("branch"):
        if elem.findtext("name") == name and elem.find("id") is not None:
            address = elem.find("address")
            fields = {"street": "street", "city": "city", "state": "state", "zip": "zip", "country": "country",
                      "office_designation": "officeDesignation"}
            return {"name": name, "description": elem.findtext("description") or "",
                    "phone_number": elem.findtext("phoneNumber") or "", "fax_number": elem.findtext("faxNumber") or "",
                    "address": dict((k, (address.findtext(tag) if address is not None else None) or "")
                                    for k, tag in fields.items())}
    return None


# -- IPCortex -----------------------------------------------------------------------------------
IPCORTEX_COLUMNS = ["virt_exten", "scoped_exten", "company", "name", "email", "callerid", "voicemail_box",
                    "ring_type", "ring_time", "phonebook"]


def ipcortex_call(sim, verb, body):
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    body = dict(body, auth={"type": "auth", "key": key})
    answer = _session(sim).post(sim.url + "/rest/dialplan/%s/extension" % verb, json=body, timeout=10).json()
    assert answer["result"] == "success", answer
    return answer


def ipcortex_extension(sim, company, number):
    scope = {"company": company, "virt_exten": number}
    answer = ipcortex_call(sim, "readfull", {"type": "extension", "scope": scope, "columns": IPCORTEX_COLUMNS})
    rows = [r for r in answer["values"] if r["ring_type"] == "A"]
    if not rows:
        return None
    row = rows[0]
    return {"number": row["virt_exten"], "name": row["name"] or "", "email": row["email"] or "",
            "caller_id": row["callerid"] or "", "voicemail": bool(row["voicemail_box"]),
            "private": row["scoped_exten"] != row["virt_exten"], "api_fields": row}


# -- PortSIP ----------------------------------------------------------------------------------------
class Portsip:
    """The system admin's session, optionally inside a tenant."""

    def __init__(self, sim, tenant=None, username="admin", password="admin"):
        self.sim = sim
        self.http = _session(sim)
        r = self.http.post(sim.url + "/api/auth/sign_in", json={"username": username, "password": password},
                           timeout=10)
        r.raise_for_status()
        self.http.headers["Authorization"] = "Bearer " + r.json()["access_token"]
        if tenant is not None:
            tenant_id = self.tenant(tenant)["id"]
            answer = self.http.post(sim.url + "/api/tenants/switch", params={"id": tenant_id}, timeout=10)
            answer.raise_for_status()
            if answer.content and "access_token" in answer.json():
                self.http.headers["Authorization"] = "Bearer " + answer.json()["access_token"]

    def get(self, path, **kwargs):
        return self.http.get(self.sim.url + "/api" + path, timeout=10, **kwargs)

    def tenant(self, name):
        for item in self.get("/tenants", params={"top": 100}).json()["items"]:
            if item["name"] == name:
                return self.get("/tenants/" + item["id"]).json()
        return None

    def user(self, number):
        r = self.get("/extension_numbers/" + number)
        if r.status_code == 404:
            return None
        return self.get("/users/" + r.json()["id"]).json()


def portsip_extension(sim, tenant, number):
    user = Portsip(sim, tenant).user(number)
    if user is None:
        return None
    return {"number": user["extension_number"], "name": user["display_name"], "email": user["email"],
            "enabled": user["enabled"], "login_name": user["name"], "role": user["role"], "api_fields": user}


def portsip_tenant(sim, name):
    found = Portsip(sim).tenant(name)
    if found is None:
        return None
    out = dict(found)
    out["api_fields"] = found
    return out


def extension(sim, platform, tenant, number):
    """What the PBX holds for extension number, in pbx_extension's terms (None: it does not exist)."""
    if platform == "sipxcom":
        return sipxcom_extension(sim, number)
    if platform == "ipcortex":
        return ipcortex_extension(sim, tenant, number)
    return portsip_extension(sim, tenant, number)


def tenant(sim, platform, name):
    if platform == "sipxcom":
        return sipxcom_branch(sim, name)
    if platform == "portsip":
        return portsip_tenant(sim, name)
    return {"name": name} if name in ipcortex_companies(sim) else None


def ipcortex_companies(sim):
    """The companies the System-Admin's API key administers (POST /rest/auth, as IPCortex's own client reads it)."""
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    answer = _session(sim).post(sim.url + "/rest/auth", json={"auth": {"type": "auth", "key": key}}, timeout=10).json()
    return set(answer["user"]["companies"])


def _within(want, have):
    """want's keys and values (recursively) are in have; scalars compare as text, None as ""."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(_within(v, have.get(k)) for k, v in want.items())
    if isinstance(want, bool) or isinstance(have, bool):
        return want == have
    return str("" if want is None else want) == str("" if have is None else have)


def holds(actual, expected, secrets=()):
    """Mismatches between what a result or prediction says (expected) and what the PBX holds (actual).

    Lists compare as sets, e-mail addresses and SIP domains without case, dicts (api_fields, address)
    on the keys given, masked secrets are skipped."""
    problems = []
    for key, want in expected.items():
        if key in secrets or want == "********":
            continue
        have = actual.get(key) if actual else None
        if isinstance(want, dict):
            if not _within(want, have):
                problems.append("%s: predicted %r, the PBX holds %r" % (key, want, have))
        elif isinstance(want, list):
            if sorted(str(x) for x in want) != sorted(str(x) for x in have or []):
                problems.append("%s: predicted %r, the PBX holds %r" % (key, want, have))
        elif key in ("email", "domain", "transport", "address", "outbound_address"):  # compared without case
            if str(want or "").lower() != str(have or "").lower():
                problems.append("%s: predicted %r, the PBX holds %r" % (key, want, have))
        elif (want or None) != (have or None) and not (isinstance(want, bool) and want == have):
            problems.append("%s: predicted %r, the PBX holds %r" % (key, want, have))
    return problems
