"""Fault injection (POST /_sim/faults) against a real simulator process.

These tests go through paths no platform serves (the core applies faults and
statistics before routing), so they hold whatever the platform modules do.  A
path's "normal service" is whatever it answered before the fault was set.
"""

import time

import pytest
import requests

# Paths no platform module serves: one per platform prefix.
PORTSIP = "/api/pbxsim-core-test"
IPCORTEX = "/rest/pbxsim-core-test"
SIPXCOM = "/sipxconfig/pbxsim-core-test"


def baseline(sim, http, method, path):
    return http.request(method, sim.url + path, timeout=5).status_code


def statuses(sim, http, method, path, n):
    return [http.request(method, sim.url + path, timeout=5).status_code for dummy in range(n)]


def test_429_with_retry_after_for_next_n_requests_then_normal_service(sim, http):
    normal = baseline(sim, http, "GET", PORTSIP)
    assert normal != 429
    sim.faults({"kind": "status", "status": 429, "retry_after": 7, "count": 2})

    first = http.get(sim.url + PORTSIP, timeout=5)
    second = http.get(sim.url + PORTSIP, timeout=5)
    third = http.get(sim.url + PORTSIP, timeout=5)

    assert [first.status_code, second.status_code, third.status_code] == [429, 429, normal]
    assert first.headers["Retry-After"] == "7"
    assert "Retry-After" not in third.headers
    listed = sim.ops("GET", "faults")["faults"]
    assert [(f["kind"], f["fired"]) for f in listed] == [("status", 2)]


def test_503_applies_once_by_default(sim, http):
    normal = baseline(sim, http, "POST", IPCORTEX)
    sim.faults({"kind": "status", "status": 503})
    assert statuses(sim, http, "POST", IPCORTEX, 3) == [503, normal, normal]


def test_injected_status_is_counted_in_stats(sim, http):
    sim.reset_stats()
    sim.faults({"kind": "status", "status": 503, "count": 1})
    http.get(sim.url + PORTSIP, timeout=5)
    stats = sim.stats()
    assert stats["reads"] == 1
    assert stats["by_status"] == {"503": 1}


def test_custom_error_body(sim, http):
    sim.faults({"kind": "status", "status": 500, "body": {"errors": [{"code": "UNKNOWN"}]}})
    r = http.get(sim.url + PORTSIP, timeout=5)
    assert r.status_code == 500
    assert r.json() == {"errors": [{"code": "UNKNOWN"}]}


def test_skip_lets_matching_requests_through_first(sim, http):
    normal = baseline(sim, http, "POST", PORTSIP)
    sim.faults({"kind": "status", "status": 503, "skip": 2, "writes_only": True})
    # Reads do not match, so they do not use up the skip.
    http.get(sim.url + PORTSIP, timeout=5)
    assert statuses(sim, http, "POST", PORTSIP, 4) == [normal, normal, 503, normal]


def test_after_writes_takes_the_platform_down_part_way(sim, http):
    normal_read = baseline(sim, http, "GET", PORTSIP)
    normal_write = baseline(sim, http, "POST", PORTSIP)
    sim.faults({"kind": "status", "status": 503, "count": None, "platform": "portsip", "after_writes": 2})
    # Reads before the second write still pass; after it, every request of the platform fails.
    assert statuses(sim, http, "GET", PORTSIP, 1) == [normal_read]
    assert statuses(sim, http, "POST", PORTSIP, 2) == [normal_write, normal_write]
    assert statuses(sim, http, "GET", PORTSIP, 2) == [503, 503]
    assert statuses(sim, http, "POST", PORTSIP, 1) == [503]
    assert statuses(sim, http, "GET", SIPXCOM, 1) != [503], "other platforms stay up"


def test_unlimited_count(sim, http):
    sim.faults({"kind": "status", "status": 503, "count": None})
    assert statuses(sim, http, "GET", SIPXCOM, 5) == [503] * 5


def _rate_pattern(sim, http, seed):
    sim.faults({"kind": "status", "status": 503, "count": None, "rate": 0.5}, seed=seed)
    return [s == 503 for s in statuses(sim, http, "GET", PORTSIP, 40)]


def test_rate_with_seed_is_deterministic_and_partial(sim, http):
    first = _rate_pattern(sim, http, seed=1234)
    again = _rate_pattern(sim, http, seed=1234)
    other = _rate_pattern(sim, http, seed=99)
    assert first == again
    assert first != other
    # Half of 40 requests, give or take what a fair coin does.
    assert 8 <= sum(first) <= 32


def test_rate_zero_never_fires(sim, http):
    normal = baseline(sim, http, "GET", PORTSIP)
    sim.faults({"kind": "status", "status": 503, "count": None, "rate": 0.0}, seed=1)
    assert statuses(sim, http, "GET", PORTSIP, 10) == [normal] * 10


def test_dropped_connection_then_normal_service(sim, http):
    normal = baseline(sim, http, "GET", PORTSIP)
    sim.faults({"kind": "drop"})
    with pytest.raises(requests.ConnectionError):
        http.get(sim.url + PORTSIP, timeout=5)
    # The same keep-alive session recovers on a new connection.
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == normal


def test_delay_is_measurably_slower_and_then_normal(sim, http):
    normal = baseline(sim, http, "GET", PORTSIP)
    sim.faults({"kind": "delay", "seconds": 0.6})

    started = time.monotonic()
    delayed = http.get(sim.url + PORTSIP, timeout=5)
    delayed_time = time.monotonic() - started
    started = time.monotonic()
    http.get(sim.url + PORTSIP, timeout=5)
    plain_time = time.monotonic() - started

    assert delayed.status_code == normal  # served normally after the wait
    assert delayed_time >= 0.6
    assert plain_time < 0.6


def test_commit_then_fail_answers_the_error_status(sim, http):
    sim.reset_stats()
    sim.faults({"kind": "commit_then_fail", "status": 502, "retry_after": 3})
    r = http.post(sim.url + "/rest/dialplan/update/extension", json={}, timeout=5)
    assert r.status_code == 502
    assert r.headers["Retry-After"] == "3"
    # The request did reach the platform: it is counted as a write.
    assert sim.stats()["writes"] == 1


def test_commit_then_fail_with_status_0_drops_the_connection(sim, http):
    sim.faults({"kind": "commit_then_fail", "status": 0})
    with pytest.raises(requests.ConnectionError):
        http.post(sim.url + PORTSIP, json={}, timeout=5)


@pytest.mark.parametrize("fault, hit, miss", [
    ({"platform": "ipcortex"}, ("POST", IPCORTEX), ("POST", PORTSIP)),
    ({"method": "delete"}, ("DELETE", PORTSIP), ("PUT", PORTSIP)),
    ({"path": "/api/pbxsim-core"}, ("GET", PORTSIP), ("GET", "/api/other")),
    ({"writes_only": True}, ("PUT", SIPXCOM), ("GET", SIPXCOM)),
])
def test_filters(sim, http, fault, hit, miss):
    miss_normal = baseline(sim, http, *miss)
    hit_normal = baseline(sim, http, *hit)
    sim.faults(dict(fault, kind="status", status=418, count=None))
    assert statuses(sim, http, *miss, 2) == [miss_normal] * 2
    assert statuses(sim, http, *hit, 2) == [418] * 2
    sim.ops("DELETE", "faults")
    assert baseline(sim, http, *hit) == hit_normal


def test_first_matching_fault_wins_and_faults_apply_in_order(sim, http):
    sim.faults(
        {"kind": "status", "status": 429, "count": 1, "platform": "portsip"},
        {"kind": "status", "status": 503, "count": 1},
    )
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == 429
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == 503


def test_single_fault_form_and_clearing(sim, http):
    normal = baseline(sim, http, "GET", PORTSIP)
    r = http.post(sim.url + "/_sim/faults", json={"kind": "status", "status": 503, "count": None}, timeout=5)
    assert r.status_code == 200
    assert [f["status"] for f in r.json()["faults"]] == [503]
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == 503
    assert http.delete(sim.url + "/_sim/faults", timeout=5).json() == {"faults": []}
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == normal


def test_operator_api_is_never_faulted(sim, http):
    sim.faults({"kind": "status", "status": 503, "count": None})
    assert http.get(sim.url + "/_sim/stats", timeout=5).status_code == 200
    assert http.get(sim.url + "/_sim/health", timeout=5).status_code == 200


@pytest.mark.parametrize("body, words", [
    ({"kind": "explode"}, "kind"),
    ({"status": 503}, "kind"),
    ({}, "kind"),
    ({"kind": "status", "bogus": 1}, "bogus"),
    ({"kind": "status", "count": 0}, "count"),
    ({"kind": "status", "count": "two"}, "count"),
    ({"kind": "status", "skip": -1}, "skip"),
    ({"kind": "status", "skip": 1.5}, "skip"),
    ({"kind": "status", "after_writes": -1}, "after_writes"),
    ({"kind": "status", "after_writes": "3"}, "after_writes"),
    ({"kind": "status", "rate": 1.5}, "rate"),
    ({"kind": "status", "rate": "often"}, "rate"),
    ({"kind": "status", "status": "abc"}, "status"),
    ({"kind": "status", "status": 0}, "status"),
    ({"kind": "delay", "seconds": "abc"}, "seconds"),
    ({"kind": "delay", "seconds": -1}, "seconds"),
    ({"kind": "status", "platform": "asterisk"}, "platform"),
    ({"kind": "status", "method": 5}, "method"),
    ({"kind": "status", "path": ["/api"]}, "path"),
    ({"kind": "redirect"}, "location"),
    ({"kind": "redirect", "location": "/relative/path"}, "location"),
    ({"kind": "redirect", "location": "elsewhere.example.com"}, "location"),
    ({"kind": "redirect", "location": "https://x.example/\r\nSet-Cookie: a=b"}, "location"),
    ({"kind": "redirect", "location": 5}, "location"),
    ({"kind": "redirect", "location": "https://x.example/", "status": 200}, "status"),
    ({"kind": "redirect", "location": "https://x.example/", "status": 304}, "status"),
    ({"kind": "redirect", "location": "https://x.example/", "status": "302"}, "status"),
    ({"kind": "status", "location": "https://x.example/"}, "location"),
    ({"faults": [{"kind": "drop"}, 3]}, "object"),
    ({"faults": "drop"}, "faults"),
    ([1], "object"),
    ("drop", "faults"),
])
def test_bad_fault_bodies_are_rejected_with_a_message(sim, http, body, words):
    sim.faults({"kind": "status", "status": 503, "count": None})
    r = http.post(sim.url + "/_sim/faults", json=body, timeout=5)
    assert r.status_code == 400
    assert words in r.json()["error"]
    # A rejected body leaves the faults that were set alone.
    assert [f["status"] for f in sim.ops("GET", "faults")["faults"]] == [503]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_answers_the_location_then_normal_service(sim, http, status):
    normal = baseline(sim, http, "GET", "/api/users")
    sim.reset_stats()
    sim.faults({"kind": "redirect", "status": status, "location": "https://pbx2.example.com:8443/api/users?a=1"})
    r = http.get(sim.url + "/api/users", allow_redirects=False, timeout=5)
    assert r.status_code == status
    assert r.headers["Location"] == "https://pbx2.example.com:8443/api/users?a=1"
    assert r.content == b""
    assert http.get(sim.url + "/api/users", allow_redirects=False, timeout=5).status_code == normal
    stats = sim.stats()
    # Counted as a redirect, not as the read it would have been.
    assert (stats["redirects"], stats["reads"], stats["requests"]) == (1, 1, 2)
    assert stats["by_status"] == {str(status): 1, str(normal): 1}
    assert stats["by_platform"]["portsip"]["redirects"] == 1


def test_redirect_defaults_to_302_and_never_touches_state(sim, http):
    auth = ("superadmin", "superadmin")
    listed = sim.faults({"kind": "redirect", "location": "https://elsewhere.example/", "writes_only": True,
                         "body": "moved"})["faults"]
    assert (listed[0]["status"], listed[0]["location"]) == (302, "https://elsewhere.example/")
    r = http.post(sim.url + "/sipxconfig/api/users", json={"userName": "201"}, auth=auth, allow_redirects=False,
                  timeout=5)
    assert (r.status_code, r.headers["Location"], r.text) == (302, "https://elsewhere.example/", "moved")
    assert http.get(sim.url + "/sipxconfig/api/users/201", auth=auth, timeout=5).status_code == 404
    assert sim.stats()["writes"] == 0


def test_fault_body_that_is_not_json(sim, http):
    r = http.post(sim.url + "/_sim/faults", data="{kind: drop", timeout=5)
    assert r.status_code == 400
    assert "JSON" in r.json()["error"]


def test_seed_beside_a_single_fault(sim, http):
    r = http.post(sim.url + "/_sim/faults", json={"kind": "status", "status": 503, "seed": 7}, timeout=5)
    assert r.status_code == 200, r.text
    assert len(r.json()["faults"]) == 1
