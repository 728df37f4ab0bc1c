"""pbx_phone and pbx_info for phones on IPCortex, end to end: real ansible-playbook runs against the
simulator, asserting on the results, on the simulator's request counts (per route) and on what the PABX
holds afterwards, read through its own API (tests/readback_phones_ipcortex.py)."""

import re

import pytest

import readback_phones_ipcortex as rb
from playbook import assert_failed, assert_ok, views
from samples import TENANT

MODULE = "pbxops.pbx.pbx_phone"
INFO = "pbxops.pbx.pbx_info"
MAC = "0004f2a1b2c3"
SPA = "0004f2aa0800"


@pytest.fixture(params=["ipcortex"])
def platform(request):
    return request.param


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    """Writes per route, e.g. {"create/phone": 1}."""
    return dict((route.split(" ")[1].replace("dialplan/", ""), n["writes"])
                for route, n in target.routes().items() if n.get("writes"))


def reads(target):
    """Reads per route, e.g. {"active/phone": 1}."""
    return dict((route.split(" ")[1].replace("dialplan/", ""), n["reads"])
                for route, n in target.routes().items() if n.get("reads"))


def people(target, *numbers, owner=True):
    """Extensions of the tenant, each owned by a user of its own (unless owner is False)."""
    target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": TENANT} for n in numbers])
    if owner:
        target.sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": TENANT, "owned_extension": n}
                                                  for n in numbers])
    target.sim.reset_stats()


def with_(args, **changes):
    out = dict(args)
    out.update(changes)
    return out


def port(phone, number):
    return [p for p in phone["ports"] if p["port"] == number][0]


def test_single_phone_lifecycle(target):
    people(target, "101", "102")
    args = dict(mac="00:04:F2:A1:B2:C3", model="snom320", description="Reception", zone="Europe/London",
                extensions=["101"], push_config="changed")
    play = [task("phone", **args)]

    predicted = assert_ok(target.play(play, check=True, diff=True), "phone")
    assert predicted["changed"] is True and predicted["would_push"] == [MAC]
    assert target.writes() == 0, target.routes()
    before, after = views(predicted)
    assert before == {} and after == {"mac": MAC, "model": "snom320", "description": "Reception",
                                      "zone": "Europe/London", "extensions": ["101"]}
    assert rb.phone(target.sim, TENANT, MAC) is None and rb.reboots(target.sim) == {}

    target.sim.reset_stats()
    created = assert_ok(target.play(play, diff=True), "phone")
    # create (name with it) + one update (zone differs from the new row's default) + one link + one reboot
    assert writes(target) == {"create/phone": 1, "update/phone": 1, "link/user": 1, "reboot/phone": 1}
    assert created["summary"]["created"] == 1 and created["pushed"] == [MAC]
    assert created["diff"] == predicted["diff"] and created["phone"] == predicted["phone"]
    held = rb.phone(target.sim, TENANT, MAC)
    assert held["model"] == "snom320" and port(held, 0)["description"] == "Reception"
    assert port(held, 0)["zone"] == "Europe/London" and port(held, 0)["extensions"] == ["101"]
    assert rb.reboots(target.sim) == {MAC: 1}

    target.sim.reset_stats()
    rerun = assert_ok(target.play(play), "phone")
    assert rerun["changed"] is False and rerun["pushed"] == []
    assert target.writes() == 0, target.routes()
    # the listing, the rows of the named phone, the owners and each owner's links; no model check
    assert reads(target) == {"active/phone": 1, "read/phone": 1, "read/extension": 1, "readlink/user": 2}
    assert rb.reboots(target.sim) == {MAC: 1}

    # One field: one update of the one port row, one reboot.
    target.sim.reset_stats()
    changed = [task("phone", **with_(args, zone="Europe/Paris"))]
    check = assert_ok(target.play(changed, check=True, diff=True), "phone")
    assert target.writes() == 0 and check["would_push"] == [MAC]
    assert views(check) == ({"mac": MAC, "model": "snom320", "description": "Reception", "zone": "Europe/London",
                             "extensions": ["101"]},
                            {"mac": MAC, "model": "snom320", "description": "Reception", "zone": "Europe/Paris",
                             "extensions": ["101"]})
    target.sim.reset_stats()
    real = assert_ok(target.play(changed, diff=True), "phone")
    assert writes(target) == {"update/phone": 1, "reboot/phone": 1}
    assert real["diff"] == check["diff"] and real["phone"] == check["phone"]
    assert port(rb.phone(target.sim, TENANT, MAC), 0)["zone"] == "Europe/Paris"
    assert rb.reboots(target.sim) == {MAC: 2}

    # The extension moves: unlink the old owner, link the new one (two link calls, nothing else).
    target.sim.reset_stats()
    moved = assert_ok(target.play([task("phone", mac=MAC, extensions=["102"])], diff=True), "phone")
    assert writes(target) == {"link/user": 2}
    assert views(moved) == ({"mac": MAC, "extensions": ["101"]}, {"mac": MAC, "extensions": ["102"]})
    assert port(rb.phone(target.sim, TENANT, MAC), 0)["extensions"] == ["102"]

    # Delete: one delete call; check mode first predicts it.
    target.sim.reset_stats()
    gone = [task("phone", mac=MAC, state="absent")]
    check = assert_ok(target.play(gone, check=True, diff=True), "phone")
    assert check["changed"] is True and target.writes() == 0
    assert views(check)[1] == {} and views(check)[0]["model"] == "snom320"
    deleted = assert_ok(target.play(gone), "phone")
    assert deleted["summary"]["deleted"] == 1 and writes(target) == {"delete/phone": 1}
    assert rb.phone(target.sim, TENANT, MAC) is None
    target.sim.reset_stats()
    assert assert_ok(target.play(gone), "phone")["changed"] is False and target.writes() == 0


def test_multi_port_phone(target):
    """An spa8000 (8 ports): per-port names and extensions; one port changed is one update."""
    people(target, "201", "202", "203")
    ip = {"address": "192.0.2.10/24", "dns1": "192.0.2.53", "dns2": "192.0.2.54", "gateway": "192.0.2.1",
          "domain": "acme.example"}
    args = dict(mac=SPA, model="spa8000", description="Fax ATA", qualify=True, extensions=["201", "", "202"],
                ports=[{"port": 1, "description": "Door"}, {"port": 7, "description": "Lift", "extension": "203"}])
    play = [task("ata", **args)]
    predicted = assert_ok(target.play(play, check=True, diff=True), "ata")
    assert target.writes() == 0 and predicted["changed"] is True
    target.sim.reset_stats()
    created = assert_ok(target.play(play, diff=True), "ata")
    assert created["phone"] == predicted["phone"] and created["diff"] == predicted["diff"]
    # create names all 8 ports; qualify differs on every port (8 updates, ports 1 and 7 with their names
    # in the same call); one link per owner
    assert writes(target) == {"create/phone": 1, "update/phone": 8, "link/user": 3}, target.routes()
    held = rb.phone(target.sim, TENANT, SPA)
    assert [p["description"] for p in held["ports"]] == ["Fax ATA", "Door"] + ["Fax ATA"] * 5 + ["Lift"]
    assert [p["extensions"] for p in held["ports"]] == [["201"], [], ["202"], [], [], [], [], ["203"]]
    assert all(p["qualify"] is True for p in held["ports"])

    target.sim.reset_stats()
    assert assert_ok(target.play(play), "ata")["changed"] is False and target.writes() == 0

    # One port's name: one update of that row only.
    target.sim.reset_stats()
    one = with_(args, ports=[{"port": 1, "description": "Back door"},
                             {"port": 7, "description": "Lift", "extension": "203"}])
    r = assert_ok(target.play([task("ata", **one)], diff=True), "ata")
    assert r["summary"]["updated"] == 1 and writes(target) == {"update/phone": 1}
    assert [p["description"] for p in rb.phone(target.sim, TENANT, SPA)["ports"]][:2] == ["Fax ATA", "Back door"]

    # static_ip: one field given, all five ip_* sent together on every port (one update per row).
    target.sim.reset_stats()
    r = assert_ok(target.play([task("ata", mac=SPA, static_ip=ip)]), "ata")
    assert writes(target) == {"update/phone": 8}
    assert all(p["static_ip"] == ip for p in rb.phone(target.sim, TENANT, SPA)["ports"])
    target.sim.reset_stats()
    r = assert_ok(target.play([task("ata", mac=SPA, static_ip={"gateway": "192.0.2.254"})], diff=True), "ata")
    assert writes(target) == {"update/phone": 8}, target.routes()
    assert views(r) == ({"mac": SPA, "static_ip": {"gateway": "192.0.2.1"}},
                        {"mac": SPA, "static_ip": {"gateway": "192.0.2.254"}})
    assert all(p["static_ip"] == dict(ip, gateway="192.0.2.254") for p in rb.phone(target.sim, TENANT, SPA)["ports"])

    # 202 moves from port 2 to port 1 (one link call: unlink + link), and the ports after the list have none,
    # so 203 leaves port 7 (one more call, for its owner).
    target.sim.reset_stats()
    r = assert_ok(target.play([task("ata", mac=SPA, extensions=["201", "202"])], diff=True), "ata")
    assert writes(target) == {"link/user": 2}, target.routes()
    assert views(r) == ({"mac": SPA, "extensions": ["201", "", "202", "", "", "", "", "203"]},
                        {"mac": SPA, "extensions": ["201", "202"]})
    assert [p["extensions"] for p in rb.phone(target.sim, TENANT, SPA)["ports"]] == [["201"], ["202"]] + [[]] * 6

    # More extensions than ports: refused before any write.
    target.sim.reset_stats()
    r = target.play([task("ata", mac=SPA, extensions=["201"] * 9)])
    assert_failed(r, "ata", SPA, "9 extensions", "8 ports")
    assert target.writes() == 0


def test_ports_a_new_phone_lacks(target):
    """readtypes gives no port count: a create naming a port the type lacks fails once the rows exist."""
    play = [task("desk", mac=MAC, model="snom320", description="Desk", ports=[{"port": 5, "description": "x"}])]
    check = assert_ok(target.play(play, check=True), "desk")
    assert check["summary"]["created"] == 1
    r = target.play(play)
    failed = assert_failed(r, "desk", MAC, "ports names port 5, but the phone has ports 0", "the phone was created",
                           "run it again")
    assert failed["partial"] == [MAC] and writes(target) == {"create/phone": 1}
    # Now that it exists, the same task fails while planning, with nothing written.
    target.sim.reset_stats()
    for check in (True, False):
        assert_failed(target.play(play, check=check), "desk", "ports names port 5, but the phone has ports 0")
    assert target.writes() == 0


def test_model_change_reshapes_the_ports(target):
    """phone_type from an 8-port to a 2-port type: an update, then the new rows get the task's values."""
    people(target, "201")
    assert_ok(target.play([task("ata", mac=SPA, model="snom320", description="Desk", zone="Europe/Paris")]), "ata")
    target.sim.reset_stats()
    play = [task("ata", mac=SPA, model="spa2102", description="Desk", zone="Europe/Paris",
                 extensions=["", "201"])]
    check = assert_ok(target.play(play, check=True), "ata")
    assert check["summary"]["updated"] == 1 and target.writes() == 0
    r = assert_ok(target.play(play), "ata")
    assert r["summary"]["updated"] == 1
    # phone_type on port 0, then the new port 1 gets the name and the zone, and its extension
    assert writes(target) == {"update/phone": 2, "link/user": 1}, target.routes()
    held = rb.phone(target.sim, TENANT, SPA)
    assert held["model"] == "spa2102" and len(held["ports"]) == 2
    assert [(p["description"], p["zone"], p["extensions"]) for p in held["ports"]] == [
        ("Desk", "Europe/Paris", []), ("Desk", "Europe/Paris", ["201"])]
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "ata")["changed"] is False and target.writes() == 0


def test_adopting_and_demoting_inactive_phones(target):
    people(target, "101")
    target.sim.fixtures("ipcortex", "inactive_phones", [{"mac": MAC, "phone_type": "yealinkT46"},
                                                        {"mac": SPA, "phone_type": "spa8000"}])
    target.sim.reset_stats()
    play = [task("adopt", mac=MAC, description="Sales", extensions=["101"])]
    check = assert_ok(target.play(play, check=True), "adopt")
    assert check["summary"]["created"] == 1 and target.writes() == 0
    target.sim.reset_stats()
    r = assert_ok(target.play(play), "adopt")
    assert r["summary"]["created"] == 1 and r["phone"] == check["phone"]
    # promoted, not created; the promoted rows read once; the name written; the owner linked
    assert writes(target) == {"promote/phone": 1, "update/phone": 1, "link/user": 1}, target.routes()
    held = rb.phone(target.sim, TENANT, MAC)
    assert held["model"] == "yealinkT46" and port(held, 0)["description"] == "Sales"
    assert port(held, 0)["extensions"] == ["101"]
    assert [row["phoneid"][:12] for row in rb.inactive(target.sim)] == [SPA] * 8
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "adopt")["changed"] is False and target.writes() == 0

    # Deleting a phone that waits in the inactive list demotes it.
    target.sim.reset_stats()
    gone = [task("gone", mac=SPA, state="absent")]
    check = assert_ok(target.play(gone, check=True), "gone")
    assert check["summary"]["deleted"] == 1 and target.writes() == 0
    r = assert_ok(target.play(gone), "gone")
    assert r["summary"]["deleted"] == 1 and writes(target) == {"demote/phone": 1}
    assert rb.inactive(target.sim) == []
    target.sim.reset_stats()
    assert assert_ok(target.play(gone), "gone")["changed"] is False and target.writes() == 0


@pytest.mark.parametrize("args, words", [
    (dict(mac="0004f2a1b2cz", model="snom320"), ["is not a MAC address"]),
    (dict(mac=MAC, model="snom321"), ["snom321", "not an IPCortex phone type", "close matches", "snom320"]),
    (dict(mac=MAC), ["model is required"]),
    (dict(mac=MAC, model="snom320", extensions=["999"]), ["extension 999 does not exist in company acme"]),
    (dict(mac=MAC, model="snom320", extensions=["301"]), ["extension 301 has no owner", "link"]),
    (dict(mac=MAC, model="snom320", zone="Mars/Olympus"), ["zone", "Mars/Olympus", "Europe/London"]),
    (dict(mac=MAC, model="snom320", static_ip={"address": "192.0.2.10"}), ["static_ip.address", "mask"]),
    (dict(mac=MAC, model="snom320", web_password="Web-Secret-77"), ["web_password", "cannot be managed on IPCortex"]),
    (dict(mac=MAC, model="snom320", extensions=["101"], ports=[{"port": 0, "extension": "101"}]),
     ["port 0", "both"]),
])
def test_bad_input_fails_clearly_with_nothing_written(target, args, words):
    people(target, "101")
    people(target, "301", owner=False)
    for check in (True, False):
        r = target.play([task("bad", **args)], check=check)
        assert_failed(r, "bad", *words)
    assert target.writes() == 0, target.routes()
    assert rb.phone(target.sim, TENANT, MAC) is None


def test_a_mac_of_another_company_is_refused(target):
    target.sim.fixtures("ipcortex", "companies", [{"name": "globex"}])
    target.sim.fixtures("ipcortex", "phones", [{"mac": MAC, "phone_type": "snom320", "company": "globex"}])
    target.sim.reset_stats()
    for check in (True, False):
        assert_failed(target.play([task("other", mac=MAC, model="snom320")], check=check), "other",
                      MAC, "company 'globex'")
    assert target.writes() == 0
    assert rb.rows(target.sim, MAC)[0]["company"] == "globex"


def macs(count, start=0):
    return ["0004f2%06x" % (start + n) for n in range(count)]


def test_purge_stays_within_the_company(target):
    target.sim.fixtures("ipcortex", "companies", [{"name": "globex"}])
    keep, drop = macs(2)
    target.sim.fixtures("ipcortex", "phones", [{"mac": keep, "phone_type": "snom320", "company": TENANT},
                                               {"mac": drop, "phone_type": "spa8000", "company": TENANT},
                                               {"mac": MAC, "phone_type": "snom320", "company": "globex"}])
    target.sim.fixtures("ipcortex", "inactive_phones", [{"mac": SPA, "phone_type": "snom320"}])
    target.sim.reset_stats()
    play = [{"name": "purge", MODULE: {"phones": [{"mac": keep, "model": "snom320"}], "purge": True}}]
    check = assert_ok(target.play(play, check=True, diff=True), "purge")
    assert check["summary"]["deleted"] == 1 and target.writes() == 0
    assert [(o["mac"], o["action"]) for o in check["objects"]] == [(drop, "deleted")]
    r = assert_ok(target.play(play, diff=True), "purge")
    assert r["objects"] == check["objects"] and writes(target) == {"delete/phone": 1}
    assert rb.rows(target.sim, drop) == [] and rb.rows(target.sim, keep)
    assert rb.rows(target.sim, MAC)[0]["company"] == "globex" and len(rb.inactive(target.sim)) == 1
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "purge")["changed"] is False and target.writes() == 0


def test_a_list_of_500_phones(target):
    items = [{"mac": mac, "model": "yealinkT46", "description": "Desk %d" % n} for n, mac in enumerate(macs(500))]
    play = [{"name": "bulk", MODULE: {"phones": items}}]
    check = assert_ok(target.play(play, check=True), "bulk")
    assert check["summary"]["created"] == 500 and target.writes() == 0
    target.sim.reset_stats()
    created = assert_ok(target.play(play), "bulk")
    assert created["summary"]["created"] == 500
    # PLATFORM_NOTES: one create per phone (the name goes with it); one listing, one inactive listing and
    # one readtypes per run
    assert writes(target) == {"create/phone": 500}
    assert reads(target) == {"active/phone": 1, "inactive/phone": 1, "readtypes/phone": 1}
    assert len(rb.active(target.sim, TENANT)) == 500
    target.sim.reset_stats()
    rerun = assert_ok(target.play(play), "bulk")
    assert rerun["changed"] is False and rerun["summary"]["unchanged"] == 500
    # description is in the port rows: one read per named phone, nothing written
    assert target.writes() == 0 and reads(target) == {"active/phone": 1, "read/phone": 500}
    target.sim.reset_stats()
    models_only = [{"name": "bulk", MODULE: {"phones": [{"mac": i["mac"], "model": i["model"]} for i in items]}}]
    assert assert_ok(target.play(models_only), "bulk")["changed"] is False
    assert target.writes() == 0 and reads(target) == {"active/phone": 1}


def test_push_only_changed_phones_once_each_never_in_check_mode(target):
    three = macs(3)
    items = [{"mac": mac, "model": "snom320", "zone": "Europe/London"} for mac in three]
    assert_ok(target.play([{"name": "make", MODULE: {"phones": items}}]), "make")
    assert rb.reboots(target.sim) == {}
    target.sim.reset_stats()
    items[1]["zone"] = "Europe/Paris"
    play = [{"name": "push", MODULE: {"phones": items, "push_config": "changed"}}]
    check = assert_ok(target.play(play, check=True), "push")
    assert check["would_push"] == [three[1]] and "pushed" not in check
    assert target.writes() == 0 and rb.reboots(target.sim) == {}
    r = assert_ok(target.play(play), "push")
    assert r["pushed"] == [three[1]] and writes(target) == {"update/phone": 1, "reboot/phone": 1}
    assert rb.reboots(target.sim) == {three[1]: 1}
    target.sim.reset_stats()
    r = assert_ok(target.play(play), "push")
    assert r["changed"] is False and r["pushed"] == [] and target.writes() == 0
    assert rb.reboots(target.sim) == {three[1]: 1}
    # always: every named phone, once each
    play = [{"name": "push", MODULE: {"phones": items, "push_config": "always"}}]
    check = assert_ok(target.play(play, check=True), "push")
    assert sorted(check["would_push"]) == three and target.writes() == 0
    r = assert_ok(target.play(play), "push")
    assert sorted(r["pushed"]) == three and writes(target) == {"reboot/phone": 3}
    assert rb.reboots(target.sim) == {three[0]: 1, three[1]: 2, three[2]: 1}


def test_pbx_info_round_trip(target):
    people(target, "201", "202")
    target.sim.fixtures("ipcortex", "inactive_phones",
                        [{"mac": MAC, "phone_type": "yealinkT46", "created": 1700000000}])
    ip = {"address": "192.0.2.10/24", "dns1": "192.0.2.53", "dns2": "", "gateway": "192.0.2.1", "domain": ""}
    phones = [{"mac": SPA, "model": "spa8000", "description": "ATA", "extensions": ["201", "", "202"],
               "ports": [{"port": 3, "description": "Lift"}], "barge": 3, "static_ip": ip},
              {"mac": macs(1)[0], "model": "snom320", "description": "Desk", "zone": "Europe/Paris",
               "can_hotdesk": True, "call_group": "4", "codec_list": "g722,alaw"}]
    assert_ok(target.play([{"name": "make", MODULE: {"phones": phones}}]), "make")
    target.sim.reset_stats()
    info = assert_ok(target.play([{"name": "info", INFO: {
        "gather": ["phones", "phone_models", "unprovisioned_phones"]}}], check=True), "info")
    assert target.writes() == 0
    got = dict((p["mac"], p) for p in info["phones"])
    assert sorted(got) == sorted(p["mac"] for p in phones)
    for want in phones:
        for key, value in want.items():
            assert got[want["mac"]][key] == value, (key, got[want["mac"]])
    assert got[SPA]["ports"] == [{"port": 3, "description": "Lift"}]
    assert {"model": "spa8000", "group": "cisco", "label": "Cisco SPA8000"} in info["phone_models"]
    assert len(info["phone_models"]) > 300
    assert info["unprovisioned_phones"] == [{"mac": MAC, "model": "yealinkT46", "description": "Yealink T46",
                                             "created": 1700000000}]
    target.sim.reset_stats()
    back = assert_ok(target.play([{"name": "back", MODULE: {"phones": info["phones"], "purge": True}}]), "back")
    assert back["changed"] is False and target.writes() == 0, target.routes()
    # The adopted phone leaves the inactive list and shows up in the tenant's phones.
    adopt = [{"mac": p["mac"], "model": p["model"]} for p in info["unprovisioned_phones"]]
    assert_ok(target.play([{"name": "adopt", MODULE: {"phones": adopt}}]), "adopt")
    assert rb.inactive(target.sim) == [] and rb.phone(target.sim, TENANT, MAC)["model"] == "yealinkT46"


def test_nothing_secret_in_verbose_output(target):
    """IPCortex phones have no password option; the API key, the owners' passwords and anything Ansible would
    have to mask (a secret that reached the result) stay out of -vvv --diff output."""
    target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": "101", "company": TENANT}])
    target.sim.fixtures("ipcortex", "users", [{"uname": "u101", "company": TENANT, "owned_extension": "101",
                                               "password": "Owner-Secret-101"}])
    key = target.connection["api_key"]
    play = [task("phone", mac=MAC, model="snom320", extensions=["101"], push_config="changed")]
    r = target.play(play, diff=True, verbosity=3)
    assert_ok(r, "phone")
    info = target.play([{"name": "info", INFO: {"gather": ["phones", "unprovisioned_phones"]}}], diff=True,
                       verbosity=3)
    assert_ok(info, "info")
    for output in (r.output, info.output):
        assert MAC in output
        for secret in (key, "Owner-Secret-101"):
            assert secret not in output
        # Ansible's masks (eight stars; the play banners have longer runs) mean a secret reached the result.
        assert not re.search(r"(^|[^*])\*{8}([^*]|$)", output, re.M)
    for result in (r["phone"], info["info"]):
        texts = strings(dict((k, v) for k, v in result.items() if k != "invocation"))
        assert MAC in " ".join(texts)
        assert not [t for t in texts if "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in t or "********" in t], texts


def strings(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_company_admin_without_default_rights_is_told_why(target):
    """Listing phones is a provisioning call: it needs rights on 'default' too (seed 001)."""
    key = "acme-admin-key-0123456789abcdef"
    target.sim.fixtures("ipcortex", "users", [{"uname": "boss", "company": TENANT, "admin_company": [TENANT],
                                               "api_key": key}])
    target.sim.reset_stats()
    r = target.play([task("phone", mac=MAC, model="snom320")], connection=dict(target.connection, api_key=key))
    assert_failed(r, "phone", "Permission denied", "Company-Admin rights on the company and on 'default'")
    assert target.writes() == 0


def test_a_company_that_does_not_exist_fails_before_any_write(target):
    for check in (True, False):
        r = target.play([task("phone", mac=MAC, model="snom320")], check=check,
                        connection=dict(target.connection, tenant="acmee"))
        assert_failed(r, "phone", "company 'acmee' does not exist")
    assert target.writes() == 0 and "POST dialplan/active/phone" not in target.routes()
