"""Valid sample objects per platform, shared by the integration tests, the
benchmark and the demo."""


def ext(platform, number, **over):
    """A valid extension for the platform, with the options it supports."""
    item = {"number": str(number), "email": "user%s@acme.example" % number}
    if platform == "sipxcom":
        item.update(first_name="Ann", last_name="Lee %s" % number)
    if platform in ("sipxcom", "portsip"):
        item.update(sip_password="Sip-%s-s3cret" % number, web_password="Web-%s-s3cret" % number)
    if platform in ("ipcortex", "portsip"):
        item["name"] = "User %s" % number
    if platform == "portsip":
        item["voicemail_pin"] = "135792"
    if platform == "sipxcom":
        item["voicemail_pin"] = "8264"
    item.update(over)
    return item


TENANT = "acme"

# The admin credentials of the secret_simulator fixture (tests/integration/conftest.py): unlike the default
# admin/admin, every one is a value no other option holds, so the suite's secrets check sees each.
SECRET_CREDENTIALS = {
    "sipxcom": ("superadmin", "Sx-Adm1n-Secret-77"),
    "ipcortex": ("admin", "Ic-Adm1n-Secret-77"),
    "portsip": ("admin", "Ps-Adm1n-Secret-77"),
}
SECRET_KEY = "Ic-Api-Key-Secret-77"
# How each platform gets the tenant the tests work in (IPCortex companies have no API).
TENANT_FIXTURE = {
    "sipxcom": ("branches", [{"name": TENANT}]),
    "ipcortex": ("companies", [{"name": TENANT}]),
    "portsip": ("tenants", [{"name": TENANT, "domain": TENANT + ".example.com"}]),
}


# What pbx_tenant creates for the tests, where the platform has a tenant API.
TENANT_ARGS = {
    "sipxcom": {"name": TENANT, "description": "Acme head office"},
    "portsip": {"name": TENANT, "domain": TENANT + ".example.com", "timezone": "Europe/London", "currency": "GBP",
                "region": "GBR"},
}


# What an IPCortex PABX holds before a tenant is onboarded on it, and the collection cannot create:
# the company, and the users (from its directory) who own the extensions a call group rings (IPCortex
# rings a member through the extension's owner). playbooks/tenants/acme-ipcortex.yml's call group
# rings 101 to 103.
IPCORTEX_OWNED = ("101", "102", "103")


def seed_ipcortex(sim, tenant=TENANT, owned=IPCORTEX_OWNED):
    sim.fixtures("ipcortex", "companies", [{"name": tenant}])
    sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": tenant} for n in owned])
    sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": tenant, "owned_extension": n} for n in owned])
