"""Hostile module input (issue 10, point 6): generated arguments for every module on every platform.

Each example runs the module's own main() in this process, the way Ansible's module unit tests do
(ansible.module_utils.testing.patch_module_args, SystemExit caught, the JSON on stdout read back), against the
real simulator process over HTTP. Arguments start from a valid task of the module and platform and are mutated:
wrong types, huge strings, unicode, injection-like text, malformed MACs / ELINs / addresses, unknown keys, junk
nested in dict options (api_fields, settings, ...) and junk elements in the list form.

The property: every run ends in exit_json (ok/changed) or fail_json with a message, never in an exception of
our code, and a failed run wrote nothing. Most examples run in check mode (which must never write either); one
in eight runs for real, after which the platform is reset and seeded again when anything was written.
"""

import contextlib
import io
import json
import sys
import traceback

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from playbook import CONNECTION, ensure_collection_link, run_play
from samples import TENANT, ext, seed_ipcortex

sys.path.insert(0, ensure_collection_link())

# pylint: disable=wrong-import-position,wrong-import-order
from ansible.module_utils.common import warnings as ansible_warnings  # noqa: E402
from ansible.module_utils.testing import patch_module_args  # noqa: E402

from ansible_collections.pbxops.pbx.plugins.modules import (  # noqa: E402
    pbx_callgroup, pbx_erl, pbx_extension, pbx_gateway, pbx_info, pbx_phone, pbx_tenant)

PLATFORMS = ("sipxcom", "ipcortex", "portsip")
USERS = ("101", "102", "103", "104")
# Examples per module and platform; a module on a platform without its API fails the same way every time,
# so it gets fewer.
EXAMPLES = 150
NO_API_EXAMPLES = 40
NO_API = {("gateway", "ipcortex"), ("erl", "ipcortex"), ("erl", "portsip"), ("tenant", "ipcortex")}

MODULES = {"extension": pbx_extension, "phone": pbx_phone, "callgroup": pbx_callgroup, "gateway": pbx_gateway,
           "erl": pbx_erl, "tenant": pbx_tenant, "info": pbx_info}
PLURAL = {"extension": "extensions", "phone": "phones", "callgroup": "callgroups", "gateway": "gateways",
          "erl": "erls", "tenant": "tenants"}

# A valid task per module and platform (tests/integration/test_<kind>_<platform>.py use the same shapes).
BASE = {
    ("phone", "sipxcom"): dict(mac="00:04:F2:AA:BB:CC", model="yealinkPhoneSIPT46S", device_version="yealink8X",
                               description="Reception", extensions=["101", "102"], groups=["hq"],
                               settings={"server/outboundProxy": "sbc.example.com"}),
    ("phone", "ipcortex"): dict(mac="00:04:F2:A1:B2:C3", model="snom320", description="Reception",
                                zone="Europe/London", extensions=["101"]),
    ("phone", "portsip"): dict(mac="0C:38:3E:63:FE:E8", model="V62 Pro", extensions=["101"], language="GERMAN"),
    ("callgroup", "sipxcom"): dict(number="500", name="sales", description="Sales line", did="4155550500",
                                   strategy="hunt", ring_time=20, members=["101", "102"],
                                   no_answer={"action": "forward", "number": "103"}),
    ("callgroup", "ipcortex"): dict(number="600", name="Sales", strategy="hunt", ring_time=20,
                                    members=["101", "102", "103"]),
    ("callgroup", "portsip"): dict(number="600", name="Helpdesk", strategy="hunt", ring_time=25,
                                   skip_busy_members=True, members=["101", "102"],
                                   no_answer={"action": "forward", "number": "103"}),
    ("gateway", "sipxcom"): dict(name="carrier", model="sipTrunkStandard", address="sip.carrier.example", port=5060,
                                 transport="UDP", prefix="9", caller_id="4235550000", sip_username="acme-trunk",
                                 sip_password="Trunk-Pa55-7319",
                                 settings={"itsp-account/registration-interval": 300}),
    ("gateway", "ipcortex"): dict(name="carrier", address="sip.carrier.example"),
    ("gateway", "portsip"): dict(name="Carrier", brand="Generic", auth_mode="REGISTER_AUTH",
                                 address="sip.carrier.example", port=5060, transport="udp", concurrency=30,
                                 sip_username="acct-1001", auth_id="1001", sip_password="Trunk-Pa55-4412",
                                 did_numbers="3000;12000-18000", inbound_parameters={"caller_num": "FROM_USER_PART"},
                                 assignees=[{"tenant": TENANT, "did_numbers": "3000", "concurrency": 10}]),
    ("erl", "sipxcom"): dict(elin="4235551212", location="123 Test Street, Floor 1",
                             address_info="123 Test Street, Chattanooga, TN 37412", description="Reception",
                             users=["101", "102"]),
    ("tenant", "sipxcom"): dict(name="globex", description="Globex plant", phone_number="+441632960001",
                                address={"street": "1 Mill Road", "city": "Leeds"}),
    ("tenant", "portsip"): dict(name="globex", domain="globex.example.com", timezone="Europe/London",
                                currency="GBP", region="GBR", max_extensions=50, enable_feature_trunks=False,
                                api_fields={"recording_retention": 90}),
    ("info", None): dict(gather=["all"]),
}
for _p in PLATFORMS:
    BASE[("extension", _p)] = ext(_p, "301")
    BASE.setdefault(("erl", _p), dict(elin="4235551212", location="Floor 1"))
    BASE.setdefault(("tenant", _p), dict(name="globex"))
    BASE[("info", _p)] = BASE[("info", None)]

# -- hostile values ----------------------------------------------------------------------------------------
INJECTION = ["'; DROP TABLE users; --", "../../etc/passwd", "..%2f..%2fetc", "<script>alert(1)</script>", "%s%n%x",
             "{{ lookup('env', 'HOME') }}", "{% raw %}", "\r\nX-Injected: yes", "a\nb", "a&b=c", "a?b=c", "#frag",
             "a/b", "/", ".", "..", "%00", "\x00", " ", "", "\t", "${jndi:ldap://x}", "$(id)", "`id`", "*", "%",
             "null", "None", "true", "[]", "{}", "0", "-1", "1e999", "0x1f", "+", "\\", "\"", "'", ";", ",", "|"]
UNICODE = ["\U0001F4DE\U0001F525", "\u202eevil\u202c", "\u05e9\u05dc\u05d5\u05dd", "e\u0301\u0301\u0301",
           "\ufeffbom", "\u200b", "\uffff", "\ud800", "\udfff", "\u0000\u0001\u001f", "Stra\u00dfe", "\u4e2d\u6587",
           "\u0130stanbul", "\U0010ffff"]
# Not a MAC address in any spelling: refused before any request (REFUSED_KEYS).
REFUSED_MACS = ["0004f2aabbc", "0004f2aabbccd", "00:04:F2:AA:BB:GG", "00:04:f2:aa:bb", "zz-zz-zz-zz-zz-zz",
                "::::::::::::", "\uff10004f2aabbcc", "0004f2aabbcc0004f2aabbcc", "00:04:f2:aa:bb:cc'; --",
                "١٢٣٤٥٦٧٨٩٠١٢"]
# Twelve hex digits with separators in odd places or spaces around: read as that MAC.
MACS = REFUSED_MACS + ["0004f2aa bbcc", "00::04:f2:aa:bb:cc", "0004f2aabbcc\n"]
NUMBERS = ["", " ", "12 34", "+", "-1", "1.5", "1e3", "0x10", "٣٠١", "\uff13\uff10\uff11", "301;", "301/302", "*97",
           "#", "9" * 300, "0643", "301\r\n", "4235551212'", "NaN"]
ADDRESSES = ["999.1.1.1", "1.2.3", "::::", "256.256.256.256", "a..b", "-host", "host_name", "http://x/", "[::1]",
             "10.0.0.0/33", "1.2.3.4:99999", "x" * 300, "host name", "ho\u00dft"]

TEXT = st.one_of(
    st.sampled_from(INJECTION), st.sampled_from(UNICODE), st.sampled_from(MACS), st.sampled_from(NUMBERS),
    st.sampled_from(ADDRESSES), st.text(max_size=12),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "9", "\U0001F4DE", "\u0301", "/"]),
              st.sampled_from([256, 4096, 100000])))
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.sampled_from([0, -1, 1, 2 ** 31, 2 ** 63, -2 ** 63, 10 ** 30]),
    st.floats(allow_nan=True, allow_infinity=True), TEXT)
JUNK = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(TEXT, st.sampled_from(["id", "name", "number", "tenant", "_id", "password"])), inner,
                    max_size=4)), max_leaves=12)

# Options of a resource that the generator also targets (the table's options are added per module).
EXTRA_KEYS = ["state", "purge", "purge_all_tenants", "update_password", "tenant", "push_config", "force", "bogus",
              "timeout", "retries", "validate_certs", "platform",
              "", "number ", "Name", "_ansible_junk_option"]


def _options(kind):
    from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES
    if kind == "info":
        return ["gather", "keys", "tenant"]
    return sorted(RESOURCES[kind].options)


@st.composite
def value_for(draw, name):
    """A hostile value, biased towards what the option is about."""
    special = {
        "mac": st.sampled_from(MACS), "elin": st.sampled_from(NUMBERS), "number": st.sampled_from(NUMBERS),
        "address": st.sampled_from(ADDRESSES), "outbound_address": st.sampled_from(ADDRESSES),
        "nat_ipaddr": st.sampled_from(ADDRESSES), "additional_ips": st.sampled_from(ADDRESSES),
        "extensions": st.lists(st.one_of(st.sampled_from(NUMBERS), SCALAR), max_size=4),
        "members": st.lists(st.one_of(st.sampled_from(NUMBERS), JUNK,
                                      st.fixed_dictionaries({"number": st.one_of(st.sampled_from(NUMBERS), SCALAR)},
                                                            optional={"skill_level": SCALAR, "ring_type": SCALAR,
                                                                      "expiration": SCALAR, "enabled": SCALAR,
                                                                      "bogus": SCALAR})), max_size=4),
        "api_fields": st.dictionaries(st.one_of(TEXT, st.sampled_from(["id", "name", "extension_number", "tenant",
                                                                      "userName", "company", "serialNo"])),
                                      JUNK, max_size=5),
        "gather": st.lists(st.one_of(st.sampled_from(["all", "phones", "erls", "gateways", "tenants", "extensions",
                                                      "callgroups", "phone_models", "unprovisioned_phones"]), JUNK),
                           max_size=4),
        "keys": st.lists(JUNK, max_size=4),
    }
    strategy = special.get(name)
    if strategy is not None and draw(st.booleans()):
        return draw(strategy)
    return draw(JUNK)


@st.composite
def arguments(draw, kind, platform):
    """(args, what was done to them) for one run of the module."""
    base = dict(BASE[(kind, platform)])
    names = _options(kind) + EXTRA_KEYS
    how = []
    for _mutation in range(draw(st.integers(min_value=0, max_value=3))):
        name = draw(st.sampled_from(names))
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            base.pop(name, None)
            how.append("drop " + name)
        else:
            base[name] = draw(value_for(name))
            how.append("set " + name)
    if kind != "info" and draw(st.integers(min_value=0, max_value=3)) == 0:
        # The list form: the (mutated) item, maybe beside valid, duplicate and junk elements.
        task_keys = [k for k in ("state", "purge", "purge_all_tenants", "update_password", "tenant", "push_config",
                                 "force") if k in base]
        task = dict((k, base.pop(k)) for k in task_keys)
        items = [base]
        for _extra in range(draw(st.integers(min_value=0, max_value=2))):
            items.append(draw(st.one_of(st.just(dict(BASE[(kind, platform)])), JUNK)))
        if draw(st.integers(min_value=0, max_value=7)) == 0:
            items = draw(JUNK)
        task[PLURAL[kind]] = items
        how.append("list form")
        base = task
    return base, how


# -- running a module in this process ----------------------------------------------------------------------
class Traceback(AssertionError):
    pass


def run_module(module, args):
    """The module's result dict (what it printed), after main() ended in exit_json or fail_json."""
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    ansible_warnings._global_deprecations.clear()  # pylint: disable=protected-access
    out = io.StringIO()
    try:
        with patch_module_args(args), contextlib.redirect_stdout(out):
            module.main()
    except SystemExit:
        pass
    except Exception:  # pylint: disable=broad-except
        raise Traceback("%s raised instead of failing cleanly:\n%s" % (module.__name__, traceback.format_exc()))
    else:
        raise Traceback("%s returned without exit_json or fail_json" % module.__name__)
    text = out.getvalue()
    try:
        return json.loads(text)
    except ValueError:
        raise Traceback("%s printed no JSON result: %r" % (module.__name__, text[:2000]))


def seed(sim, platform):
    """The tenant and users 101-104 (fixtures: no requests counted)."""
    if platform == "sipxcom":
        sim.fixtures("sipxcom", "branches", [{"name": TENANT}])
        sim.fixtures("sipxcom", "users", [{"userName": n, "firstName": "User", "lastName": n,
                                           "sipPassword": "Line-%s-s3cret" % n, "branch": TENANT} for n in USERS])
    elif platform == "ipcortex":
        seed_ipcortex(sim, owned=USERS)
    else:
        sim.fixtures("portsip", "tenants", [{"name": TENANT, "domain": TENANT + ".example.com"}])
        sim.fixtures("portsip", "users", [{"extension_number": n, "tenant": TENANT} for n in USERS])


class Runs:
    """Counts examples and keeps the simulator's platform in its seeded state."""

    def __init__(self, sim):
        self.sim = sim
        self.examples = 0
        self.seeded = set()

    def writes(self, platform):
        return self.sim.stats()["by_platform"].get(platform, {}).get("writes", 0)

    def requests(self, platform):
        counts = self.sim.stats()["by_platform"].get(platform, {})
        return sum(counts.get(kind, 0) for kind in ("reads", "writes", "logins"))

    def prepare(self, platform):
        if platform not in self.seeded:
            self.sim.reset(platform)
            seed(self.sim, platform)
            self.seeded.add(platform)
        self.sim.reset_stats()

    def one(self, kind, platform, args, how, check):
        self.prepare(platform)
        full = dict(CONNECTION[platform], url=self.sim.url, tenant=TENANT, timeout=10, retries=0)
        full.update(args)
        full["_ansible_check_mode"] = check
        full["_ansible_diff"] = True
        self.examples += 1
        result = run_module(MODULES[kind], full)
        writes, requests = self.writes(platform), self.requests(platform)
        if writes:
            self.seeded.discard(platform)  # the next example starts from the seeded state again
        context = "pbx_%s on %s (%s, check=%s): %r" % (
            kind, platform, ", ".join(how) or "valid", check, _short(args))
        if result.get("failed"):
            msg = result.get("msg")
            assert isinstance(msg, str) and msg.strip(), "failed without a message: %s\n%r" % (context, result)
            assert "Traceback" not in msg, "%s\n%s" % (context, msg)
            assert writes == 0, "a failed run wrote %d times: %s\n%s" % (writes, context, msg)
        else:
            assert "changed" in result, "neither ok/changed nor failed: %s\n%r" % (context, result)
            if check:
                assert writes == 0, "check mode wrote %d times: %s" % (writes, context)
        return result


def _short(value, limit=600):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "... (%d chars)" % len(text)


@pytest.fixture(scope="module")
def runs(simulator):
    r = Runs(simulator)
    yield r
    simulator.reset()
    print("\nhostile input: %d examples" % r.examples)


CASES = [(kind, platform) for kind in MODULES for platform in PLATFORMS]


@pytest.mark.parametrize("kind,platform", CASES, ids=["%s-%s" % c for c in CASES])
def test_hostile_arguments_end_in_a_result_or_a_clean_failure(runs, kind, platform):
    examples = NO_API_EXAMPLES if (kind, platform) in NO_API else EXAMPLES

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(arguments(kind, platform), st.integers(min_value=0, max_value=7))
    def prop(drawn, mode):
        args, how = drawn
        runs.one(kind, platform, args, how, check=mode != 0)

    prop()


# Malformed keys, every one, in both forms, checked and for real: refused before any request, so a key check
# that stopped checking shows even in check mode (where nothing is written either way). No value of NUMBERS is
# a 10-digit ELIN.
REFUSED_KEYS = [("phone", platform, "mac", value) for platform in PLATFORMS for value in REFUSED_MACS] + [
    ("erl", "sipxcom", "elin", value) for value in NUMBERS]


@pytest.mark.parametrize("form", ["single", "list"])
def test_a_malformed_key_is_refused_naming_it_before_any_request(runs, form):
    for kind, platform, name, value in REFUSED_KEYS:
        args = dict(BASE[(kind, platform)], **{name: value})
        if form == "list":
            args = {PLURAL[kind]: [dict(BASE[(kind, platform)]), args]}
        for check in (True, False):
            result = runs.one(kind, platform, args, ["set " + name], check)
            context = "pbx_%s on %s, %s %r (%s form, check=%s)" % (kind, platform, name, value, form, check)
            assert result.get("failed") and name in result.get("msg", ""), "not refused: %s: %r" % (context, result)
            assert runs.requests(platform) == 0, "sent: %s: %r" % (context, runs.sim.stats())


# A handful of generated tasks through a real ansible-playbook: the controller's side of the same property.
PLAYBOOK_CASES = [("extension", "sipxcom"), ("phone", "ipcortex"), ("callgroup", "portsip"), ("gateway", "sipxcom"),
                  ("erl", "sipxcom"), ("tenant", "portsip"), ("phone", "portsip"), ("extension", "ipcortex"),
                  ("gateway", "portsip"), ("info", "sipxcom")]


def test_generated_tasks_through_ansible_playbook(simulator):
    for index, (kind, platform) in enumerate(PLAYBOOK_CASES):
        args = _example(kind, platform, index)
        simulator.reset(platform)
        seed(simulator, platform)
        simulator.reset_stats()
        task = dict(args, tenant=TENANT, timeout=10, retries=0)
        result = run_play(simulator.url, CONNECTION[platform], [{"name": "t", "pbxops.pbx.pbx_" + kind: task}],
                          check=True)
        assert "Traceback" not in result.output and "MODULE FAILURE" not in result.output, result
        r = result["t"]
        assert r.get("failed") is not True or (r.get("msg") or "").strip(), result
        written = simulator.stats()["by_platform"].get(platform, {}).get("writes", 0)
        assert written == 0, (kind, platform, args, result)
    simulator.reset()


def _example(kind, platform, index):
    """The index-th generated example (of the mutated ones) that a YAML play can carry (no lone surrogates)."""
    drawn = []

    @settings(max_examples=40, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(arguments(kind, platform))
    def collect(value):
        args, how = value
        try:
            json.dumps(args, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return
        if how and "_ansible_junk_option" not in args:  # the controller itself refuses _ansible_ keys in a task
            drawn.append(args)

    collect()
    return json.loads(json.dumps(drawn[index % len(drawn)]))
