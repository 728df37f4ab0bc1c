# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interface every platform driver implements (see docs/dev/drivers.md).

A platform ``Driver`` holds the connection: authentication, error bodies,
paths below its prefix.  Each resource kind it supports is a ``Kind`` class
(listed in ``Driver.KINDS``) that holds that kind's paths, field names and
quirks.  Kinds speak to the engine in normalised objects: dicts keyed by the
option names of ``_fields`` (plus internal keys that start with ``_``, such
as ``_id``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES


class ReferenceMissing(PbxError):
    """An object the task names (a call group's member, a phone's line, an ERL's user) does not exist.

    In check mode an earlier task of the same play (the extensions of a tenant_onboarding run) may be
    about to create it, which nothing here can see: the engine then warns and predicts the change as a
    real run after that task would make it, instead of failing. A real run fails.
    """


class TenantMissing(PbxError):
    """The tenant the task names does not exist.

    creatable: pbx_tenant can create it on this platform, so in check mode an
    earlier pbx_tenant task of the same play may be about to: the engine then
    predicts against an empty tenant instead of failing.
    """

    def __init__(self, msg, creatable=True):
        super(TenantMissing, self).__init__(msg)
        self.creatable = creatable


class Driver:
    #: short name used in ``platform:`` and a label for messages
    name = None
    label = None
    #: path prefix added to ``url`` (the same url reaches every platform of the simulator)
    prefix = ""
    #: kind name -> Kind class; a kind that is absent has no API on this platform.
    KINDS = {}
    #: kind -> reason, for kinds the platform has no API for (shown to the user)
    NO_API = {}
    #: whether the platform takes the api_key connection option
    API_KEY = False

    def __init__(self, client, params):
        self.client = client
        self.params = params
        self.warnings = []
        client.describe_error = self.describe_error

    # -- capability checks (no request is sent) ------------------------------
    def kind(self, name):
        """The handler of one resource kind; PbxError when the platform has no API for it."""
        if name not in self.KINDS:
            title = RESOURCES[name].title
            reason = self.NO_API.get(name, "%s has no API for %ss" % (self.label, title))
            raise PbxError("%s: %s; pbxops.pbx cannot manage %ss on this platform." % (self.label, reason, title))
        return self.KINDS[name](self)

    def check_connection(self):
        """Refuse connection options this platform does not take, before any request."""
        if self.params.get("api_key") and not self.API_KEY:
            raise PbxError("api_key is an IPCortex option; %s signs in with username and password: remove api_key "
                           "(or PBX_API_KEY from the environment)" % self.label)

    # -- connection ------------------------------------------------------------
    def connect(self):
        """Authenticate (when the platform needs a login); called once before the first read.

        A session that ends during the run (a token that expires, a session the PBX forgets) is renewed
        by the driver, once per refused request, and the refused request sent again: only a request the
        PBX refused for authentication (so did not process) is resent, never a write it may have applied.
        A second refusal right after renewing is an error, never another renewal.
        """

    def close(self):
        """End what connect() opened (a session, a token, and anything a kind opened).

        Called once when the module ends, however it ends (success, failure mid-write, check mode,
        pbx_info), also when connect() failed or never ran: it must then do nothing. Raising here only
        turns into a warning (the task's outcome stands). It must not renew a session just to end it.
        """

    def describe_error(self, response):
        """The vendor's message from an error response."""
        return response.text[:500]

    # -- helpers -------------------------------------------------------------------
    def call(self, method, path, **kwargs):
        """Request a path below this platform's prefix."""
        return self.client.request(method, self.prefix + path, **kwargs)


class Kind:
    """One resource kind on one platform.  ``self.driver`` is the platform driver."""

    #: the resource kind (a key of _fields.RESOURCES)
    kind = None
    #: option names this platform can manage for the kind (the key is implied)
    OPTIONS = frozenset()
    #: options a create cannot do without (validate_create refuses it), for planning a create on an
    #: empty PBX without reading it: a tenant migration lists what the target would refuse
    REQUIRED_ON_CREATE = ()
    #: options only some models take (option -> which), which a migration cannot carry blindly
    MODEL_DEPENDENT = {}
    #: call groups: the per-member options (of Members.fields) this platform takes
    MEMBER_FIELDS = ()

    def __init__(self, driver):
        self.driver = driver
        self.client = driver.client
        self.params = driver.params
        self.resource = RESOURCES[self.kind]
        #: the options the task sets (on any object), told by the engine before the listing, so
        #: that a listing can ask only for the fields it needs
        self.wanted = frozenset()
        #: set by the engine when check mode predicts against a tenant an earlier task would create:
        #: nothing of the tenant (its users, say) can be read, and nothing exists in it yet
        self.tenant_missing = False

    def call(self, method, path, **kwargs):
        return self.driver.call(method, path, **kwargs)

    # -- checks (no request is sent) -------------------------------------------------
    def validate(self, item, tenant):
        """Raise PbxError for values this platform would refuse, before any request."""

    def validate_create(self, item, tenant):
        """Raise PbxError when a create lacks what this platform requires (no request sent)."""

    def validate_update(self, tenant, current, changes):
        """Raise PbxError for changes the platform cannot make in place (options fixed at creation).

        Called while planning, so check mode fails exactly as the real run would."""

    def validate_delete(self, tenant, current):
        """Raise PbxError when an object must not be deleted (check mode too); may read, never write."""

    def whole_pbx(self, tenant):
        """True when the listing for this tenant value spans every tenant of the PBX (purge then needs
        purge_all_tenants)."""
        return False

    # -- reads -------------------------------------------------------------------------
    def list(self, tenant):
        """Every object of the kind in the tenant, normalised (one paged listing).

        Raise TenantMissing when the tenant does not exist, before anything is written."""
        raise NotImplementedError

    def get(self, tenant, key):
        """One object by natural key, normalised, or None (used to re-read after a doubtful write)."""
        for obj in self.list(tenant):
            if obj.get(self.resource.key) == key:
                return obj
        return None

    def details(self, tenant, obj, wanted):
        """Complete obj with the options in ``wanted`` that the listing lacks.

        Only called for objects the user names, so extra requests are made only
        when an option really needs them.
        """
        return obj

    # -- writes ------------------------------------------------------------------------
    def prepare_create(self, tenant, items):
        """Called once with every object about to be created (real runs only), for APIs that create in bulk."""

    def create(self, tenant, item):
        raise NotImplementedError

    def update(self, tenant, current, changes, item):
        raise NotImplementedError

    def delete(self, tenant, current):
        raise NotImplementedError

    def info(self, obj):
        """What pbx_info returns for a listed object: the options this platform manages, in the shape the
        module takes, so that it can be fed back unchanged. Never secrets, never the raw record."""
        res = self.resource
        out = {res.key: obj[res.key]}
        for name in res.options:
            if name in self.OPTIONS and name not in res.secrets and name != "api_fields" \
                    and obj.get(name) is not None:
                out[name] = obj[name]
        return out

    # -- kinds whose objects are replaced or pushed ------------------------------------
    def replaces(self, tenant, current, changes):
        """True when the changes cannot be made in place (the engine then plans a replacement)."""
        return False

    def replace(self, tenant, current, item):
        """Destroy the object and create it again as item (after the engine planned a replacement)."""
        self.delete(tenant, current)
        self.create(tenant, item)

    def push(self, tenant, steps):
        """Send the configuration to the devices of steps (each has key, item, current), once each."""
        raise PbxError("%s: pbxops.pbx cannot push %s configuration on this platform"
                       % (self.driver.label, self.resource.title))
