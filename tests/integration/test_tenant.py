"""pbx_tenant end to end on every platform: PortSIP tenants and sipXcom branches are
created, updated and removed (guarded); IPCortex companies are only checked.
Predictions are compared with what the PBX holds, read through its own API."""

import pytest

import readback
from playbook import CONNECTION, assert_failed as failed, assert_ok as ok, run_play, views

MODULE = "pbxops.pbx.pbx_tenant"
EXTENSION = "pbxops.pbx.pbx_extension"

# A new tenant, and one change of two options, per platform that can write tenants.
NEW = {
    "sipxcom": {"name": "globex", "description": "Globex plant", "phone_number": "+441632960001",
                "address": {"street": "1 Mill Road", "city": "Leeds"}},
    "portsip": {"name": "globex", "domain": "globex.example.com", "timezone": "Europe/London", "currency": "GBP",
                "region": "GBR", "max_extensions": 50, "enable_feature_trunks": False,
                "api_fields": {"recording_retention": 90}},
}
CHANGE = {
    "sipxcom": {"description": "Globex works", "address": {"city": "York"}},
    "portsip": {"max_extensions": 75, "enable_feature_trunks": True},
}
# The writes of a create, an update and a delete.
WRITES = {"sipxcom": 1, "portsip": 1}


def task(title, /, **args):
    return {"name": title, MODULE: args}


def holds(sim, platform, name, predicted):
    problems = readback.holds(readback.tenant(sim, platform, name), predicted)
    assert not problems, problems


class Pbx:
    def __init__(self, sim, platform):
        self.sim, self.platform = sim, platform
        self.connection = dict(CONNECTION[platform])

    def play(self, tasks, **kwargs):
        return run_play(self.sim.url, kwargs.pop("connection", self.connection), tasks, **kwargs)

    def writes(self):
        return self.sim.stats()["by_platform"].get(self.platform, {}).get("writes", 0)


@pytest.fixture
def pbx(simulator, platform):
    simulator.reset()
    simulator.reset_stats()
    yield Pbx(simulator, platform)
    simulator.ops("DELETE", "faults")


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_tenant_lifecycle(pbx):
    p, sim = pbx.platform, pbx.sim
    create = [task("tenant", **NEW[p])]
    predicted = ok(pbx.play(create, check=True, diff=True), "tenant")
    assert predicted["changed"] is True and pbx.writes() == 0
    before, after = views(predicted)
    assert before == {} and after["name"] == "globex"
    assert readback.tenant(sim, p, "globex") is None

    created = ok(pbx.play(create, diff=True), "tenant")
    assert created["diff"] == predicted["diff"] and created["tenant"] == predicted["tenant"]
    assert pbx.writes() == WRITES[p]
    holds(sim, p, "globex", predicted["tenant"])

    sim.reset_stats()
    assert ok(pbx.play(create), "tenant")["changed"] is False
    assert pbx.writes() == 0

    change = [task("tenant", **dict(NEW[p], **CHANGE[p]))]
    predicted = ok(pbx.play(change, check=True, diff=True), "tenant")
    assert predicted["changed"] is True and pbx.writes() == 0
    before, after = views(predicted)
    assert set(k for k in after if after[k] != before.get(k)) == set(CHANGE[p])
    changed = ok(pbx.play(change, diff=True), "tenant")
    assert changed["diff"] == predicted["diff"]
    assert pbx.writes() == 1, "a change is one write (sipXcom: the whole branch in one PUT)"
    holds(sim, p, "globex", predicted["tenant"])
    if p == "sipxcom":
        # The PUT replaces the branch: what the task did not mention must survive it.
        assert readback.sipxcom_branch(sim, "globex")["address"]["street"] == "1 Mill Road"
        assert readback.sipxcom_branch(sim, "globex")["phone_number"] == "+441632960001"
    sim.reset_stats()
    assert ok(pbx.play(change), "tenant")["changed"] is False and pbx.writes() == 0

    remove = [task("tenant", name="globex", state="absent")]
    predicted = ok(pbx.play(remove, check=True, diff=True), "tenant")
    assert predicted["changed"] is True and pbx.writes() == 0 and views(predicted)[1] == {}
    removed = ok(pbx.play(remove, diff=True), "tenant")
    assert removed["diff"] == predicted["diff"]
    assert readback.tenant(sim, p, "globex") is None
    sim.reset_stats()
    assert ok(pbx.play(remove), "tenant")["changed"] is False and pbx.writes() == 0


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_a_tenant_that_holds_objects_is_deleted_only_with_force(pbx):
    p, sim = pbx.platform, pbx.sim
    ok(pbx.play([task("tenant", **NEW[p])]), "tenant")
    member = {"number": "101", "email": "ann@globex.example"}
    if p == "portsip":
        member.update(name="Ann", voicemail_pin="135792", sip_password="Sip-101-x", web_password="Web-101-x")
    r = pbx.play([{"name": "ext", EXTENSION: dict(member, tenant="globex")}])
    assert not r["ext"].get("failed"), r["ext"]
    sim.reset_stats()
    remove = [task("tenant", name="globex", state="absent")]
    for check in (True, False):
        r = pbx.play(remove, check=check)
        failed(r, "tenant", "still holds 1 user", "force: true")
    assert pbx.writes() == 0
    assert readback.tenant(sim, p, "globex") is not None
    forced = ok(pbx.play([task("tenant", name="globex", state="absent", force=True)]), "tenant")
    assert forced["changed"] is True and readback.tenant(sim, p, "globex") is None


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_list_form_and_purge_of_empty_tenants(pbx):
    p, sim = pbx.platform, pbx.sim
    items = [dict(NEW[p], name=n, **({"domain": n + ".example.com"} if p == "portsip" else {}))
             for n in ("t1", "t2", "t3")]
    first = ok(pbx.play([task("all", tenants=items)]), "all")
    assert first["summary"]["created"] == 3 and pbx.writes() == 3
    sim.reset_stats()
    rerun = ok(pbx.play([task("all", tenants=items)]), "all")
    assert rerun["summary"]["unchanged"] == 3 and rerun["objects"] == [] and pbx.writes() == 0
    keep = [task("keep", tenants=items[:1], purge=True)]
    predicted = ok(pbx.play(keep, check=True), "keep")
    assert predicted["summary"]["deleted"] == 2 and pbx.writes() == 0
    done = ok(pbx.play(keep), "keep")
    assert done["summary"] == predicted["summary"]
    assert [readback.tenant(sim, p, n) is None for n in ("t1", "t2", "t3")] == [False, True, True]


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_bad_tenant_input_fails_before_any_request(pbx):
    p = pbx.platform
    other = {"sipxcom": "domain", "portsip": "address"}[p]
    r = pbx.play([
        task("unsupported", name="x", **{other: "y" if other == "domain" else {"city": "Leeds"}}),
        task("missing required", name="x") if p == "portsip" else task("bad address", name="x",
                                                                       address={"town": "Leeds"}),
    ])
    failed(r, "unsupported", other, {"sipxcom": "sipXcom", "portsip": "PortSIP"}[p])
    if p == "portsip":
        failed(r, "missing required", "domain, timezone, currency, region")
    else:
        failed(r, "bad address", "town")
    assert pbx.writes() == 0


def test_ipcortex_companies_are_only_checked(simulator):
    simulator.reset()
    simulator.fixtures("ipcortex", "companies", [{"name": "acme"}])
    simulator.reset_stats()
    pbx = Pbx(simulator, "ipcortex")
    r = pbx.play([
        task("exists", name="acme"),
        task("missing", name="globex"),
        task("absent", name="acme", state="absent"),
        task("purge", tenants=[{"name": "acme"}, {"name": "default"}], purge=True),
        task("option", name="acme", description="x"),
    ])
    assert ok(r, "exists")["changed"] is False and r["exists"]["tenant"] == {"name": "acme"}
    failed(r, "missing", "company 'globex' does not exist", "create the company on the PABX")
    failed(r, "absent", "no API", "cannot remove")
    assert ok(r, "purge")["changed"] is False, "naming every company, purge has nothing to remove"
    simulator.fixtures("ipcortex", "companies", [{"name": "other"}])
    r2 = pbx.play([task("purge", tenants=[{"name": "acme"}, {"name": "default"}], purge=True)])
    failed(r2, "purge", "other", "purge cannot remove companies")
    failed(r, "option", "description", "IPCortex")
    # Check mode fails as the real run would: no task could create the company first.
    failed(pbx.play([task("missing", name="globex")], check=True), "missing", "does not exist")
    assert simulator.stats()["by_platform"]["ipcortex"]["writes"] == 0
