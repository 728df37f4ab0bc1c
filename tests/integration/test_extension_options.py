"""Every option of pbx_extension, on every platform that supports it, through
real ansible-playbook runs: set, rerun unchanged, change (check mode predicts
it exactly), rerun unchanged. Options fixed at creation must refuse a change."""

import pytest

import readback
from playbook import views
from samples import TENANT, ext

MODULE = "pbxops.pbx.pbx_extension"

# option -> (first value, changed value), per platform, for the options not in samples.ext().
OPTIONS = {
    "sipxcom": {
        "first_name": ("Ann", "Anna"),
        "enabled": (True, False),
        "voicemail": (True, False),
        "caller_id": ("+14235550201", "+14235550202"),
        "aliases": (["ann", "2201"], ["2201", "annie"]),
        "groups": (["sales", "hq"], ["hq", "support"]),
        "api_fields": ({"userProfile": {"jobTitle": "CTO"}}, {"userProfile": {"jobTitle": "CEO"}}),
    },
    "ipcortex": {
        "name": ("Reception", "Front Desk"),
        "voicemail": (True, False),
        "caller_id": ("01234567890", "-01234567891"),
        "api_fields": ({"phonebook": 3, "ring_time": 20}, {"phonebook": 0, "ring_time": 20}),
    },
    "portsip": {
        "name": ("Ann Lee", "Ann Lee-Smith"),
        "enabled": (True, False),
        "role": ("StandardUser", "QueueManager"),
        "api_fields": ({"department": "Sales"}, {"department": "Support"}),
    },
}
# Options only a create can set, with a value a later run may not change to.
FIXED = {"ipcortex": ("private", True, False), "portsip": ("login_name", "ann.lee", "ann.smith"), "sipxcom": None}


def run(target, args, **kwargs):
    result = target.play([{"name": "ext", MODULE: args}], **kwargs)
    r = result["ext"]
    assert not r.get("failed"), "%s\n%s" % (r.get("msg"), result.output[-3000:])
    return r


def test_every_option_sets_reruns_and_changes(target):
    p = target.platform
    first = ext(p, 150, **dict((k, v[0]) for k, v in OPTIONS[p].items()))
    second = ext(p, 150, **dict((k, v[1]) for k, v in OPTIONS[p].items()))

    assert run(target, first)["changed"] is True
    target.sim.reset_stats()
    again = run(target, first)
    assert again["changed"] is False and target.writes() == 0, target.routes()
    for option, values in OPTIONS[p].items():
        value = values[0]
        if option != "api_fields":
            shown = again["extension"][option]
            assert sorted(shown) == sorted(value) if isinstance(value, list) else shown == value, option

    predicted = run(target, second, check=True, diff=True)
    assert predicted["changed"] is True and target.writes() == 0
    changed = run(target, second, diff=True)
    # What check mode said the PBX would hold is what it holds, read through its own API.
    actual = readback.extension(target.sim, p, TENANT, "150")
    problems = readback.holds(actual, predicted["extension"], ("sip_password", "web_password", "voicemail_pin"))
    assert not problems, problems
    assert changed["diff"] == predicted["diff"] and changed["extension"] == predicted["extension"]
    before, after = views(changed)
    assert set(k for k in after if before.get(k) != after[k]) == set(OPTIONS[p]), changed["diff"]
    target.sim.reset_stats()
    assert run(target, second)["changed"] is False and target.writes() == 0, target.routes()


@pytest.mark.parametrize("platform", ["ipcortex", "portsip"])
def test_options_fixed_at_creation_refuse_a_change(target):
    option, value, other = FIXED[target.platform]
    assert run(target, ext(target.platform, 160, **{option: value}))["changed"] is True
    target.sim.reset_stats()
    for check in (True, False):  # check mode predicts the refusal, it does not promise an update
        result = target.play([{"name": "ext", MODULE: ext(target.platform, 160, **{option: other})}], check=check)
        assert result["ext"].get("failed") and option in result["ext"]["msg"], result["ext"]
    assert target.writes() == 0
