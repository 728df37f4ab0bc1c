"""Each secret lands in its own vendor field: proved by reading back what the vendor
returns, or by signing in with it, through the vendor's own API (never the collection's).

Swapping sip_password and web_password in a driver, or writing the PIN into either,
makes these tests fail. IPCortex extensions carry no secrets (they live on phones
and users), so it has no case here."""

import hashlib

import pytest
import requests

import readback
from samples import TENANT

MODULE = "pbxops.pbx.pbx_extension"
FIRST = {"sip_password": "Sip-First-8817", "web_password": "Web-First-8817", "voicemail_pin": "975318"}
SECOND = {"sip_password": "Sip-Second-2290", "web_password": "Web-Second-2290", "voicemail_pin": "864297"}


def run(target, item, **args):
    result = target.play([{"name": "ext", MODULE: dict(item, **args)}])
    r = result["ext"]
    assert not r.get("failed"), "%s\n%s" % (r.get("msg"), result.output[-3000:])
    return r


def sipxcom_proof(sim, number, secrets):
    user = readback.sipxcom_user(sim, number)
    # sipPassword reads back in clear; the PIN only as sipXcom's md5(userName:PIN) hash.
    assert user["sipPassword"] == secrets["sip_password"], "sip_password is not the user's SIP password"
    assert user["voicemailPin"] == hashlib.md5(("%s:%s" % (number, secrets["voicemail_pin"])).encode()).hexdigest(), \
        "voicemail_pin is not the user's voicemail PIN"

    def login(password):
        r = requests.get(sim.url + "/sipxconfig/api/users", auth=(number, password), timeout=10)
        return r.status_code

    # The web password (pintoken) signs the user in: a valid non-admin gets 403, a wrong password 401.
    assert login(secrets["web_password"]) == 403, "web_password does not sign the user in"
    assert login(secrets["sip_password"]) == 401, "the SIP password must not sign in to the web"


def portsip_proof(sim, number, secrets):
    domain = TENANT + ".example.com"
    user = readback.Portsip(sim, TENANT).user(number)
    assert user["voicemail_pin"] == secrets["voicemail_pin"], "voicemail_pin is not the user's voicemail PIN"

    def sign_in(password):
        return requests.post(sim.url + "/api/auth/sign_in", timeout=10,
                             json={"username": user["name"], "password": password, "domain": domain}).status_code

    def sip_session(password):
        return requests.get(sim.url + "/api/sessions/directly", timeout=10, params={
            "extension_number": number, "password": password, "domain": domain, "caller": number, "callee": "999",
            "send_sdp": "false"}).status_code

    assert sign_in(secrets["web_password"]) == 200, "web_password does not sign in to the portal"
    assert sign_in(secrets["sip_password"]) != 200, "the SIP password must not sign in to the portal"
    assert sip_session(secrets["sip_password"]) == 201, "sip_password is not the extension (SIP) password"
    assert sip_session(secrets["web_password"]) != 201, "the portal password must not be the SIP password"


PROOF = {"sipxcom": sipxcom_proof, "portsip": portsip_proof}
BASE = {
    "sipxcom": {"number": "331", "first_name": "Ann", "last_name": "Lee"},
    "portsip": {"number": "331", "name": "Ann Lee", "email": "ann@acme.example"},
}


@pytest.mark.parametrize("platform", ["sipxcom", "portsip"])
def test_each_secret_lands_in_its_own_field(target):
    p = target.platform
    item = dict(BASE[p], **FIRST)
    assert run(target, item)["changed"] is True
    PROOF[p](target.sim, "331", FIRST)

    # A rerun with other secrets and on_create changes nothing; always rewrites each into its own field.
    target.sim.reset_stats()
    assert run(target, dict(BASE[p], **SECOND))["changed"] is False and target.writes() == 0
    PROOF[p](target.sim, "331", FIRST)
    assert run(target, dict(BASE[p], **SECOND), update_password="always")["changed"] is True
    PROOF[p](target.sim, "331", SECOND)
