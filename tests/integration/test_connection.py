"""Connection mistakes a new user makes, each ending in a message that says what to change:
never a traceback, never a write, never credentials sent to another host."""

import pytest

from playbook import CONNECTION, run_play
from samples import TENANT, ext
from simhelper import RunningSimulator

MODULE = "pbxops.pbx.pbx_extension"
PREFIX = {"sipxcom": "/sipxconfig", "ipcortex": "/rest", "portsip": "/api"}


def attempt(url, platform, **connection):
    conn = dict(CONNECTION[platform], tenant=TENANT, url=url, retries=0, timeout=5)
    conn.update(connection)
    result = run_play(url, conn, [{"name": "ext", MODULE: ext(platform, 101)}])
    r = result["ext"]
    assert r.get("failed"), r
    assert "Traceback" not in result.output and "MODULE FAILURE" not in result.output, result.output[-3000:]
    return r["msg"]


@pytest.fixture(scope="module")
def tls_simulator():
    with RunningSimulator(tls=True) as sim:
        yield sim


@pytest.mark.parametrize("platform", ["sipxcom", "ipcortex", "portsip"])
def test_url_mistakes_say_what_to_change(simulator, tls_simulator, platform):
    simulator.reset()
    simulator.reset_stats()
    host = simulator.url.split("://", 1)[1]
    cases = [
        # (url, extra connection options, words the message must hold)
        (host, {}, ["has no scheme", "https://host[:port]"]),
        (simulator.url + PREFIX[platform], {}, ["includes the API path", "url: %s" % simulator.url]),
        (simulator.url + PREFIX[platform] + "/", {}, ["includes the API path"]),
        ("http://admin:admin@" + host, {}, ["must not carry credentials"]),
        (simulator.url + "?x=1", {}, ["query"]),
        ("https://" + host, {}, ["does not answer TLS", "plain-HTTP port", "http://"]),
        (tls_simulator.url.replace("https://", "http://"), {}, ["use https://"]),
        (tls_simulator.url, {"ca_path": "/nonexistent/pbx-ca.pem"}, ["ca_path /nonexistent/pbx-ca.pem does not exist"]),
        (tls_simulator.url, {}, ["TLS verification failed", "ca_path"]),
    ]
    for url, extra, words in cases:
        msg = attempt(url, platform, **extra)
        for word in words:
            assert word in msg, "url %s: %r not in %r" % (url, word, msg)
    assert simulator.stats()["writes"] == 0 and tls_simulator.stats()["writes"] == 0


def test_sipxcom_over_plain_http_is_refused_not_turned_into_gets(tmp_path):
    """sipXcom's Apache answers plain HTTP with a 302 to https: following it would turn every write into a
    GET that answers 200 and would be reported changed."""
    with RunningSimulator(extra_args=["--sipxcom-http-redirect"]) as sim:
        msg = attempt(sim.url, "sipxcom")
        assert "HTTP 302" in msg and "https://127.0.0.1/sipxconfig/" in msg, msg
        assert "use https:// in url" in msg, msg
        stats = sim.stats()
        assert stats["writes"] == 0 and stats["reads"] == 0 and stats["redirects"] == 1, stats


@pytest.mark.parametrize("platform", ["sipxcom", "ipcortex", "portsip"])
def test_a_redirect_to_another_host_gets_no_credentials(simulator, platform):
    with RunningSimulator() as other:
        simulator.reset()
        simulator.faults({"kind": "redirect", "status": 307, "location": other.url + PREFIX[platform] + "/x",
                          "platform": platform})
        other.reset_stats()
        msg = attempt(simulator.url, platform)
        assert "HTTP 307" in msg and other.url in msg and "never follows redirects" in msg, msg
        assert "another server, %s" % other.url.split("://")[1] in msg, msg
        assert other.stats()["requests"] == 0, "the redirect was followed"
        assert simulator.stats()["writes"] == 0
        simulator.ops("DELETE", "faults")
