# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom (sipXconfig REST): the driver (driver.py) and one module per resource kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.branches import SipxcomBranches
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.callgroups import SipxcomCallgroups
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import SipxcomDriver
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.erls import SipxcomErls
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.extensions import SipxcomExtensions
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.gateways import SipxcomGateways
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.phones import SipxcomPhones

SipxcomDriver.KINDS = {"extension": SipxcomExtensions, "tenant": SipxcomBranches, "phone": SipxcomPhones,
                       "gateway": SipxcomGateways,
                       "callgroup": SipxcomCallgroups,
                       "erl": SipxcomErls}

__all__ = ["SipxcomDriver"]
