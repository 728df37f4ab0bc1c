"""pbx_phone and pbx_info phones on sipXcom: real ansible-playbook runs against the simulator, asserting
on results, on the simulator's request counts (per route) and on what sipXcom holds afterwards, read
through its own API (tests/readback_phones_sipxcom.py, no collection code)."""

import json

import pytest

import readback_phones_sipxcom as rb
from playbook import assert_failed as failed, assert_ok as ok, assert_predicted
from samples import TENANT

MODULE = "pbxops.pbx.pbx_phone"
INFO = "pbxops.pbx.pbx_info"
MODEL = "yealinkPhoneSIPT46S"  # 16 lines, versions yealink7X and yealink8X
MAC = "0004f2aabbcc"
PREFIX = "/sipxconfig/api"
USERS = ("101", "102", "103", "104")


@pytest.fixture
def platform():
    return "sipxcom"


@pytest.fixture
def pbx(target):
    """The target with users 101-104 in the tenant's branch and 201 in branch beta (fixtures: no requests
    counted)."""
    target.sim.fixtures("sipxcom", "branches", [{"name": "beta"}])
    target.sim.fixtures("sipxcom", "users", [
        {"userName": n, "firstName": "User", "lastName": n, "sipPassword": "Line-%s-s3cret" % n, "branch": TENANT}
        for n in USERS] + [{"userName": "201", "sipPassword": "Line-201-s3cret", "branch": "beta",
                            "aliases": ["ann"]}])
    target.sim.reset_stats()
    return target


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    """{"METHOD /route": writes} of the sipXcom requests since the last stats reset."""
    return dict((k, v["writes"]) for k, v in target.routes().items() if v["writes"])


def reads(target):
    return dict((k, v["reads"]) for k, v in target.routes().items() if v["reads"])


def with_(args, **changes):
    """args with some options replaced (dict(args, key=...) cannot repeat a key args holds)."""
    out = dict(args)
    out.update(changes)
    return out


def views(r):
    return json.loads(r["diff"]["before"]), json.loads(r["diff"]["after"])


def assert_holds(target, predicted, settings=False):
    """sipXcom holds what the (check-mode) prediction said: every option, extensions in order."""
    actual = rb.phone(target.sim, predicted["mac"], settings=settings)
    assert actual is not None, "phone %s is not on sipXcom" % predicted["mac"]
    for key, want in predicted.items():
        have = actual.get(key)
        if key == "groups":
            assert sorted(want) == have, (key, want, have)
        elif key == "settings":
            for path, value in want.items():
                meaning = {True: ("1", "true"), False: ("0", "false")}.get(value, (str(value),))
                assert have[path] in meaning, (path, value, have[path])
        else:
            assert (want or None) == (have or None), (key, want, have)
    return actual


# -- create, rerun, one-field change, delete (single form) -------------------------------------------
def test_create_rerun_change_and_delete(pbx):
    args = dict(mac="00:04:F2:AA:BB:CC", model=MODEL, device_version="yealink8X", description="Reception",
                extensions=["101", "102"], groups=["hq", "lobby"],
                settings={"server/outboundProxy": "sbc.example.com", "features/callWaiting": False})
    play = [task("phone", **args)]

    predicted = ok(pbx.play(play, check=True, diff=True), "phone")
    assert predicted["changed"] is True and pbx.writes() == 0, writes(pbx)
    assert predicted["summary"] == {"created": 1, "updated": 0, "replaced": 0, "deleted": 0, "unchanged": 0}
    before, after = views(predicted)
    assert before == {} and after["mac"] == MAC and after["extensions"] == ["101", "102"]
    assert rb.phone(pbx.sim, MAC) is None

    pbx.sim.reset_stats()
    created = ok(pbx.play(play, diff=True), "phone")
    assert created["changed"] is True
    assert created["diff"] == predicted["diff"] and created["phone"] == predicted["phone"]
    # One POST, one POST per line, one PUT per setting (PLATFORM_NOTES).
    assert writes(pbx) == {"POST %s/phones" % PREFIX: 1, "POST %s/phones/{phone}/lines" % PREFIX: 2,
                           "PUT %s/phones/{phone}/settings/{path}" % PREFIX: 2}
    assert reads(pbx) == {"GET %s/phones" % PREFIX: 1, "GET %s/users" % PREFIX: 1,
                          "GET %s/phones/models" % PREFIX: 1,
                          "GET %s/phoneGroups/{group}/model/{model}/settings" % PREFIX: 1}
    held = assert_holds(pbx, predicted["phone"], settings=True)
    assert held["settings"]["features/callWaiting"] == "0", "a 1/0 boolean is written as 0"
    assert held["extensions"] == ["101", "102"], "lines in the order given"

    pbx.sim.reset_stats()
    rerun = ok(pbx.play(play), "phone")
    assert rerun["changed"] is False and pbx.writes() == 0, writes(pbx)
    # The listing, the users (tenant) and the settings of the one phone whose settings the task sets.
    assert reads(pbx) == {"GET %s/phones" % PREFIX: 1, "GET %s/users" % PREFIX: 1,
                          "GET %s/phones/{phone}/settings" % PREFIX: 1}

    change = [task("phone", **with_(args, description="Front desk"))]
    pbx.sim.reset_stats()
    predicted = ok(pbx.play(change, check=True, diff=True), "phone")
    assert pbx.writes() == 0
    before, after = views(predicted)
    assert before["description"] == "Reception" and after["description"] == "Front desk"
    changed = ok(pbx.play(change, diff=True), "phone")
    assert changed["diff"] == predicted["diff"]
    assert writes(pbx) == {"PUT %s/phones/{phone}" % PREFIX: 1}, "a one-field change is one PUT"
    held = assert_holds(pbx, predicted["phone"], settings=True)
    assert held["device_version"] == "yealink8X", "PUT keeps the device_version the task does not change"

    remove = [task("phone", mac=MAC, state="absent")]
    pbx.sim.reset_stats()
    predicted = ok(pbx.play(remove, check=True, diff=True), "phone")
    assert predicted["changed"] and pbx.writes() == 0
    assert views(predicted)[1] == {} and views(predicted)[0]["description"] == "Front desk"
    removed = ok(pbx.play(remove, diff=True), "phone")
    assert removed["diff"] == predicted["diff"]
    assert writes(pbx) == {"DELETE %s/phones/{phone}" % PREFIX: 1}
    assert rb.phone(pbx.sim, MAC) is None
    pbx.sim.reset_stats()
    assert ok(pbx.play(remove), "phone")["changed"] is False and pbx.writes() == 0


# -- lines and groups added and removed ---------------------------------------------------------------
def test_lines_added_removed_and_reordered(pbx):
    base = dict(mac=MAC, model=MODEL, extensions=["101", "102"])
    ok(pbx.play([task("phone", **base)]), "phone")
    ids = [line["id"] for line in rb.phone(pbx.sim, MAC)["_lines"]]

    cases = [
        (["101", "102", "103"], {"POST %s/phones/{phone}/lines" % PREFIX: 1}),
        (["101", "103"], {"DELETE %s/phones/{phone}/lines/{line}" % PREFIX: 1}),
        # A reorder is remove + add: 103 stays first, 101 goes and comes back at the end.
        (["103", "101"], {"DELETE %s/phones/{phone}/lines/{line}" % PREFIX: 1,
                          "POST %s/phones/{phone}/lines" % PREFIX: 1}),
        ([], {"DELETE %s/phones/{phone}/lines/{line}" % PREFIX: 2}),
    ]
    for index, (wanted, cost) in enumerate(cases):
        play = [task("phone", **with_(base, extensions=wanted))]
        pbx.sim.reset_stats()
        if index in (0, 2):
            predicted = ok(pbx.play(play, check=True, diff=True), "phone")
            assert pbx.writes() == 0 and views(predicted)[1]["extensions"] == wanted
        ok(pbx.play(play), "phone")
        assert writes(pbx) == cost, (wanted, writes(pbx))
        assert rb.phone(pbx.sim, MAC)["extensions"] == wanted
        pbx.sim.reset_stats()
        assert ok(pbx.play(play), "phone")["changed"] is False and pbx.writes() == 0, wanted
    assert ids[0] not in [line["id"] for line in rb.phone(pbx.sim, MAC)["_lines"]]


def test_groups_added_and_removed(pbx):
    base = dict(mac=MAC, model=MODEL)
    ok(pbx.play([task("phone", **dict(base, groups=["sales-team"]))]), "phone")
    cases = [
        # Added groups go with one PUT; "sales" is part of "sales-team", which PUT would skip: its own POST.
        (["sales-team", "hq", "lab"], {"PUT %s/phones/{phone}" % PREFIX: 1}),
        (["sales-team", "hq", "lab", "sales"], {"POST %s/phones/{phone}/groups/{group}" % PREFIX: 1}),
        (["hq"], {"DELETE %s/phones/{phone}/groups/{group}" % PREFIX: 3}),
        (["lobby"], {"PUT %s/phones/{phone}" % PREFIX: 1, "DELETE %s/phones/{phone}/groups/{group}" % PREFIX: 1}),
    ]
    for index, (wanted, cost) in enumerate(cases):
        play = [task("phone", **dict(base, groups=wanted))]
        pbx.sim.reset_stats()
        if index in (1, 3):
            predicted = ok(pbx.play(play, check=True), "phone")
            assert pbx.writes() == 0 and sorted(predicted["phone"]["groups"]) == sorted(wanted)
        ok(pbx.play(play), "phone")
        assert writes(pbx) == cost, (wanted, writes(pbx))
        assert rb.phone(pbx.sim, MAC)["groups"] == sorted(wanted)
        pbx.sim.reset_stats()
        assert ok(pbx.play(play), "phone")["changed"] is False and pbx.writes() == 0, wanted
    assert "sales" in rb.phone_groups(pbx.sim), "groups the phone leaves stay on sipXcom"


# -- settings ---------------------------------------------------------------------------------------------
def test_settings_one_request_per_changed_path_and_booleans_by_meaning(pbx):
    base = dict(mac=MAC, model=MODEL)
    ok(pbx.play([task("phone", **dict(base, settings={"network/ntpServer": "ntp1.example.com"}))]), "phone")
    steps = [
        ({"network/ntpServer": "ntp2.example.com"}, 1),
        ({"network/ntpServer": "ntp2.example.com", "network/vlanId": 20, "preferences/language": "French"}, 2),
        # features/callWaiting reads back 1/0, features/autoAnswer true/false: both compare by meaning.
        ({"features/callWaiting": True, "features/autoAnswer": "yes"}, 1),
        ({"features/callWaiting": "1", "features/autoAnswer": True}, 0),
        ({"features/callWaiting": "off", "features/autoAnswer": "false"}, 2),
    ]
    for index, (settings, cost) in enumerate(steps):
        play = [task("phone", **dict(base, settings=settings))]
        pbx.sim.reset_stats()
        if index == 2:
            predicted = ok(pbx.play(play, check=True, diff=True), "phone")
            assert pbx.writes() == 0 and views(predicted)[0]["settings"] == {
                "features/callWaiting": True, "features/autoAnswer": "false"}
        ok(pbx.play(play), "phone")
        assert writes(pbx) == ({"PUT %s/phones/{phone}/settings/{path}" % PREFIX: cost} if cost else {}), settings
        pbx.sim.reset_stats()
        assert ok(pbx.play(play), "phone")["changed"] is False and pbx.writes() == 0, settings
    held = rb.phone(pbx.sim, MAC, settings=True)["settings"]
    assert held["features/callWaiting"] == "0" and held["features/autoAnswer"] == "false"
    assert held["network/vlanId"] == "20" and held["preferences/language"] == "French"


def test_a_setting_path_the_model_lacks_is_refused_before_any_write(pbx):
    ok(pbx.play([task("phone", mac=MAC, model=MODEL)]), "phone")
    for check in (True, False):
        pbx.sim.reset_stats()
        r = pbx.play([task("update", mac=MAC, settings={"server/outboundProxi": "sbc", "network/vlanId": 5}),
                      task("create", mac="0004f2000002", model=MODEL, settings={"network/ntpserver": "x"}),
                      task("enum", mac=MAC, settings={"preferences/language": "Klingon"}),
                      task("bool", mac=MAC, settings={"features/callWaiting": "maybe"})], check=check)
        failed(r, "update", "phone 0004f2aabbcc", "no setting server/outboundProxi",
               "close matches: server/outboundProxy")
        failed(r, "create", "phone 0004f2000002", "no setting network/ntpserver", "network/ntpServer")
        failed(r, "enum", "preferences/language takes one of English, French, German, Spanish")
        failed(r, "bool", "features/callWaiting is a boolean")
        assert pbx.writes() == 0, writes(pbx)
    assert rb.phone(pbx.sim, "0004f2000002") is None


# -- the all-digit MAC --------------------------------------------------------------------------------------
def test_an_all_digit_mac_is_a_mac_not_an_id(pbx):
    # Phone id 1 exists first, so a path key of 000000000001 would read it (sipXcom parses it as the id).
    ok(pbx.play([task("other", mac="0004f2000001", model=MODEL, description="Other")]), "other")
    digits = "00:00:00:00:00:01"
    play = [task("phone", mac=digits, model=MODEL, description="Digits", extensions=["101"], groups=["hq"],
                 settings={"network/vlanId": "7"})]
    created = ok(pbx.play(play), "phone")
    assert created["changed"] and created["phone"]["mac"] == "000000000001"
    held = rb.phone(pbx.sim, "000000000001", settings=True)
    assert held["_id"] != 1 and held["description"] == "Digits" and held["settings"]["network/vlanId"] == "7"
    pbx.sim.reset_stats()
    assert ok(pbx.play(play), "phone")["changed"] is False and pbx.writes() == 0

    change = [task("phone", mac=digits, description="Changed", extensions=["102"], groups=["lab"],
                   settings={"network/vlanId": "8"}, push_config="changed")]
    ok(pbx.play(change), "phone")
    held = rb.phone(pbx.sim, "000000000001", settings=True)
    assert (held["description"], held["extensions"], held["groups"], held["settings"]["network/vlanId"]) == \
        ("Changed", ["102"], ["lab"], "8")
    other = rb.phone(pbx.sim, "0004f2000001", settings=True)
    assert other["description"] == "Other" and other["extensions"] == [] and other["groups"] == []
    assert other["settings"]["network/vlanId"] is None
    assert rb.profiles_sent(pbx.sim, "000000000001") == 1 and rb.profiles_sent(pbx.sim, "0004f2000001") == 0

    ok(pbx.play([task("phone", mac=digits, state="absent")]), "phone")
    assert rb.phone(pbx.sim, "000000000001") is None and rb.phone(pbx.sim, "0004f2000001") is not None


# -- model change: a replacement --------------------------------------------------------------------------
def test_a_model_change_replaces_the_phone(pbx):
    ok(pbx.play([task("phone", mac=MAC, model="acmePhoneStandard", device_version="acmePhone1",
                      description="Desk", extensions=["101"], groups=["hq"])]), "phone")
    old_id = rb.phone(pbx.sim, MAC)["_id"]
    play = [task("phone", mac=MAC, model=MODEL, description="Desk", extensions=["101", "102"], groups=["hq"],
                 settings={"network/vlanId": "9"}, push_config="changed")]
    pbx.sim.reset_stats()
    predicted = ok(pbx.play(play, check=True, diff=True), "phone")
    assert pbx.writes() == 0, writes(pbx)
    assert predicted["summary"]["replaced"] == 1 and predicted["would_push"] == [MAC]
    before, after = views(predicted)
    assert before["model"] == "acmePhoneStandard" and after["model"] == MODEL

    replaced = ok(pbx.play(play, diff=True), "phone")
    assert replaced["summary"] == predicted["summary"] and replaced["diff"] == predicted["diff"]
    assert replaced["pushed"] == [MAC]
    assert writes(pbx) == {"DELETE %s/phones/{phone}" % PREFIX: 1, "POST %s/phones" % PREFIX: 1,
                           "POST %s/phones/{phone}/lines" % PREFIX: 2,
                           "PUT %s/phones/{phone}/settings/{path}" % PREFIX: 1,
                           "PUT %s/phones/sendProfile" % PREFIX: 1}
    held = assert_holds(pbx, predicted["phone"], settings=True)
    assert held["_id"] != old_id and held["device_version"] is None
    assert rb.profiles_sent(pbx.sim, MAC) == 1, "the new phone got its profile"
    pbx.sim.reset_stats()
    assert ok(pbx.play(play), "phone")["changed"] is False and pbx.writes() == 0


# -- bad input fails clearly, nothing written -------------------------------------------------------------
def test_bad_input_fails_before_any_write(pbx):
    ok(pbx.play([task("one line", mac="0004f2000010", model="yealinkPhoneSIPT19P", extensions=["101"])]),
       "one line")
    for check in (False, True):
        pbx.sim.reset_stats()
        r = pbx.play([
            task("bad mac", mac="0004f2aabbc", model=MODEL),
            task("unknown model", mac=MAC, model="yealinkPhoneSIPT46"),
            task("no model", mac=MAC, description="x"),
            task("no such extension", mac=MAC, model=MODEL, extensions=["101", "999"]),
            task("alias", mac=MAC, model=MODEL, extensions=["ann"]),
            task("other branch", mac=MAC, model=MODEL, extensions=["201"]),
            task("twice", mac=MAC, model=MODEL, extensions=["101", "101"]),
            task("too many lines", mac=MAC, model="yealinkPhoneSIPT19P", extensions=["101", "102"]),
            task("one more line", mac="0004f2000010", extensions=["101", "102"]),
            task("bad version", mac=MAC, model=MODEL, device_version="polycom4.1.X"),
            task("version change", mac="0004f2000010", device_version="yealink9X"),
            task("api_fields", mac=MAC, model=MODEL, api_fields={"x": 1}),
            task("ipcortex option", mac=MAC, model=MODEL, zone="Europe/London"),
        ], check=check)
        failed(r, "bad mac", "is not a MAC address")
        failed(r, "unknown model", "phone 0004f2aabbcc", "no phone model 'yealinkPhoneSIPT46'",
               "close matches: yealinkPhoneSIPT46S, yealinkPhoneSIPT46G")
        failed(r, "no model", "model is required to create a phone")
        (assert_predicted if check else failed)(r, "no such extension", "extension 999 does not exist on sipXcom",
                                                "pbx_extension")
        failed(r, "alias", "extension ann is an alias of user 201")
        failed(r, "other branch", "extension 201 is a user of branch beta, not of tenant acme")
        failed(r, "twice", "extension 101 is listed twice")
        failed(r, "too many lines", "model yealinkPhoneSIPT19P takes at most 1 line")
        failed(r, "one more line", "phone 0004f2000010", "takes at most 1 line")
        failed(r, "bad version", "device_version 'polycom4.1.X' is not a version of model %s" % MODEL,
               "yealink7X, yealink8X")
        failed(r, "version change", "device_version 'yealink9X'")
        failed(r, "api_fields", "api_fields cannot be managed on sipXcom")
        failed(r, "ipcortex option", "zone cannot be managed on sipXcom")
        assert pbx.writes() == 0, writes(pbx)
    assert rb.phone(pbx.sim, MAC) is None
    assert rb.phone(pbx.sim, "0004f2000010")["extensions"] == ["101"]


def test_tenant_scope(pbx):
    """With a tenant: phones whose lines all belong to the branch's users (or that have none)."""
    ok(pbx.play([task("beta phone", mac="0004f2000201", model=MODEL, extensions=["201"])],
                connection=dict(pbx.connection, tenant="beta")), "beta phone")
    r = pbx.play([task("outside", mac="0004f2000201", model=MODEL, description="mine now")])
    failed(r, "outside", "phone 0004f2000201 is on this sipXcom but outside tenant acme", "branch beta")
    missing = pbx.play([task("phone", mac=MAC, model=MODEL)], connection=dict(pbx.connection, tenant="nosuch"))
    failed(missing, "phone", "branch 'nosuch' does not exist")
    assert pbx.writes() == 1 + 1 + 0  # the beta phone: one POST, one line


# -- purge ---------------------------------------------------------------------------------------------------
def test_purge_stays_within_the_tenant(pbx):
    ok(pbx.play([task("beta", mac="0004f2000201", model=MODEL, extensions=["201"])],
                connection=dict(pbx.connection, tenant="beta")), "beta")
    phones = [dict(mac="0004f20000%02d" % n, model=MODEL, extensions=[USERS[n % 4]]) for n in range(1, 5)]
    phones.append(dict(mac="0004f2000099", model=MODEL))  # no lines: in every tenant
    ok(pbx.play([task("seed", phones=phones)]), "seed")

    keep = [task("purge", phones=phones[:2], purge=True)]
    pbx.sim.reset_stats()
    predicted = ok(pbx.play(keep, check=True, diff=True), "purge")
    assert pbx.writes() == 0 and predicted["summary"]["deleted"] == 3
    assert sorted(d["before_header"] for d in predicted["diff"]) == \
        ["phone 0004f2000003", "phone 0004f2000004", "phone 0004f2000099"]
    purged = ok(pbx.play(keep), "purge")
    assert purged["summary"] == predicted["summary"]
    assert writes(pbx) == {"DELETE %s/phones/{phone}" % PREFIX: 3}
    assert sorted(rb.raw_phones(pbx.sim)) == ["0004f2000001", "0004f2000002", "0004f2000201"]
    pbx.sim.reset_stats()
    assert ok(pbx.play(keep), "purge")["changed"] is False and pbx.writes() == 0

    everywhere = dict(pbx.connection, tenant=None)
    r = pbx.play([task("purge", phones=phones[:2], purge=True)], connection=everywhere)
    failed(r, "purge", "purge without tenant reaches every tenant", "1 in beta", "purge_all_tenants")
    assert pbx.writes() == 0


# -- 500 phones -----------------------------------------------------------------------------------------------
def test_a_list_of_500_phones(pbx):
    phones = [dict(mac="0004f2%06x" % n, model=MODEL, description="Desk %d" % n, extensions=[USERS[n % 4]],
                   groups=["floor%d" % (n % 5)]) for n in range(500)]
    play = [task("bulk", phones=phones)]
    pbx.sim.reset_stats()
    predicted = ok(pbx.play(play, check=True), "bulk")
    assert predicted["summary"]["created"] == 500 and pbx.writes() == 0
    pbx.sim.reset_stats()
    created = ok(pbx.play(play), "bulk")
    assert created["summary"] == predicted["summary"]
    # PLATFORM_NOTES: a create is one POST plus one POST per line; reads are the listing, the users, the models.
    assert writes(pbx) == {"POST %s/phones" % PREFIX: 500, "POST %s/phones/{phone}/lines" % PREFIX: 500}
    assert reads(pbx) == {"GET %s/phones" % PREFIX: 1, "GET %s/users" % PREFIX: 1,
                          "GET %s/phones/models" % PREFIX: 1}
    held = rb.raw_phones(pbx.sim)
    assert len(held) == 500 and held["0004f20001f3"]["lines"][0]["user"] == USERS[0x1f3 % 4]
    pbx.sim.reset_stats()
    rerun = ok(pbx.play(play), "bulk")
    assert rerun["changed"] is False and rerun["summary"]["unchanged"] == 500
    assert pbx.writes() == 0 and reads(pbx) == {"GET %s/phones" % PREFIX: 1, "GET %s/users" % PREFIX: 1}


# -- push ---------------------------------------------------------------------------------------------------------
def test_push_only_changed_phones_once_each_batched_never_in_check_mode(pbx):
    phones = [dict(mac="0004f20000%02d" % n, model=MODEL, description="Desk %d" % n) for n in range(1, 4)]
    play = [task("bulk", phones=phones, push_config="changed")]
    checked = ok(pbx.play(play, check=True), "bulk")
    assert checked["would_push"] == [p["mac"] for p in phones] and pbx.writes() == 0
    created = ok(pbx.play(play), "bulk")
    assert created["pushed"] == [p["mac"] for p in phones]
    assert writes(pbx)["PUT %s/phones/sendProfile" % PREFIX] == 1, "one batched sendProfile for all"
    assert [rb.profiles_sent(pbx.sim, p["mac"]) for p in phones] == [1, 1, 1]

    pbx.sim.reset_stats()
    rerun = ok(pbx.play(play), "bulk")
    assert rerun["pushed"] == [] and pbx.writes() == 0

    phones[1]["description"] = "Moved"
    play = [task("bulk", phones=phones, push_config="changed")]
    pbx.sim.reset_stats()
    checked = ok(pbx.play(play, check=True), "bulk")
    assert checked["would_push"] == ["0004f2000002"] and pbx.writes() == 0
    assert [rb.profiles_sent(pbx.sim, p["mac"]) for p in phones] == [1, 1, 1], "check mode sends nothing"
    changed = ok(pbx.play(play), "bulk")
    assert changed["pushed"] == ["0004f2000002"]
    assert writes(pbx) == {"PUT %s/phones/{phone}" % PREFIX: 1, "PUT %s/phones/sendProfile" % PREFIX: 1}
    assert [rb.profiles_sent(pbx.sim, p["mac"]) for p in phones] == [1, 2, 1]

    pbx.sim.reset_stats()
    never = ok(pbx.play([task("bulk", phones=phones)]), "bulk")
    assert never["changed"] is False and "pushed" in never and never["pushed"] == [] and pbx.writes() == 0
    always = ok(pbx.play([task("bulk", phones=phones, push_config="always")]), "bulk")
    assert always["changed"] is True and always["pushed"] == [p["mac"] for p in phones]
    assert writes(pbx) == {"PUT %s/phones/sendProfile" % PREFIX: 1}
    assert [rb.profiles_sent(pbx.sim, p["mac"]) for p in phones] == [2, 3, 2]


# -- secrets --------------------------------------------------------------------------------------------------------
def test_line_passwords_never_leave_sipxcom(pbx):
    play = [task("phone", mac=MAC, model=MODEL, extensions=["101", "102"]),
            task("phones", phones=[dict(mac="0004f2000002", model=MODEL, extensions=["103"])], purge=False),
            {"name": "info", INFO: {"gather": ["phones"]}}]
    first = pbx.play(play, diff=True, verbosity=3)
    for name in ("phone", "phones", "info"):
        ok(first, name)
    lines = rb.phone(pbx.sim, MAC)["_lines"]
    # The line's password is the user's SIP password, in the vendor's own field: sipXcom returns it in clear.
    assert [line["password"] for line in lines] == ["Line-101-s3cret", "Line-102-s3cret"]
    change = [task("phone", mac=MAC, extensions=["102"]), task("gone", mac="0004f2000002", state="absent"),
              {"name": "info", INFO: {"gather": ["phones"]}}]
    second = pbx.play(change, diff=True, verbosity=3, check=True)
    third = pbx.play(change, diff=True, verbosity=3)
    for out in (first, second, third):
        text = out.output + json.dumps(out.results)
        assert "s3cret" not in text, "a line password reached the output"
        assert "sip-secret" not in text and "password" not in json.dumps(out.results.get("info", {}))


# -- pbx_info -----------------------------------------------------------------------------------------------------
def test_pbx_info_round_trip_and_phone_models(pbx):
    phones = [dict(mac="0004f2000001", model=MODEL, device_version="yealink7X", description="Desk",
                   extensions=["102", "101"], groups=["hq", "lab"]),
              dict(mac="0004f2000002", model="acmePhoneStandard", extensions=["103"]),
              dict(mac="000000000042", model="polycomVVX400")]
    ok(pbx.play([task("seed", phones=phones, push_config="changed")]), "seed")
    pbx.sim.reset_stats()
    gathered = ok(pbx.play([{"name": "info", INFO: {"gather": ["phones", "phone_models"]}}], check=True), "info")
    assert pbx.writes() == 0
    assert reads(pbx) == {"GET %s/phones" % PREFIX: 1, "GET %s/users" % PREFIX: 1,
                          "GET %s/phones/models" % PREFIX: 1}
    got = dict((p["mac"], p) for p in gathered["phones"])
    assert got["0004f2000001"] == {"mac": "0004f2000001", "model": MODEL, "description": "Desk",
                                   "device_version": "yealink7X", "extensions": ["102", "101"],
                                   "groups": ["hq", "lab"]}
    assert got["000000000042"]["extensions"] == [] and "settings" not in got["000000000042"]
    models = dict((m["model"], m) for m in gathered["phone_models"])
    assert len(models) == 178
    assert models[MODEL] == {"model": MODEL, "label": "Yealink SIP-T46S", "vendor": "Yealink",
                             "versions": ["yealink7X", "yealink8X"], "max_lines": 16}
    assert models["yealinkPhoneSIPT19P"]["max_lines"] == 1 and models["acmePhoneStandard"]["vendor"] is None

    pbx.sim.reset_stats()
    again = ok(pbx.play([task("phones", phones=gathered["phones"], purge=True, push_config="changed")]), "phones")
    assert again["changed"] is False and again["summary"]["unchanged"] == 3 and again["pushed"] == []
    assert pbx.writes() == 0, writes(pbx)

    skipped = ok(pbx.play([{"name": "info", INFO: {}}]), "info")
    assert "unprovisioned_phones" in skipped["skipped"] and len(skipped["phones"]) == 3
    refused = pbx.play([{"name": "info", INFO: {"gather": ["unprovisioned_phones"]}}])
    failed(refused, "info", "cannot gather unprovisioned phones")
    keyed = ok(pbx.play([{"name": "info", INFO: {"gather": ["phones"], "keys": ["000000000042"]}}]), "info")
    assert [p["mac"] for p in keyed["phones"]] == ["000000000042"]
    # keys take a MAC in any notation, as pbx_phone does.
    keyed = ok(pbx.play([{"name": "info", INFO: {"gather": ["phones"],
                                                 "keys": ["00:04:F2:00:00:01", "0004.f200.0002"]}}]), "info")
    assert sorted(p["mac"] for p in keyed["phones"]) == ["0004f2000001", "0004f2000002"]
