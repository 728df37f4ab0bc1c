"""Command line: ``python -m pbxsim [--port 8080] [--db state.sqlite] [--tls]``."""

import argparse
import logging
import os
import shutil
import signal
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
                   help="SQLite file holding the state (default: a temporary file, removed at exit)")
    p.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed certificate")
    p.add_argument("--cert-dir", default=None,
                   help="where the certificate lives (default: beside --db, or a temporary directory removed at exit)")
    p.add_argument("--sipxcom-credentials", default="superadmin:superadmin", metavar="USER:PASSWORD")
    p.add_argument("--sipxcom-http-redirect", action="store_true",
                   help="answer plain-HTTP /sipxconfig/ requests with a 302 to https, as sipXcom's Apache does")
    p.add_argument("--ipcortex-credentials", default="admin:admin", metavar="USER:PASSWORD")
    p.add_argument("--ipcortex-api-key", default=Config.ipcortex_api_key)
    p.add_argument("--portsip-credentials", default="admin:admin", metavar="USER:PASSWORD")
    p.add_argument("--portsip-token-ttl", type=int, default=3600, help="seconds a PortSIP access token lives")
    p.add_argument("--portsip-version", default=Config.portsip_version,
                   help="PortSIP release to behave as (e.g. 22.1: no /api/auth/* endpoints)")
    p.add_argument("--portsip-lenient-language", action="store_true",
                   help="accept phone languages in any case (\"English\"), as PortSIP's own bulk-import example sends")
    p.add_argument("--portsip-switch-mode", choices=("rescope", "token"), default=Config.portsip_switch_mode,
                   help="POST /api/tenants/switch re-scopes the caller's token (rescope) or answers a new "
                        "tenant-scoped token (token); both inferred")
    p.add_argument("--portsip-login-failure-status", type=int, choices=(400, 401),
                   default=Config.portsip_login_failure_status,
                   help="HTTP status of a failed /api/login, /api/auth/sign_in or /api/sessions/directly "
                        "(400 as documented for the OAuth grant; inferred for these)")
    p.add_argument("--log-level", default="warning")
    return p.parse_args(argv)


def _pair(text):
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise SystemExit("credentials must look like USER:PASSWORD, got %r" % text)
    return (user, password)


def _url_host(host):
    return "[%s]" % host if ":" in host else host


def _terminate(signum, frame):
    # uvicorn re-raises the signal it shut down for, after restoring this handler: exit through
    # main's finally (Python's default SIGTERM action would end the process without it).
    raise SystemExit(128 + signum)


def _remove(db, cert_dir):
    if db is not None:
        for path in (db, db + "-wal", db + "-shm"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
    if cert_dir is not None:
        shutil.rmtree(cert_dir, ignore_errors=True)


def main(argv=None):
    args = parse_args(argv)
    temporary_db = temporary_certs = None
    if args.db is None:
        fd, args.db = tempfile.mkstemp(prefix="pbxsim-", suffix=".sqlite")
        os.close(fd)
        temporary_db = args.db
    try:
        signal.signal(signal.SIGTERM, _terminate)
        config = Config(
            sipxcom_admin=_pair(args.sipxcom_credentials),
            sipxcom_http_redirect=args.sipxcom_http_redirect,
            ipcortex_admin=_pair(args.ipcortex_credentials),
            ipcortex_api_key=args.ipcortex_api_key,
            portsip_admin=_pair(args.portsip_credentials),
            portsip_token_ttl=args.portsip_token_ttl,
            portsip_version=args.portsip_version,
            portsip_switch_mode=args.portsip_switch_mode,
            portsip_login_failure_status=args.portsip_login_failure_status,
            extra={"portsip_lenient_language": True} if args.portsip_lenient_language else {},
        )
        # Simulator bugs (internal errors) are logged with their traceback on stderr.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:    pbxsim: %(message)s"))
        logging.getLogger("pbxsim").addHandler(handler)
        app = create_app(args.db, config)
        ssl = {}
        scheme = "http"
        if args.tls:
            cert_dir = args.cert_dir
            if cert_dir is None and temporary_db is None:
                cert_dir = os.path.join(os.path.dirname(os.path.abspath(args.db)), "pbxsim-tls")
            elif cert_dir is None:
                cert_dir = temporary_certs = tempfile.mkdtemp(prefix="pbxsim-tls-")
            cert, key = ensure_certificate(cert_dir)
            ssl = {"ssl_certfile": cert, "ssl_keyfile": key}
            scheme = "https"
        base = "%s://%s:%d" % (scheme, _url_host(args.host), args.port)
        creds = config.credentials()
        print("pbxsim listening on %s  (state: %s%s)" % (base, args.db, ", removed at exit" if temporary_db else ""))
        if ssl:
            print("  TLS certificate (use as ca_path): %s" % ssl["ssl_certfile"])
        print("  sipXcom   %s/sipxconfig/   superadmin: %s / %s%s" % (
            base, creds["sipxcom"]["username"], creds["sipxcom"]["password"],
            "   (plain HTTP redirected to https)" if config.sipxcom_http_redirect and not ssl else ""))
        print("  IPCortex  %s/rest/   System-Admin: %s / %s   API key: %s" % (
            base, creds["ipcortex"]["username"], creds["ipcortex"]["password"], creds["ipcortex"]["api_key"]))
        print("  PortSIP   %s/api/   system admin: %s / %s" % (
            base, creds["portsip"]["username"], creds["portsip"]["password"]))
        print("  operator  %s/_sim/   stats reset faults fixtures config" % base)
        sys.stdout.flush()
        try:
            # A client that keeps a TLS connection open (or died mid-handshake) must not hold up shutdown.
            uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                        timeout_graceful_shutdown=1, **ssl)
        finally:
            app.state.sim.store.close()
    except KeyboardInterrupt:
        pass
    finally:
        _remove(temporary_db, temporary_certs)


if __name__ == "__main__":
    main()
