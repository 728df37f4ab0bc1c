"""Operator controls that end a session from outside mid-run (PortSIP tokens that expire after N more
requests, IPCortex sessions the PABX forgets after N more requests) and the per-platform session counters
(GET /_sim/<platform>/sessions) that show what a client left open."""

import requests

COOKIE = "Red60urne"


def portsip_login(sim):
    r = requests.post(sim.url + "/api/auth/sign_in", json={"username": "admin", "password": "admin"}, timeout=5)
    assert r.status_code == 200, r.text
    return r.json()


def portsip_get(sim, token):
    return requests.get(sim.url + "/api/tenants", headers={"Authorization": "Bearer " + token}, timeout=5)


def test_portsip_tokens_expire_after_n_more_requests(sim):
    sim.reset()
    token = portsip_login(sim)
    assert sim.ops("POST", "portsip/expire_tokens", params={"after": 2}) == {"expire_after": 2}
    assert portsip_get(sim, token["access_token"]).status_code == 200
    assert portsip_get(sim, token["access_token"]).status_code == 200
    r = portsip_get(sim, token["access_token"])
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == "UNAUTHORIZED"
    # One shot: the refreshed token lives on.
    fresh = requests.post(sim.url + "/api/auth/refresh_token", json={"refresh_token": token["refresh_token"]},
                          timeout=5).json()
    for _attempt in range(3):
        assert portsip_get(sim, fresh["access_token"]).status_code == 200
    assert sim.ops("GET", "portsip/sessions") == {"opened": 1, "closed": 0, "open": 1, "refused": 1}


def test_portsip_session_counters(sim):
    sim.reset()
    first, second = portsip_login(sim), portsip_login(sim)
    assert sim.ops("GET", "portsip/sessions") == {"opened": 2, "closed": 0, "open": 2, "refused": 0}
    # A refresh continues the session it came from; signing out its new token closes it.
    fresh = requests.post(sim.url + "/api/auth/refresh_token", json={"refresh_token": first["refresh_token"]},
                          timeout=5).json()
    r = requests.post(sim.url + "/api/auth/sign_out", headers={"Authorization": "Bearer " + fresh["access_token"]},
                      timeout=5)
    assert r.status_code == 200
    assert sim.ops("GET", "portsip/sessions") == {"opened": 2, "closed": 1, "open": 1, "refused": 0}
    requests.post(sim.url + "/api/auth/sign_out", headers={"Authorization": "Bearer " + second["access_token"]},
                  timeout=5)
    assert sim.ops("GET", "portsip/sessions") == {"opened": 2, "closed": 2, "open": 0, "refused": 0}
    sim.reset()
    assert sim.ops("GET", "portsip/sessions")["opened"] == 0


def test_portsip_after_is_a_count_without_token(sim):
    for params in ({"after": -1}, {"after": 1, "token": "X"}):
        r = requests.post(sim.url + "/_sim/portsip/expire_tokens", params=params, timeout=5)
        assert r.status_code == 400


def ipcortex(sim, path, body, cookies=None):
    r = requests.post(sim.url + "/rest/" + path, json=body, cookies=cookies, timeout=5)
    assert r.status_code == 200, r.text
    return r


def ipcortex_login(sim):
    creds = sim.ops("GET", "config")["credentials"]["ipcortex"]
    r = ipcortex(sim, "auth", {"auth": {"type": "auth", "username": creds["username"], "password": creds["password"]}})
    return {COOKIE: r.cookies[COOKIE]}


READ = {"type": "extension", "auth": {"type": "auth"}, "scope": {"company": "default"}}


def test_ipcortex_sessions_dropped_after_n_more_requests(sim):
    sim.reset()
    cookie = ipcortex_login(sim)
    assert sim.ops("POST", "ipcortex/drop_sessions", params={"after": 1}) == {"drop_after": 1}
    assert ipcortex(sim, "dialplan/read/extension", READ, cookie).json()["result"] == "success"
    assert ipcortex(sim, "dialplan/read/extension", READ, cookie).json() == {
        "result": "fail", "message": "Authentication required"}
    assert sim.ops("GET", "ipcortex/sessions") == {"opened": 1, "closed": 0, "dropped": 1, "refused": 1, "open": 0}
    # A login with the dead cookie makes a new session, which the drop (one shot) leaves alone.
    creds = sim.ops("GET", "config")["credentials"]["ipcortex"]
    r = ipcortex(sim, "auth", {"auth": {"type": "auth", "username": creds["username"], "password": creds["password"]}},
                 cookie)
    fresh = {COOKIE: r.cookies[COOKIE]}
    assert fresh != cookie
    for _attempt in range(3):
        assert ipcortex(sim, "dialplan/read/extension", READ, fresh).json()["result"] == "success"
    assert ipcortex(sim, "auth/logout", {"auth": {"type": "auth"}}, fresh).json() == {"result": "success"}
    assert sim.ops("GET", "ipcortex/sessions") == {"opened": 2, "closed": 1, "dropped": 1, "refused": 1, "open": 0}


def test_ipcortex_drop_now_and_api_keys_have_no_session(sim):
    sim.reset()
    ipcortex_login(sim)
    ipcortex_login(sim)
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    assert ipcortex(sim, "auth", {"auth": {"type": "auth", "key": key}}).json()["result"] == "success"
    assert sim.ops("GET", "ipcortex/sessions")["open"] == 2
    assert sim.ops("POST", "ipcortex/drop_sessions") == {"dropped": 2}
    assert sim.ops("GET", "ipcortex/sessions") == {"opened": 2, "closed": 0, "dropped": 2, "refused": 0, "open": 0}
    r = requests.post(sim.url + "/_sim/ipcortex/drop_sessions", params={"after": -1}, timeout=5)
    assert r.status_code == 400
