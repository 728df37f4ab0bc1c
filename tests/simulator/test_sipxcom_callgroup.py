"""sipXcom simulator, the call group behaviour pbx_callgroup relies on, checked against the vendor's code
(sipXcom/sipxecs CallGroupApiImpl.java, model/RingBean.java, CallGroup.java) and reference sipxcom.md §10:
a miss answers 204, DELETE always 200, rings for unknown users dropped, RingBean's primitive defaults, the
first ring's type read back null, PUT copying the whole bean, names shared with users."""

import pytest

from apis import JSON, SipxcomApi, uncrashed

BEAN = {"name": "sales", "extension": "500", "did": None, "description": "Sales", "enabled": True,
        "fallbackDestination": None, "voicemailFallback": True, "userForward": True, "useFwdTimers": False}


@pytest.fixture
def api(sim):
    sim.fixtures("sipxcom", "users", [{"userName": n} for n in ("101", "102")] + [{"userName": "103",
                                                                                   "aliases": ["ann"]}])
    return SipxcomApi(sim)


def ring(user, kind="If no response", enabled=True, expiration=20):
    return {"userName": user, "typeStr": kind, "enabled": enabled, "expiration": expiration}


def get(api, ext):
    return uncrashed(api("GET", "/api/callgroups/%s" % ext, headers=JSON))


def test_a_miss_answers_204_and_delete_always_200(api):
    r = get(api, "500")
    assert (r.status_code, r.content) == (204, b"")
    assert uncrashed(api("DELETE", "/api/callgroups/500", headers=JSON)).status_code == 200
    api.create("/api/callgroups", dict(BEAN, ringBeans=[ring("101")]))
    assert get(api, "500").json()["extension"] == "500"
    assert get(api, "sales").json()["extension"] == "500", "looked up by name too"
    assert uncrashed(api("DELETE", "/api/callgroups/500", headers=JSON)).status_code == 200
    assert get(api, "500").status_code == 204
    assert api("GET", "/api/callgroups", headers=JSON).json() == {"callGroups": []}


def test_rings_of_unknown_users_are_dropped_and_aliases_do_not_match(api):
    api.create("/api/callgroups", dict(BEAN, ringBeans=[ring("101"), ring("999"), ring("ann"), ring("102")]))
    group = get(api, "500").json()
    # loadUserByUserName: an unknown name and an alias both find no user; the group is saved anyway.
    assert [r["userName"] for r in group["ringBeans"]] == ["101", "102"]


def test_ring_bean_defaults_and_the_first_ring_type(api):
    api.create("/api/callgroups", dict(BEAN, ringBeans=[{"userName": "101"}, {"userName": "102"},
                                                        ring("103", "At the same time", expiration=7)]))
    rings = get(api, "500").json()["ringBeans"]
    # RingBean's boolean and int are primitives: a ring sent without them is disabled and rings 0 s.
    assert rings[0] == {"userName": "101", "typeStr": None, "enabled": False, "expiration": 0}
    assert rings[1]["typeStr"] == "If no response", "AbstractRing's default type"
    assert rings[2] == {"userName": "103", "typeStr": "At the same time", "enabled": True, "expiration": 7}


def test_put_copies_the_whole_bean_and_rebuilds_the_rings(api):
    api.create("/api/callgroups", dict(BEAN, did="4155550500", ringBeans=[ring("101"), ring("102")]))
    r = uncrashed(api("PUT", "/api/callgroups/500", json={"extension": "500", "name": "sales",
                                                          "ringBeans": [ring("102")]}, headers=JSON))
    assert r.status_code == 200 and r.text.strip().isdigit()
    group = get(api, "500").json()
    assert group["did"] is None and group["description"] is None, "BeanUtils copies nulls"
    assert group["enabled"] is False and group["voicemailFallback"] is True, "bean defaults (true for vm fallback)"
    assert [x["userName"] for x in group["ringBeans"]] == ["102"]
    assert uncrashed(api("PUT", "/api/callgroups/sales", json=dict(BEAN), headers=JSON)).status_code == 500, \
        "PUT matches the extension exactly (inferred 500)"


def test_names_are_shared_with_users_and_a_did_must_differ(api):
    r = uncrashed(api("POST", "/api/callgroups", json=dict(BEAN, extension="101", ringBeans=[]), headers=JSON))
    assert r.status_code == 500 and "nameInUse" in r.text
    r = uncrashed(api("POST", "/api/callgroups", json=dict(BEAN, did="500", ringBeans=[]), headers=JSON))
    assert r.status_code == 500 and "extensionInUse" in r.text
    assert api("GET", "/api/callgroups", headers=JSON).json() == {"callGroups": []}
