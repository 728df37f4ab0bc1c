# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # How every module reaches the PBX. Set these once per play with
    # module_defaults: {group/pbxops.pbx.pbx: {...}} or through the PBX_* environment variables.
    DOCUMENTATION = r"""
options:
  platform:
    description:
      - Which PBX software answers at O(url).
      - If not set, the value of the E(PBX_PLATFORM) environment variable is used.
    type: str
    required: true
    choices: [ipcortex, portsip, sipxcom]
  url:
    description:
      - Base address of the PBX, scheme, host and port only, for example V(https://pbx.example.com:8887).
      - Each platform adds its own API path (V(/sipxconfig) for sipXcom, V(/rest) for IPCortex, V(/api) for PortSIP).
      - If not set, the value of the E(PBX_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - User to log in as. sipXcom needs an administrator (for example V(superadmin)); IPCortex a
        System-Admin or a Company-Admin of O(tenant); PortSIP the system administrator, or a tenant
        administrator of O(tenant).
      - If not set, the value of the E(PBX_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(PBX_PASSWORD) environment variable is used.
    type: str
  api_key:
    description:
      - IPCortex API key ("Auth Key" token), sent in the body of each call instead of logging in.
      - Takes precedence over O(username) and O(password) on IPCortex; other platforms have no API keys and refuse it.
      - If not set, the value of the E(PBX_API_KEY) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the PBX's TLS certificate. Only set V(false) for a PBX you trust on a network you control.
      - If not set, the value of the E(PBX_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificate(s) that signed the PBX's certificate, for PBXs with a private or self-signed certificate.
      - If not set, the value of the E(PBX_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response, from 1 to 86400 (a day), from sending the request to the last byte
        of the answer (not for each read from the network).
      - Answers larger than 64 MiB are refused.
      - If not set, the value of the E(PBX_TIMEOUT) environment variable is used.
    type: int
    default: 30
  retries:
    description:
      - How many times to retry a request that got HTTP 429, 502, 503 or 504 or a connection error, with back-off honouring C(Retry-After).
      - A write that may have reached the PBX is never sent again blindly; the object is read again first.
      - If not set, the value of the E(PBX_RETRIES) environment variable is used.
    type: int
    default: 3
  tenant:
    description:
      - The company (IPCortex), tenant (PortSIP) or branch (sipXcom) the objects belong to.
      - "sipXcom: the branch (it must exist); without it, users of every branch. IPCortex: the company
        (default V(default)). PortSIP: the tenant's name or SIP domain; required when logging in as the system
        administrator, who enters the tenant; a tenant administrator gives the tenant's SIP domain."
      - If not set, the value of the E(PBX_TENANT) environment variable is used.
    type: str
notes:
  - All modules of this collection are in the action group C(pbxops.pbx.pbx), so
    C(module_defaults) with C(group/pbxops.pbx.pbx) sets the connection once per play.
requirements:
  - "requests >= 2.28, on the host that runs the module (usually the controller: C(delegate_to: localhost))"
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/pbxops.pbx.pbx) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - pbxops.pbx.pbx
"""

    # For the read-only pbx_info (extends this fragment instead of ATTRIBUTES).
    INFO_ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: It only reads, in check mode as in a real run.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/pbxops.pbx.pbx) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - pbxops.pbx.pbx
"""
