"""The IPCortex simulator answers in the shapes the original API pages show.

The pages (seeds 000 phone, 001 provisioning, 002 extension) are read at test
time from the shared directory (../shared beside the repository or
$PBX_SHARED_DIR, see conftest.py; without them the tests fail); their JSON is
a sketch (placeholders such as ``rows-created`` or ``BOOL``, missing commas,
``...``), so a small tolerant parser turns each block into JSON with
placeholders kept as ``{"$bare": text}``.  Each test sends a request with exactly the keys the page
shows and checks the answer against the page's: same keys, same value types;
the pages' concrete examples are sent and compared as they are.
"""

import json
import re

import pytest
import requests


# -- reading the pages ----------------------------------------------------------------
def _blocks(text):
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                out.append(text[start:i + 1])
    return out


def _scalar(match):
    key, value = match.group(1), match.group(2).strip().rstrip(",")
    if value in ("{", "["):
        return key + value
    try:
        json.loads(value)
    except ValueError:
        value = json.dumps({"$bare": value})
    return key + value + ","


def _loads(block):
    s = re.sub(r"//[^\n]*|/\*.*?\*/", "", block, flags=re.S)
    s = re.sub(r",?\s*\.\.\.", "", s)
    s = re.sub(r'(?m)^(\s*)([A-Za-z][\w-]*)\s*:', r'\1"\2":', s)  # unquoted keys (port-num:)
    s = re.sub(r'("[^"\n]*"\s*:\s*)([^\n]*)', _scalar, s)
    s = re.sub(r",(\s*[}\]])", r"\1", s)
    s = re.sub(r'([}\]"0-9el])(\s*\n\s*")', r"\1,\2", s)  # the pages' missing commas
    s = re.sub(r",(\s*[}\]])", r"\1", s)
    return json.loads(s)


def _page(shared_file, prefix):
    with open(shared_file("seeds/%s_*.txt" % prefix), encoding="utf-8") as fh:
        return fh.read()


def _calls(text):
    """verb -> (request sketches, answer sketches) in page order."""
    out = {}
    parts = re.split(r"/rest/dialplan/(\w+)/", text)
    for verb, segment in zip(parts[1::2], parts[2::2]):
        parsed = [_loads(b) for b in _blocks(segment)]
        out[verb] = ([p for p in parsed if "result" not in p], [p for p in parsed if "result" in p], segment)
    return out


@pytest.fixture(scope="module")
def phone_page(shared_file):
    return _calls(_page(shared_file, "000"))


@pytest.fixture(scope="module")
def prov_page(shared_file):
    return _calls(_page(shared_file, "001"))


@pytest.fixture(scope="module")
def ext_page(shared_file):
    return _calls(_page(shared_file, "002"))


# -- comparing answers with sketches -----------------------------------------------------
def conforms(actual, sketch, where="answer"):
    """Assert actual has the sketch's keys and value types."""
    if isinstance(sketch, dict) and set(sketch) == {"$bare"}:
        text = sketch["$bare"].lower()
        if text.startswith("bool or empty"):
            assert actual == "" or isinstance(actual, bool), where
        elif text == "bool":
            assert isinstance(actual, bool), where
        else:  # rows-created, port-num, creation epoch-time, barge/bargeable mode ...
            assert isinstance(actual, int) and not isinstance(actual, bool), (where, actual)
    elif isinstance(sketch, dict):
        assert isinstance(actual, dict), where
        if set(sketch) == {"port-num"}:
            assert actual and all(k.isdigit() for k in actual), (where, actual)
            for value in actual.values():
                conforms(value, sketch["port-num"], where + "[port]")
        elif set(sketch) != {"column"}:  # {"column": "column-value"} stands for any columns
            assert set(actual) == set(sketch), (where, sorted(actual), sorted(sketch))
            for key in sketch:
                conforms(actual[key], sketch[key], where + "." + key)
    elif isinstance(sketch, list):
        assert isinstance(actual, list), where
        for item in actual:
            conforms(item, sketch[0], where + "[]")
    elif isinstance(sketch, str):
        if "null" in sketch.lower():
            assert actual is None or isinstance(actual, str), (where, actual)
        else:
            assert isinstance(actual, str), (where, actual)
    else:
        assert type(actual) is type(sketch), (where, actual, sketch)


def fill(sketch, concrete):
    """The sketch's object with each key's value taken from concrete (every key must be known)."""
    assert set(sketch) <= set(concrete), sorted(set(sketch) - set(concrete))
    return {key: concrete[key] for key in sketch}


# -- talking to the simulator --------------------------------------------------------------
@pytest.fixture
def api(sim):
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    sim.fixtures("ipcortex", "companies", ["test", "acompany"])

    def call(verb, body):
        body = dict(body, auth={"type": "auth", "key": key})
        r = requests.post("%s/rest/dialplan/%s/" % (sim.url, verb), json=body, timeout=5)
        assert r.status_code == 200
        return r.json()
    return call


MAC = "0004f2a1b2c3"
PHONE_VALUES = {
    "name": "reception", "phone_type": "yealinkT46", "zone": "Europe/Paris", "can_hotdesk": True,
    "can_forward": False, "qualify": "", "call_group": None, "access": "full", "nat_mode": True,
    "nat_ipaddr": "auto", "ntp": "pool.ntp.org", "codec_list": "g722,alaw", "barge": 3,
    "ip_addr": "192.0.2.10/24", "ip_dns1": "192.0.2.1", "ip_dns2": "192.0.2.2", "ip_gateway": "192.0.2.254",
    "ip_domain": "example.com",
}


def test_phone_create_read_update_delete(api, phone_page):
    (create_req,), (create_ans,), _text = phone_page["create"]
    # mac wins over phoneid: the phoneid names another device that must not appear.
    values = fill(create_req["values"], {"mac": MAC, "phoneid": "0004f2ffffff0", "name": "desk",
                                         "company": "test", "phone_type": "spa2102"})
    answer = api("create", {"type": create_req["type"], "values": values})
    conforms(answer, create_ans)
    assert answer["numrows"] == 2  # one row per port of a two-port ATA

    (read_req,), (read_ans,), _text = phone_page["read"]
    answer = api("read", {"type": "phone", "scope": fill(read_req["scope"], {"mac": MAC, "port": "", "phoneid": ""})})
    conforms(answer, read_ans)
    assert "numrows" not in answer and [r["port"] for r in answer["values"]] == [0, 1]
    assert api("read", {"type": "phone", "scope": {"phoneid": "0004f2ffffff0"}})["values"] == []

    (update_req,), (update_ans,), _text = phone_page["update"]
    scope = fill(update_req["scope"], {"mac": MAC, "port": 0, "phoneid": ""})
    answer = api("update", {"type": "phone", "scope": scope, "values": fill(update_req["values"], PHONE_VALUES)})
    conforms(answer, update_ans)
    assert answer == {"result": "success", "numrows": 1}
    rows = api("read", {"type": "phone", "scope": {"mac": MAC}})["values"]
    # yealinkT46 has one port: the ATA's second row went away with the type change.
    assert [(r["port"], r["phone_type"]) for r in rows] == [(0, "yealinkT46")]

    for verb in ("reboot", "newpass", "delete"):
        (req,), (ans,), _text = phone_page[verb]
        answer = api(verb, {"type": "phone", "scope": fill(req["scope"], {"mac": MAC, "phoneid": ""})})
        conforms(answer, ans, verb)
        assert answer["numrows"] == 1


def test_phone_update_writes_every_column_the_page_lists(api, phone_page):
    (update_req,), _answers, _text = phone_page["update"]
    api("create", {"type": "phone", "values": {"mac": MAC, "company": "test", "phone_type": "snom320"}})
    values = fill(update_req["values"], PHONE_VALUES)
    assert api("update", {"type": "phone", "scope": {"mac": MAC, "port": 0}, "values": values})["result"] == "success"
    (row,) = api("read", {"type": "phone", "scope": {"mac": MAC}})["values"]
    assert {k: row[k] for k in values} == values


def test_readtypes_lists_every_phone_type_of_the_page(api, phone_page, prov_page):
    listed = re.search(r"readtypes handset provisioning call\):(.*)", phone_page["create"][2], re.S).group(1).split()
    assert len(listed) > 300
    (req,), (ans,), _text = prov_page["readtypes"]
    answer = api("readtypes", req)
    conforms(answer, ans)
    assert answer["numrows"] == len(answer["values"])
    assert set(listed) <= {row["phone_type"] for row in answer["values"]}


def test_provisioning_calls(sim, api, prov_page):
    sim.fixtures("ipcortex", "inactive_phones", [{"phoneid": "0123456789ab0", "phone_type": "yealinkT46"},
                                                 {"mac": "0123456789cd", "phone_type": "spa8000"}])
    (req,), (ans,), _text = prov_page["inactive"]
    answer = api("inactive", req)
    conforms(answer, ans)
    assert answer["numrows"] == 9  # 1 + 8 ports

    # The page's own demote and promote examples, as they are.
    (demote_req,), (demote_ans,), _text = prov_page["demote"]
    answer = api("demote", demote_req)
    conforms(answer, demote_ans)
    assert answer["numrows"] == 1
    sim.fixtures("ipcortex", "inactive_phones", [{"phoneid": demote_req["scope"]["phoneid"], "phone_type": "yealinkT46"}])
    (promote_req,), (promote_ans,), _text = prov_page["promote"]
    answer = api("promote", promote_req)
    conforms(answer, promote_ans)
    assert answer["numrows"] == 1

    (active_req,), (active_ans,), _text = prov_page["active"]
    answer = api("active", {"type": "phone", "scope": fill(active_req["scope"], {"company": promote_req["values"]["company"]})})
    conforms(answer, active_ans)
    assert [r["phoneid"] for r in answer["values"]] == [promote_req["scope"]["phoneid"]]

    (assign_req,), (assign_ans,), _text = prov_page["assign"]
    scope = fill(assign_req["scope"], {"mac": "", "phoneid": promote_req["scope"]["phoneid"], "port": 0,
                                       "company": promote_req["values"]["company"]})
    answer = api("assign", {"type": "phone", "scope": scope, "values": fill(assign_req["values"], {"company": "test"})})
    conforms(answer, assign_ans)
    assert answer["company"] == {"0": "test"}


UPDATE_SAMPLE = {
    "name": "Sales desk", "voicemail_box": "400", "voicemail_mon": 2, "priority": 5, "ring_type": "H",
    "ring_time": 30, "passcode": "1234", "phonebook": 1, "callerid": "-441234567890", "ivr_menu": "main",
    "vm_jump_star": "401", "vm_jump_zero": "402", "no_vm_jump": "403", "no_vm_jump_night": "404",
    "intro_day": "01", "intro_night": "02", "busy_retry": 3, "rec_override": 12, "moh_in": 2, "moh_out": 5,
    "subtype": "", "cname_prefix_ext": "exten", "cname_prefix_int": 4, "fid": 1, "nightmode": 9,
    "bounce_mode": "orig", "bounce_before": True, "bounce_duration": 60, "bounce_type": "many",
    "bounce_fall": "405", "vm_callback": -1, "email": "sales@example.com", "email_vm_att": True,
    "email_vm_del": False,
}


def test_extension_calls(sim, api, ext_page):
    # The page's create example, sent as it is, answers exactly as the page shows.
    requests_, answers, _text = ext_page["create"]
    conforms(api("create", {"type": "extension", "values": {"virt_exten": ["500", "501"], "company": "test",
                                                            "private": False, "voicemail": True, "nightmode": None}}),
             answers[0])
    assert set(requests_[0]["values"]) == {"virt_exten", "company", "private", "voicemail", "nightmode"}
    assert api("create", requests_[1]) == answers[1]

    # The read example: private 400 in company test, with an owner.
    read_reqs, read_answers, read_text = ext_page["read"]
    example_req, example_ans = read_reqs[1], read_answers[1]
    api("create", {"type": "extension", "values": {"virt_exten": "400", "company": "test", "private": True}})
    sim.fixtures("ipcortex", "users", [{"uname": "owner400", "password": "pw", "company": "test",
                                        "owned_extension": "400"}])
    answer = api("read", example_req)
    conforms(answer, example_ans)
    row, expected = answer["values"][0], example_ans["values"][0]
    assert {k: row[k] for k in ("virt_exten", "company", "scoped_exten")} == \
        {k: expected[k] for k in ("virt_exten", "company", "scoped_exten")}
    read_columns = re.findall(r"(\w+)\t+: ", read_text)
    answer = api("read", {"type": "extension", "scope": fill(read_reqs[0]["scope"], {
        "virt_exten": ["400", "500"], "scoped_exten": ["400_test", "500"], "company": "test"}), "columns": read_columns})
    conforms(answer, read_answers[0])
    assert [set(r) for r in answer["values"]] == [set(read_columns)] * 2

    # Every update column the page lists is accepted by update and returned by readfull.
    update_reqs, update_answers, update_text = ext_page["update"]
    columns = re.findall(r"(?m)(?:^|\})(\w+):\s{2,}", update_text)
    assert set(columns) == set(UPDATE_SAMPLE)
    scope = fill(update_reqs[0]["scope"], {"virt_exten": "400", "scoped_exten": "400_test", "company": "test"})
    assert api("update", {"type": "extension", "scope": scope, "values": UPDATE_SAMPLE}) == update_answers[0]
    full_reqs, full_answers, _text = ext_page["readfull"]
    answer = api("readfull", {"type": "extension", "scope": {"scoped_exten": ["400_test"]}, "columns": columns})
    conforms(answer, full_answers[0])
    assert answer["values"] == [UPDATE_SAMPLE]

    # The clone example ("eg 400" -> "400b"): three users linked to the source give "links": 3, as on the page.
    clone_reqs, clone_answers, _text = ext_page["clone"]
    source = fill(clone_reqs[0]["scope"], {"virt_exten": "400", "company": "test"})
    sim.fixtures("ipcortex", "users", [{"uname": "agent%d" % i, "password": "pw", "company": "test"} for i in range(3)])
    users = api("readlink", {"type": "user", "scope": {"company": "test"}})["values"]
    for user in [u for u in users if u["contact_id"] != row["owner"]]:
        api("link", {"type": "user", "scope": {"contact_id": user["contact_id"]},
                     "values": {"extensions": {"%s_%s" % (source["virt_exten"], source["company"]): 1}}})
    clone = {"type": "extension", "scope": source, "values": fill(clone_reqs[0]["values"], {"virt_exten": "400b"})}
    assert api("clone", clone) == clone_answers[0]
    cloned = api("readlink", {"type": "user", "scope": {"company": "test"}})["values"]
    assert sum("400b_test" in u["extensions"] for u in cloned) == 3

    delete_reqs, delete_answers, _text = ext_page["delete"]
    answer = api("delete", {"type": "extension", "scope": fill(delete_reqs[0]["scope"], {
        "virt_exten": "400", "scoped_exten": "400_test", "company": "test"})})
    conforms(answer, delete_answers[0])
