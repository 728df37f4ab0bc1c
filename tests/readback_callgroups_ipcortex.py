"""What an IPCortex PABX holds for call groups, read through its own API (ipcortex.md 3, 4.2, 5; seed 002),
for the tests' oracle. No collection code: plain requests against the vendor's REST calls.

A call group is an extension of ring type H or Q; its members are the users linked to it
(/rest/dialplan/readlink, extensions "<number>_<company>" -> order), named here by the extensions they own."""

import requests

COLUMNS = ["virt_exten", "company", "scoped_exten", "name", "ring_type", "ring_time", "subtype", "no_vm_jump",
           "voicemail_box", "moh_in", "no_vm_jump_night"]


def call(sim, verb, body, type_="extension", section="dialplan"):
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    session = requests.Session()
    session.trust_env = False
    body = dict(body, type=type_, auth={"type": "auth", "key": key})
    answer = session.post(sim.url + "/rest/%s/%s/%s" % (section, verb, type_), json=body, timeout=10).json()
    assert answer["result"] == "success", answer
    return answer


def extensions(sim, company):
    """Every extension row of the company (readfull), in the PABX's order."""
    return call(sim, "readfull", {"scope": {"company": company}, "columns": COLUMNS})["values"]


def links(sim, company, number):
    """[(order, contact_id, [numbers the contact owns])] of the users linked to <number>_<company>, by order."""
    owned = {}
    for row in call(sim, "read", {"scope": {"company": company}, "columns": ["virt_exten", "owner"]})["values"]:
        if row.get("owner") is not None:
            owned.setdefault(row["owner"], []).append(row["virt_exten"])
    key = "%s_%s" % (number, company)
    out = []
    for contact, numbers in owned.items():
        for entry in call(sim, "readlink", {"scope": {"contact_id": contact}}, type_="user")["values"]:
            if key in entry["extensions"]:
                out.append((entry["extensions"][key], contact, sorted(numbers)))
    return sorted(out)


def user_links(sim, contact):
    """A user's links to extensions: {"<number>_<company>": order}."""
    return call(sim, "readlink", {"scope": {"contact_id": contact}}, type_="user")["values"][0]["extensions"]


def contact_of(sim, company, number):
    """The owner (contact id) of an extension of the company, or None."""
    rows = call(sim, "read", {"scope": {"virt_exten": number, "company": company},
                              "columns": ["virt_exten", "owner"]})["values"]
    return rows[0]["owner"] if rows else None


def callgroup(sim, company, number):
    """The group's extension row plus members (owned numbers in link order) and their order values; None
    when the company has no extension of that number."""
    rows = call(sim, "readfull", {"scope": {"virt_exten": number, "company": company}, "columns": COLUMNS})["values"]
    if not rows:
        return None
    row = dict(rows[0])
    linked = links(sim, company, number)
    row["members"] = [numbers[0] for _order, _contact, numbers in linked]
    row["orders"] = [order for order, _contact, _numbers in linked]
    return row


def link(sim, contact, extensions):
    """Link a user to extensions as a PABX admin would ({"<number>_<company>": order or None})."""
    return call(sim, "link", {"scope": {"contact_id": contact}, "values": {"extensions": extensions}}, type_="user")


def make_group(sim, company, number, ring_type="H", **columns):
    """A group made on the PABX itself (create, then update its type and columns)."""
    call(sim, "create", {"values": {"virt_exten": number, "company": company}})
    values = dict(columns, ring_type=ring_type)
    call(sim, "update", {"scope": {"virt_exten": number, "company": company}, "values": values})
