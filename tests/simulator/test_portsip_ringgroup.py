"""PortSIP simulator, the ring group behaviour pbx_callgroup relies on (portsip.md §3.2, §5; the 22.2
spec's ring_groups operations): create answers 200 {id}, the listing carries the no-answer rule but no
agents, updates are partial, the agent list is replaced as a whole in the order sent, unknown agents are
refused (inferred), destroy answers 204 (400 for an unknown id)."""

import pytest

from test_portsip_api import PortSIP, TENANT, error_code, user_body


@pytest.fixture
def acme(sim):
    admin = PortSIP(sim)
    admin.login()
    tenant_id = admin.create("/tenants", TENANT)
    assert admin.post("/tenants/switch", params={"id": tenant_id}).status_code == 200
    for number in ("101", "102", "103"):
        admin.create("/users", user_body(number))
    return admin


def test_listing_partial_update_and_destroy(acme):
    group_id = acme.create("/ring_groups", {"name": "Sales", "extension_number": "600", "ring_time": 25,
                                            "no_answer_forward_rule": {"action": "HANGUP", "number": ""}}, status=200)
    page = acme.get("/ring_groups", params={"top": 100, "skip": 0}).json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["no_answer_forward_rule"] == {"action": "HANGUP", "number": ""}
    assert "agents" not in item and "items" not in item
    assert item["ring_strategy"] == "RING_SIMULTANEOUSLY" and item["ring_time"] == 25
    r = acme.post("/ring_groups/" + group_id, {"ring_strategy": "PRIORITIZED_HUNT"})
    assert (r.status_code, r.content) == (200, b"")
    held = acme.get("/ring_groups/" + group_id).json()
    assert held["ring_strategy"] == "PRIORITIZED_HUNT" and held["ring_time"] == 25 and held["name"] == "Sales"
    assert acme.post("/ring_groups/%s/destroy" % group_id).status_code == 204
    r = acme.post("/ring_groups/%s/destroy" % group_id)
    assert r.status_code == 400 and "Invalid ring group ID supplied." in r.text


def test_agents_are_replaced_whole_in_order_and_unknown_ones_refused(acme):
    group_id = acme.create("/ring_groups", {"name": "Sales", "extension_number": "600"}, status=200)
    agents = "/ring_groups/%s/agents" % group_id
    assert acme.post(agents, {"items": [{"extension_number": "103"}, {"extension_number": "101",
                                                                      "skill_level": 4}]}).status_code == 200
    assert [(a["extension_number"], a["skill_level"]) for a in acme.get(agents).json()["items"]] == [
        ("103", 1), ("101", 4)]
    for bad in ([{"extension_number": "999"}], [{"extension_number": "600"}],
                [{"extension_number": "101"}, {"extension_number": "101"}]):
        r = acme.post(agents, {"items": bad})
        assert r.status_code == 400 and error_code(r) == "VALIDATE_FAILED", bad
    assert [a["extension_number"] for a in acme.get(agents).json()["items"]] == ["103", "101"], "nothing changed"
    assert acme.post(agents, {"items": []}).status_code == 200
    assert acme.get(agents).json() == {"items": []}


def test_the_number_is_shared_with_users(acme):
    r = acme.post("/ring_groups", {"name": "Clash", "extension_number": "101"})
    assert r.status_code == 400
    r = acme.post("/ring_groups", {"extension_number": "601"})
    assert r.status_code == 400, "a group without a name (inferred)"
