"""pbx_extension end to end: real ansible-playbook runs against the simulator,
on every platform, asserting on results and on the simulator's request counts."""

import pytest

from playbook import CONNECTION, run_play
from samples import TENANT, TENANT_FIXTURE, ext
from simhelper import RunningSimulator

MODULE = "pbxops.pbx.pbx_extension"
MASK = "********"

# The fewest writes that create one extension with the options of ext():
# IPCortex creates an extension with a few columns, then updates the rest.
CREATE_WRITES = {"sipxcom": 1, "ipcortex": 2, "portsip": 1}
# A bulk create of N extensions: IPCortex creates them all in one call, then updates each.
BULK_CREATE_WRITES = {"sipxcom": lambda n: n, "ipcortex": lambda n: n + 1, "portsip": lambda n: n}
UNSUPPORTED = {"sipxcom": "login_name", "ipcortex": "aliases", "portsip": "aliases"}


def task(title, /, **args):
    """A pbx_extension task; args may include the module's own ``name`` option."""
    return {"name": title, MODULE: args}


def assert_ok(result, name):
    r = result[name]
    assert not r.get("failed"), "%s failed: %s\n%s" % (name, r.get("msg"), result.output[-3000:])
    return r


def assert_failed(result, name, *words):
    r = result[name]
    assert r.get("failed"), "%s should have failed: %r" % (name, r)
    msg = r.get("msg", "")
    for word in words:
        assert word in msg, "%r not in failure message %r" % (word, msg)
    return r


def test_single_extension_lifecycle(target):
    p = target.platform
    create = [task("ext", **ext(p, 101))]

    predicted = assert_ok(target.play(create, check=True, diff=True), "ext")
    assert predicted["changed"] is True
    assert target.writes() == 0, "check mode wrote: %s" % target.routes()
    assert predicted["diff"]["before"] == {}
    assert predicted["diff"]["after"]["number"] == "101"
    assert predicted["diff"]["after"]["email"] == "user101@acme.example"
    for secret in ("sip_password", "web_password", "voicemail_pin"):
        if secret in create[0][MODULE]:
            assert predicted["diff"]["after"][secret] == MASK

    created = assert_ok(target.play(create, diff=True), "ext")
    assert created["changed"] is True
    assert target.writes() == CREATE_WRITES[p], target.routes()
    assert created["diff"] == predicted["diff"], "check mode predicted another diff"
    assert created["extension"] == predicted["extension"]
    assert created["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 0}

    target.sim.reset_stats()
    rerun = assert_ok(target.play(create), "ext")
    assert rerun["changed"] is False
    assert target.writes() == 0, target.routes()
    assert rerun["extension"]["email"] == "user101@acme.example"
    assert not any(v == MASK for v in rerun["extension"].values()), "unwritten secrets must not be shown"

    update = [task("ext", **ext(p, 101, email="ann@acme.example"))]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(update, check=True, diff=True), "ext")
    assert predicted["changed"] is True and target.writes() == 0
    assert predicted["diff"]["before"]["email"] == "user101@acme.example"
    assert predicted["diff"]["after"]["email"] == "ann@acme.example"
    assert "sip_password" not in predicted["diff"]["after"], "secrets are not rewritten with on_create"
    updated = assert_ok(target.play(update, diff=True), "ext")
    assert updated["changed"] is True
    assert target.writes() == 1, "a one-field update must be one write: %s" % target.routes()
    assert updated["diff"] == predicted["diff"]

    target.sim.reset_stats()
    remove = [task("ext", number="101", state="absent")]
    predicted = assert_ok(target.play(remove, check=True, diff=True), "ext")
    assert predicted["changed"] is True and target.writes() == 0
    assert predicted["diff"]["before"]["email"] == "ann@acme.example"
    assert "api_fields" not in predicted["diff"]["before"], "the vendor's raw record (secrets too) stays out"
    assert predicted["diff"]["after"] == {}
    removed = assert_ok(target.play(remove, diff=True), "ext")
    assert removed["changed"] is True and removed["diff"] == predicted["diff"]
    assert target.writes() == 1
    target.sim.reset_stats()
    again = assert_ok(target.play(remove), "ext")
    assert again["changed"] is False and target.writes() == 0


def test_bulk_converge_rerun_and_purge(target):
    p = target.platform
    items = [ext(p, n) for n in range(201, 206)]
    play = [task("bulk", extensions=items)]

    predicted = assert_ok(target.play(play, check=True), "bulk")
    assert predicted["changed"] and target.writes() == 0
    assert predicted["summary"]["created"] == 5
    created = assert_ok(target.play(play), "bulk")
    assert created["summary"] == predicted["summary"]
    assert [o["action"] for o in created["objects"]] == ["created"] * 5
    assert target.writes() == BULK_CREATE_WRITES[p](5), target.routes()

    target.sim.reset_stats()
    rerun = assert_ok(target.play(play), "bulk")
    assert rerun["changed"] is False and rerun["summary"]["unchanged"] == 5
    assert target.writes() == 0

    target.sim.reset_stats()
    keep = [task("purge", extensions=items[:3], purge=True)]
    predicted = assert_ok(target.play(keep, check=True, diff=True), "purge")
    assert predicted["summary"]["deleted"] == 2 and target.writes() == 0
    assert sorted(d["before_header"] for d in predicted["diff"]) == ["extension 204", "extension 205"]
    purged = assert_ok(target.play(keep), "purge")
    assert purged["summary"] == predicted["summary"]
    assert target.writes() == 2
    target.sim.reset_stats()
    assert assert_ok(target.play(keep), "purge")["changed"] is False
    assert target.writes() == 0


def test_update_password_always_rewrites_secrets(target):
    p = target.platform
    item = ext(p, 301)
    assert_ok(target.play([task("ext", **item)]), "ext")
    secrets = dict((k, v) for k, v in item.items() if k in ("sip_password", "web_password", "voicemail_pin"))
    if not secrets:
        pytest.skip("%s extensions have no secrets" % p)
    target.sim.reset_stats()
    r = assert_ok(target.play([task("ext", update_password="always", **item)], diff=True), "ext")
    assert r["changed"] is True
    assert target.writes() >= 1
    assert all(r["diff"]["after"][k] == MASK for k in secrets)


def test_bad_input_fails_cleanly_without_writes(target):
    p = target.platform
    bad_number = "12!" if p == "ipcortex" else "12a"
    r = target.play([
        task("bad number", **ext(p, bad_number)),
        task("duplicates", extensions=[ext(p, 401), ext(p, 402), ext(p, 401)]),
        {"name": "unknown key", MODULE: {"extensions": [dict(ext(p, 403), colour="blue")]}},
        task("unsupported option", **dict(ext(p, 404), **{UNSUPPORTED[p]: "x" if p == "sipxcom" else ["x"]})),
        task("both forms", number="405", extensions=[ext(p, 406)]),
        task("purge without list", number="407", purge=True),
    ])
    assert_failed(r, "bad number", bad_number)
    assert_failed(r, "duplicates", "extensions[0]", "extensions[2]", "401")
    assert_failed(r, "unknown key", "colour")
    label = {"sipxcom": "sipXcom", "ipcortex": "IPCortex", "portsip": "PortSIP"}[p]
    assert_failed(r, "unsupported option", UNSUPPORTED[p], label)
    assert_failed(r, "both forms", "mutually exclusive")
    assert_failed(r, "purge without list", "purge")
    assert target.writes() == 0, target.routes()


def test_wrong_credentials_and_unreachable_pbx(target):
    p = target.platform
    wrong = dict(CONNECTION[p], tenant=TENANT)
    if "api_key" in wrong:
        wrong["api_key"] = "not-the-key"
    else:
        wrong["password"] = "not-the-password"
    r = target.play([task("wrong", **ext(p, 501))], connection=wrong)
    failed = assert_failed(r, "wrong")
    assert "not-the-" not in failed["msg"]
    assert any(w in failed["msg"].lower() for w in ("auth", "login", "credential", "password", "key", "401", "403"))
    r = target.play([task("unreachable", **ext(p, 502))],
                    connection=dict(CONNECTION[p], url="http://127.0.0.1:9", retries=0, timeout=5))
    assert_failed(r, "unreachable", "127.0.0.1:9")
    assert target.writes() == 0


def test_portsip_refuses_weak_pin_before_writing(simulator):
    simulator.reset()
    simulator.fixtures("portsip", "tenants", [{"name": TENANT, "domain": TENANT + ".example.com"}])
    simulator.reset_stats()
    r = run_play(simulator.url, dict(CONNECTION["portsip"], tenant=TENANT), [
        task("pin", **ext("portsip", 601, voicemail_pin="123456")),
        task("missing", number="602", name="No Secrets", email="x@acme.example"),
    ])
    assert_failed(r, "pin", "voicemail_pin")
    assert_failed(r, "missing", "602")
    assert simulator.stats()["writes"] == 0


def test_bulk_failure_reports_what_was_applied(target):
    p = target.platform
    items = [ext(p, n) for n in (701, 702, 703)]
    # The second write of the run fails with an error the client must not retry.
    # IPCortex reads are POSTs too, and it creates in bulk: fail its second per-extension update.
    # PortSIP's sign-in and tenant switch are POSTs: fail the second user create.
    where = {"sipxcom": {"writes_only": True}, "ipcortex": {"path": "/rest/dialplan/update"},
             "portsip": {"path": "/api/users", "method": "POST"}}[p]
    target.sim.faults(dict(where, kind="status", status=400, platform=p, skip=1,
                           body={"errors": [{"code": "VALIDATE_FAILED", "message": "injected"}]}))
    r = target.play([task("bulk", extensions=items)])
    failed = assert_failed(r, "bulk", "not applied")
    assert failed["changed"] is True
    assert failed["applied"] and failed["not_applied"]
    assert set(failed["applied"]) | set(failed["not_applied"]) == {"701", "702", "703"}
    target.sim.ops("DELETE", "faults")
    # A rerun finishes the job and touches only what was not applied.
    done = assert_ok(target.play([task("bulk", extensions=items)]), "bulk")
    assert done["summary"]["unchanged"] >= len(failed["applied"]) - (1 if p == "ipcortex" else 0)


def test_retries_429_and_rereads_after_a_write_that_failed_late(target):
    p = target.platform
    target.sim.faults({"kind": "status", "status": 429, "retry_after": 0, "platform": p, "count": 2})
    r = target.play([task("rate limited", **ext(p, 801))])
    ok = assert_ok(r, "rate limited")
    assert ok["changed"] is True
    assert any("429" in w for w in ok.get("warnings", [])), ok.get("warnings")

    # The PBX stores the create, then the client sees a 503: it must look before sending it again.
    target.sim.ops("DELETE", "faults")
    target.sim.reset_stats()
    target.sim.faults({"kind": "commit_then_fail", "status": 503, "platform": p, "writes_only": True})
    r = target.play([task("late failure", **ext(p, 802))])
    ok = assert_ok(r, "late failure")
    assert ok["changed"] is True
    assert target.writes() == CREATE_WRITES[p], "a doubtful write was resent blindly: %s" % target.routes()
    target.sim.ops("DELETE", "faults")
    target.sim.reset_stats()
    assert assert_ok(target.play([task("late failure", **ext(p, 802))]), "late failure")["changed"] is False


def test_connection_from_environment(target):
    p = target.platform
    env = {"PBX_URL": target.url, "PBX_PLATFORM": p, "PBX_TENANT": TENANT}
    for key, value in CONNECTION[p].items():
        if key != "platform":
            env["PBX_" + key.upper()] = value
    r = target.play([task("env", **ext(p, 901))], module_defaults=False, env=env)
    assert assert_ok(r, "env")["changed"] is True


@pytest.fixture(scope="module")
def tls_simulator():
    with RunningSimulator(tls=True) as sim:
        yield sim


@pytest.mark.parametrize("platform", ["sipxcom", "ipcortex", "portsip"])
def test_tls_verification(tls_simulator, platform):
    tls_simulator.reset()
    tls_simulator.fixtures(platform, *TENANT_FIXTURE[platform])
    conn = dict(CONNECTION[platform], tenant=TENANT, url=tls_simulator.url)
    r = run_play(tls_simulator.url, conn, [
        task("verify, unknown CA", **ext(platform, 111)),
        task("verify with ca_path", ca_path=tls_simulator.ca_path, **ext(platform, 112)),
        task("no verification", validate_certs=False, **ext(platform, 113)),
    ])
    assert_failed(r, "verify, unknown CA", "TLS", "ca_path")
    assert assert_ok(r, "verify with ca_path")["changed"] is True
    assert assert_ok(r, "no verification")["changed"] is True


SECRET_CREDENTIALS = {
    "sipxcom": ("superadmin", "Sx-Adm1n-Secret-77"),
    "ipcortex": ("admin", "Ic-Adm1n-Secret-77"),
    "portsip": ("admin", "Ps-Adm1n-Secret-77"),
}
SECRET_KEY = "Ic-Api-Key-Secret-77"


@pytest.fixture(scope="module")
def secret_simulator():
    args = ["--%s-credentials" % p + "=" + "%s:%s" % c for p, c in SECRET_CREDENTIALS.items()]
    with RunningSimulator(extra_args=args + ["--ipcortex-api-key", SECRET_KEY]) as sim:
        yield sim


@pytest.mark.parametrize("platform", ["sipxcom", "ipcortex", "portsip"])
def test_no_secret_reaches_vvv_output(secret_simulator, platform):
    secret_simulator.reset()
    secret_simulator.fixtures(platform, *TENANT_FIXTURE[platform])
    user, password = SECRET_CREDENTIALS[platform]
    conn = {"platform": platform, "tenant": TENANT, "username": user, "password": password}
    if platform == "ipcortex":
        conn = {"platform": platform, "tenant": TENANT, "api_key": SECRET_KEY}
    item = ext(platform, 121, sip_password="Zq-SIP-Secret-991", web_password="Zq-WEB-Secret-992")
    if platform == "portsip":
        item["voicemail_pin"] = "975318"
    elif platform == "sipxcom":
        item["voicemail_pin"] = "97531"
    for name in ("sip_password", "web_password"):
        if platform == "ipcortex":
            item.pop(name, None)
    bad_item = dict(item, number="12!" if platform == "ipcortex" else "1x")
    r = run_play(secret_simulator.url, conn, [
        {"name": "create", MODULE: item},
        task("rewrite", update_password="always", extensions=[item]),
        {"name": "fail", MODULE: bad_item},
        # No secret in this task: nothing would mask one that the PBX's own record carries.
        task("remove", number=item["number"], state="absent"),
    ], diff=True, verbosity=3)
    assert_ok(r, "create")
    assert_ok(r, "rewrite")
    assert_ok(r, "remove")
    secrets = [password, SECRET_KEY, item.get("sip_password"), item.get("web_password"), item.get("voicemail_pin")]
    for secret in filter(None, secrets):
        if platform != "ipcortex" and secret == SECRET_KEY:
            continue
        assert secret not in r.output, "secret %r leaked into -vvv output" % secret
