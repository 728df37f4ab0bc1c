"""pbxsim: a stateful simulator of the sipXcom, IPCortex and PortSIP REST APIs.

Start it with ``python -m pbxsim`` (``make simulator``); see README.
"""

from .app import create_app  # noqa: F401
from .core import Config  # noqa: F401
