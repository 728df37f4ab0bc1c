"""IPCortex call groups as the simulator serves them: extensions of ring type H or Q (seed 002 ring_type,
ring_time, subtype, no_vm_jump), and their members, the users linked to them with an order value
(ipcortex.md 4.2)."""

import pytest

from apis import failed, ipcortex_api, ok


@pytest.fixture
def api(sim):
    return ipcortex_api(sim, "extension")


@pytest.fixture
def users(sim, api):
    """Three users of company test, each owning an extension (101..103); their contact ids."""
    ok(api("create", values={"virt_exten": ["101", "102", "103"], "company": "test"}))
    sim.fixtures("ipcortex", "users", [{"uname": "u%d" % n, "company": "test", "owned_extension": str(n)}
                                       for n in (101, 102, 103)])
    rows = ok(api("read", {"company": "test"}, columns=["virt_exten", "owner"]))["values"]
    return [r["owner"] for r in rows]


def group(api, number="600", **values):
    ok(api("create", values={"virt_exten": number, "company": "test"}))
    return ok(api("update", {"virt_exten": number, "company": "test"}, values))


def full(api, number, *columns):
    return ok(api("readfull", {"virt_exten": number, "company": "test"}, columns=list(columns)))["values"][0]


def test_a_group_is_an_extension_turned_hunt_or_queue_in_one_update(api):
    group(api, ring_type="H", name="Sales", ring_time=20, no_vm_jump="200", voicemail_box="")
    assert full(api, "600", "ring_type", "name", "ring_time", "no_vm_jump", "subtype") == {
        "ring_type": "H", "name": "Sales", "ring_time": 20, "no_vm_jump": "200", "subtype": ""}
    # A non-queue takes only "" as its subtype (seed 002).
    failed(api("update", {"virt_exten": "600"}, {"subtype": "a" + " " * 17}), "Invalid value for subtype")
    # ring_type is applied first, so the queue's string is checked against the new type.
    ok(api("update", {"virt_exten": "600"}, {"ring_type": "Q", "subtype": "a" + " " * 20, "ring_time": 999}))
    failed(api("update", {"virt_exten": "600"}, {"ring_time": 1000}), "Invalid value for ring_time")
    ok(api("update", {"virt_exten": "600"}, {"ring_type": "H", "subtype": ""}))
    assert full(api, "600", "ring_type", "subtype") == {"ring_type": "H", "subtype": ""}


BLANK = "a" + " " * 20


def at(position, text):
    """BLANK with text written from the 1-based byte position."""
    chars = list(BLANK)
    chars[position - 1:position - 1 + len(text)] = text
    return "".join(chars)


@pytest.mark.parametrize("subtype", [
    BLANK, BLANK[:18], BLANK[:19], "RyYy 305  05  12  yaa", "d y   10  01020304",
    at(1, "L"), at(3, "Y"), at(6, "1"), at(6, "3"), at(6, "l"), at(7, "99"), at(20, "01"), at(20, "aa"),
    at(11, "00990000"),
])
def test_queue_subtypes_seed_002_allows(api, subtype):
    group(api, ring_type="Q", subtype=subtype)
    assert full(api, "600", "subtype")["subtype"] == subtype


@pytest.mark.parametrize("subtype", [
    BLANK[:17], BLANK[:20], BLANK + " ",     # 18 to 21 bytes, and bytes 20-21 go together
    at(1, "b"), at(1, " "), at(2, "Y"), at(3, "n"), at(4, "Y"), at(5, "n"), at(6, "2"),
    at(7, "00"), at(7, "1 "), at(9, "00"),  # 7-8: 01 to 99; 9-10 reserved
    at(11, "5 "), at(19, "n"), at(20, "00"), at(20, "ab"),
])
def test_queue_subtypes_seed_002_refuses(api, subtype):
    ok(api("create", values={"virt_exten": "600", "company": "test"}))
    failed(api("update", {"virt_exten": "600"}, {"ring_type": "Q", "subtype": subtype}), "Invalid value for subtype")
    # The whole update is refused: the ring type did not change either.
    assert full(api, "600", "ring_type", "subtype") == {"ring_type": "A", "subtype": ""}


def test_members_are_linked_users_with_an_order(sim, api, users):
    group(api, ring_type="H")
    link = "600_test"
    for order, contact in zip((0, 5, 9), users):
        answer = ok(api("link", {"contact_id": contact}, {"extensions": {link: order}}, type="user"))
        assert answer["numrows"] == 1 and answer["values"]["extensions"] == {link: order}
    # The same order again is no change; a new order is one.
    assert ok(api("link", {"contact_id": users[0]}, {"extensions": {link: 0}}, type="user"))["numrows"] == 0
    assert ok(api("link", {"contact_id": users[0]}, {"extensions": {link: 7}}, type="user"))["numrows"] == 1
    failed(api("link", {"contact_id": users[0]}, {"extensions": {link: -1}}, type="user"),
           "Invalid value for extensions")
    seen = ok(api("readlink", {"contact_id": users[1]}, type="user"))["values"]
    assert seen == [{"contact_id": users[1], "phones": {}, "extensions": {link: 5}}]
    # null unlinks (LINKS), once.
    assert ok(api("link", {"contact_id": users[1]}, {"extensions": {link: None}}, type="user"))["numrows"] == 1
    assert ok(api("link", {"contact_id": users[1]}, {"extensions": {link: None}}, type="user"))["numrows"] == 0
    stats = sim.stats()["by_platform"]["ipcortex"]["by_route"]
    assert stats["POST dialplan/link/user"]["writes"] == 8 and stats["POST dialplan/readlink/user"]["reads"] == 1


def test_deleting_a_group_drops_its_links(api, users):
    group(api, ring_type="Q", subtype=BLANK)
    ok(api("create", values={"virt_exten": "601", "company": "test"}))
    for contact in users:
        ok(api("link", {"contact_id": contact}, {"extensions": {"600_test": 1, "601_test": 2}}, type="user"))
    answer = ok(api("delete", {"scoped_exten": "600"}))
    assert answer["numrows"] == 1
    for contact in users:
        assert ok(api("readlink", {"contact_id": contact}, type="user"))["values"][0]["extensions"] == {"601_test": 2}


def test_owners_come_only_from_read(api, users):
    # readfull refuses owner (seed 002); read gives it for every ring type.
    group(api, ring_type="H")
    failed(api("readfull", {"company": "test"}, columns=["owner"]), "Invalid value for column owner")
    rows = ok(api("read", {"company": "test"}, columns=["virt_exten", "owner", "ring_type"]))["values"]
    assert rows == [{"virt_exten": "101", "owner": users[0], "ring_type": "A"},
                    {"virt_exten": "102", "owner": users[1], "ring_type": "A"},
                    {"virt_exten": "103", "owner": users[2], "ring_type": "A"},
                    {"virt_exten": "600", "owner": None, "ring_type": "H"}]
