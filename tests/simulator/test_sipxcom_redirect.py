"""--sipxcom-http-redirect: sipXcom's Apache answers plain HTTP with a 302 to
https (sipxcom.md section 1), before sipXconfig sees the request."""

import pytest
import requests

from simhelper import RunningSimulator

ADMIN = ("superadmin", "superadmin")


@pytest.fixture(scope="module")
def redirecting():
    with RunningSimulator(extra_args=["--sipxcom-http-redirect"]) as running:
        yield running


@pytest.fixture
def plain(redirecting):
    redirecting.reset()
    with requests.Session() as s:
        s.trust_env = False
        yield s
    assert redirecting.stats()["internal_errors"] == 0


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_every_method_gets_a_302_to_https_on_the_hosts_name(redirecting, plain, method):
    r = plain.request(method, redirecting.url + "/sipxconfig/api/users/a%20b.json?x=1&y=%2F", allow_redirects=False,
                      headers={"Host": "pbx.example.com:8080"}, timeout=5)
    assert r.status_code == 302
    assert r.headers["Location"] == "https://pbx.example.com/sipxconfig/api/users/a%20b.json?x=1&y=%2F"
    if method != "HEAD":
        assert "302 Found" in r.text and r.headers["content-type"].startswith("text/html")
    stats = redirecting.stats()
    assert (stats["redirects"], stats["reads"], stats["writes"], stats["requests"]) == (1, 0, 0, 1)
    assert stats["by_status"] == {"302": 1}
    assert stats["by_platform"]["sipxcom"]["redirects"] == 1


@pytest.mark.parametrize("host, location", [
    ("pbx.example.com", "https://pbx.example.com/sipxconfig/rest/branch"),
    ("[2001:db8::5]:8080", "https://[2001:db8::5]/sipxconfig/rest/branch"),
    ("192.0.2.7:80", "https://192.0.2.7/sipxconfig/rest/branch"),
])
def test_the_location_is_the_host_header_without_its_port(redirecting, plain, host, location):
    r = plain.get(redirecting.url + "/sipxconfig/rest/branch", headers={"Host": host}, allow_redirects=False,
                  timeout=5)
    assert (r.status_code, r.headers["Location"]) == (302, location)


def test_no_body_is_read_and_nothing_changes(redirecting, plain):
    r = plain.post(redirecting.url + "/sipxconfig/api/users", data=b"{not json", auth=ADMIN,
                   headers={"Content-Type": "application/json"}, allow_redirects=False, timeout=5)
    assert r.status_code == 302
    r = plain.put(redirecting.url + "/sipxconfig/rest/branch", data="<branch><name>b</name></branch>",
                  headers={"Content-Type": "text/xml"}, allow_redirects=False, timeout=5)  # no credentials either
    assert r.status_code == 302
    assert redirecting.stats()["writes"] == 0


def test_the_other_platforms_and_the_operator_api_are_served(redirecting, plain):
    assert plain.get(redirecting.url + "/api/users", allow_redirects=False, timeout=5).status_code == 401
    r = plain.post(redirecting.url + "/rest/dialplan/read/extension", json={}, allow_redirects=False, timeout=5)
    assert r.json() == {"result": "fail", "message": "Authentication required"}
    assert redirecting.ops("GET", "config")["sipxcom_http_redirect"] is True
    assert redirecting.stats()["redirects"] == 0


def test_faults_come_first(redirecting, plain):
    redirecting.faults({"kind": "status", "status": 503})
    assert plain.get(redirecting.url + "/sipxconfig/api/users", allow_redirects=False, timeout=5).status_code == 503
    assert plain.get(redirecting.url + "/sipxconfig/api/users", allow_redirects=False, timeout=5).status_code == 302


def test_without_the_flag_plain_http_is_served(sim, http):
    assert sim.ops("GET", "config")["sipxcom_http_redirect"] is False
    r = http.get(sim.url + "/sipxconfig/api/users", auth=ADMIN, allow_redirects=False, timeout=5)
    assert r.status_code == 200


def test_https_is_served_with_the_flag():
    with RunningSimulator(tls=True, extra_args=["--sipxcom-http-redirect"]) as running:
        r = running.http.get(running.url + "/sipxconfig/api/users", auth=ADMIN, allow_redirects=False, timeout=5)
        assert r.status_code == 200
        assert running.stats()["redirects"] == 0
