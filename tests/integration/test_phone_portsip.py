"""pbx_phone (and pbx_info for phones) on PortSIP, end to end: real ansible-playbook runs against the
simulator, asserting on results, on the simulator's request counts and on what PortSIP holds
afterwards, read back through its own API (tests/readback_phones_portsip.py)."""

import json
import time

import pytest

import readback_phones_portsip as readback
from playbook import assert_failed, assert_ok, assert_predicted
from samples import TENANT, ext

MODULE = "pbxops.pbx.pbx_phone"
MAC = "0C:38:3E:63:FE:E8"
KEY = "0c383e63fee8"
DECT_MAC = "cc-5e-f8-41-b7-94"
DECT_KEY = "cc5ef841b794"
# What every PortSIP phone task reads before planning (PLATFORM_NOTES): the login, the tenant listing
# and switch (system admin), the tenant's phone inventory and DECT bases, the sign-out.
LISTING = {"POST /api/auth/sign_in": 1, "GET /api/tenants": 1, "POST /api/tenants/switch": 1, "GET /api/phones": 1,
           "GET /api/dect_phones": 1, "POST /api/auth/sign_out": 1}
# A create also reads the catalogues once, the tenant's users (100 per page) and the template's profile.
CATALOGUE = {"GET /api/phone_models": 1, "GET /api/dect_phone_models": 1}


@pytest.fixture
def platform():
    return "portsip"


def task(title, **args):
    return {"name": title, MODULE: args}


def calls(target):
    """route -> number of requests (reads, writes and logins) since the last reset."""
    return dict((route, c["reads"] + c["writes"] + c["logins"]) for route, c in target.routes().items()
                if c["reads"] + c["writes"] + c["logins"])


def writes(target):
    return dict((route, c["writes"]) for route, c in target.routes().items() if c["writes"])


def users(target, *numbers):
    target.sim.fixtures("portsip", "users", [{"tenant": TENANT, "extension_number": n} for n in numbers])
    target.sim.reset_stats()


def holds(mac, predicted, target):
    """What the (check-mode) result said, compared with what PortSIP holds."""
    actual = readback.phone(target.sim, TENANT, mac)
    assert actual is not None, "phone %s is not on the PBX" % mac
    wrong = dict((k, (v, actual.get(k))) for k, v in predicted.items() if k != "web_password" and actual.get(k) != v)
    assert not wrong, wrong
    return actual


# -- the single form: create with the profile's defaults, rerun, one-field change, delete ------------------------
def test_phone_lifecycle(target):
    users(target, "101")
    create = [task("phone", mac=MAC, model="V62 Pro", extensions=["101"])]

    predicted = assert_ok(target.play(create, check=True, diff=True), "phone")
    assert predicted["changed"] is True and target.writes() == 0, target.routes()
    assert json.loads(predicted["diff"]["before"]) == {}
    assert json.loads(predicted["diff"]["after"]) == {"mac": KEY, "model": "V62 Pro", "extensions": ["101"]}
    assert readback.phone(target.sim, TENANT, KEY) is None

    target.sim.reset_stats()
    created = assert_ok(target.play(create, diff=True), "phone")
    assert created["summary"] == {"created": 1, "updated": 0, "deleted": 0, "replaced": 0, "unchanged": 0}
    assert created["phone"] == predicted["phone"] and created["diff"] == predicted["diff"]
    expected = dict(LISTING, **CATALOGUE)
    expected.update({"GET /api/users": 1, "GET /api/phone_models/{filename}": 1, "POST /api/users/{id}/phones": 1})
    assert calls(target) == expected
    held = holds(KEY, predicted["phone"], target)
    # Every required field the task left out comes from fanvil.ph.xml's profile (PLATFORM_NOTES).
    assert held == {"mac": KEY, "model": "V62 Pro", "template": "fanvil.ph.xml", "vendor": "Fanvil",
                    "extensions": ["101"], "language": "ENGLISH", "transfer": "BLIND", "timezone": "GMT, London",
                    "codecs": ["PCMU", "PCMA", "G729", "G722"], "interface": "WEB_DOMAIN", "transport": "UDP",
                    "dect": False}

    target.sim.reset_stats()
    rerun = assert_ok(target.play(create), "phone")
    assert rerun["changed"] is False and calls(target) == LISTING, "a rerun only lists: %s" % calls(target)

    change = [task("phone", mac=MAC, model="V62 Pro", extensions=["101"], language="GERMAN")]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(change, check=True, diff=True), "phone")
    assert predicted["changed"] is True and target.writes() == 0
    assert json.loads(predicted["diff"]["before"])["language"] == "ENGLISH"
    assert json.loads(predicted["diff"]["after"])["language"] == "GERMAN"
    target.sim.reset_stats()
    updated = assert_ok(target.play(change, diff=True), "phone")
    assert updated["summary"]["updated"] == 1 and updated["diff"] == predicted["diff"]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}": 1}, target.routes()
    holds(KEY, predicted["phone"], target)
    assert readback.phone(target.sim, TENANT, KEY)["timezone"] == "GMT, London", "only the changed field is sent"

    remove = [task("phone", mac=MAC, state="absent")]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(remove, check=True, diff=True), "phone")
    assert predicted["changed"] is True and target.writes() == 0
    assert json.loads(predicted["diff"]["after"]) == {}
    removed = assert_ok(target.play(remove, diff=True), "phone")
    assert removed["diff"] == predicted["diff"]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}/destroy": 1}, target.routes()
    assert readback.phone(target.sim, TENANT, KEY) is None
    target.sim.reset_stats()
    again = assert_ok(target.play(remove), "phone")
    assert again["changed"] is False and target.writes() == 0


# -- replacements ----------------------------------------------------------------------------------------
def test_model_change_replaces_the_phone(target):
    users(target, "101")
    assert_ok(target.play([task("p", mac=MAC, model="V62 Pro", extensions=["101"], timezone="GMT, Dublin")]), "p")
    change = [task("p", phones=[{"mac": MAC, "model": "V65", "extensions": ["101"]}])]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(change, check=True, diff=True), "p")
    assert target.writes() == 0
    assert predicted["summary"]["replaced"] == 1 and predicted["objects"][0]["action"] == "replaced"
    target.sim.reset_stats()
    replaced = assert_ok(target.play(change, diff=True), "p")
    assert replaced["objects"] == predicted["objects"] and replaced["summary"] == predicted["summary"]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}/destroy": 1, "POST /api/users/{id}/phones": 1}
    held = holds(KEY, {"model": "V65", "extensions": ["101"]}, target)
    assert held["timezone"] == "GMT, Dublin", "the replacement keeps the settings of the same template"
    target.sim.reset_stats()
    assert assert_ok(target.play(change), "p")["changed"] is False and target.writes() == 0


def test_owner_change_replaces_the_phone(target):
    users(target, "101", "102")
    assert_ok(target.play([task("p", mac=MAC, model="V62 Pro", extensions=["101"], language="FRENCH")]), "p")
    move = [task("p", mac=MAC, extensions=["102"])]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(move, check=True), "p")
    assert predicted["summary"]["replaced"] == 1 and target.writes() == 0
    target.sim.reset_stats()
    moved = assert_ok(target.play(move), "p")
    assert moved["summary"] == predicted["summary"]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}/destroy": 1, "POST /api/users/{id}/phones": 1}
    held = holds(KEY, {"extensions": ["102"], "model": "V62 Pro"}, target)
    assert held["language"] == "FRENCH"


def test_a_phone_replaced_by_a_dect_base_and_a_dect_model_change(target):
    users(target, "101", "102")
    assert_ok(target.play([task("p", mac=MAC, model="V62 Pro", extensions=["101"])]), "p")
    base = {"mac": MAC, "model": "SIP-W60B", "description": "Desk", "extensions": ["102", "101"]}
    to_dect = [task("p", phones=[base])]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(to_dect, check=True), "p")
    assert predicted["summary"]["replaced"] == 1 and target.writes() == 0
    assert_ok(target.play(to_dect), "p")
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}/destroy": 1, "POST /api/dect_phones": 1,
                              "POST /api/dect_phones/{id}/members": 1}
    holds(KEY, {"model": "SIP-W60B", "description": "Desk", "extensions": ["102", "101"], "dect": True}, target)
    # A new DECT model: the base is created again with its name and handsets.
    newer = [task("p", phones=[{"mac": MAC, "model": "SIP-W70B"}])]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(newer, check=True), "p")
    assert predicted["objects"][0]["action"] == "replaced" and target.writes() == 0
    assert_ok(target.play(newer), "p")
    assert writes(target) == {"POST /api/dect_phones/{id}/destroy": 1, "POST /api/dect_phones": 1,
                              "POST /api/dect_phones/{id}/members": 1}
    holds(KEY, {"model": "SIP-W70B", "template": "yealinkW70B.dect.xml", "description": "Desk",
                "extensions": ["102", "101"]}, target)


# -- bad input: refused while planning, nothing written ----------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    ({"mac": "0c:38:3e:63:fe", "model": "V62 Pro", "extensions": ["101"]}, ["not a MAC address"]),
    ({"mac": MAC, "model": "V62 Pr0", "extensions": ["101"]}, ["no phone or DECT model 'V62 Pr0'", "V62 Pro"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["999"]}, ["extension 999 does not exist", "pbx_extension"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "timezone": "Mars/Olympus"},
     ["timezone 'Mars/Olympus' is not offered by PortSIP template fanvil.ph.xml", "GMT, London"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "codecs": ["PCMU", "OPUS"]}, ["codecs 'OPUS'"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "api_fields": {"backlight": "forever"}},
     ["backlight 'forever' is not offered"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101", "102"]}, ["exactly one user"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "tone": "Germany"}, ["tone applies only to", "DECT"]),
    ({"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "api_fields": {"filename": "x"}}, ["api_fields filename"]),
    ({"mac": MAC, "extensions": ["101"]}, ["needs model"]),
    ({"mac": MAC, "model": "V62 Pro", "template": "yealinkT4x.ph.xml", "extensions": ["101"]},
     ["not in template 'yealinkT4x.ph.xml'", "fanvil.ph.xml"]),
    ({"mac": DECT_MAC, "model": "SIP-W60B", "extensions": ["101"]}, ["needs the DECT base's name"]),
    ({"mac": DECT_MAC, "model": "SIP-W60B", "description": "Desk", "transfer": "BLIND"}, ["transfer applies only"]),
    ({"mac": DECT_MAC, "model": "SIP-W60B", "description": "Desk", "extensions": [str(n) for n in range(101, 110)]},
     ["at most 8 handsets"]),
    ({"mac": DECT_MAC, "model": "SIP-W60B", "description": "Desk", "push_config": "changed"},
     ["no API to re-provision a DECT base"]),
])
def test_bad_input_fails_before_any_write(target, args, words):
    users(target, "101", "102", "103", "104", "105", "106", "107", "108", "109")
    for check in (True, False):
        result = target.play([task("p", **args)], check=check)
        # An extension that does not exist (yet) may be created by an earlier task: check mode warns and predicts.
        (assert_predicted if check and args.get("extensions") == ["999"] else assert_failed)(result, "p", *words)
        assert target.writes() == 0, target.routes()
    assert readback.phones(target.sim, TENANT) == {}


def test_a_change_outside_the_profile_is_refused(target):
    users(target, "101")
    assert_ok(target.play([task("p", mac=MAC, model="V62 Pro", extensions=["101"])]), "p")
    target.sim.reset_stats()
    result = target.play([task("p", mac=MAC, language="KLINGON")])
    assert_failed(result, "p", "language 'KLINGON' is not offered", "ENGLISH")
    assert target.writes() == 0


def test_a_missing_tenant_fails_before_any_write(target):
    users(target, "101")
    result = target.play([task("p", mac=MAC, model="V62 Pro", extensions=["101"])],
                         connection=dict(target.connection, tenant="nowhere"))
    assert_failed(result, "p", "tenant 'nowhere' not found")
    assert target.writes() == 0


# -- secrets -------------------------------------------------------------------------------------------------
def test_passwords_land_in_their_fields_and_never_show(target):
    users(target, "101", "102")
    secret, dect_secrets = "Phone-Web-7734", ("Dect-Web-5521", "Dect-User-8812", "Dect-Eng-9943")
    play = [task("ip", mac=MAC, model="V62 Pro", extensions=["101"], web_password=secret),
            task("dect", mac=DECT_MAC, model="snomM900", description="Hall", web_password=dect_secrets[0],
                 user_password=dect_secrets[1], engineer_password=dect_secrets[2], extensions=["102"])]
    result = target.play(play, diff=True, verbosity=3)
    assert_ok(result, "ip") and assert_ok(result, "dect")
    for value in (secret,) + dect_secrets:
        assert value not in result.output
    assert readback.phone(target.sim, TENANT, KEY, raw=True)["raw"]["password"] == secret
    raw = readback.phone(target.sim, TENANT, DECT_KEY, raw=True)["raw"]
    assert (raw["password"], raw["user_password"], raw["engineer_password"]) == dect_secrets
    # Rerun: never compared (on_create); always: written again, one write, still masked.
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "ip")["changed"] is False and target.writes() == 0
    again = target.play([task("ip", mac=MAC, web_password="Phone-Web-0001", update_password="always")],
                        diff=True, verbosity=3)
    assert assert_ok(again, "ip")["changed"] is True and "Phone-Web-0001" not in again.output
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}": 1}
    assert readback.phone(target.sim, TENANT, KEY, raw=True)["raw"]["password"] == "Phone-Web-0001"
    info = target.play([{"name": "i", "pbxops.pbx.pbx_info": {"gather": ["phones", "unprovisioned_phones"]}}],
                       verbosity=3)
    assert_ok(info, "i")
    for value in ("Phone-Web-0001",) + dect_secrets + ("135790",):
        assert value not in info.output, "pbx_info showed a secret the API returns"


# -- push ------------------------------------------------------------------------------------------------
def test_push_reprovisions_changed_phones_once_never_in_check_mode(target):
    users(target, "101", "102", "103")
    macs = ["0c383e000001", "0c383e000002", "0c383e000003"]
    phones = [{"mac": m, "model": "V62 Pro", "extensions": [n]} for m, n in zip(macs, ("101", "102", "103"))]
    play = [task("p", phones=phones, push_config="changed")]
    predicted = assert_ok(target.play(play, check=True), "p")
    assert predicted["would_push"] == macs and target.writes() == 0
    assert [readback.events(target.sim, m) for m in macs] == [(0, 0)] * 3
    created = assert_ok(target.play(play), "p")
    assert created["pushed"] == macs
    assert [readback.events(target.sim, m) for m in macs] == [(1, 0)] * 3
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "p")["pushed"] == [] and target.writes() == 0
    phones[1]["language"] = "SPANISH"
    target.sim.reset_stats()
    predicted = assert_ok(target.play(play, check=True), "p")
    assert predicted["would_push"] == [macs[1]] and target.writes() == 0
    changed = assert_ok(target.play(play), "p")
    assert changed["pushed"] == [macs[1]]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}": 1, "POST /api/phones/{mac}/reprovision": 1}
    assert [readback.events(target.sim, m) for m in macs] == [(1, 0), (2, 0), (1, 0)]


# -- DECT bases --------------------------------------------------------------------------------------------
def test_dect_base_with_handsets(target):
    users(target, "101", "102", "103")
    base = {"mac": DECT_MAC, "model": "SIP-W60B", "description": "Front desk", "extensions": ["101", "102", "103"]}
    play = [task("d", phones=[base])]
    predicted = assert_ok(target.play(play, check=True, diff=True), "d")
    assert predicted["summary"]["created"] == 1 and target.writes() == 0
    target.sim.reset_stats()
    assert_ok(target.play(play), "d")
    assert writes(target) == {"POST /api/dect_phones": 1, "POST /api/dect_phones/{id}/members": 1}
    held = holds(DECT_KEY, {"model": "SIP-W60B", "description": "Front desk", "extensions": ["101", "102", "103"]},
                 target)
    assert (held["template"], held["vendor"], held["timezone"], held["tone"]) == (
        "yealinkW60B.dect.xml", "Yealink", "GMT", "Custom"), "defaults from the DECT model's profile"
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "d")["changed"] is False and target.writes() == 0

    base["extensions"] = ["103", "101", "102"]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(play, check=True, diff=True), "d")
    assert predicted["summary"]["updated"] == 1 and target.writes() == 0
    assert predicted["objects"][0]["after"]["extensions"] == ["103", "101", "102"]
    target.sim.reset_stats()
    assert_ok(target.play(play), "d")
    assert writes(target) == {"POST /api/dect_phones/{id}/members": 1}, "reordering handsets is one write"
    holds(DECT_KEY, {"extensions": ["103", "101", "102"]}, target)
    target.sim.reset_stats()
    assert assert_ok(target.play(play), "d")["changed"] is False and target.writes() == 0

    base.update(description="Lobby", tone="Germany")
    target.sim.reset_stats()
    assert_ok(target.play(play), "d")
    assert writes(target) == {"POST /api/dect_phones/{id}": 1}
    holds(DECT_KEY, {"description": "Lobby", "tone": "Germany"}, target)

    target.sim.reset_stats()
    assert_failed(target.play([task("d", mac=DECT_MAC, tone="Atlantis")]), "d", "tone 'Atlantis'")
    assert_failed(target.play([task("d", mac=DECT_MAC, push_config="always")]), "d", "re-provision a DECT base")
    assert target.writes() == 0


# -- the list form: purge, 500 phones -------------------------------------------------------------------------
def test_purge_stays_in_the_tenant(target):
    users(target, "101", "102", "103")
    phones = [{"mac": "0c383e000001", "model": "V62 Pro", "extensions": ["101"]},
              {"mac": "0c383e000002", "model": "V62 Pro", "extensions": ["102"]},
              {"mac": DECT_MAC, "model": "SIP-W60B", "description": "Desk", "extensions": ["103"]}]
    assert_ok(target.play([task("p", phones=phones)]), "p")
    # Another tenant's phone stays whatever the purge does here.
    target.sim.fixtures("portsip", "tenants", [{"name": "other", "domain": "other.example.com"}])
    target.sim.fixtures("portsip", "users", [{"tenant": "other", "extension_number": "101"}])
    other = dict(target.connection, tenant="other")
    assert_ok(target.play([task("o", mac="0c383e0000ff", model="V62 Pro", extensions=["101"])], connection=other),
              "o")
    keep = [task("p", phones=phones[:1], purge=True)]
    target.sim.reset_stats()
    predicted = assert_ok(target.play(keep, check=True), "p")
    assert predicted["summary"]["deleted"] == 2 and target.writes() == 0
    purged = assert_ok(target.play(keep), "p")
    assert purged["summary"] == predicted["summary"]
    assert writes(target) == {"POST /api/users/{id}/phones/{phone_id}/destroy": 1,
                              "POST /api/dect_phones/{id}/destroy": 1}
    assert set(readback.phones(target.sim, TENANT)) == {"0c383e000001"}
    assert set(readback.phones(target.sim, "other")) == {"0c383e0000ff"}


def test_five_hundred_phones(target):
    numbers = [str(n) for n in range(1000, 1500)]
    target.sim.fixtures("portsip", "users", [{"tenant": TENANT, "extension_number": n} for n in numbers])
    phones = [{"mac": "0c383e%06x" % i, "model": "V62 Pro", "extensions": [n]} for i, n in enumerate(numbers)]
    play = [task("bulk", phones=phones)]
    target.sim.reset_stats()
    started = time.time()
    created = assert_ok(target.play(play), "bulk")
    took = time.time() - started
    assert created["summary"]["created"] == 500
    expected = dict(LISTING, **CATALOGUE)
    expected.update({"GET /api/users": 5, "GET /api/phone_models/{filename}": 1, "POST /api/users/{id}/phones": 500})
    assert calls(target) == expected
    assert took < 60, "500 creates took %.1fs" % took
    target.sim.reset_stats()
    rerun = assert_ok(target.play(play), "bulk")
    assert rerun["changed"] is False and rerun["summary"]["unchanged"] == 500
    assert calls(target) == LISTING, "a rerun of 500 phones is the listing alone"
    assert len(readback.phones(target.sim, TENANT)) == 500


# -- pbx_info ------------------------------------------------------------------------------------------------
def test_info_round_trip_and_catalogues(target):
    users(target, "101", "102", "103")
    target.sim.fixtures("portsip", "phones", [{"mac": "24:9a:d8:12:9d:2f", "vendor": "Yealink", "model": "SIP-T42U",
                                               "fwver": "108.86.0.164", "ip": "192.0.2.10", "tenant": TENANT}])
    assert_ok(target.play([task("p", phones=[
        {"mac": MAC, "model": "V62 Pro", "extensions": ["101"], "codecs": ["PCMA", "G722"], "language": "DUTCH"},
        {"mac": DECT_MAC, "model": "SIP-W60B", "description": "Desk", "extensions": ["103", "102"], "region": "EU"},
    ])]), "p")
    gather = {"name": "i", "pbxops.pbx.pbx_info": {"gather": ["phones", "phone_models", "unprovisioned_phones"]}}
    target.sim.reset_stats()
    info = assert_ok(target.play([gather], check=True), "i")
    assert target.writes() == 0
    by_mac = dict((p["mac"], p) for p in info["phones"])
    assert by_mac[KEY] == {"mac": KEY, "model": "V62 Pro", "template": "fanvil.ph.xml", "vendor": "Fanvil",
                           "extensions": ["101"], "language": "DUTCH", "transfer": "BLIND", "timezone": "GMT, London",
                           "codecs": ["PCMA", "G722"], "interface": "WEB_DOMAIN", "transport": "UDP"}
    assert by_mac[DECT_KEY]["extensions"] == ["103", "102"] and by_mac[DECT_KEY]["description"] == "Desk"
    assert by_mac[DECT_KEY]["region"] == "EU"
    assert info["unprovisioned_phones"] == [{"mac": "249ad8129d2f", "model": "SIP-T42U", "vendor": "Yealink",
                                             "fwver": "108.86.0.164", "ip": "192.0.2.10"}]
    models = dict((m["model"], m) for m in info["phone_models"])
    assert models["V62 Pro"] == {"model": "V62 Pro", "template": "fanvil.ph.xml", "vendor": "Fanvil",
                                 "label": "Fanvil V62 Pro", "dect": False}
    assert models["SIP-W60B"] == {"model": "SIP-W60B", "template": "yealinkW60B.dect.xml", "vendor": "Yealink",
                                  "label": "Yealink W60B", "dect": True, "handsets": 8}

    target.sim.reset_stats()
    back = assert_ok(target.play([task("p", phones=info["phones"])]), "p")
    assert back["changed"] is False and back["summary"]["unchanged"] == 2 and target.writes() == 0
    # The unprovisioned phone is adopted by assigning it.
    adopt = dict(info["unprovisioned_phones"][0])
    target.sim.reset_stats()
    adopted = assert_ok(target.play([task("a", mac=adopt["mac"], model=adopt["model"], extensions=["102"])]), "a")
    assert adopted["changed"] is True and target.writes() == 1
    assert readback.phone(target.sim, TENANT, adopt["mac"])["template"] == "yealinkT4x.ph.xml"


def test_extensions_and_phones_in_one_play(target):
    """A phone for an extension that an earlier task of the same play creates."""
    play = [{"name": "e", "pbxops.pbx.pbx_extension": ext("portsip", 101)},
            task("p", mac=MAC, model="V62 Pro", extensions=["101"])]
    result = target.play(play)
    assert_ok(result, "e") and assert_ok(result, "p")
    assert readback.phone(target.sim, TENANT, KEY)["extensions"] == ["101"]
