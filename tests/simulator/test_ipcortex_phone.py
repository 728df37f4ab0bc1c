"""IPCortex type phone (handsets per MAC and port), the provisioning life cycle and
user links (phones, extensions, ring groups)."""

import pytest

from apis import failed, ipcortex_api, ok

MAC = "0004f2a1b2c3"


@pytest.fixture
def api(sim):
    return ipcortex_api(sim, "phone")


def rows(api, mac=MAC, **scope):
    return ok(api("read", dict(scope, mac=mac)))["values"]


def test_create_makes_one_row_per_port(api):
    assert ok(api("create", values={"mac": "00:04:F2:A1:B2:C3", "company": "test", "phone_type": "spa8000",
                                    "name": "ata"}))["numrows"] == 8
    got = rows(api)
    assert [(r["mac"], r["port"], r["company"], r["name"]) for r in got] == [(MAC, p, "test", "ata") for p in range(8)]
    assert [r["port"] for r in rows(api, port=3)] == [3]
    failed(api("create", values={"mac": MAC, "company": "test", "phone_type": "snom320"}), "Already exists")


@pytest.mark.parametrize("values, field", [
    ({"mac": "0004f2a1b2", "company": "test", "phone_type": "snom320"}, "mac"),
    ({"mac": "zz04f2a1b2c3", "company": "test", "phone_type": "snom320"}, "mac"),
    ({"phoneid": "0004f2a1b2c3x", "company": "test", "phone_type": "snom320"}, "phoneid"),
    ({"mac": MAC, "company": "test", "phone_type": "nokia3310"}, "phone_type"),
    ({"mac": MAC, "company": "nowhere", "phone_type": "snom320"}, "company"),
    ({"mac": MAC, "company": "test", "phone_type": "snom320", "zone": ""}, "zone"),
])
def test_create_refuses_bad_values(api, values, field):
    failed(api("create", values=values), "Invalid value for " + field)


def test_phoneid_is_used_only_when_mac_is_empty(api):
    ok(api("create", values={"phoneid": MAC + "0", "company": "test", "phone_type": "spa112"}))
    ok(api("create", values={"mac": "0004f2000009", "company": "test", "phone_type": "snom320"}))
    assert [r["port"] for r in ok(api("read", {"phoneid": MAC + "1"}))["values"]] == [1]
    assert [r["mac"] for r in ok(api("read", {"mac": "0004f2000009", "phoneid": MAC + "1"}))["values"]] == ["0004f2000009"]
    assert ok(api("read", {"mac": "", "phoneid": MAC + "0"}))["values"][0]["mac"] == MAC
    assert ok(api("read", {"mac": "0004f2ffffff"})) == {"result": "success", "values": []}


def test_update_rules(api):
    ok(api("create", values={"mac": MAC, "company": "test", "phone_type": "spa112"}))
    failed(api("update", {"mac": MAC}, {"name": "x"}), "Scope must match exactly one row")  # two ports
    failed(api("update", {"mac": MAC, "port": 0}, {"company": "acme"}),
           "company cannot be changed by update: use assign")
    failed(api("update", {"mac": MAC, "port": 0}, {"ip_addr": "192.0.2.5/24"}), "Invalid value for ip_dns1")
    static = {"ip_addr": "192.0.2.5/24", "ip_dns1": "192.0.2.1", "ip_dns2": None, "ip_gateway": "192.0.2.254",
              "ip_domain": "example.com"}
    assert ok(api("update", {"mac": MAC, "port": 1}, static)) == {"result": "success", "numrows": 1}
    assert {k: rows(api, port=1)[0][k] for k in static} == static
    assert rows(api, port=0)[0]["ip_addr"] is None
    failed(api("update", {"mac": MAC, "port": 1}, dict(static, ip_gateway="nowhere")), "Invalid value for ip_gateway")
    failed(api("update", {"mac": MAC, "port": 1}, dict(static, ip_addr="192.0.2.5")), "Invalid value for ip_addr")
    for column, value in (("barge", 4), ("qualify", "sometimes"), ("zone", "Mars/Olympus"), ("can_forward", "no"),
                          ("call_group", "x"), ("port", 3), ("colour", "red")):
        failed(api("update", {"mac": MAC, "port": 0}, {column: value}), "Invalid value for " + column)
    ok(api("update", {"phoneid": MAC + "0"}, {"qualify": "", "barge": 3, "call_group": 5, "zone": "US/Eastern"}))
    row = rows(api, port=0)[0]
    assert (row["qualify"], row["barge"], row["call_group"], row["zone"]) == ("", 3, 5, "US/Eastern")


def test_phone_type_change_reshapes_the_port_rows(sim, api):
    ok(api("create", values={"mac": MAC, "company": "acme", "phone_type": "spa112", "name": "ata"}))
    ok(api("update", {"mac": MAC, "port": 1}, {"name": "fax"}))
    ok(api("update", {"mac": MAC, "port": 0}, {"phone_type": "spa8000"}))
    got = rows(api)
    assert [(r["port"], r["name"], r["company"], r["phone_type"]) for r in got] == \
        [(0, "ata", "acme", "spa8000"), (1, "fax", "acme", "spa8000")] + \
        [(p, "", "acme", "spa8000") for p in range(2, 8)]
    # Links to ports that go away go with them.
    sim.fixtures("ipcortex", "users", [{"uname": "u1", "password": "pw", "company": "acme"}])
    contact = ok(api("readlink", type="user"))["values"][-1]["contact_id"]
    ok(api("link", {"contact_id": contact}, {"phones": {MAC + "0": "link", MAC + "7": "fork"}}, type="user"))
    ok(api("update", {"mac": MAC, "port": 0}, {"phone_type": "snom320"}))
    assert [r["port"] for r in rows(api)] == [0]
    assert ok(api("readlink", {"contact_id": contact}, type="user"))["values"][0]["phones"] == {MAC + "0": "link"}


def test_reboot_newpass_delete(api):
    ok(api("create", values={"mac": MAC, "company": "test", "phone_type": "spa2102"}))
    assert ok(api("reboot", {"mac": MAC})) == {"result": "success", "numrows": 2, "company": "test"}
    assert ok(api("newpass", {"phoneid": MAC + "1"})) == \
        {"result": "success", "numrows": 2, "company": {"0": "test", "1": "test"}}
    assert ok(api("delete", {"mac": MAC}))["numrows"] == 2
    assert rows(api) == []
    for verb in ("delete", "reboot", "newpass"):
        failed(api(verb, {"mac": MAC}), "Not found")


def test_reboots_are_counted_per_device(sim, api):
    """No phone is simulated: GET /_sim/ipcortex/reboots says how often each device was told to reboot."""
    other = "0004f2a1b2c4"
    for mac in (MAC, other):
        ok(api("create", values={"mac": mac, "company": "test", "phone_type": "spa2102"}))
    assert sim.ops("GET", "ipcortex/reboots") == {}
    ok(api("reboot", {"mac": MAC}))
    ok(api("reboot", {"phoneid": MAC + "1"}))
    ok(api("reboot", {"mac": other}))
    failed(api("reboot", {"mac": "0004f2ffffff"}), "Not found")
    assert sim.ops("GET", "ipcortex/reboots") == {MAC: 2, other: 1}
    before = sim.stats()["by_platform"]["ipcortex"]["by_route"]["POST dialplan/reboot/phone"]
    assert before["writes"] == 4  # a reboot is a write; the operator endpoint is not counted
    sim.reset()
    assert sim.ops("GET", "ipcortex/reboots") == {}


def test_provisioning_life_cycle(sim, api):
    sim.fixtures("ipcortex", "inactive_phones", [{"phoneid": MAC + "0", "phone_type": "spa112", "created": 1700000000}])
    listed = ok(api("inactive"))
    assert [(r["phoneid"], r["phone_type"], r["created"]) for r in listed["values"]] == \
        [(MAC + "0", "spa112", 1700000000), (MAC + "1", "spa112", 1700000000)]
    assert all(isinstance(r["type"], str) and r["type"] for r in listed["values"])
    # Inactive phones are not yet handsets.
    assert rows(api) == []
    failed(api("demote", {"phoneid": "0004f2ffffff0"}), "Not found")
    failed(api("promote", {"phoneid": MAC + "0"}, {"company": "nowhere"}), "Invalid value for company")

    assert ok(api("promote", {"phoneid": MAC + "0"}))["numrows"] == 2
    assert ok(api("inactive"))["numrows"] == 0
    active = ok(api("active", {"company": "default"}))
    assert [(r["phoneid"], r["company"]) for r in active["values"]] == [(MAC + "0", "default"), (MAC + "1", "default")]
    failed(api("demote", {"phoneid": MAC + "0"}), "Not found")  # only inactive phones demote

    answer = ok(api("assign", {"phoneid": MAC + "1", "company": "default"}, {"company": "test"}))
    assert answer == {"result": "success", "numrows": 1, "company": {"1": "test"}}
    failed(api("assign", {"mac": MAC, "port": 0, "company": "acme"}, {"company": "test"}),
           "Source company does not match the device")
    assert ok(api("assign", {"mac": MAC}, {"company": "acme"}))["company"] == {"0": "acme", "1": "acme"}
    assert ok(api("active", {"company": ["acme", "test"]}))["numrows"] == 2
    assert ok(api("active", {"company": "test"}))["numrows"] == 0
    assert {r["company"] for r in rows(api)} == {"acme"}

    sim.fixtures("ipcortex", "inactive_phones", [{"mac": "0004f2000001", "phone_type": "snom320"}])
    assert ok(api("demote", {"phoneid": "0004f2000001" + "0"}))["numrows"] == 1
    assert ok(api("inactive"))["numrows"] == 0


def test_provisioning_verbs_are_reads_or_writes(sim, api):
    sim.fixtures("ipcortex", "inactive_phones", [{"phoneid": MAC + "0"}])
    sim.reset_stats()
    for verb in ("inactive", "active", "readtypes", "read"):
        api(verb, {"mac": MAC})
    api("promote", {"phoneid": MAC + "0"})
    stats = sim.stats()["by_platform"]["ipcortex"]
    assert (stats["reads"], stats["writes"]) == (4, 1)
    assert stats["by_route"]["POST dialplan/promote/phone"]["writes"] == 1


@pytest.fixture
def people(sim, api):
    """Three users of company test, their contact ids, and a hunt-group extension 600."""
    sim.fixtures("ipcortex", "users", [{"uname": "u%d" % i, "password": "pw", "company": "test"} for i in range(3)])
    ok(api("create", {}, {"virt_exten": "600", "company": "test"}, type="extension"))
    ok(api("update", {"virt_exten": "600"}, {"ring_type": "H", "name": "Hunt"}, type="extension"))
    return [u["contact_id"] for u in ok(api("readlink", {"company": "test"}, type="user"))["values"]]


def test_links_count_only_real_changes(api, people):
    ok(api("create", values={"mac": MAC, "company": "test", "phone_type": "snom320"}))
    first = people[0]
    change = {"phones": {MAC + "0": "link"}, "extensions": {"600_test": 0}}
    answer = ok(api("link", {"contact_id": first}, change, type="user"))
    assert answer == {"result": "success", "numrows": 2,
                      "values": {"contact_id": first, "phones": {MAC + "0": "link"}, "extensions": {"600_test": 0}}}
    assert ok(api("link", {"contact_id": first}, change, type="user"))["numrows"] == 0
    answer = ok(api("link", {"uname": "u0"}, {"phones": {MAC + "0": "forward"}, "extensions": {"600_test": 3}},
                    type="user"))
    assert answer["numrows"] == 2 and answer["values"]["phones"] == {MAC + "0": "forward"}
    answer = ok(api("link", {"contact_id": first}, {"phones": {MAC + "0": "unlink"}, "extensions": {"600_test": None}},
                    type="user"))
    assert answer["numrows"] == 2 and answer["values"] == {"contact_id": first, "phones": {}, "extensions": {}}


GOOD_LINK = {"600_test": 1}


# Each bad change also carries a good one, which must not be applied either.
@pytest.mark.parametrize("values, field", [
    ({"phones": {MAC + "0": "hotdesk"}, "extensions": GOOD_LINK}, "phones"),  # hotdesk cannot be set over REST
    ({"phones": {"0004f2ffffff0": "link"}, "extensions": GOOD_LINK}, "phones"),
    ({"extensions": dict(GOOD_LINK, **{"999_test": 1})}, "extensions"),
    ({"extensions": dict(GOOD_LINK, **{"600_acme": 1})}, "extensions"),
    ({"extensions": {"600_test": "first"}}, "extensions"),
    ({"phones": ["x"], "extensions": GOOD_LINK}, "phones"),
    ({"groups": {}, "extensions": GOOD_LINK}, "groups"),
])
def test_bad_links_change_nothing(api, people, values, field):
    ok(api("create", values={"mac": MAC, "company": "test", "phone_type": "snom320"}))
    failed(api("link", {"contact_id": people[0]}, values, type="user"), "Invalid value for " + field)
    assert ok(api("readlink", {"contact_id": people[0]}, type="user"))["values"][0]["extensions"] == {}


def test_ring_group_members_are_linked_users(api, people):
    for order, contact in enumerate(people):
        ok(api("link", {"contact_id": contact}, {"extensions": {"600_test": order}}, type="user"))
    members = {r["contact_id"]: r["extensions"].get("600_test") for r in
               ok(api("readlink", {"company": "test"}, type="user"))["values"]}
    assert members == {c: i for i, c in enumerate(people)}
    ok(api("delete", {"virt_exten": "600"}, type="extension"))
    assert all(r["extensions"] == {} for r in ok(api("readlink", {"company": "test"}, type="user"))["values"])


def test_company_admins_only_see_and_make_links_in_their_companies(sim, api, people):
    sim.fixtures("ipcortex", "users", [{"uname": "boss", "password": "pw", "company": "test", "admin_company": ["test"]}])
    ok(api("create", {}, {"virt_exten": "700", "company": "acme"}, type="extension"))
    ok(api("link", {"contact_id": people[0]}, {"extensions": {"600_test": 1, "700_acme": 2}}, type="user"))
    boss = {"type": "auth", "username": "boss", "password": "pw"}
    seen = ok(api("readlink", {"contact_id": people[0]}, type="user", auth=boss))["values"]
    assert seen == [{"contact_id": people[0], "phones": {}, "extensions": {"600_test": 1}}]
    failed(api("link", {"contact_id": people[1]}, {"extensions": {"700_acme": 1}}, type="user", auth=boss),
           "Permission denied")
