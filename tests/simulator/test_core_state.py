"""Core behaviour that needs stored objects: reset, faults around writes,
login accounting and persistence across a restart.

Objects are written through ordinary platform calls (sipXcom /api/users,
IPCortex dialplan extensions, PortSIP tenants and users), which is how a
client changes the state.
"""

import pytest
import requests

from simhelper import RunningSimulator

SIPX_AUTH = ("superadmin", "superadmin")
JSON = {"Accept": "application/json"}


def sipx_create(url, http, name):
    return http.post(url + "/sipxconfig/api/users", auth=SIPX_AUTH, timeout=5,
                     json={"userName": name, "firstName": "Ann", "lastName": "Lee", "sipPassword": "s3cret-" + name})


def sipx_status(url, http, name):
    return http.get(url + "/sipxconfig/api/users/" + name, auth=SIPX_AUTH, headers=JSON, timeout=5).status_code


def ipc_call(url, http, verb, **body):
    key = http.get(url + "/_sim/config", timeout=5).json()["credentials"]["ipcortex"]["api_key"]
    body["auth"] = {"type": "auth", "key": key}
    return http.post(url + "/rest/dialplan/%s/extension" % verb, json=body, timeout=5).json()


def ipc_exists(url, http, number):
    answer = ipc_call(url, http, "read", scope={"virt_exten": number}, columns=["virt_exten"])
    return [row["virt_exten"] for row in answer.get("values", [])] == [number]


def portsip_token(url, http):
    r = http.post(url + "/api/auth/sign_in", json={"username": "admin", "password": "admin"}, timeout=5)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def test_reset_forgets_objects(sim, http):
    assert sipx_create(sim.url, http, "201").status_code == 200
    assert ipc_call(sim.url, http, "create", values={"virt_exten": "301", "company": "default"})["result"] == "success"
    assert sipx_status(sim.url, http, "201") == 200

    sim.reset()

    assert sipx_status(sim.url, http, "201") == 404
    assert not ipc_exists(sim.url, http, "301")
    # The seed is back: the admin can still log in and create the same user again.
    assert sipx_create(sim.url, http, "201").status_code == 200


def test_reset_of_one_platform_keeps_the_others_and_the_counters(sim, http):
    sipx_create(sim.url, http, "201")
    ipc_call(sim.url, http, "create", values={"virt_exten": "301", "company": "default"})
    before = sim.stats()

    sim.reset("sipxcom")

    assert sipx_status(sim.url, http, "201") == 404
    assert ipc_exists(sim.url, http, "301")
    after = sim.stats()
    assert after["writes"] == before["writes"]
    assert after["reads"] >= before["reads"]


def test_logins_are_not_reads_or_writes(sim, http):
    sim.reset_stats()
    portsip_token(sim.url, http)
    http.post(sim.url + "/rest/auth", json={"auth": {"type": "auth", "username": "admin", "password": "admin"}},
              timeout=5)
    stats = sim.stats()
    assert (stats["reads"], stats["writes"], stats["logins"]) == (0, 0, 2)
    assert stats["by_platform"]["portsip"]["logins"] == 1
    assert stats["by_platform"]["ipcortex"]["logins"] == 1


def test_stats_count_platform_reads_and_writes(sim, http):
    sim.reset_stats()
    sipx_create(sim.url, http, "201")
    sipx_status(sim.url, http, "201")
    sipx_status(sim.url, http, "202")
    ipc_exists(sim.url, http, "301")  # an IPCortex read is a POST
    stats = sim.stats()
    assert (stats["reads"], stats["writes"]) == (3, 1)
    assert stats["by_platform"]["ipcortex"]["reads"] == 1
    assert stats["by_platform"]["sipxcom"] == dict(stats["by_platform"]["sipxcom"], reads=2, writes=1)


def test_injected_status_does_not_touch_state(sim, http):
    sim.faults({"kind": "status", "status": 503, "writes_only": True})
    assert sipx_create(sim.url, http, "201").status_code == 503
    assert sipx_status(sim.url, http, "201") == 404


def test_commit_then_fail_stores_the_write_but_answers_an_error(sim, http):
    sim.faults({"kind": "commit_then_fail", "status": 500, "writes_only": True})
    assert sipx_create(sim.url, http, "201").status_code == 500
    assert sipx_status(sim.url, http, "201") == 200
    # A retry now meets the object it thinks it failed to create: sipXconfig's duplicate-name 500.
    retry = sipx_create(sim.url, http, "201")
    assert retry.status_code == 500
    assert retry.text == "org.sipfoundry.sipxconfig.common.NameInUseException: &error.nameInUse.short"


def test_commit_then_fail_with_status_0_stores_and_drops(sim, http):
    sim.faults({"kind": "commit_then_fail", "status": 0, "platform": "ipcortex"})
    with pytest.raises(requests.ConnectionError):
        ipc_call(sim.url, http, "create", values={"virt_exten": "301", "company": "default"})
    assert ipc_exists(sim.url, http, "301")


def test_objects_survive_a_restart_on_the_same_db():
    sim = RunningSimulator().start()
    try:
        with requests.Session() as http:
            http.trust_env = False
            assert sipx_create(sim.url, http, "201").status_code == 200
            assert ipc_call(sim.url, http, "create", values={"virt_exten": "301", "company": "default"})["numrows"] == 1
            auth = portsip_token(sim.url, http)
            tenant = http.post(sim.url + "/api/tenants", headers=auth, timeout=5, json={
                "name": "persist", "domain": "persist.example.com", "timezone": "UTC", "currency": "USD",
                "region": "US"}).json()["id"]
            first_id = http.get(sim.url + "/sipxconfig/api/users/201", auth=SIPX_AUTH, headers=JSON,
                                timeout=5).json()["id"]

        sim.restart()

        with requests.Session() as http:
            http.trust_env = False
            assert sipx_status(sim.url, http, "201") == 200
            assert ipc_exists(sim.url, http, "301")
            auth = portsip_token(sim.url, http)
            r = http.get(sim.url + "/api/tenants/" + tenant, headers=auth, timeout=5)
            assert r.status_code == 200 and r.json()["domain"] == "persist.example.com"
            # Sequences survive too: a new object never reuses an id.
            sipx_create(sim.url, http, "202")
            second_id = http.get(sim.url + "/sipxconfig/api/users/202", auth=SIPX_AUTH, headers=JSON,
                                 timeout=5).json()["id"]
            assert second_id > first_id
            # Statistics are per process, not persisted state.
            assert sim.stats()["writes"] == 1
    finally:
        sim.stop()
