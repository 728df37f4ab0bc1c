"""A server that is not (or no longer) the PBX's API: an HTML page, cut or wrong-shaped JSON, an error in a 200,
a cut-off, endless or trickling answer.  Each ends the task with a message that names the request and says what
to check, never a traceback, never a write, within the timeout; credentials never go to another host."""

import pytest

from playbook import CONNECTION, run_play
from samples import TENANT, ext
from simhelper import RunningSimulator

MODULE = "pbxops.pbx.pbx_extension"
LABEL = {"sipxcom": "sipXcom", "ipcortex": "IPCortex", "portsip": "PortSIP"}
# The extension listing of each platform: the first read a pbx_extension task sends after logging in.
LISTING = {
    "sipxcom": {"method": "GET", "path": "/sipxconfig/api/users"},
    "ipcortex": {"method": "POST", "path": "/rest/dialplan/readfull/extension"},
    "portsip": {"method": "GET", "path": "/api/users"},
}
SHOWN_PATH = {"sipxcom": "/sipxconfig/api/users", "ipcortex": "/rest/dialplan/readfull/extension",
              "portsip": "/api/users"}
LOGIN = {"ipcortex": "/rest/auth", "portsip": "/api/auth/sign_in"}
CREATE = {"sipxcom": "/sipxconfig/api/users", "ipcortex": "/rest/dialplan/create/extension", "portsip": "/api/users"}
PREFIX = {"sipxcom": "/sipxconfig", "ipcortex": "/rest", "portsip": "/api"}
HTML = "<html><head><title>Sign in</title></head><body>Sign in to the portal</body></html>"
# What each platform's own failures look like in a 200 (IPCortex always answers 200 with a result).
ENVELOPE = {
    "sipxcom": ({"errors": [{"code": "INTERNAL", "message": "database unavailable"}]},
                "the answer is an error, not data: INTERNAL: database unavailable"),
    "portsip": ({"errors": [{"code": "INTERNAL", "message": "database unavailable"}]},
                "the answer is an error, not data: INTERNAL: database unavailable"),
    "ipcortex": ({"result": "fail", "message": "database unavailable"}, "database unavailable"),
}
# JSON, but not of the shape the driver reads (a list where the listing object should be).
WRONG_SHAPE = {"sipxcom": {"users": [1, 2]}, "portsip": {"items": [1, 2], "count": 2},
               "ipcortex": {"result": "success", "values": [1, 2]}}
TIMEOUT = 2
SECRETS = {p: [v for k, v in c.items() if k in ("password", "api_key")] for p, c in CONNECTION.items()}


def answer(filters, **fault):
    return dict(filters, count=1, **fault)


def clean(result, r):
    assert r.get("failed"), r
    assert "Traceback" not in result.output and "MODULE FAILURE" not in result.output, result.output[-3000:]
    # How ansible-core 2.19+ reports an exception that escaped the module (it shows no traceback by default).
    assert "Module failed" not in r["msg"], r["msg"]
    return r["msg"]


def clock(name):
    return {"name": name, "ansible.builtin.set_fact": {name: "{{ now().timestamp() }}"}}


@pytest.fixture(scope="module")
def other_host():
    """Another server, which counts what it receives: it must never see a request, let alone credentials."""
    with RunningSimulator() as sim:
        yield sim


def redirects(platform, other, before):
    """Redirects of the login (where the platform has one) and of a write to another host, with the tasks they hit
    (after ``before`` tasks that each log in once)."""
    faults = [{"kind": "redirect", "status": 308, "method": "POST", "path": CREATE[platform], "count": 1,
               "location": other.url + CREATE[platform]}]
    cases = [("redirected write", ["POST %s: the PBX answered HTTP 308, a redirect to %s%s"
                                   % (CREATE[platform], other.url, CREATE[platform])])]
    if platform in LOGIN:
        faults.insert(0, {"kind": "redirect", "status": 307, "path": LOGIN[platform], "count": 1, "skip": before,
                          "location": other.url + LOGIN[platform]})
        cases.insert(0, ("redirected login", ["POST %s: the PBX answered HTTP 307, a redirect to %s%s"
                                              % (LOGIN[platform], other.url, LOGIN[platform])]))
    return faults, [(name, None, words + ["which must not get the credentials"]) for name, words in cases]


def test_hostile_answers_end_in_a_clear_error(target, other_host):
    p = target.platform
    # Each fault answers the listing of one task, in turn.
    listing = LISTING[p]
    envelope, envelope_words = ENVELOPE[p]
    not_json = (["not an IPCortex answer", "check that url points at the IPCortex PABX"] if p == "ipcortex" else
                ["is not JSON", "url points at the PBX's API"])
    cases = [
        # (task name, fault, words of the message)
        ("html", answer(listing, kind="status", status=200, body=HTML, content_type="text/html"),
         ["HTTP 200", "<html><head><title>Sign in"] + not_json + ([] if p == "ipcortex" else ["Content-Type text/html"])),
        ("cut json", answer(listing, kind="status", status=200, body="[1,2", content_type="application/json"),
         ["HTTP 200", "[1,2"] + not_json),
        ("envelope", answer(listing, kind="status", status=200, body=envelope), [envelope_words]),
        ("wrong shape", answer(listing, kind="status", status=200, body=WRONG_SHAPE[p]),
         ["Reading the answer to %s %s (HTTP 200)" % (LISTING[p]["method"], SHOWN_PATH[p]),
          "is not what %s sends" % LABEL[p], "check that url (%s) points at the PBX's API" % target.url]),
        ("truncated", answer(listing, kind="truncate"), ["the answer was cut off after", "Check the network"]),
        ("huge", answer(listing, kind="huge"), ["the answer goes on past 67108864 bytes", "url points at"]),
        ("slow", answer(listing, kind="slow", seconds=0.5, body="x" * 100),
         ["timed out after %ss" % TIMEOUT, "bytes of the answer had arrived"]),
        # pbx_info takes the same way out when an answer has the wrong shape.
        ("info", answer(listing, kind="status", status=200, body=WRONG_SHAPE[p]), ["is not what %s sends" % LABEL[p]]),
    ]
    redirect_faults, redirect_cases = redirects(p, other_host, len(cases))
    other_host.reset_stats()
    target.sim.faults(*redirect_faults + [fault for _name, fault, _words in cases])
    tasks = []
    for name, _fault, _words in cases + redirect_cases:
        if name == "cut json":
            tasks.append(clock("t0"))
        if name == "envelope":
            tasks.append(clock("t1"))
        if name == "slow":
            tasks.append(clock("before"))
        if name == "info":
            tasks.append({"name": name, "pbxops.pbx.pbx_info": {"gather": ["extensions"]}})
        else:
            tasks.append({"name": name, MODULE: ext(p, 101)})
        if name == "slow":
            tasks.append(clock("after"))
    result = target.play(tasks, connection=dict(target.connection, timeout=TIMEOUT, retries=0))
    for name, _fault, words in cases + redirect_cases:
        msg = clean(result, result[name])
        assert "redirected" in name or SHOWN_PATH[p] in msg, (name, msg)
        for word in words:
            assert word in msg, "%s: %r not in %r" % (name, word, msg)
        assert not any(secret in msg for secret in SECRETS[p]), (name, msg)

    def seconds(start, end):
        return float(result[end]["ansible_facts"][end]) - float(result[start]["ansible_facts"][start])

    # Against a task that fails at once, measured in the same play: on a busy machine a task takes seconds
    # by itself.  Without the deadline the answer would take its 50 s.
    took, baseline = seconds("before", "after"), seconds("t0", "t1")
    assert took - baseline < TIMEOUT + 2 and took < 20, "slow-loris: %.1fs (a quick task: %.1fs)" % (took, baseline)
    assert other_host.stats()["requests"] == 0, "a redirect was followed to another host"
    # A faulted IPCortex read is a POST the platform never saw, so the statistics count it as a write.
    writes = sum(counts["writes"] for route, counts in target.routes().items() if SHOWN_PATH[p] not in route)
    assert writes == 0, target.routes()
    assert [f["fired"] for f in target.sim.ops("GET", "faults")["faults"]] == [1] * (len(redirect_faults) + len(cases))


def test_the_traceback_of_an_answer_of_the_wrong_shape_is_kept_for_debugging(simulator):
    """Where the module failed is for a bug report: kept in the result's exception, shown with -vvv (ansible-core
    2.19+ keeps it only when asked to), scrubbed of secrets.  The same code for every platform."""
    simulator.reset()
    simulator.faults(answer(LISTING["sipxcom"], kind="status", status=200, body=WRONG_SHAPE["sipxcom"]))
    connection = dict(CONNECTION["sipxcom"], tenant=TENANT, retries=0, password="s3cret-Pa55")
    result = run_play(simulator.url, connection, [{"name": "ext", MODULE: ext("sipxcom", 101)}],
                      env={"ANSIBLE_DISPLAY_TRACEBACK": "error"})
    r = result["ext"]
    assert r.get("failed") and "is not what sipXcom sends" in r["msg"], r
    assert "Traceback" in r.get("exception", "") and "AttributeError" in r["exception"], r
    assert "s3cret-Pa55" not in result.output
