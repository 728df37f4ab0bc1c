# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client shared by the platform drivers (private to this collection).

One ``requests.Session`` per module run, so every call of a run reuses the
connection.  Retries are bounded and honour ``Retry-After``; a write that may
have reached the server is never resent here: it raises ``AmbiguousWrite`` and
the reconcile engine re-reads the object before deciding what to send again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import os
import random
import re
import time
import traceback

from ansible.module_utils.six.moves.urllib.parse import urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests import exceptions as rexc
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
try:
    from urllib3 import exceptions as uexc
except ImportError:  # pragma: no cover - requests cannot be imported without urllib3 either
    uexc = None

MASK = "********"
RETRY_STATUSES = (429, 502, 503, 504)
# A 429 means the server refused the request before doing anything with it.
NOT_PROCESSED_STATUSES = (429,)
MAX_RETRY_AFTER = 60.0
# Without Retry-After the wait doubles from BACKOFF up to MAX_BACKOFF, and is drawn from its upper half
# ("equal jitter"): many AWX jobs that met the same outage do not come back at the same instant.
BACKOFF = 0.5
MAX_BACKOFF = 10.0
# The first few retries are told one by one; after that only their count (a 10,000-object run over a
# flaky link would otherwise print hundreds of warnings).
TOLD_RETRIES = 3
# The largest answer read.  The biggest answers are sipXcom's unpaged listings (all users, all phones):
# about 1 KB per object, so 10 MB for 10,000 objects.  Anything beyond this is not a PBX's listing
# (a log file, a download page, a server that never stops) and would only fill the controller's memory.
MAX_ANSWER = 64 * 1024 * 1024
# Bytes read at a time: the body is read in pieces so that the timeout and the size limit hold for
# the whole answer, not for each read of the socket.
CHUNK = 64 * 1024
# How much of an answer the driver could not read an error quotes.
QUOTED = 120
# The first path segment of each platform's API: a url that already holds one was copied
# from the API documentation and would double it.
API_PATHS = ("sipxconfig", "rest", "api")
# What OpenSSL says when the other end does not speak TLS at all (a plain-HTTP port).
NOT_TLS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length too long",
           "unknown protocol", "http request")


class PbxError(Exception):
    """A failure to report to the user as it is (already says what and why)."""

    def __init__(self, msg, **details):
        super(PbxError, self).__init__(msg)
        self.msg = msg
        self.details = details


class PbxApiError(PbxError):
    """The PBX answered, and the answer was an error."""

    def __init__(self, method, path, status, message, hint=None):
        text = "%s %s failed: HTTP %s" % (method, path, status)
        if message:
            text += ": %s" % message
        if hint:
            text += ". %s" % hint
        super(PbxApiError, self).__init__(text, method=method, path=path, status=status, vendor_message=message)
        self.method = method
        self.path = path
        self.status = status
        self.vendor_message = message


class BadAnswer(PbxApiError, ValueError):
    """A 2xx answer whose body is not what the API sends (not JSON, cut off, ...).

    Also a ValueError, so that drivers that already try an answer as JSON and fall back keep doing so.
    """

    def __init__(self, method, path, status, problem, content_type, head):
        message = "the answer %s (Content-Type %s; it begins %s)" % (problem, content_type or "none", head)
        super(BadAnswer, self).__init__(method, path, status, message,
                                        "Check that url points at the PBX's API, not at a proxy or web page in "
                                        "front of it")


class Answer:
    """A requests.Response whose body every driver decodes the same way, with ``data()``.

    Everything else (status_code, headers, content, text) is the response's own.
    """

    def __init__(self, response, method, path, client):
        self.response = response
        self.method = method
        self.path = path
        self._client = client

    def __getattr__(self, name):
        return getattr(self.response, name)

    def data(self):
        """The body as JSON; BadAnswer (naming the request and quoting the body, scrubbed) otherwise."""
        response = self.response
        problem = None
        if not response.content:
            problem = "is empty"
        else:
            try:
                body = json.loads(response.content.decode(response.encoding or "utf-8", "replace"))
            except ValueError as exc:
                problem = "is not JSON (%s)" % exc
            else:
                # Only a 2xx: the drivers read the envelopes of error statuses themselves.
                message = error_envelope(body) if 200 <= response.status_code < 300 else None
                if message is None:
                    return body
                # A gateway or the PBX said "error" with a 2xx status: read as data, it would be an
                # empty listing, and the run would create everything again.
                raise PbxApiError(self.method, self.path, response.status_code,
                                  self._client.scrub("the answer is an error, not data: %s" % message),
                                  "The PBX did not do what was asked; nothing was changed by this request")
        raise BadAnswer(self.method, self.path, response.status_code, problem, response.headers.get("Content-Type"),
                        self._client.quote(response.content))


# The keys of an error envelope (PortSIP's {"errors": [{"code", "message"}]}, the {"error": ...} of
# gateways and frameworks).  Only an object with nothing else is taken for one: data never looks so.
ENVELOPE_KEYS = frozenset(("errors", "error", "message", "code", "status", "detail", "title", "type", "timestamp",
                           "path", "error_description"))


def error_envelope(body):
    """The message of an error envelope, or None for anything else."""
    if not isinstance(body, dict) or not set(body) <= ENVELOPE_KEYS:
        return None
    errors = body.get("errors") or body.get("error")
    if not errors:
        return None
    if not isinstance(errors, list):
        errors = [errors]
    parts = []
    for error in errors:
        if isinstance(error, dict):
            parts.append(": ".join(str(error[k]) for k in ("code", "message") if error.get(k)) or str(error))
        else:
            parts.append(str(error))
    text = "; ".join(parts)
    if body.get("message") and body["message"] not in text:
        text += " (%s)" % body["message"]
    return _short(text)


class _CutOff(Exception):
    """The connection closed before the whole answer arrived."""


class _TooSlow(Exception):
    """The answer did not arrive in full within the timeout."""


class AmbiguousWrite(PbxError):
    """A write failed in a way that leaves unknown whether the PBX applied it."""

    def __init__(self, msg, retry_after=None, **details):
        super(AmbiguousWrite, self).__init__(msg, **details)
        self.retry_after = retry_after


def _retry_after_seconds(value):
    if not value:
        return None
    try:
        return min(float(value), MAX_RETRY_AFTER)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return min(max(0.0, parsed.timestamp() - time.time()), MAX_RETRY_AFTER)


def backoff(attempt, rng=random):
    """Seconds to wait before retry number ``attempt`` (1, 2, ...) when the PBX did not say."""
    ceiling = min(BACKOFF * (2 ** (attempt - 1)), MAX_BACKOFF)
    return rng.uniform(ceiling / 2, ceiling)


def _never_sent(exc):
    """True when a connection error happened before the request left us."""
    if isinstance(exc, rexc.ConnectTimeout):
        return True
    text = repr(exc)
    return any(marker in text for marker in ("NewConnectionError", "Connection refused", "Name or service not known",
                                             "nodename nor servname", "No route to host"))


def check_url(url, prefix):
    """The base url as the client uses it; PbxError for a url the user must change."""
    text = (url or "").strip()
    if not text:
        raise PbxError("url is empty: give the PBX's address, for example https://pbx.example.com:8887")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PbxError("url %r has no scheme and host: write it as https://host[:port] (scheme, host and port only; "
                       "%s is added by the collection)" % (text, prefix or "the API path"))
    if parts.query or parts.fragment:
        raise PbxError("url %r must not have a query or fragment: give scheme, host and port only" % text)
    if "@" in parts.netloc:
        raise PbxError("url must not carry credentials: use the username and password options instead")
    path = parts.path.rstrip("/")
    first = path.lstrip("/").split("/")[0]
    if first in API_PATHS:
        base = "%s://%s" % (parts.scheme, parts.netloc)
        raise PbxError("url %r includes the API path %r: give scheme, host and port only (url: %s); the collection "
                       "adds %s itself" % (text, path, base, prefix or "the API path"))
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise PbxError("url %r has an invalid port" % text)
    # Any other path is kept: the path of a reverse proxy in front of the PBX.
    return "%s://%s%s" % (parts.scheme, parts.netloc, path)


def check_ca_path(ca_path):
    if ca_path and not os.path.exists(ca_path):
        raise PbxError("ca_path %s does not exist: give the PEM file of the CA certificate that signed the PBX's "
                       "certificate (or a directory of them)" % ca_path)


class Client:
    """Talks HTTP to one PBX for one module run.

    describe_error(response) -> str extracts the vendor's message from an error
    answer; reauthenticate() is called once when a request gets a 401 (bearer
    tokens that expired), after which the request is sent again.
    """

    def __init__(self, base_url, validate_certs=True, ca_path=None, timeout=30, retries=3, secrets=(),
                 describe_error=None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.host = parts.netloc
        self.scheme = parts.scheme
        # Messages name the path as the PBX saw it (with a reverse proxy's prefix).
        self.base_path = parts.path.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.secrets = set(s for s in secrets if s)
        self.describe_error = describe_error or (lambda response: response.text[:500])
        self.reauthenticate = None
        self.sleep = sleep
        self._warnings = []
        self.counts = {"requests": 0, "retries": 0}
        self.max_answer = MAX_ANSWER
        #: (method, path, status) of the last answer, for an error about what a driver did with it
        self.last_answer = None
        #: why requests were retried ("HTTP 429", "connection dropped", ...) -> how many times
        self.retry_reasons = {}
        self.session = requests.Session()
        # The environment (proxies, CA bundle) is read once here, not on every request:
        # requests would walk os.environ per call, a third of a bulk run's client time.
        self.session.trust_env = False
        self.session.proxies = requests.utils.get_environ_proxies(self.base_url)
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        if not validate_certs:
            self.verify = False
            try:
                import urllib3
                urllib3.disable_warnings()
            except ImportError:  # pragma: no cover
                pass
        elif ca_path:
            self.verify = ca_path
        self.session.headers["User-Agent"] = "pbxops.pbx"

    @property
    def warnings(self):
        """What the user should know about the transport: the first retries, then how many there were."""
        out = list(self._warnings)
        retries = self.counts["retries"]
        if retries > TOLD_RETRIES:
            reasons = ", ".join("%s: %d" % item for item in sorted(self.retry_reasons.items()))
            out.append("%d retries in all after transient failures (%s); each request is retried at most %d times "
                       "(the retries option)" % (retries, reasons, self.retries))
        return out

    def add_secret(self, value):
        if value:
            self.secrets.add(value)

    def scrub(self, text):
        """Replace every known secret in text with the mask."""
        text = "" if text is None else str(text)
        # Longest first, so that a secret that contains another is masked whole.
        for secret in sorted((s for s in self.secrets if s in text), key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def request(self, method, path, idempotent=None, ok=None, **kwargs):
        """Send one request and return the response (any 2xx unless ``ok`` says otherwise).

        idempotent: may be resent after a failure that might have reached the
        server (default: GET/HEAD/OPTIONS).  Drivers pass True for reads that
        are POSTs (IPCortex).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "OPTIONS")
        url = self.base_url + path
        path = self.base_path + path
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("verify", self.verify)
        # Never follow a redirect: requests turns a redirected POST into a GET that "succeeds",
        # and a redirect may point at another host, which must not get our credentials.
        kwargs["allow_redirects"] = False
        # The body is read here (_read_body), against a deadline and a size limit: requests' own timeout
        # bounds each read of the socket, so a server that sends a byte a second would never time out.
        kwargs["stream"] = True
        reauthenticated = False
        attempt = 0
        while True:
            self.counts["requests"] += 1
            deadline = time.monotonic() + self.timeout
            try:
                response = self.session.request(method, url, **kwargs)
                self._read_body(method, path, response, deadline)
            except rexc.SSLError as exc:
                raise PbxError(self.scrub(self._tls_problem(method, path, exc)))
            except (rexc.ConnectionError, rexc.Timeout, _TooSlow, _CutOff) as exc:
                sent = not _never_sent(exc)
                slow = isinstance(exc, (rexc.Timeout, _TooSlow))
                if attempt < self.retries and (idempotent or not sent):
                    attempt += 1
                    reason = "timed out" if slow else "answer cut off" if isinstance(exc, _CutOff) else "connection lost"
                    self._wait(attempt, None, "%s %s: %s" % (method, path, _short(exc)), reason)
                    continue
                if isinstance(exc, _CutOff):
                    msg = "%s %s: %s" % (method, path, exc)
                    if sent and not idempotent:
                        raise AmbiguousWrite(self.scrub(msg + "; the PBX may or may not have applied the write"))
                    raise PbxError(self.scrub(msg + ". Check the network and any proxy between here and the PBX."))
                what = "timed out after %ss" % self.timeout if slow else _short(exc)
                if isinstance(exc, _TooSlow):
                    what += ": %s" % exc
                msg = self.scrub("%s %s: cannot reach the PBX at %s (%s)" % (method, path, self.base_url, what))
                if sent and not idempotent:
                    raise AmbiguousWrite(msg + "; the PBX may or may not have applied the write")
                raise PbxError(msg + self._unreachable_hint(exc))
            except rexc.RequestException as exc:
                raise PbxError(self.scrub("%s %s: %s. Check url (scheme, host and port of the PBX)."
                                          % (method, path, _short(exc))))
            status = response.status_code
            self.last_answer = (method, path, status)
            response = Answer(response, method, path, self)
            if 300 <= status < 400:
                raise PbxError(self.scrub(self._redirect_problem(method, path, response)))
            if status == 401 and self.reauthenticate is not None and not reauthenticated:
                reauthenticated = True
                self.reauthenticate()
                continue
            if status in RETRY_STATUSES:
                delay = _retry_after_seconds(response.headers.get("Retry-After"))
                if not idempotent and status not in NOT_PROCESSED_STATUSES:
                    raise AmbiguousWrite(self._error_text(method, path, response), retry_after=delay)
                if attempt < self.retries:
                    attempt += 1
                    self._wait(attempt, delay, "%s %s: HTTP %s" % (method, path, status), "HTTP %s" % status)
                    continue
            if (ok is not None and status not in ok) or (ok is None and not 200 <= status < 300):
                message = self._vendor_message(response)
                if status == 401 and reauthenticated:
                    message += (" (refused again right after the session was renewed: the account may lack the "
                                "right for this call, or the PBX ends new sessions at once)")
                raise PbxApiError(method, path, status, self.scrub(message))
            return response

    def _read_body(self, method, path, response, deadline):
        """Read the whole body into response.content, within the deadline and MAX_ANSWER."""
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_answer:
            response.close()
            raise PbxError(self._too_big(method, path, response, "announces %s bytes" % declared))
        raw = response.raw
        # urllib3 2.3+ returns what one read of the socket brings; older ones fill the whole piece first.
        read = getattr(raw, "read1", None) or raw.read
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        chunks, size = [], 0
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _TooSlow("%d bytes of the answer had arrived" % size)
                if sock is not None:
                    sock.settimeout(left)  # no single read may wait past the deadline either
                chunk = read(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_answer:
                    raise PbxError(self._too_big(method, path, response, "goes on past %d bytes" % self.max_answer))
                chunks.append(chunk)
        except uexc.ReadTimeoutError:
            response.close()
            raise _TooSlow("%d bytes of the answer had arrived" % size)
        except uexc.ProtocolError as exc:
            response.close()
            raise _CutOff("the answer was cut off after %d bytes%s (%s)" % (
                size, " of %s" % declared if declared else "", _short(exc)))
        except (PbxError, _TooSlow):
            response.close()
            raise
        except uexc.HTTPError as exc:
            response.close()
            raise PbxError(self.scrub("%s %s: the answer cannot be read (%s)" % (method, path, _short(exc))))
        finally:
            if sock is not None and self.timeout:
                try:
                    sock.settimeout(self.timeout)
                except OSError:
                    pass
        # What requests itself does with a body it has read (Response.content).
        response._content = b"".join(chunks)  # pylint: disable=protected-access
        response._content_consumed = True  # pylint: disable=protected-access
        response.close()  # back to the pool: the body is read in full

    def _too_big(self, method, path, response, what):
        return self.scrub("%s %s: HTTP %s: the answer %s (Content-Type %s), more than the %d MiB a PBX's listing "
                          "of even tens of thousands of objects takes; stopped reading. Check that url points at "
                          "the PBX's API" % (method, path, response.status_code, what,
                                             response.headers.get("Content-Type") or "none",
                                             self.max_answer // (1024 * 1024)))

    def quote(self, body):
        """The first bytes of an answer, scrubbed, for an error message."""
        text = self.scrub(body[:QUOTED * 2].decode("utf-8", "replace"))
        return repr(text[:QUOTED] + ("..." if len(body) > QUOTED else ""))

    def unexpected(self, exc, label):
        """(message, scrubbed traceback) for an exception a driver raised on an answer it did not expect."""
        if self.last_answer is None:
            where = "before any answer from the PBX"
        else:
            where = "reading the answer to %s %s (HTTP %s)" % self.last_answer
        msg = ("%s: %s: %s. The answer is not what %s sends: check that url (%s) points at the PBX's API and "
               "that platform is right. If it does, this is a bug in pbxops.pbx: report it with the output of -vvv"
               % (where, type(exc).__name__, _short(exc), label, self.base_url))
        return self.scrub(msg[0].upper() + msg[1:]), self.scrub(traceback.format_exc())

    def _tls_problem(self, method, path, exc):
        text = str(exc)
        # OpenSSL's own words ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ...") say it best.
        found = re.search(r"\[SSL: [A-Z_]+\][^'\"()]*", text)
        reason = found.group(0).strip() if found else _short(exc)
        if any(marker in text for marker in NOT_TLS):
            return ("%s %s: %s does not answer TLS (%s). Is it a plain-HTTP port? Use http:// in url for a plain-HTTP "
                    "port, or the PBX's HTTPS port." % (method, path, self.host, reason))
        if "hostname" in text.lower() and "match" in text.lower():
            return ("%s %s: the PBX's certificate is not valid for %s (%s). Use the host name the certificate "
                    "names in url." % (method, path, self.host, reason))
        return ("%s %s: TLS verification failed (%s). Give the PBX's CA certificate with ca_path, or set "
                "validate_certs: false for a PBX with a self-signed certificate you trust." % (method, path, reason))

    def _unreachable_hint(self, exc):
        text = repr(exc)
        closed = ("RemoteDisconnected", "Connection reset", "BadStatusLine", "Connection aborted")
        if self.scheme == "http" and any(m in text for m in closed):
            return (". The PBX closed the connection without answering: if this port serves HTTPS, use https:// "
                    "in url.")
        return ". Check url, the network and that the PBX is running."

    def _redirect_problem(self, method, path, response):
        location = response.headers.get("Location") or "(no Location header)"
        target = urlsplit(location)
        text = "%s %s: the PBX answered HTTP %s, a redirect to %s; pbxops.pbx never follows redirects" % (
            method, path, response.status_code, location)
        upgrade = self.scheme == "http" and target.scheme == "https" and target.hostname == urlsplit(
            self.base_url).hostname
        if target.netloc and target.netloc != self.host and not upgrade:
            text += " (it points at another server, %s, which must not get the credentials)" % target.netloc
        if upgrade:
            return text + ". The PBX wants HTTPS: use https:// in url (https://%s)." % (target.netloc or self.host)
        return text + ". Set url to the address the PBX redirects to (scheme, host and port only)."

    def _wait(self, attempt, delay, why, reason):
        self.counts["retries"] += 1
        self.retry_reasons[reason] = self.retry_reasons.get(reason, 0) + 1
        if delay is None:
            delay = backoff(attempt)
        if self.counts["retries"] <= TOLD_RETRIES:
            self._warnings.append(self.scrub("%s; retry %d of %d in %.1fs" % (why, attempt, self.retries, delay)))
        self.sleep(delay)

    def _vendor_message(self, response):
        try:
            return self.describe_error(response)
        except Exception:  # the error text must never hide the error itself
            return response.text[:500]

    def _error_text(self, method, path, response):
        return self.scrub("%s %s failed: HTTP %s: %s" % (method, path, response.status_code,
                                                         self._vendor_message(response)))


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "..."
