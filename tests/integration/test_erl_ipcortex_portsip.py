"""pbx_erl on the platforms without an ERL API: IPCortex and PortSIP refuse it before any request, saying what
the platform has instead (PortSIP emergency dial prefixes, reference portsip.md §3.5; IPCortex nothing,
ipcortex.md §6), and pbx_info says why it skips erls there."""

import pytest

from playbook import CONNECTION, assert_failed as failed, assert_ok as ok, connection_environment, run_play
from samples import TENANT

MODULE = "pbxops.pbx.pbx_erl"
INFO = "pbxops.pbx.pbx_info"
WHY = {"ipcortex": ["IPCortex: IPCortex has no API for emergency locations (ERLs) and nothing in their place",
                    "pbxops.pbx cannot manage ERLs on this platform"],
       "portsip": ["PortSIP: PortSIP has no API for emergency locations (ERLs", "emergency dial prefixes",
                   "/emergency_numbers", "pbxops.pbx cannot manage ERLs on this platform"]}


@pytest.fixture(params=("ipcortex", "portsip"))
def platform(request):
    return request.param


def run(target, tasks, **kwargs):
    env = connection_environment(target.url, dict(CONNECTION[target.platform], tenant=TENANT))
    return run_play(target.url, {}, tasks, env=env, module_defaults=False, **kwargs)


def test_pbx_erl_is_refused_before_any_request(target):
    tasks = [{"name": "single", MODULE: {"elin": "4235551212", "location": "Floor 1", "users": ["101"]}},
             {"name": "list", MODULE: {"erls": [{"elin": "4235551212", "location": "Floor 1"}], "purge": True,
                                       "purge_all_tenants": True}},
             {"name": "absent", MODULE: {"elin": "4235551212", "state": "absent"}}]
    for check in (True, False):
        result = run(target, tasks, check=check)
        for name in ("single", "list", "absent"):
            assert failed(result, name, *WHY[target.platform])["changed"] is False
    stats = target.sim.stats()
    assert stats["requests"] == 0 and stats["logins"] == 0, stats


def test_pbx_info_skips_erls_with_the_reason_and_refuses_them_alone(target):
    result = run(target, [{"name": "all", INFO: {}}, {"name": "erls", INFO: {"gather": ["erls"]}}])
    everything = ok(result, "all")
    assert "erls" not in everything
    for word in WHY[target.platform][:-1]:
        assert word.split(": ", 1)[-1] in everything["skipped"]["erls"], everything["skipped"]
    failed(result, "erls", *WHY[target.platform])
    assert target.sim.stats()["internal_errors"] == 0
