"""The operator API: statistics, reset and its error answers."""

import pytest

PORTSIP = "/api/pbxsim-core-test"
IPCORTEX = "/rest/pbxsim-core-test"
SIPXCOM = "/sipxconfig/pbxsim-core-test"


def test_stats_count_reads_and_writes_per_platform(sim, http):
    sim.reset_stats()
    # Real routes, whatever they answer (here mostly 401 and 404): the method says read or write.
    http.get(sim.url + "/api/users", timeout=5)
    http.get(sim.url + "/api/users", timeout=5)
    http.post(sim.url + "/api/users", json={}, timeout=5)
    http.put(sim.url + "/sipxconfig/api/users/201", json={}, timeout=5)
    http.delete(sim.url + "/sipxconfig/api/users/201", timeout=5)
    http.post(sim.url + "/rest/dialplan/read/extension", json={}, timeout=5)  # IPCortex says it reads

    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["logins"], stats["unrouted"], stats["requests"]) == (3, 3, 0, 0, 6)
    by = {name: (p["reads"], p["writes"]) for name, p in stats["by_platform"].items()}
    assert by == {"portsip": (2, 1), "sipxcom": (0, 2), "ipcortex": (1, 0)}
    assert sum(stats["by_status"].values()) == 6
    assert sum(stats["by_route"].values()) == 6


def test_requests_no_route_serves_are_unrouted(sim, http):
    sim.reset_stats()
    http.get(sim.url + PORTSIP, timeout=5)
    http.post(sim.url + "/api/nonexistent", json={}, timeout=5)
    http.delete(sim.url + "/api/users", timeout=5)  # the path exists, the method does not: 405
    http.put(sim.url + SIPXCOM, json={}, timeout=5)
    http.delete(sim.url + "/sipxconfig/api/no-such-resource", auth=("superadmin", "superadmin"), timeout=5)
    http.put(sim.url + "/sipxconfig/api/users", auth=("superadmin", "superadmin"), timeout=5)  # 405
    http.head(sim.url + IPCORTEX, timeout=5)
    http.get(sim.url + "/rest/dialplan/read/extension", timeout=5)  # IPCortex takes POST only

    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["logins"], stats["unrouted"], stats["requests"]) == (0, 0, 0, 8, 8)
    assert stats["by_status"] == {"404": 5, "405": 3}
    by = {name: (p["reads"], p["writes"], p["unrouted"]) for name, p in stats["by_platform"].items()}
    assert by == {"portsip": (0, 0, 3), "sipxcom": (0, 0, 3), "ipcortex": (0, 0, 2)}
    assert [e["kind"] for e in sim.ops("GET", "stats", params={"log": "true"})["log"]] == ["unrouted"] * 8


def test_a_404_from_a_real_route_is_still_a_read_or_write(sim, http):
    token = http.post(sim.url + "/api/auth/sign_in", json={"username": "admin", "password": "admin"},
                      timeout=5).json()["access_token"]
    sim.reset_stats()
    assert http.get(sim.url + "/api/tenants/Tm9uZQ==", headers={"Authorization": "Bearer " + token},
                    timeout=5).status_code == 404
    assert http.get(sim.url + "/sipxconfig/api/users/999", auth=("superadmin", "superadmin"),
                    timeout=5).status_code == 404
    assert http.delete(sim.url + "/sipxconfig/api/phones/999", auth=("superadmin", "superadmin"),
                       timeout=5).status_code == 404
    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["unrouted"]) == (2, 1, 0)
    assert stats["by_status"] == {"404": 3}


def test_operator_calls_and_options_are_not_counted(sim, http):
    sim.reset_stats()
    http.get(sim.url + "/_sim/health", timeout=5)
    http.get(sim.url + "/_sim/stats", timeout=5)
    http.options(sim.url + PORTSIP, timeout=5)
    http.get(sim.url + "/elsewhere", timeout=5)  # no platform prefix
    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["requests"]) == (0, 0, 0)
    assert stats["by_platform"] == {}


def test_stats_log_lists_each_request(sim, http):
    sim.reset_stats()
    http.get(sim.url + "/api/users", timeout=5)
    http.post(sim.url + "/rest/dialplan/update/extension", json={}, timeout=5)
    log = sim.ops("GET", "stats", params={"log": "true"})["log"]
    assert [(e["platform"], e["kind"], e["method"]) for e in log] == [
        ("portsip", "read", "GET"), ("ipcortex", "write", "POST")]
    assert "log" not in sim.stats()


def test_stats_reset_zeroes_counters_but_keeps_faults(sim, http):
    http.get(sim.url + "/api/users", timeout=5)
    sim.faults({"kind": "status", "status": 503, "count": None})
    assert sim.stats()["reads"] >= 1

    assert http.post(sim.url + "/_sim/stats/reset", timeout=5).json() == {"ok": True}

    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["by_platform"], stats["by_status"]) == (0, 0, {}, {})
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == 503


def test_reset_clears_counters_and_faults(sim, http):
    normal = http.get(sim.url + PORTSIP, timeout=5).status_code
    sim.faults({"kind": "status", "status": 503, "count": None})
    http.post(sim.url + PORTSIP, json={}, timeout=5)

    assert http.post(sim.url + "/_sim/reset", timeout=5).json() == {"ok": True}

    stats = sim.stats()
    assert (stats["reads"], stats["writes"]) == (0, 0)
    assert sim.ops("GET", "faults") == {"faults": []}
    assert http.get(sim.url + PORTSIP, timeout=5).status_code == normal


def test_reset_of_an_unknown_platform_is_rejected(sim, http):
    r = http.post(sim.url + "/_sim/reset", params={"platform": "asterisk"}, timeout=5)
    assert r.status_code == 400
    assert "asterisk" in r.json()["error"]


def test_health_and_config(sim, http):
    health = http.get(sim.url + "/_sim/health", timeout=5).json()
    assert health["ok"] is True
    assert health["db"] == sim.db
    config = http.get(sim.url + "/_sim/config", timeout=5).json()
    assert config["credentials"]["sipxcom"] == {"username": "superadmin", "password": "superadmin"}
    assert config["credentials"]["portsip"]["username"] == "admin"
    assert config["credentials"]["ipcortex"]["api_key"]


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/_sim/nothing-here", 404),
    ("POST", "/_sim/stats/nothing", 404),
    ("DELETE", "/_sim/stats", 405),
    ("GET", "/_sim/stats?log=perhaps", 400),
])
def test_unknown_operator_paths_answer_json(sim, http, method, path, status):
    r = http.request(method, sim.url + path, timeout=5)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]


@pytest.mark.parametrize("body, words", [
    ("{not json", "JSON"),
    (b"\xff\xfe", "JSON"),
    ("[1, 2]", "object"),
    ('{"platform": "asterisk", "fixture": "users"}', "platform"),
])
def test_bad_fixture_bodies(sim, http, body, words):
    r = http.post(sim.url + "/_sim/fixtures", data=body, headers={"content-type": "application/json"}, timeout=5)
    assert r.status_code == 400
    assert words in r.json()["error"]


def test_fixture_errors_name_what_exists(sim, http):
    available = http.get(sim.url + "/_sim/fixtures", timeout=5).json()
    assert set(available) == {"sipxcom", "ipcortex", "portsip"}
    for platform, names in available.items():
        r = http.post(sim.url + "/_sim/fixtures", json={"platform": platform, "fixture": "no-such-fixture"}, timeout=5)
        assert r.status_code == 400
        for name in names:
            assert name in r.json()["error"]
        if names:
            r = http.post(sim.url + "/_sim/fixtures",
                          json={"platform": platform, "fixture": names[0], "items": "many"}, timeout=5)
            assert r.status_code == 400
            assert "items" in r.json()["error"]


@pytest.mark.parametrize("method, path", [
    ("GET", PORTSIP), ("POST", IPCORTEX), ("PUT", SIPXCOM), ("GET", "/nowhere"),
])
def test_unknown_platform_paths_answer_without_traceback(sim, http, method, path):
    r = http.request(method, sim.url + path, data="{broken", headers={"content-type": "application/json"},
                     timeout=5)
    assert 400 <= r.status_code < 500
    assert "Traceback" not in r.text
