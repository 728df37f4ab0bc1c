"""Thin HTTP clients for the simulator's own tests (plain requests, no collection code)."""

import requests

SIPXCOM_ADMIN = ("superadmin", "superadmin")
JSON = {"Accept": "application/json"}


class SipxcomApi:
    """sipXcom calls below /sipxconfig, as the given account (superadmin by default)."""

    def __init__(self, sim, auth=SIPXCOM_ADMIN):
        self.base = sim.url + "/sipxconfig"
        self.auth = auth

    def __call__(self, method, path, **kw):
        kw.setdefault("auth", self.auth)
        return requests.request(method, self.base + path, timeout=10, **kw)

    def create(self, path, body):
        r = self("POST", path, json=body, headers=JSON)
        assert r.status_code == 200, r.text
        return int(r.text)


def ipcortex_api(sim, default_type):
    """call(verb, scope, values, columns, type, auth) -> the answer of POST /rest/dialplan/<verb>."""
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    sim.fixtures("ipcortex", "companies", ["test", "acme"])

    def call(verb, scope=None, values=None, columns=None, type=default_type, auth=None):  # pylint: disable=redefined-builtin
        body = {"type": type, "auth": auth or {"type": "auth", "key": key}}
        for name, part in (("scope", scope), ("values", values), ("columns", columns)):
            if part is not None:
                body[name] = part
        r = requests.post("%s/rest/dialplan/%s" % (sim.url, verb), json=body, timeout=5)
        assert r.status_code == 200
        return r.json()
    return call


def ok(answer):
    assert answer["result"] == "success", answer
    return answer


def failed(answer, message):
    assert answer == {"result": "fail", "message": message}


INTERNAL_ERROR = "X-Pbxsim-Internal-Error"


def uncrashed(r):
    """r, once it is known the simulator's crash handler did not write it (a simulator bug)."""
    assert INTERNAL_ERROR not in r.headers, ("simulator crash", r.headers.get(INTERNAL_ERROR), r.request.method,
                                             r.request.url, r.text)
    return r
