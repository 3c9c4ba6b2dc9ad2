"""One HTTP POST to a provider, stdlib only, with the timeout every channel must give.

`post()` returns the status and the body for every HTTP answer (2xx, 4xx, 5xx) so each channel
maps its provider's answers itself; what no provider answer can be (timeout, refused connection,
reset, DNS failure) is a `TemporaryFailure` here, once. Redirects are not followed: a redirect
could carry a bearer token or a key to another host.
"""

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .base import PermanentFailure, TemporaryFailure

MAX_BODY = 64 * 1024  # provider answers are small JSON documents; never read more


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def post(url, *, data, headers, timeout, provider):
    """POST data (bytes) to url; `provider` names the service in error messages (no address, no key)."""
    if not url.startswith(("http://", "https://")):
        raise PermanentFailure(f"{provider}: the configured URL must start with http:// or https://")
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - checked
    try:
        return _exchange(request, timeout)
    except TimeoutError:
        raise TemporaryFailure(f"{provider}: no answer within {timeout:g} s") from None
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise TemporaryFailure(f"{provider}: no answer within {timeout:g} s") from None
        raise TemporaryFailure(f"{provider}: cannot connect ({type(reason).__name__})") from None


def _exchange(request, timeout):
    deadline = time.monotonic() + timeout
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(response.status, _read(response, deadline))
    except urllib.error.HTTPError as exc:
        try:
            return Answer(exc.code, _read(exc, deadline))
        finally:
            exc.close()


def _read(response, deadline):
    """At most MAX_BODY bytes, and not after the deadline (a server that trickles bytes)."""
    parts, size = [], 0
    while size < MAX_BODY:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(min(8192, MAX_BODY - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)
