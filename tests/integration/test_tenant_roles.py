"""The tenant roles and playbooks (playbooks/*.yml on the example inventory: one host per platform, all three in one
run), against the simulator. End states are read back through each vendor's API (readback_tenant), and every
"nothing written" is the simulator's own count."""

import json
import os

import pytest
import yaml

import readback
import readback_tenant
from playbook import PLAYBOOKS, run_play, run_playbook
from samples import TENANT, seed_ipcortex

HOSTS = {"sipxcom-hq": "sipxcom", "ipcortex-branch": "ipcortex", "portsip-cloud": "portsip"}
# What a first onboarding of the example definitions changes: one task per kind the definition declares
# (IPCortex: the company is only checked).
FIRST_RUN = {"sipxcom-hq": 6, "ipcortex-branch": 3, "portsip-cloud": 5}


def definition(host):
    with open(os.path.join(PLAYBOOKS, "inventory", "host_vars", host + ".yml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)["tenant_onboarding_definition"]


def writes(sim):
    return sim.stats()["writes"]


def onboarded(sim):
    seed_ipcortex(sim)
    run = run_playbook(sim.url, "onboard_tenant.yml")
    assert run.rc == 0 and run.changed() == FIRST_RUN, run
    sim.reset_stats()
    return run


def test_onboarding_check_predicts_the_run_then_the_pbx_holds_it_and_a_rerun_writes_nothing(sim):
    seed_ipcortex(sim)
    sim.reset_stats()
    check = run_playbook(sim.url, "onboard_tenant.yml", "--check", "--diff")
    assert check.rc == 0, check
    assert writes(sim) == 0, sim.stats()
    assert check.changed() == FIRST_RUN, check
    real = run_playbook(sim.url, "onboard_tenant.yml")
    assert real.rc == 0 and real.changed() == FIRST_RUN, real
    for host, platform in HOSTS.items():
        assert readback_tenant.problems(sim, platform, definition(host)) == [], host
    # The summary a check predicts is the one the run reports.
    summaries = sorted(line for line in check.output.splitlines() if " created, " in line)
    assert len(summaries) == sum(FIRST_RUN.values()) + 1  # IPCortex's company is a kind too, unchanged
    assert summaries == sorted(line for line in real.output.splitlines() if " created, " in line)
    assert '"extensions": "5 created, 0 changed, 0 removed, 0 unchanged"' in real.output
    # Kinds a platform has no API for are said, not silently skipped.
    assert "erls: not managed on IPCortex (IPCortex has no API for emergency locations" in real.output
    assert "gateways: not managed on IPCortex (IPCortex has no API for trunks or gateways)" in real.output
    sim.reset_stats()
    again = run_playbook(sim.url, "onboard_tenant.yml")
    assert again.rc == 0 and set(again.changed().values()) == {0}, again
    assert writes(sim) == 0, sim.stats()


def test_each_kind_is_one_module_run_in_dependency_order(sim):
    run = onboarded(sim)
    tasks = [line.split(" : ", 1)[1].rstrip("* ]") for line in run.output.splitlines()
             if line.startswith("TASK [pbxops.pbx.tenant_onboarding : ")]
    kinds = [t for t in tasks if t in ("Tenant", "Gateways and trunks", "Extensions", "Call groups",
                                       "Emergency locations (ERLs)") or t.startswith("Phones")]
    assert kinds == ["Tenant", "Gateways and trunks", "Extensions", "Call groups",
                     "Phones, with their configuration pushed to those that changed", "Emergency locations (ERLs)"]


def test_export_then_onboarding_the_file_changes_nothing_on_every_platform(sim, tmp_path):
    onboarded(sim)
    export = run_playbook(sim.url, "export_tenant.yml", "-e", "tenant=" + TENANT, "-e", "export_dir=%s" % tmp_path)
    assert export.rc == 0, export
    assert writes(sim) == 0
    for host in HOSTS:
        path = tmp_path / ("%s-%s.yml" % (host, TENANT))
        exported = yaml.safe_load(path.read_text())["tenant_onboarding_definition"]
        assert sorted(exported) == sorted(definition(host)), host
        assert "Demo-101-secret" not in path.read_text()
        sim.reset_stats()
        run = run_playbook(sim.url, "onboard_tenant.yml", "--limit", host, "-e", "@%s" % path,
                           "-e", "tenant_onboarding_purge=true")
        assert run.rc == 0 and run.changed() == {host: 0}, run
        assert writes(sim) == 0, (host, sim.stats())


BAD = [
    ("sipxcom-hq", lambda d: d["extensions"][2].pop("number"), "extensions[2]: option number is required"),
    ("sipxcom-hq", lambda d: d["phones"][1]["extensions"].append("199"),
     "phones[1] (phone 0004f2ac0002): extension 199 is not an extension of this definition"),
    ("portsip-cloud", lambda d: d["callgroups"][0]["members"].append("188"),
     "callgroups[0] (call group 300): member 188 is not an extension of this definition"),
    ("portsip-cloud", lambda d: d["extensions"].append(dict(d["extensions"][0], name="Twin")),
     "extensions[0] and extensions[5] both name extension 101"),
    ("sipxcom-hq", lambda d: d["callgroups"][0].update(number="105"),
     "callgroups[0] (call group 105): 105 is also an extension number"),
    ("ipcortex-branch", lambda d: d.update(erls=[{"elin": "4235550100", "location": "Floor 1"}]),
     "erls: IPCortex has no API for emergency locations (ERLs) and nothing in their place; remove erls"),
    ("sipxcom-hq", lambda d: d["tenant"].pop("name"), "tenant: the definition needs tenant.name"),
]


@pytest.mark.parametrize("host,breaks,words", BAD, ids=[w[:48] for _h, _b, w in BAD])
def test_a_bad_definition_is_refused_before_any_request_naming_the_item(sim, tmp_path, host, breaks, words):
    bad = definition(host)
    breaks(bad)
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump({"tenant_onboarding_definition": bad}))
    run = run_playbook(sim.url, "onboard_tenant.yml", "--limit", host, "-e", "@%s" % path)
    assert run.rc != 0, run
    assert "nothing was sent" in run.output and words in run.output, run
    assert sim.stats()["requests"] == 0, sim.stats()


MIGRATION = {"migrate_defaults": {"tenant": {"domain": "acme.pbx.example.com", "timezone": "Europe/London",
                                             "currency": "GBP", "region": "GBR"},
                                  "gateways": {"concurrency": 30},
                                  # Known secrets, so that the output can be searched for them.
                                  "extensions": {"sip_password": "Mig-sip-s3cret", "web_password": "Mig-web-s3cret",
                                                 "voicemail_pin": "80264719"}},
             "migrate_models": {"polycomVVX500": "SIP-T46U"}, "migrate_generate_secrets": False}


def test_sipxcom_to_portsip_migration_lists_what_portsip_cannot_hold_and_portsip_then_holds_the_rest(sim, tmp_path):
    seed_ipcortex(sim)
    assert run_playbook(sim.url, "onboard_tenant.yml", "--limit", "sipxcom-hq").rc == 0
    settings = tmp_path / "migration.yml"
    settings.write_text(yaml.safe_dump(MIGRATION))
    args = ["-e", "migrate_source=sipxcom-hq", "-e", "migrate_target=portsip-cloud", "-e", "tenant=" + TENANT,
            "-e", "@%s" % settings, "-e", "migrate_report_dir=%s" % tmp_path]
    sim.reset_stats()
    check = run_playbook(sim.url, "migrate_tenant.yml", "--check", "-vvv", "--diff", *args)
    assert check.rc == 0, check
    assert writes(sim) == 0, sim.stats()
    report = json.loads((tmp_path / "acme-sipxcom-hq-to-portsip-cloud.json").read_text())
    assert report["carried"] == {"tenant": 1, "gateways": 1, "extensions": 5, "callgroups": 1, "phones": 2}
    lost = "\n".join(report["not_carried"])
    assert "erls: all 1 left out: PortSIP has no API for emergency locations" in lost
    assert "gateways: option model is not held by PortSIP" in lost
    assert "callgroups: member option enabled is not held by PortSIP" in lost
    markdown = (tmp_path / "acme-sipxcom-hq-to-portsip-cloud.md").read_text()
    assert "erls: all 1 left out" in markdown and "(check mode: nothing written)" in markdown
    real = run_playbook(sim.url, "migrate_tenant.yml", "-vvv", *args)
    assert real.rc == 0 and real.changed()["portsip-cloud"] == 6, real
    # Everything the report says PortSIP holds, it holds (read back through PortSIP's API); its users' names
    # are the sipXcom first and last names.
    report = json.loads((tmp_path / "acme-sipxcom-hq-to-portsip-cloud.json").read_text())
    assert readback_tenant.problems(sim, "portsip", report["definition"]) == []
    assert readback.extension(sim, "portsip", TENANT, "101")["name"] == "Ann Lee"
    assert [e["number"] for e in report["definition"]["extensions"]] == ["101", "102", "103", "104", "105"]
    for secret in ("Mig-sip-s3cret", "Mig-web-s3cret", "80264719", "Demo-101-secret"):
        assert secret not in check.output and secret not in real.output, secret
        assert secret not in json.dumps(report)
    sim.reset_stats()
    again = run_playbook(sim.url, "migrate_tenant.yml", *args)
    assert again.rc == 0 and again.changed()["portsip-cloud"] == 0, again
    assert writes(sim) == 0


def test_offboarding_refuses_without_confirmation_predicts_in_check_mode_and_removes_in_reverse(sim):
    onboarded(sim)
    refused = run_playbook(sim.url, "offboard_tenant.yml", "-e", "tenant=" + TENANT)
    assert refused.rc != 0 and "set tenant_offboarding_confirm=acme" in refused.output, refused
    assert sim.stats()["requests"] == 0
    check = run_playbook(sim.url, "offboard_tenant.yml", "-e", "tenant=" + TENANT, "-e", "confirm=" + TENANT,
                         "--check")
    assert check.rc == 0, check
    assert writes(sim) == 0
    real = run_playbook(sim.url, "offboard_tenant.yml", "-e", "tenant=" + TENANT, "-e", "confirm=" + TENANT)
    assert real.rc == 0 and real.changed() == check.changed(), real
    assert real.changed() == {"sipxcom-hq": 6, "ipcortex-branch": 3, "portsip-cloud": 5}
    order = [line.split(" : ", 1)[1].rstrip("* ]") for line in real.output.splitlines()
             if line.startswith("TASK [pbxops.pbx.tenant_offboarding : ") and "] *" in line]
    removals = [t for t in order if t in ("Emergency locations (ERLs)", "Phones", "Call groups", "Extensions",
                                          "Gateways and trunks", "The tenant itself")]
    assert removals == ["Emergency locations (ERLs)", "Phones", "Call groups", "Extensions", "Gateways and trunks",
                        "The tenant itself"]
    for host, platform in HOSTS.items():
        left = readback_tenant.problems(sim, platform, definition(host))
        # Nothing declared is left; the IPCortex company stays (companies have no API).
        assert all(p.endswith("not on the PBX") for p in left), (host, left)
        assert (readback.tenant(sim, platform, TENANT) is not None) == (platform == "ipcortex")
    assert "IPCortex companies have no API" in real.output
    sim.reset_stats()
    again = run_playbook(sim.url, "offboard_tenant.yml", "-e", "tenant=" + TENANT, "-e", "confirm=" + TENANT)
    assert again.rc == 0 and "Tenant acme is not on sipxcom-hq: nothing to remove" in again.output, again
    assert writes(sim) == 0


def test_the_drift_report_says_per_pbx_and_kind_what_differs_and_writes_nothing(sim, tmp_path):
    onboarded(sim)
    # Someone changes the PBX behind Ansible's back.
    changed = run_play(sim.url, {"platform": "sipxcom", "username": "superadmin", "password": "superadmin",
                                 "tenant": TENANT},
                       [{"name": "edit", "pbxops.pbx.pbx_extension": {"number": "102", "email": "bob@elsewhere.example"}}])
    assert changed["edit"]["changed"], changed
    sim.reset_stats()
    run = run_playbook(sim.url, "drift_report.yml", "-e", "drift_report_dir=%s" % tmp_path)
    assert run.rc == 0, run
    assert writes(sim) == 0, sim.stats()
    entries = json.loads((tmp_path / "drift-report.json").read_text())
    assert dict((e["pbx"], e["drift"]) for e in entries) == {"sipxcom-hq": 1, "ipcortex-branch": 0, "portsip-cloud": 0}
    text = (tmp_path / "drift-report.md").read_text()
    assert "3 PBXs, 1 difference in all." in text
    assert '  - updated 102: email: "bob@elsewhere.example" -> "bob@acme.example"' in text
    assert "## portsip-cloud (portsip), tenant acme: as defined" in text
