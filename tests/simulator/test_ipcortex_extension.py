"""IPCortex type extension: create/read/readfull/update/delete/clone, private
extensions, the exactly-one rule and every update column's range."""

import pytest

from apis import failed, ipcortex_api, ok


@pytest.fixture
def api(sim):
    return ipcortex_api(sim, "extension")


def full(api, scoped, *columns):
    rows = ok(api("readfull", {"scoped_exten": scoped}, columns=list(columns) or None))["values"]
    assert len(rows) == 1
    return rows[0]


def test_create_one_or_many(api):
    assert ok(api("create", values={"virt_exten": "342", "company": "test", "voicemail": True, "nightmode": 0}))["numrows"] == 1
    assert ok(api("create", values={"virt_exten": ["400", "400b", "401"], "company": "test"}))["numrows"] == 3
    rows = ok(api("read", {"company": "test"}, columns=["virt_exten", "ring_type"]))
    assert rows["numrows"] == 4
    assert rows["values"] == [{"virt_exten": n, "ring_type": "A"} for n in ("342", "400", "400b", "401")]
    # Voicemail on creation, and create's nightmode 0..9 / null against update's -1..9.
    assert full(api, "342", "voicemail_box", "voicemail_mon", "nightmode") == \
        {"voicemail_box": "342", "voicemail_mon": 1, "nightmode": 0}
    assert full(api, "400", "voicemail_box", "nightmode") == {"voicemail_box": "", "nightmode": -1}


@pytest.mark.parametrize("values, field", [
    ({"virt_exten": "500", "company": "test", "name": "Sales"}, "name"),  # create takes only a few columns
    ({"virt_exten": "500", "company": "test", "nightmode": -1}, "nightmode"),
    ({"virt_exten": "500", "company": "test", "nightmode": 10}, "nightmode"),
    ({"virt_exten": "500", "company": "nowhere"}, "company"),
    ({"virt_exten": "500"}, "company"),
    ({"virt_exten": "5_00", "company": "test"}, "virt_exten"),
    ({"virt_exten": [], "company": "test"}, "virt_exten"),
    ({"virt_exten": ["500", None], "company": "test"}, "virt_exten"),
    ({"virt_exten": "500", "company": "test", "private": "yes"}, "private"),
    ({"virt_exten": "500", "company": "test", "voicemail": 2}, "voicemail"),
])
def test_create_refuses_bad_values(api, values, field):
    failed(api("create", values=values), "Invalid value for " + field)
    assert ok(api("read"))["numrows"] == 0


def test_duplicates_fail_and_a_batch_is_all_or_nothing(api):
    ok(api("create", values={"virt_exten": "200", "company": "test"}))
    failed(api("create", values={"virt_exten": "200", "company": "test"}), "Already exists")
    # Ordinary extensions share one dial plan across companies.
    failed(api("create", values={"virt_exten": "200", "company": "acme"}), "Already exists")
    failed(api("create", values={"virt_exten": ["201", "200"], "company": "test", "private": True}), "Already exists")
    failed(api("create", values={"virt_exten": ["202", "202"], "company": "acme"}), "Already exists")
    assert [r["virt_exten"] for r in ok(api("read"))["values"]] == ["200"]


def test_private_extensions_are_scoped_by_company(api):
    ok(api("create", values={"virt_exten": "400", "company": "test", "private": True}))
    ok(api("create", values={"virt_exten": "400", "company": "acme", "private": True}))
    ok(api("create", values={"virt_exten": "401", "company": "acme"}))
    rows = ok(api("read", {"virt_exten": ["400", "401"]}, columns=["company", "scoped_exten"]))["values"]
    assert rows == [{"company": "test", "scoped_exten": "400_test"}, {"company": "acme", "scoped_exten": "400_acme"},
                    {"company": "acme", "scoped_exten": "401"}]
    rows = ok(api("read", {"scoped_exten": ["400_acme", "401", "400"]}, columns=["scoped_exten"]))["values"]
    assert [r["scoped_exten"] for r in rows] == ["400_acme", "401"]
    assert ok(api("read", {"virt_exten": "400", "company": "acme"}))["numrows"] == 1
    # A private number cannot also be an ordinary one in the same company.
    failed(api("create", values={"virt_exten": "400", "company": "acme"}), "Already exists")


def test_read_and_readfull_columns(api):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    row = ok(api("read", {"virt_exten": "300"}))["values"][0]
    assert set(row) == {"virt_exten", "company", "scoped_exten", "owner", "name", "ring_type", "callerid", "ring_time"}
    assert row["owner"] is None
    failed(api("read", columns=["passcode"]), "Invalid value for column passcode")
    # readfull offers every update column but not owner.
    failed(api("readfull", columns=["owner"]), "Invalid value for column owner")
    assert "passcode" in full(api, "300")
    failed(api("read", {"extension": "300"}), "Invalid value for scope extension")
    failed(api("read", columns="name"), "Invalid value for columns")


def test_update_and_delete_need_exactly_one_row(api):
    ok(api("create", values={"virt_exten": ["300", "301"], "company": "test"}))
    for scope in ({"company": "test"}, {"virt_exten": "999"}, {"virt_exten": ["300", "301"]}, {}):
        failed(api("update", scope, {"name": "x"}), "Scope must match exactly one row")
        failed(api("delete", scope), "Scope must match exactly one row")
    assert ok(api("update", {"virt_exten": "300", "company": "test"}, {"name": "Front desk"})) == \
        {"result": "success", "numrows": 1}
    assert full(api, "300", "name") == {"name": "Front desk"}
    answer = ok(api("delete", {"scoped_exten": "300"}))
    assert answer["numrows"] == 1 and isinstance(answer["mailbox"], str)
    failed(api("delete", {"scoped_exten": "300"}), "Scope must match exactly one row")
    assert ok(api("read"))["numrows"] == 1


def test_update_refuses_columns_outside_the_table(api):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    for column in ("owner", "virt_exten", "company", "private", "color"):
        failed(api("update", {"virt_exten": "300"}, {column: "x"}), "Invalid value for " + column)


def test_clone_copies_columns_and_links(sim, api):
    ok(api("create", values={"virt_exten": "400", "company": "test", "private": True}))
    ok(api("update", {"scoped_exten": "400_test"}, {"ring_type": "H", "name": "Sales", "ring_time": 20}))
    assert ok(api("clone", {"virt_exten": "400", "company": "test"}, {"virt_exten": "400b"})) == \
        {"result": "success", "numrows": 1, "links": 0}
    assert full(api, "400b_test", "name", "ring_type", "ring_time") == {"name": "Sales", "ring_type": "H", "ring_time": 20}
    failed(api("clone", {"virt_exten": "400", "company": "test"}, {"virt_exten": "400b"}), "Already exists")
    failed(api("clone", {"virt_exten": "404", "company": "test"}, {"virt_exten": "405"}), "Scope must match exactly one row")


# column, values accepted (and read back as sent), values refused
COLUMN_CASES = [
    ("name", ["Sales desk", "a.b-c_d", "", "caf\u00e9"], ["bad!", "a/b", 5]),
    ("voicemail_box", ["", "400"], ["4 00", 400.5]),
    ("voicemail_mon", [1, 2, 3, 4], [0, 5, "on"]),
    ("priority", [0, 10, None], [-1, 11]),
    ("ring_type", list("AHQIFTCOVPX"), ["Z", "a", ""]),
    ("ring_time", [0, 999, None], [-1, 1000, "soon"]),
    ("passcode", ["0042", None], ["12a", "", -1]),
    ("phonebook", [0, 1, 2, 3], [4, -1]),
    ("callerid", ["-01234567", "+441234", ""], ["abc", "--1"]),
    ("ivr_menu", ["main", ""], [None, 3]),
    ("vm_jump_star", ["201", ""], ["2 01"]),
    ("vm_jump_zero", ["0"], [7]),
    ("no_vm_jump", ["300"], ["a b"]),
    ("no_vm_jump_night", ["301"], [None]),
    ("intro_day", ["00", "99"], ["1", "100", 5]),
    ("intro_night", ["42"], ["x1"]),
    ("busy_retry", [0, 5], [-1, "many"]),
    ("rec_override", [0, 63, None], [64, -1]),
    ("moh_in", [0, 5], [6, -1]),
    ("moh_out", [1], [9]),
    ("subtype", [""], ["Q", "aaaaaaaaaaaaaaaaaa"]),  # only Q and C extensions take a subtype
    ("cname_prefix_ext", [None, 0, 6, "exten", "exnam"], [7, "name"]),
    ("cname_prefix_int", [3], [-1]),
    ("fid", [None, 0, 1], [2, "x"]),
    ("nightmode", [-1, 0, 9], [10, -2, None]),
    ("bounce_mode", ["disabled", "1", "orig", "last", "fall"], ["never", 1]),
    ("bounce_before", [True, False], ["yes", 2]),
    ("bounce_duration", [0, 120], [-5]),
    ("bounce_type", ["once", "many"], ["twice"]),
    ("bounce_fall", ["", "201"], ["2 01"]),
    ("vm_callback", [-1, 0, 1], [2]),
    ("email", ["", "sales@example.com"], ["nope", 1]),
    ("email_vm_att", [True, False], ["true"]),
    ("email_vm_del", [False, True], [None]),
]


def test_the_column_table_covers_every_update_column(api):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    columns = set(full(api, "300")) - {"virt_exten", "company", "scoped_exten"}
    assert columns == {case[0] for case in COLUMN_CASES}


@pytest.mark.parametrize("column, good, bad", COLUMN_CASES, ids=[c[0] for c in COLUMN_CASES])
def test_update_column_ranges(api, column, good, bad):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    for value in good:
        ok(api("update", {"virt_exten": "300"}, {column: value}))
        assert full(api, "300", column) == {column: value}
    before = full(api, "300", column)
    for value in bad:
        failed(api("update", {"virt_exten": "300"}, {column: value}), "Invalid value for " + column)
    assert full(api, "300", column) == before


def test_ranges_that_depend_on_the_ring_type(api):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    queue = "A  yyl05  01020304y10"  # 21 bytes: strategy, flags, priority 05, prompts, emails, depth 10
    failed(api("update", {"virt_exten": "300"}, {"subtype": queue}), "Invalid value for subtype")
    ok(api("update", {"virt_exten": "300"}, {"ring_type": "Q", "subtype": queue}))
    ok(api("update", {"virt_exten": "300"}, {"subtype": queue[:18]}))
    failed(api("update", {"virt_exten": "300"}, {"subtype": queue[:20]}), "Invalid value for subtype")
    failed(api("update", {"virt_exten": "300"}, {"subtype": "x" + queue[1:]}), "Invalid value for subtype")
    ok(api("update", {"virt_exten": "300"}, {"ring_type": "C", "subtype": "Q"}))
    # Bounce modes other than disabled are for A, H and Q only; orbits count 0..49.
    failed(api("update", {"virt_exten": "300"}, {"bounce_mode": "orig"}), "Invalid value for bounce_mode")
    ok(api("update", {"virt_exten": "300"}, {"ring_type": "O", "ring_time": 49}))
    failed(api("update", {"virt_exten": "300"}, {"ring_time": 50}), "Invalid value for ring_time")


def test_loose_input_is_stored_the_way_the_pabx_returns_it(api):
    ok(api("create", values={"virt_exten": 300, "company": "test"}))  # a number is taken as its string
    ok(api("update", {"virt_exten": "300"}, {"passcode": 1234, "email_vm_att": 1, "ring_time": "30"}))
    assert full(api, "300", "virt_exten", "passcode", "email_vm_att", "ring_time") == \
        {"virt_exten": "300", "passcode": "1234", "email_vm_att": True, "ring_time": 30}


def test_private_extensions_with_one_number_share_the_voicemail_box_name(api):
    """The box is named after the bare number in every company: inferred, the naming is undocumented."""
    for company in ("test", "acme"):
        ok(api("create", values={"virt_exten": "500", "company": company, "private": True, "voicemail": True}))
    assert [full(api, key, "voicemail_box")["voicemail_box"] for key in ("500_test", "500_acme")] == ["500", "500"]


def test_readfull_without_columns_answers_the_update_columns(api):
    ok(api("create", values={"virt_exten": "300", "company": "test", "private": True, "voicemail": True}))
    (row,) = ok(api("readfull", {"company": "test"}))["values"]
    # "The full complement of columns as documented under update" (seed 002), in that table's order:
    # not virt_exten, scoped_exten or company, which update cannot write.
    assert list(row) == ["name", "voicemail_box", "voicemail_mon", "priority", "ring_type", "ring_time", "passcode",
                         "phonebook", "callerid", "ivr_menu", "vm_jump_star", "vm_jump_zero", "no_vm_jump",
                         "no_vm_jump_night", "intro_day", "intro_night", "busy_retry", "rec_override", "moh_in",
                         "moh_out", "subtype", "cname_prefix_ext", "cname_prefix_int", "fid", "nightmode",
                         "bounce_mode", "bounce_before", "bounce_duration", "bounce_type", "bounce_fall",
                         "vm_callback", "email", "email_vm_att", "email_vm_del"]
    assert row["voicemail_box"] == "300"
    # Asked for, the read columns other than owner come too.
    assert full(api, "300_test", "virt_exten", "scoped_exten", "company", "ring_type") == \
        {"virt_exten": "300", "scoped_exten": "300_test", "company": "test", "ring_type": "A"}


def test_each_verb_is_counted_under_its_own_label(sim, api):
    ok(api("create", values={"virt_exten": "300", "company": "test"}))
    sim.reset_stats()
    api("read")
    api("readfull")
    api("update", {"virt_exten": "300"}, {"name": "x"})
    api("clone", {"virt_exten": "300", "company": "test"}, {"virt_exten": "301"})
    api("delete", {"virt_exten": "301"})
    stats = sim.stats()["by_platform"]["ipcortex"]
    assert (stats["reads"], stats["writes"]) == (2, 3)
    assert {k: (v["reads"], v["writes"]) for k, v in stats["by_route"].items()} == {
        "POST dialplan/read/extension": (1, 0), "POST dialplan/readfull/extension": (1, 0),
        "POST dialplan/update/extension": (0, 1), "POST dialplan/clone/extension": (0, 1),
        "POST dialplan/delete/extension": (0, 1)}


@pytest.mark.parametrize("name, accepted", [("Ren\u00e9e M\u00fcller", True), ("\u5e97\u9762 2", True), ("Front_Desk-2.a", True),
                                            ("Ann!", False), ("a/b", False), ("x" * 65, False)])
def test_names_are_letters_of_any_script_digits_dot_space_dash_underscore(api, name, accepted):
    ok(api("create", values={"virt_exten": "520", "company": "test"}))
    answer = api("update", {"scoped_exten": "520"}, values={"name": name})
    if accepted:
        ok(answer)
        assert full(api, "520", "name") == {"name": name}
    else:
        failed(answer, "Invalid value for name")
