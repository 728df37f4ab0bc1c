"""Command line: ``python -m pbxsim [--port 8080] [--db state.sqlite] [--tls]``."""

import argparse
import os
import sys
import tempfile

import uvicorn

from .app import create_app
from .core import Config
from .tls import ensure_certificate


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="pbxsim", description="Stateful sipXcom, IPCortex and PortSIP API simulator")
    p.add_argument("--host", default=os.environ.get("PBXSIM_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PBXSIM_PORT", "8080")))
    p.add_argument("--db", default=os.environ.get("PBXSIM_DB") or None,
                   help="SQLite file holding the state (default: a new temporary file)")
    p.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed certificate")
    p.add_argument("--cert-dir", default=None, help="where the certificate lives (default: beside the DB)")
    p.add_argument("--sipxcom-credentials", default="superadmin:superadmin", metavar="USER:PASSWORD")
    p.add_argument("--ipcortex-credentials", default="admin:admin", metavar="USER:PASSWORD")
    p.add_argument("--ipcortex-api-key", default=Config.ipcortex_api_key)
    p.add_argument("--portsip-credentials", default="admin:admin", metavar="USER:PASSWORD")
    p.add_argument("--portsip-token-ttl", type=int, default=3600, help="seconds a PortSIP access token lives")
    p.add_argument("--portsip-version", default=Config.portsip_version,
                   help="PortSIP release to behave as (e.g. 22.1: no /api/auth/* endpoints)")
    p.add_argument("--portsip-lenient-language", action="store_true",
                   help="accept phone languages in any case (\"English\"), as PortSIP's own bulk-import example sends")
    p.add_argument("--log-level", default="warning")
    return p.parse_args(argv)


def _pair(text):
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise SystemExit("credentials must look like USER:PASSWORD, got %r" % text)
    return (user, password)


def main(argv=None):
    args = parse_args(argv)
    if args.db is None:
        fd, args.db = tempfile.mkstemp(prefix="pbxsim-", suffix=".sqlite")
        os.close(fd)
    config = Config(
        sipxcom_admin=_pair(args.sipxcom_credentials),
        ipcortex_admin=_pair(args.ipcortex_credentials),
        ipcortex_api_key=args.ipcortex_api_key,
        portsip_admin=_pair(args.portsip_credentials),
        portsip_token_ttl=args.portsip_token_ttl,
        portsip_version=args.portsip_version,
        extra={"portsip_lenient_language": True} if args.portsip_lenient_language else {},
    )
    app = create_app(args.db, config)
    ssl = {}
    scheme = "http"
    if args.tls:
        cert_dir = args.cert_dir or os.path.join(os.path.dirname(os.path.abspath(args.db)), "pbxsim-tls")
        cert, key = ensure_certificate(cert_dir)
        ssl = {"ssl_certfile": cert, "ssl_keyfile": key}
        scheme = "https"
    creds = config.credentials()
    print("pbxsim listening on %s://%s:%d  (state: %s)" % (scheme, args.host, args.port, args.db))
    if ssl:
        print("  TLS certificate (use as ca_path): %s" % ssl["ssl_certfile"])
    print("  sipXcom   %s/sipxconfig/   superadmin: %s / %s" % (scheme + "://" + args.host, *_pair(args.sipxcom_credentials)))
    print("  IPCortex  /rest/   System-Admin: %s / %s   API key: %s" % (
        creds["ipcortex"]["username"], creds["ipcortex"]["password"], creds["ipcortex"]["api_key"]))
    print("  PortSIP   /api/    system admin: %s / %s" % (creds["portsip"]["username"], creds["portsip"]["password"]))
    print("  operator  /_sim/stats /_sim/reset /_sim/faults /_sim/fixtures /_sim/config")
    sys.stdout.flush()
    # A client that keeps a TLS connection open (or died mid-handshake) must not hold up shutdown.
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                timeout_graceful_shutdown=1, **ssl)


if __name__ == "__main__":
    main()
