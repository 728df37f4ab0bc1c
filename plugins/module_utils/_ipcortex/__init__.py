# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex PABX: the driver (driver.py) and one module per resource kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.callgroups import IpcortexCallgroups
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.companies import IpcortexCompanies
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.driver import IpcortexDriver
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.extensions import IpcortexExtensions
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.phones import IpcortexPhones

IpcortexDriver.KINDS = {"extension": IpcortexExtensions, "tenant": IpcortexCompanies, "phone": IpcortexPhones,
                        "callgroup": IpcortexCallgroups}

__all__ = ["IpcortexDriver"]
