"""Fetch a feed over HTTP with a timeout, a size cap and the auth headers of its scheme (stdlib only).

The headers themselves are built by auth.FeedAuth (docs/feeds/AUTH.md).
"""

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

CHUNK = 64 * 1024


class FeedError(Exception):
    """A feed that cannot be applied. `retryable` marks transient faults (timeouts, 5xx, network)."""

    def __init__(self, message: str | StrPromise, *, retryable: bool = False, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.retryable = retryable
        self.status = status  # the HTTP status that caused it, if any (a 401 renews a SATUSEHAT token)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could leave the hospital's host with the token attached.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


# What a parser is given to load a further page or linked document (fetch_feed's signature).
Fetch = Callable[..., bytes]


def fetch_feed(
    url: str,
    *,
    token: str = "",
    headers: dict[str, str] | None = None,
    accept: str = "application/json",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> bytes:
    """GET url and return the body (bytes). Raises FeedError; secrets never appear in messages."""
    all_headers = {"Accept": accept, "User-Agent": "PortalBlitar-BedSync/1.0"}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    return _send(url, headers=all_headers, timeout=timeout, max_bytes=max_bytes)


def post_form(url: str, fields: dict[str, str], *, timeout: float | None = None, max_bytes: int | None = None) -> bytes:
    """POST form fields (an OAuth token request) and return the body; FeedError like fetch_feed."""
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "PortalBlitar-BedSync/1.0",
    }
    return _send(
        url, headers=headers, data=urllib.parse.urlencode(fields).encode(), timeout=timeout, max_bytes=max_bytes
    )


def _send(
    url: str,
    *,
    headers: dict[str, str],
    data: bytes | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> bytes:
    timeout = timeout or settings.EHEALTH_FEED_TIMEOUT
    max_bytes = max_bytes or settings.EHEALTH_FEED_MAX_BYTES
    if not url.startswith(("http://", "https://")):
        raise FeedError(_("Alamat feed harus diawali http:// atau https://."))
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - scheme checked above
    deadline = time.monotonic() + timeout
    try:
        with _opener.open(request, timeout=timeout) as response:
            return _read_capped(response, max_bytes=max_bytes, deadline=deadline)
    except urllib.error.HTTPError as exc:
        raise _http_error(exc.code) from None
    except TimeoutError:
        raise FeedError(
            _("Server RS tidak menjawab dalam %(s)s detik.") % {"s": int(timeout)}, retryable=True
        ) from None
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise FeedError(
                _("Server RS tidak menjawab dalam %(s)s detik.") % {"s": int(timeout)}, retryable=True
            ) from None
        raise FeedError(_("Server RS tidak dapat dihubungi: %(reason)s") % {"reason": reason}, retryable=True) from None


def _http_error(status: int) -> FeedError:
    if status in (401, 403):
        return FeedError(
            _("Server RS menolak akses (HTTP %(status)s): periksa token feed.") % {"status": status}, status=status
        )
    return FeedError(
        _("Server RS menjawab HTTP %(status)s, bukan 200.") % {"status": status},
        retryable=status >= 500 or status == 429,
        status=status,
    )


def _read_capped(response: Any, *, max_bytes: int, deadline: float) -> bytes:
    if response.status != 200:
        raise _http_error(response.status)
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise _too_big(max_bytes)
    parts, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(max_bytes)
        parts.append(chunk)
    return b"".join(parts)


def _too_big(max_bytes: int) -> FeedError:
    return FeedError(_("Feed melebihi batas ukuran %(mb)s MB.") % {"mb": round(max_bytes / 1024 / 1024, 1)})
