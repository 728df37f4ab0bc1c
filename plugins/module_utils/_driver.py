# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interface every platform driver implements (see docs/dev/drivers.md).

A driver holds everything one vendor's API needs: paths, authentication,
body shapes, field names and quirks.  It speaks to the engine in normalised
objects: dicts keyed by the option names of ``_fields`` (plus internal keys
that start with ``_``, such as ``_id``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES


class Driver:
    #: short name used in ``platform:`` and a label for messages
    name = None
    label = None
    #: path prefix added to ``url`` (the same url reaches every platform of the simulator)
    prefix = ""
    #: kind -> frozenset of option names this platform can manage; a kind that is
    #: absent has no API on this platform.
    OPTIONS = {}
    #: kind -> reason, for kinds the platform has no API for (shown to the user)
    NO_API = {}

    def __init__(self, client, params):
        self.client = client
        self.params = params
        client.describe_error = self.describe_error

    # -- capability checks (no request is sent) ------------------------------
    def supported_options(self, kind):
        if kind not in self.OPTIONS:
            reason = self.NO_API.get(kind, "%s has no API for %ss" % (self.label, kind))
            raise PbxError("%s: %s; pbxops.pbx cannot manage %ss on this platform." % (self.label, reason, kind))
        return self.OPTIONS[kind]

    def validate(self, kind, item, tenant):
        """Raise PbxError for values this platform would refuse, before any request."""

    def validate_create(self, kind, item, tenant):
        """Raise PbxError when a create lacks what this platform requires (no request sent)."""

    # -- connection ------------------------------------------------------------
    def connect(self):
        """Authenticate (when the platform needs a login); called once before the first read."""

    def describe_error(self, response):
        """The vendor's message from an error response."""
        return response.text[:500]

    # -- reads -------------------------------------------------------------------
    def list(self, kind, tenant):
        """Every object of a kind in the tenant, normalised (one paged listing)."""
        raise NotImplementedError

    def get(self, kind, tenant, key):
        """One object by natural key, normalised, or None (used to re-read after a doubtful write)."""
        for obj in self.list(kind, tenant):
            if obj.get(RESOURCES[kind].key) == key:
                return obj
        return None

    def details(self, kind, tenant, obj, wanted):
        """Complete obj with the options in ``wanted`` that the listing lacks.

        Only called for objects the user names, so extra requests are made only
        when an option really needs them.
        """
        return obj

    # -- writes ------------------------------------------------------------------
    def prepare_create(self, kind, tenant, items):
        """Called once with every object about to be created (real runs only), for APIs that create in bulk."""

    def create(self, kind, tenant, item):
        raise NotImplementedError

    def update(self, kind, tenant, current, changes, item):
        raise NotImplementedError

    def delete(self, kind, tenant, current):
        raise NotImplementedError

    # -- helpers -------------------------------------------------------------------
    def call(self, method, path, **kwargs):
        """Request a path below this platform's prefix."""
        return self.client.request(method, self.prefix + path, **kwargs)
