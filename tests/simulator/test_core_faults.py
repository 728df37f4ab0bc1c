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
    ({"kind": "status", "content_type": "text/html\r\nX-A: b"}, "content_type"),
    ({"kind": "status", "content_type": 5}, "content_type"),
    ({"kind": "drop", "content_type": "text/html"}, "content_type applies only"),
    ({"kind": "status", "size": 10}, "size applies only"),
    ({"kind": "huge", "size": -1}, "size"),
    ({"kind": "huge", "size": 2 ** 31}, "size"),
    ({"kind": "huge", "size": "10"}, "size"),
    ({"kind": "huge", "chunked": "yes"}, "chunked"),
    ({"kind": "huge", "body": "x"}, "body does not apply"),
    ({"kind": "truncate", "body": "x"}, "body does not apply"),
    ({"kind": "slow", "seconds": 0}, "seconds of a slow fault"),
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


# Hostile answers: what a client must survive from something that is not (or no longer) the PBX's API.

@pytest.mark.parametrize("body, content_type, raw", [
    ("<html><body>Log in to the proxy</body></html>", "text/html", b"<html><body>Log in to the proxy</body></html>"),
    ("[1,2", "application/json", b"[1,2"),
    ({"result": "fail", "message": "no such company"}, None, b'{"result": "fail", "message": "no such company"}'),
])
def test_status_sends_any_body_as_it_is_in_any_content_type(sim, http, body, content_type, raw):
    sim.faults({"kind": "status", "status": 200, "body": body, "content_type": content_type})
    r = http.get(sim.url + "/api/users", timeout=5)
    assert r.status_code == 200 and r.content == raw
    assert r.headers["Content-Type"] == (content_type or "application/json")
    assert r.headers["Content-Length"] == str(len(raw))


def test_truncate_announces_the_whole_body_sends_part_and_closes(sim, http):
    import socket

    whole = http.get(sim.url + "/api/pbxsim-core-test", timeout=5).content
    assert len(whole) > 10
    sim.faults({"kind": "truncate", "size": 5})
    host, port = sim.url.split("://")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"GET /api/pbxsim-core-test HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while True:
            data = conn.recv(65536)
            if not data:
                break  # the simulator closed the connection
            received += data
    head, body = received.split(b"\r\n\r\n", 1)
    assert b"content-length: %d" % len(whole) in head.lower()
    assert body == whole[:5]
    # requests (through urllib3) sees the answer as cut off.
    sim.faults({"kind": "truncate"})
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        http.get(sim.url + "/api/pbxsim-core-test", timeout=5)


def test_truncate_keeps_a_write(sim, http):
    sim.reset()
    auth = ("superadmin", "superadmin")
    sim.faults({"kind": "truncate", "writes_only": True, "size": 0})
    with pytest.raises(requests.exceptions.RequestException):
        http.post(sim.url + "/sipxconfig/api/users", json={"userName": "201"}, auth=auth, timeout=5)
    assert http.get(sim.url + "/sipxconfig/api/users/201", auth=auth, timeout=5).status_code == 200


@pytest.mark.parametrize("chunked", [True, False])
def test_huge_streams_size_bytes(sim, http, chunked):
    size = 5 * 1024 * 1024 + 7
    sim.faults({"kind": "huge", "size": size, "chunked": chunked})
    r = http.get(sim.url + "/api/users", timeout=10, stream=True)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    assert ("Content-Length" in r.headers) is not chunked
    total, first = 0, None
    for piece in r.iter_content(65536):
        first = first or piece
        total += len(piece)
    assert total == size and first.startswith(b'{"items": [{"pad": "xxx')
    assert sim.ops("GET", "faults")["faults"][0]["fired"] == 1


def test_huge_defaults_to_80_mib_and_stops_when_the_client_leaves(sim, http):
    sim.faults({"kind": "huge"})
    started = time.monotonic()
    r = http.get(sim.url + "/api/users", timeout=10, stream=True)
    assert len(r.raw.read(1024 * 1024)) == 1024 * 1024
    r.close()
    assert time.monotonic() - started < 5
    assert sim.ops("GET", "faults")["faults"][0]["size"] is None


def test_slow_sends_headers_then_a_byte_every_seconds(sim, http):
    sim.faults({"kind": "slow", "seconds": 0.2, "body": "[1, 2]"})
    started = time.monotonic()
    r = http.get(sim.url + "/api/users", timeout=1, stream=True)
    headers_after = time.monotonic() - started
    assert r.status_code == 200 and r.headers["Content-Length"] == "6"
    # Each read of the socket comes within requests' timeout of 1 s, so requests never times out ...
    body = r.content
    took = time.monotonic() - started
    assert body == b"[1, 2]"
    assert headers_after < 0.5 and 6 * 0.2 - 0.1 <= took < 3, (headers_after, took)


def test_slow_defaults_to_a_byte_a_second_and_stops_when_the_client_leaves(sim, http):
    listed = sim.faults({"kind": "slow"})["faults"]
    assert (listed[0]["status"], listed[0]["seconds"]) == (200, 1.0)
    r = http.get(sim.url + "/api/users", timeout=5, stream=True)
    assert r.raw.read(1) == b"{"
    r.close()
    time.sleep(1.2)
    # ... and the simulator goes on serving (the abandoned answer ends without an internal error).
    assert http.get(sim.url + "/api/pbxsim-core-test", timeout=5).status_code in (401, 404)
