"""PortSIP trunk assignees (assignProvider, listProviderAssignees, checkProviderAssignee,
destroyProviderAssignee in the 22.2 spec) and the listing's shared flag; sipXcom's answer to an unknown
gateway model (reference sipxcom.md §4)."""

import requests

from apis import SipxcomApi

TRUNK = {"name": "Carrier", "transport": "UDP", "hostname": "sip.example", "port": 5060,
         "outbound_server": "sip.example", "outbound_server_port": 5060, "concurrency": 10, "password": "pw-1"}


def login(sim):
    s = requests.Session()
    r = s.post(sim.url + "/api/auth/sign_in", json={"username": "admin", "password": "admin"}, timeout=10)
    s.headers["Authorization"] = "Bearer " + r.json()["access_token"]
    return s


def test_assign_list_check_and_unassign(sim):
    sim.fixtures("portsip", "tenants", [{"name": "acme", "domain": "acme.example.com"}])
    s = login(sim)
    api = sim.url + "/api"
    tenant = s.get(api + "/tenants", timeout=10).json()["items"][0]["id"]
    pid = s.post(api + "/providers", json=TRUNK, timeout=10).json()["id"]
    assert s.get(api + "/providers", timeout=10).json()["items"][0]["shared"] is False
    assert s.get(api + "/providers/%s/assignees" % pid, timeout=10).json() == {"items": []}
    r = s.post(api + "/providers/%s/assignees/%s" % (pid, tenant), json={"did_numbers": "3000", "concurrency": 4},
               timeout=10)
    assert (r.status_code, r.content) == (204, b"")
    assert s.get(api + "/providers", timeout=10).json()["items"][0]["shared"] is True
    assert s.get(api + "/providers/%s/assignees" % pid, timeout=10).json() == {
        "items": [{"tenant_id": tenant, "did_numbers": "3000", "concurrency": 4}]}
    # Assigning again updates the fields given and keeps the others (inferred).
    s.post(api + "/providers/%s/assignees/%s" % (pid, tenant), json={"concurrency": 6}, timeout=10)
    assert s.get(api + "/providers/%s/assignees/%s" % (pid, tenant), timeout=10).json() == {
        "did_numbers": "3000", "concurrency": 6}
    bad = s.post(api + "/providers/%s/assignees/%s" % (pid, tenant), json={"concurrency": -1}, timeout=10)
    assert bad.status_code == 400
    assert s.post(api + "/providers/%s/assignees/nope" % pid, json={}, timeout=10).status_code == 404
    assert "password" not in s.get(api + "/providers/" + pid, timeout=10).json()
    assert s.post(api + "/providers/%s/assignees/%s/destroy" % (pid, tenant), timeout=10).status_code == 204
    assert s.get(api + "/providers/%s/assignees/%s" % (pid, tenant), timeout=10).status_code == 404
    assert s.post(api + "/providers/%s/assignees/%s/destroy" % (pid, tenant), timeout=10).status_code == 404
    assert s.get(api + "/providers", timeout=10).json()["items"][0]["shared"] is False
    assert sim.ops("GET", "portsip/providers/carrier/credentials")["password"] == "pw-1"


def test_sipxcom_unknown_gateway_model_is_404(sim):
    api = SipxcomApi(sim)
    r = api("POST", "/api/gateways", json={"name": "gw", "model": {"modelId": "nope"}},
            headers={"Accept": "application/json"})
    assert (r.status_code, r.text) == (404, "No such phone model defined")
