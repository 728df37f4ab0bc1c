"""The IPCortex driver against a real simulator: listing, bulk creates, auth, errors."""

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import Client, PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._engine import Engine
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import EXTENSION
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex import IpcortexDriver

TENANT = "acme"


@pytest.fixture
def ipx(sim):
    sim.fixtures("ipcortex", "companies", [TENANT, "other"])
    sim.reset_stats()
    return sim


def driver(sim, **params):
    if not params:
        params = {"api_key": sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]}
    d = IpcortexDriver(Client(sim.url, retries=2, sleep=lambda s: None), params)
    d.connect()
    return d


def run(d, items, **kwargs):
    items = [dict(item, state=item.get("state", "present")) for item in items]
    return Engine(d.kind("extension"), EXTENSION, tenant=TENANT, sleep=lambda s: None, **kwargs).run(items)


def routes(sim):
    """Requests per route, without the one auth call that lists the API key's companies."""
    out = dict((k, v["reads"] + v["writes"] + v["logins"])
               for k, v in sim.stats()["by_platform"].get("ipcortex", {}).get("by_route", {}).items())
    assert out.pop("POST auth", 1) == 1, "the companies are read once per run"
    return out


def test_listing_keeps_the_tenants_personal_extensions(ipx):
    ipx.fixtures("ipcortex", "extensions", [
        {"virt_exten": "100", "company": TENANT, "name": "Ann", "email": "ann@acme.example", "callerid": "-0123"},
        {"virt_exten": "101", "company": TENANT, "private": True, "voicemail": True},
        {"virt_exten": "600", "company": TENANT, "ring_type": "H"},
        {"virt_exten": "700", "company": TENANT, "ring_type": "I"},
        {"virt_exten": "102", "company": "other"},
    ])
    got = dict((o["number"], o) for o in driver(ipx).kind("extension").list(TENANT))
    assert sorted(got) == ["100", "101"]
    assert sorted(got["100"]["api_fields"]) == ["callerid", "email", "name", "ring_type", "scoped_exten",
                                                "virt_exten", "voicemail_box"], "only the columns it needs"
    assert {k: got["100"][k] for k in ("name", "email", "caller_id", "voicemail", "private")} == \
        {"name": "Ann", "email": "ann@acme.example", "caller_id": "-0123", "voicemail": False, "private": False}
    assert (got["101"]["voicemail"], got["101"]["private"], got["101"]["_id"]) == (True, True, "101_acme")
    assert routes(ipx) == {"POST dialplan/readfull/extension": 1}


def test_bulk_create_is_one_create_per_flag_combination_then_one_update_each(ipx):
    items = [{"number": str(n), "name": "User %d" % n} for n in range(200, 204)]
    items += [{"number": "210", "private": True, "email": "p@acme.example"},
              {"number": "211", "private": True, "voicemail": True},
              {"number": "212"}]
    report = run(driver(ipx), items)
    assert report["summary"]["created"] == 7 and report["failure"] is None
    # 3 creates (public, private, private+voicemail); updates only where create could not write it all.
    assert routes(ipx) == {"POST dialplan/readfull/extension": 1, "POST dialplan/create/extension": 3,
                           "POST dialplan/update/extension": 5}
    ipx.reset_stats()
    again = run(driver(ipx), items)
    assert again["summary"]["unchanged"] == 7
    assert routes(ipx) == {"POST dialplan/readfull/extension": 1}


def test_single_create_and_one_field_update(ipx):
    d = driver(ipx)
    run(d, [{"number": "300", "name": "Desk", "voicemail": True, "api_fields": {"ring_time": 20}}])
    assert routes(ipx) == {"POST dialplan/readfull/extension": 1, "POST dialplan/create/extension": 1,
                           "POST dialplan/update/extension": 1}
    ipx.reset_stats()
    report = run(driver(ipx), [{"number": "300", "name": "Desk", "voicemail": False,
                                "api_fields": {"ring_time": 20}}])
    assert report["summary"]["updated"] == 1
    assert routes(ipx) == {"POST dialplan/readfull/extension": 1, "POST dialplan/update/extension": 1}
    handler = driver(ipx).kind("extension")
    handler.wanted = frozenset(["api_fields"])  # a task that sets api_fields gets every column
    (obj,) = handler.list(TENANT)
    assert (obj["voicemail"], obj["api_fields"]["ring_time"]) == (False, 20)


def test_a_doubtful_bulk_create_is_read_back_not_resent(ipx):
    ipx.faults({"kind": "commit_then_fail", "status": 503, "platform": "ipcortex", "path": "/rest/dialplan/create"})
    report = run(driver(ipx), [{"number": "400", "name": "a"}, {"number": "401", "name": "b"}])
    assert report["failure"] is None and report["summary"]["created"] == 2
    assert routes(ipx)["POST dialplan/create/extension"] == 1
    assert sorted(o["name"] for o in driver(ipx).kind("extension").list(TENANT)) == ["a", "b"]


def test_username_and_password_log_in_once(ipx):
    creds = ipx.ops("GET", "config")["credentials"]["ipcortex"]
    d = driver(ipx, username=creds["username"], password=creds["password"])
    run(d, [{"number": "500", "name": "x"}])
    stats = ipx.stats()["by_platform"]["ipcortex"]
    assert (stats["logins"], stats["reads"], stats["writes"]) == (1, 1, 2)
    with pytest.raises(PbxApiError) as info:
        driver(ipx, username=creds["username"], password="wrong-pw-123")
    assert "log in as %s" % creds["username"] in info.value.msg and "wrong-pw-123" not in info.value.msg
    with pytest.raises(PbxError, match="api_key, or username and password"):
        driver(ipx, username=creds["username"])


def test_vendor_failures_come_with_a_hint(ipx):
    ipx.fixtures("ipcortex", "users", [{"uname": "boss", "password": "pw", "company": TENANT,
                                        "admin_company": [TENANT], "api_key": "boss-key-0123456789"}])
    report = run(driver(ipx, api_key="boss-key-0123456789"), [{"number": "600"}])
    assert "Permission denied" in report["failure"].msg and "System-Admin" in report["failure"].msg
    ipx.reset_stats()
    with pytest.raises(TenantMissing, match="company 'nowhere' does not exist") as info:
        Engine(driver(ipx).kind("extension"), EXTENSION, tenant="nowhere").run([{"number": "601", "state": "present"}])
    assert info.value.creatable is False, "no pbx_tenant task could create it: check mode fails too"
    assert ipx.stats()["writes"] == 0, "the company is checked before the first write"
    ipx.fixtures("ipcortex", "extensions", [{"virt_exten": "602", "company": "other"}])
    report = run(driver(ipx), [{"number": "602"}])
    assert "Already exists" in report["failure"].msg


def test_private_cannot_change_on_an_existing_extension(ipx):
    ipx.fixtures("ipcortex", "extensions", [{"virt_exten": "700", "company": TENANT}])
    for check_mode in (True, False):  # refused while planning, so check mode predicts the failure
        with pytest.raises(PbxError, match="extension 700: private cannot be changed"):
            run(driver(ipx), [{"number": "700", "private": True}], check_mode=check_mode)
    assert ipx.stats()["writes"] == 0


@pytest.mark.parametrize("item, words", [
    ({"number": "12!"}, "12!"),
    ({"number": "1", "name": "Ann!"}, "name"),
    ({"number": "1", "caller_id": "abc"}, "caller_id"),
    ({"number": "1", "email": "nobody"}, "email"),
    ({"number": "1", "api_fields": {"ring_type": "H"}}, "call group"),
    ({"number": "1", "api_fields": {"callerid": "1"}}, "option caller_id"),
    ({"number": "1", "api_fields": {"colour": "red"}}, "api_fields.colour"),
])
def test_validate_refuses_before_any_request(ipx, item, words):
    d = IpcortexDriver(Client(ipx.url), {"api_key": "k"})
    with pytest.raises(PbxError) as info:
        d.kind("extension").validate(item, TENANT)
    assert words in info.value.msg
    assert ipx.stats()["requests"] == 0


# -- a session the PABX forgets mid-run ------------------------------------------------------------------
def login_params(sim):
    creds = sim.ops("GET", "config")["credentials"]["ipcortex"]
    return {"username": creds["username"], "password": creds["password"]}


def test_a_dropped_session_is_renewed_once_and_the_refused_call_resent(ipx):
    d = driver(ipx, **login_params(ipx))
    ipx.ops("POST", "ipcortex/drop_sessions")
    ipx.reset_stats()
    assert run(d, [{"number": "201", "name": "Ann"}])["failure"] is None
    by_route = ipx.stats()["by_platform"]["ipcortex"]["by_route"]
    assert by_route["POST auth"]["logins"] == 1, by_route  # the renewal
    assert d.renewals == 1
    sessions = ipx.ops("GET", "ipcortex/sessions")
    assert sessions["refused"] == 1 and sessions["open"] == 1
    d.close()
    assert ipx.ops("GET", "ipcortex/sessions")["open"] == 0


def test_a_second_refusal_right_after_renewing_is_an_error_not_a_loop(ipx, monkeypatch):
    d = driver(ipx, **login_params(ipx))
    renew = d._renew

    def renew_then_drop(path, message):
        renew(path, message)
        ipx.ops("POST", "ipcortex/drop_sessions")  # the new session dies at once too

    monkeypatch.setattr(d, "_renew", renew_then_drop)
    ipx.ops("POST", "ipcortex/drop_sessions")
    ipx.reset_stats()
    with pytest.raises(PbxApiError) as failed:
        d.kind("extension").list(TENANT)
    assert "refused the session again right after a new login" in str(failed.value)
    assert ipx.stats()["by_platform"]["ipcortex"]["by_route"]["POST auth"]["logins"] == 1
    d.close()  # the PABX forgot that session: closing it is not an error
    assert ipx.ops("GET", "ipcortex/sessions")["open"] == 0


def test_a_renewal_that_cannot_log_in_says_so(ipx):
    d = driver(ipx, **login_params(ipx))
    ipx.ops("POST", "ipcortex/drop_sessions")
    d.params = dict(d.params, password="changed-meanwhile")
    with pytest.raises(PbxError) as failed:
        d.kind("extension").list(TENANT)
    assert "refused the session" in str(failed.value) and "logging in again" in str(failed.value)
    assert "changed-meanwhile" not in str(failed.value)


def test_an_api_key_refusal_is_not_renewed(ipx):
    d = driver(ipx, api_key="not-the-key")
    with pytest.raises(PbxApiError) as failed:
        d.kind("extension").list(TENANT)
    assert "Authentication failed" in str(failed.value)
    # One auth call: the key's own check of its companies; no login follows it.
    assert ipx.stats()["by_platform"]["ipcortex"]["by_route"]["POST auth"]["logins"] == 1
    assert d.renewals == 0
