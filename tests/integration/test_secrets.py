"""Each secret lands in its own vendor field: proved by reading back what the vendor
returns, or by signing in with it, through the vendor's own API (never the collection's).

Swapping sip_password and web_password in a driver, or writing the PIN into either,
makes these tests fail. IPCortex extensions carry no secrets (they live on phones
and users), so it has no case here."""

import hashlib
import os

import pytest
import requests
import yaml

import readback
from playbook import PLAYBOOKS, assert_failed, assert_ok, run_play
from samples import SECRET_CREDENTIALS, SECRET_KEY, TENANT, seed_ipcortex

MODULE = "pbxops.pbx.pbx_extension"
FIRST = {"sip_password": "Sip-First-8817", "web_password": "Web-First-8817", "voicemail_pin": "975318"}
SECOND = {"sip_password": "Sip-Second-2290", "web_password": "Web-Second-2290", "voicemail_pin": "864297"}


def run(target, item, **args):
    result = target.play([{"name": "ext", MODULE: dict(item, **args)}])
    r = result["ext"]
    assert not r.get("failed"), "%s\n%s" % (r.get("msg"), result.output[-3000:])
    return r


def sipxcom_proof(sim, number, secrets):
    user = readback.sipxcom_user(sim, number)
    # sipPassword reads back in clear; the PIN only as sipXcom's md5(userName:PIN) hash.
    assert user["sipPassword"] == secrets["sip_password"], "sip_password is not the user's SIP password"
    assert user["voicemailPin"] == hashlib.md5(("%s:%s" % (number, secrets["voicemail_pin"])).encode()).hexdigest(), \
        "voicemail_pin is not the user's voicemail PIN"

    def login(password):
        r = requests.get(sim.url + "/sipxconfig/api/users", auth=(number, password), timeout=10)
        return r.status_code

    # The web password (pintoken) signs the user in: a valid non-admin gets 403, a wrong password 401.
    assert login(secrets["web_password"]) == 403, "web_password does not sign the user in"
    assert login(secrets["sip_password"]) == 401, "the SIP password must not sign in to the web"


def portsip_proof(sim, number, secrets):
    domain = TENANT + ".example.com"
    user = readback.Portsip(sim, TENANT).user(number)
    assert user["voicemail_pin"] == secrets["voicemail_pin"], "voicemail_pin is not the user's voicemail PIN"

    def sign_in(password):
        return requests.post(sim.url + "/api/auth/sign_in", timeout=10,
                             json={"username": user["name"], "password": password, "domain": domain}).status_code

    def sip_session(password):
        return requests.get(sim.url + "/api/sessions/directly", timeout=10, params={
            "extension_number": number, "password": password, "domain": domain, "caller": number, "callee": "999",
            "send_sdp": "false"}).status_code

    assert sign_in(secrets["web_password"]) == 200, "web_password does not sign in to the portal"
    assert sign_in(secrets["sip_password"]) != 200, "the SIP password must not sign in to the portal"
    assert sip_session(secrets["sip_password"]) == 201, "sip_password is not the extension (SIP) password"
    assert sip_session(secrets["web_password"]) != 201, "the portal password must not be the SIP password"


PROOF = {"sipxcom": sipxcom_proof, "portsip": portsip_proof}
BASE = {
    "sipxcom": {"number": "331", "first_name": "Ann", "last_name": "Lee"},
    "portsip": {"number": "331", "name": "Ann Lee", "email": "ann@acme.example"},
}


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_each_secret_lands_in_its_own_field(target):
    p = target.platform
    item = dict(BASE[p], **FIRST)
    assert run(target, item)["changed"] is True
    PROOF[p](target.sim, "331", FIRST)

    # A rerun with other secrets and on_create changes nothing; always rewrites each into its own field.
    target.sim.reset_stats()
    assert run(target, dict(BASE[p], **SECOND))["changed"] is False and target.writes() == 0
    PROOF[p](target.sim, "331", FIRST)
    assert run(target, dict(BASE[p], **SECOND), update_password="always")["changed"] is True
    PROOF[p](target.sim, "331", SECOND)


# -- every module at -vvv --diff, succeeding and failing ----------------------------------------------------
# The suite's own check (conftest.no_secret_in_any_output) reads the output of these runs too: here every
# module runs at the verbosity that prints its invocation and whole result, with secrets in its options and
# in the connection, on each path that builds a result of its own (a change with its diff, an unchanged rerun,
# input refused before any request, a PBX that refuses part-way and echoes a secret in its error).
HOSTS = {"sipxcom": "sipxcom-hq", "ipcortex": "ipcortex-branch", "portsip": "portsip-cloud"}
KIND_MODULES = (("gateways", "pbx_gateway"), ("extensions", "pbx_extension"), ("callgroups", "pbx_callgroup"),
                ("phones", "pbx_phone"), ("erls", "pbx_erl"))
WITH_PASSWORDS = ("gateways", "extensions", "phones")
# Secret options the example definitions leave out, so that every secret option a platform has is in a run.
MORE_SECRETS = {
    "sipxcom": {"extensions": {"web_password": "Sx-Web-%s-vvv", "voicemail_pin": "7%s31"}},
    "portsip": {"phones": {"web_password": "Ps-Phone-%s-vvv"}},
}


def definition(platform, mark):
    """The example inventory's definition of the platform, with a secret value in every secret option it has;
    ``mark`` makes each secret and name differ from one call to the next."""
    with open(os.path.join(PLAYBOOKS, "inventory", "host_vars", HOSTS[platform] + ".yml"), encoding="utf-8") as fh:
        wanted = yaml.safe_load(fh)["tenant_onboarding_definition"]
    for kind, options in MORE_SECRETS.get(platform, {}).items():
        for index, item in enumerate(wanted[kind]):
            item.update((key, value % (index + 1)) for key, value in options.items())
    for kind in WITH_PASSWORDS:
        for item in wanted.get(kind, ()):
            for key in ("sip_password", "web_password"):
                if key in item:
                    item[key] = "%s-%s" % (item[key], mark)
    return wanted


def every_module(wanted, platform, **kind_args):
    tenant = wanted["tenant"]["name"]
    tasks = []
    if platform != "ipcortex":  # IPCortex companies have no API: pbx_tenant refuses them
        tasks.append({"name": "tenant", "pbxops.pbx.pbx_tenant": {"tenants": [wanted["tenant"]]}})
    for kind, module in KIND_MODULES:
        if kind in wanted:
            args = dict({"tenant": tenant, kind: wanted[kind]}, **kind_args.get(kind, {}))
            tasks.append({"name": kind, "pbxops.pbx." + module: args})
    tasks.append({"name": "info", "pbxops.pbx.pbx_info": {"tenant": tenant}})
    return tasks


# The requests other than GET (which the simulator's after_writes counts) pbx_extension makes before its first
# change: IPCortex signs in and reads with POSTs, PortSIP signs in and switches to the tenant with POSTs.
BEFORE_FIRST_CHANGE = {"sipxcom": 0, "ipcortex": 2, "portsip": 2}


def secret_connection(platform):
    if platform == "ipcortex":
        return {"platform": platform, "api_key": SECRET_KEY, "retries": 0}
    user, password = SECRET_CREDENTIALS[platform]
    return {"platform": platform, "username": user, "password": password, "retries": 0}


@pytest.mark.parametrize("platform", ["sipxcom", "ipcortex", "portsip"])
def test_no_module_shows_a_secret_at_vvv_with_diff_succeeding_or_failing(secret_simulator, platform):
    sim = secret_simulator
    sim.reset()
    sim.ops("DELETE", "faults")
    if platform == "ipcortex":
        seed_ipcortex(sim)
    conn = secret_connection(platform)
    first = definition(platform, "one")
    created = run_play(sim.url, conn, every_module(first, platform), diff=True, verbosity=3)
    for name in created.results:
        assert_ok(created, name)
    assert [n for n in created.changed if n != "info"] == [t["name"] for t in every_module(first, platform)][:-1]
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in created.output, "-vvv did not print the invocations"

    # Refused before any request: an unknown key in the first item of each kind, beside its secrets.
    sim.reset_stats()
    bad = definition(platform, "bad")
    bad["tenant"]["bogus"] = 1
    for kind, _module in KIND_MODULES:
        if kind in bad:
            bad[kind][0]["bogus"] = 1
    refused = run_play(sim.url, conn, every_module(bad, platform)[:-1], diff=True, verbosity=3)
    for name in refused.results:
        assert_failed(refused, name, "bogus")
    assert sim.stats()["requests"] == 0

    # New secrets rewritten (update_password: always) and every address changed, extensions first, while the
    # PBX, after the first of those writes, refuses everything with an error that repeats the connection's secret
    # (every module knows that one; none could mask another module's):
    # the extensions stop part-way (naming what was applied and what was not), every later module fails at its
    # first request, each with the PBX's words, the secret masked.
    second = definition(platform, "two")
    for item in second["extensions"]:
        item["email"] = item["email"].replace("@", ".two@")
    echoed = SECRET_KEY if platform == "ipcortex" else SECRET_CREDENTIALS[platform][1]
    sim.faults({"kind": "status", "status": 503, "count": None, "platform": platform,
                "after_writes": BEFORE_FIRST_CHANGE[platform] + 1,
                "body": {"error": "refused, credentials %s are wrong" % echoed}})
    rewrite = dict((kind, {"update_password": "always"}) for kind in WITH_PASSWORDS)
    tasks = every_module(second, platform, **rewrite)
    tasks.sort(key=lambda task: task["name"] != "extensions")
    failing = run_play(sim.url, conn, tasks, diff=True, verbosity=3)
    # (PortSIP's first change is two writes: the user, then its passwords.)
    assert_failed(failing, "extensions", "stopped at extension 10", "of 5 planned changes", "applied: ",
                  "not attempted: 10")
    for name in failing.results:
        assert_failed(failing, name, "503", "refused, credentials")
    assert echoed not in failing.output
