"""The HTTP client against a real simulator process and its fault injection."""

import time

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import (
    MASK, AmbiguousWrite, Client, PbxApiError, PbxError, backoff, check_url)

PATH = "/api/no_such_thing"  # answered 404 by the simulator (counted as unrouted); faults still apply


def client(sim, **kwargs):
    sleeps = []
    kwargs.setdefault("retries", 3)
    c = Client(sim.url, sleep=sleeps.append, **kwargs)
    c.sleeps = sleeps
    return c


def test_reads_are_retried_after_429_honouring_retry_after(sim):
    sim.faults({"kind": "status", "status": 429, "retry_after": 7, "count": 2})
    c = client(sim)
    with pytest.raises(PbxApiError) as info:
        c.request("GET", PATH)
    assert info.value.status == 404, "after two 429s the real answer comes through"
    assert c.sleeps == [7.0, 7.0]
    assert sim.stats()["requests"] == 3
    assert len(c.warnings) == 2 and "429" in c.warnings[0]


def test_back_off_without_retry_after_grows(sim):
    sim.faults({"kind": "status", "status": 503, "count": 3})
    c = client(sim)
    with pytest.raises(PbxApiError):
        c.request("GET", PATH)
    # Each wait is drawn from the upper half of a doubling ceiling: 0.5, 1, 2 s.
    for wait, ceiling in zip(c.sleeps, (0.5, 1.0, 2.0)):
        assert ceiling / 2 <= wait <= ceiling, c.sleeps
    assert len(c.sleeps) == 3


def test_back_off_is_jittered():
    waits = set(round(backoff(2), 6) for dummy in range(50))
    assert len(waits) > 40, "two jobs that met the same outage must not retry at the same instant"
    assert all(0.5 <= w <= 1.0 for w in waits)
    assert all(5.0 <= backoff(a) <= 10.0 for a in range(6, 12)), "the ceiling stops at 10 s"


def test_many_retries_are_counted_in_one_warning(sim):
    sim.faults({"kind": "status", "status": 503, "count": 2}, {"kind": "status", "status": 429, "retry_after": 0,
                                                               "count": 3})
    c = client(sim, retries=5)
    for dummy in range(3):
        with pytest.raises(PbxApiError):
            c.request("GET", PATH)
    assert c.counts["retries"] == 5
    told = [w for w in c.warnings if "retry " in w]
    assert len(told) == 3, c.warnings
    assert c.warnings[-1].startswith("5 retries in all after transient failures (HTTP 429: 3, "
                                     "HTTP 503: 2); each request is retried at most 5 times"), c.warnings


def test_retries_are_bounded(sim):
    sim.faults({"kind": "status", "status": 503, "count": None})
    c = client(sim, retries=2)
    with pytest.raises(PbxApiError) as info:
        c.request("GET", PATH)
    assert info.value.status == 503
    assert sim.stats()["requests"] == 3


def test_a_write_that_may_have_landed_is_not_resent(sim):
    sim.faults({"kind": "status", "status": 503, "count": 1})
    c = client(sim)
    with pytest.raises(AmbiguousWrite):
        c.request("POST", PATH, json={})
    assert sim.stats()["requests"] == 1


def test_a_rate_limited_write_is_resent(sim):
    sim.faults({"kind": "status", "status": 429, "retry_after": 0, "count": 1})
    c = client(sim)
    with pytest.raises(PbxApiError) as info:
        c.request("POST", PATH, json={})
    assert info.value.status == 404 and sim.stats()["requests"] == 2


def test_dropped_connection_read_retried_write_ambiguous(sim):
    sim.faults({"kind": "drop", "count": 1})
    c = client(sim)
    with pytest.raises(PbxApiError):
        c.request("GET", PATH)
    assert sim.stats()["requests"] == 2
    sim.faults({"kind": "drop", "count": 1})
    with pytest.raises(AmbiguousWrite):
        c.request("POST", PATH, json={})


def test_timeouts_are_reported_with_the_limit(sim):
    sim.faults({"kind": "delay", "seconds": 1.5, "count": None})
    c = client(sim, timeout=0.3, retries=1)
    with pytest.raises(PbxError, match="timed out after 0.3s"):
        c.request("GET", PATH)
    # The simulator still finishes the abandoned requests: let them land before the next test's reset.
    time.sleep(1.6)


def test_unreachable_pbx_is_retried_even_for_writes_then_explained():
    c = Client("http://127.0.0.1:9", retries=2, sleep=lambda s: None)
    with pytest.raises(PbxError) as info:
        c.request("POST", "/api/users", json={})
    assert not isinstance(info.value, AmbiguousWrite), "a refused connection never reached the PBX"
    assert "cannot reach the PBX at http://127.0.0.1:9" in info.value.msg
    assert c.counts["requests"] == 3


def test_errors_carry_method_path_status_and_vendor_message_but_no_secret(sim):
    sim.faults({"kind": "status", "status": 400, "body": {"errors": [{"message": "pin hunter2 is weak"}]}})
    c = client(sim, secrets=["hunter2"])
    c.describe_error = lambda r: r.json()["errors"][0]["message"]
    with pytest.raises(PbxApiError) as info:
        c.request("POST", "/api/users", json={"pin": "hunter2"})
    assert info.value.msg == "POST /api/users failed: HTTP 400: pin %s is weak" % MASK


@pytest.mark.parametrize("url, words", [
    ("pbx.example.com:8887", "has no scheme"),
    ("ftp://pbx.example.com", "has no scheme"),
    ("", "url is empty"),
    ("https://pbx.example.com:8887/api", "includes the API path '/api'"),
    ("https://pbx.example.com/sipxconfig/", "includes the API path '/sipxconfig'"),
    ("https://pbx.example.com/rest/dialplan", "includes the API path"),
    ("https://u:p@pbx.example.com", "must not carry credentials"),
    ("https://pbx.example.com/?a=1", "query"),
    ("https://pbx.example.com:99999", "invalid port"),
])
def test_url_mistakes_are_refused_before_any_request(url, words):
    with pytest.raises(PbxError) as info:
        check_url(url, "/api")
    assert words in info.value.msg
    assert "p@" not in info.value.msg or "credentials" in info.value.msg


def test_good_urls_keep_a_reverse_proxy_path():
    assert check_url(" https://pbx.example.com:8887/ ", "/api") == "https://pbx.example.com:8887"
    assert check_url("https://gw.example.com/pbx1", "/api") == "https://gw.example.com/pbx1"


def test_a_redirect_is_never_followed(sim):
    sim.faults({"kind": "redirect", "status": 302, "location": "http://elsewhere.example:81/api/users"})
    c = client(sim)
    with pytest.raises(PbxError) as info:
        c.request("POST", "/api/users", json={})
    assert "HTTP 302" in info.value.msg and "never follows redirects" in info.value.msg
    assert "another server, elsewhere.example:81" in info.value.msg
    assert sim.stats()["requests"] == 1, "one request, no retry, no GET to the target"


# A server that is not (or no longer) the PBX's API: every answer ends in an error that names the request.

def test_a_slow_loris_answer_ends_at_the_timeout_not_at_each_byte(sim):
    # 40 bytes, one every 0.3 s: each read of the socket is quick, the whole answer would take 12 s.
    sim.faults({"kind": "slow", "seconds": 0.3, "body": "x" * 40, "count": None})
    c = client(sim, timeout=1, retries=0)
    started = time.monotonic()
    with pytest.raises(PbxError) as info:
        c.request("GET", PATH)
    took = time.monotonic() - started
    assert took < 2.5, "the timeout must bound the whole answer (%.1fs)" % took
    assert "GET /api/no_such_thing: cannot reach the PBX" in info.value.msg
    assert "timed out after 1s" in info.value.msg and "bytes of the answer had arrived" in info.value.msg
    assert not isinstance(info.value, AmbiguousWrite)


def test_a_slow_write_may_have_landed(sim):
    sim.faults({"kind": "slow", "seconds": 0.3, "body": "x" * 40})
    c = client(sim, timeout=1, retries=3)
    with pytest.raises(AmbiguousWrite, match="timed out after 1s"):
        c.request("POST", PATH, json={})
    assert sim.stats()["requests"] == 1, "a write whose answer was slow is never resent blindly"


def test_a_slow_read_is_retried_like_a_timeout(sim):
    sim.faults({"kind": "slow", "seconds": 0.3, "body": "x" * 40, "count": 1})
    c = client(sim, timeout=1, retries=1)
    with pytest.raises(PbxApiError) as info:
        c.request("GET", PATH)
    assert info.value.status == 404 and c.retry_reasons == {"timed out": 1}


def test_an_endless_answer_is_cut_at_the_size_limit(sim):
    sim.faults({"kind": "huge", "count": None})  # 80 MiB without Content-Length
    c = client(sim, retries=0)
    with pytest.raises(PbxError) as info:
        c.request("GET", PATH)
    assert info.value.msg.startswith("GET /api/no_such_thing: HTTP 200: the answer goes on past 67108864 bytes "
                                     "(Content-Type application/json), more than the 64 MiB"), info.value.msg
    assert "url points at the PBX's API" in info.value.msg
    assert sim.stats()["requests"] == 1, "too big is not retried"


def test_an_answer_announced_too_big_is_not_read(sim):
    sim.faults({"kind": "huge", "size": 100 * 1024 * 1024, "chunked": False})
    c = client(sim, retries=0)
    started = time.monotonic()
    with pytest.raises(PbxError, match="the answer announces 104857600 bytes"):
        c.request("GET", PATH)
    assert time.monotonic() - started < 1


def test_the_size_limit_is_far_above_a_big_listing(sim):
    sim.faults({"kind": "huge", "size": 20 * 1024 * 1024})
    c = client(sim, retries=0)
    response = c.request("GET", PATH, ok=(200,))
    assert len(response.content) == 20 * 1024 * 1024


def test_a_cut_off_read_is_retried_then_explained(sim):
    sim.faults({"kind": "truncate", "count": None})
    c = client(sim, retries=1)
    with pytest.raises(PbxError) as info:
        c.request("GET", PATH)
    assert "GET /api/no_such_thing: the answer was cut off after" in info.value.msg
    assert "Check the network and any proxy" in info.value.msg
    assert sim.stats()["requests"] == 2 and c.retry_reasons == {"answer cut off": 1}


def test_a_cut_off_write_may_have_landed(sim):
    sim.faults({"kind": "truncate"})
    c = client(sim)
    with pytest.raises(AmbiguousWrite, match="cut off after .* may or may not have applied the write"):
        c.request("POST", PATH, json={})
    assert sim.stats()["requests"] == 1


@pytest.mark.parametrize("body, content_type, problem", [
    ("<html><body>Welcome to nginx! token hunter2</body></html>", "text/html", "is not JSON"),
    ("[1,2", "application/json", "is not JSON"),
    ("", "application/json", "is empty"),
])
def test_an_answer_that_is_not_json_names_the_request_and_quotes_it(sim, body, content_type, problem):
    sim.faults({"kind": "status", "status": 200, "body": body, "content_type": content_type})
    c = client(sim, secrets=["hunter2"])
    answer = c.request("GET", PATH)
    with pytest.raises(PbxApiError) as info:
        answer.data()
    msg = info.value.msg
    assert msg.startswith("GET /api/no_such_thing failed: HTTP 200: the answer %s" % problem), msg
    assert "Content-Type %s" % content_type in msg and "it begins %r" % body.replace("hunter2", MASK)[:120] in msg
    assert "hunter2" not in msg and "url points at the PBX's API" in msg
    assert isinstance(info.value, ValueError), "drivers that try an answer as JSON and fall back keep working"


def test_a_long_answer_is_quoted_short(sim):
    sim.faults({"kind": "status", "status": 200, "body": "<p>" + "y" * 5000, "content_type": "text/html"})
    with pytest.raises(PbxApiError) as info:
        client(sim).request("GET", PATH).data()
    assert len(info.value.msg) < 500 and "yyy...'" in info.value.msg


def test_the_client_remembers_its_last_answer_for_unexpected_failures(sim):
    sim.faults({"kind": "status", "status": 200, "body": [1, 2]})
    c = client(sim, secrets=["hunter2"])
    assert c.request("GET", PATH).data() == [1, 2]
    assert c.last_answer == ("GET", PATH, 200)
    msg = trace = None
    try:
        c.request("GET", PATH, ok=(404,)).data()["users"]
    except KeyError as exc:
        msg, trace = c.unexpected(exc, "sipXcom")  # as the module calls it: while handling the exception
    assert msg.startswith("Reading the answer to GET /api/no_such_thing (HTTP 404): KeyError: "), msg
    assert "is not what sipXcom sends: check that url (%s) points at the PBX's API" % sim.url in msg
    assert "Traceback" in trace


def test_drivers_decode_answers_only_through_the_client():
    import glob
    import os

    root = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "module_utils")
    found = []
    for path in glob.glob(os.path.join(root, "_*", "*.py")):
        with open(path) as fh:
            found += ["%s:%d" % (os.path.basename(path), n) for n, line in enumerate(fh, 1) if ".json()" in line]
    assert not found, "use answer.data(), which names the request when the answer is not JSON: %s" % found


@pytest.mark.parametrize("envelope, words", [
    ({"errors": [{"code": "INTERNAL", "message": "database hunter2 down"}]}, "INTERNAL: database ******** down"),
    ({"error": "Service Unavailable", "status": 503, "path": "/api/users"}, "Service Unavailable"),
])
def test_a_2xx_error_envelope_is_an_error_not_an_empty_listing(sim, envelope, words):
    sim.faults({"kind": "status", "status": 200, "body": envelope})
    c = client(sim, secrets=["hunter2"])
    with pytest.raises(PbxApiError) as info:
        c.request("GET", PATH).data()
    assert info.value.msg.startswith("GET /api/no_such_thing failed: HTTP 200: the answer is an error, not data: "
                                     + words), info.value.msg


@pytest.mark.parametrize("body", [{"users": []}, {"errors": []}, {"result": "fail", "message": "no"},
                                  {"error": "x", "users": []}, [{"error": "x"}]])
def test_data_that_only_mentions_errors_is_data(sim, body):
    sim.faults({"kind": "status", "status": 200, "body": body})
    assert client(sim).request("GET", PATH).data() == body
