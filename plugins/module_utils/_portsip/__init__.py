# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP PBX v22: the driver (driver.py) and one module per resource kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import PortsipDriver
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.phones import PortsipPhones
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.providers import PortsipProviders
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.ringgroups import PortsipRingGroups
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.tenants import PortsipTenants
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.users import PortsipUsers, pin_problem

PortsipDriver.KINDS = {"extension": PortsipUsers, "tenant": PortsipTenants, "phone": PortsipPhones,
                       "gateway": PortsipProviders,
                       "callgroup": PortsipRingGroups}

__all__ = ["PortsipDriver", "pin_problem"]
