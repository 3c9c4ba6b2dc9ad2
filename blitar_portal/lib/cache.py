"""The cache: django-redis, an unreachable Redis is a cache miss; single-flight recomputation;
and the one page cache (`cached_html`).

docs/architecture.md §6 (Redis is a cache, not a store): when Redis is down pages still
render from the database. `django_redis.cache.RedisCache` with `IGNORE_EXCEPTIONS` does that:
a failing read returns the default, a failing write does nothing, a failing `add`/`incr`
returns None. django-ratelimit then sees an unknown count and, with `RATELIMIT_FAIL_OPEN`,
allows the request (lib/ratelimit.py). The ignored errors are logged through
`DJANGO_REDIS_LOGGER` ("blitar_portal.cache.unavailable"), at most once a minute
(`OncePerMinuteFilter`), so a dead Redis does not flood the log.

`single_flight()` protects an expensive aggregate from a stampede: after an invalidation one
request recomputes it under a short lock while the others keep reading the previous value.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


class OncePerMinuteFilter(logging.Filter):
    """Lets one record through per minute: django-redis logs every ignored error with its
    traceback; during an outage one line a minute naming the error says all there is."""

    def __init__(self, name="", interval=60.0):
        super().__init__(name)
        self.interval = interval
        self._last = float("-inf")

    def filter(self, record):
        now = time.monotonic()
        if now - self._last < self.interval:
            return False
        self._last = now
        exc = record.exc_info[1] if record.exc_info else None
        cause = getattr(exc, "__cause__", None) or exc
        record.msg = "Cache unavailable (%s); serving from the database."
        record.args = (f"{type(cause).__name__}: {cause}" if cause else "connection error",)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def redis_client(backend=None):
    """The raw redis-py client behind the cache (django-redis), or None for another backend."""
    backend = backend or cache
    client = getattr(backend, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None


def ping(backend=None):
    """Raise when the cache's Redis does not answer (used by /healthz); its socket timeouts bound it."""
    redis_client(backend).ping()


def single_flight(key, compute, *, version, timeout, lock_seconds=60, wait_seconds=5.0, poll_seconds=0.05):
    """The value of `compute()` for `version`, recomputed by one caller at a time.

    The cache keeps `(version, value)` under `key`. When the stored version is current it is
    returned. Otherwise one caller takes the lock (`cache.add`, expiring after `lock_seconds`
    should it die) and recomputes; every other caller meanwhile gets the stale value, or, when
    there is none yet, waits up to `wait_seconds` for the winner's value. With Redis down
    nothing can be shared: every caller computes (the page still answers).
    """
    entry = cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    lock_key = f"{key}:lock"
    if cache.add(lock_key, 1, lock_seconds):
        try:
            # Another caller may have stored the value between our read and our lock: use it.
            latest = cache.get(key)
            if latest is not None and latest[0] == version:
                return latest[1]
            value = compute()
            cache.set(key, (version, value), timeout)
            return value
        finally:
            cache.delete(lock_key)
    if entry is not None:
        return entry[1]  # the previous value while one request recomputes
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and cache.get(lock_key) is not None:
        time.sleep(poll_seconds)
    entry = cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    return compute()  # no lock holder (Redis down, or it died): answer anyway


# --- the one page cache -----------------------------------------------------------------------
#
# Rendered HTML that many visitors share (the E-Health board, the IKM catalogue pages, the
# dashboard tabs) is cached through `cached_html` only. What is cached is the expensive part of
# a page (its body), never the site shell: the shell, with the visitor's own CSRF token in the
# language switch, is rendered for every request, so no token is ever stored or spliced in.
# An entry is valid for one `version` (what the caller's data says changed: a bed change, a
# catalogue write, a dashboard refresh) and is kept per language. Recent entries are also held
# in this process, so a hit costs the caller's version read and no Redis round trip.

PAGE_CACHE_PREFIX = "page"
PAGE_CACHE_LOCAL_MAX = 256
_page_local: dict[str, tuple[Hashable, str]] = {}


def page_cache_key(name: str, variant: str) -> str:
    """The cache key of one variant (filters, page number…) of a page in the current language."""
    digest = hashlib.sha256(f"{get_language()}:{variant}".encode()).hexdigest()[:32]
    return f"{PAGE_CACHE_PREFIX}:{name}:{digest}"


def cached_html(name: str, variant: str, render: Callable[[], str], *, version: Hashable, timeout: int) -> SafeString:
    """`render()`'s HTML for this page variant and language, rendered at most once per `version`.

    `render` must return HTML the caller built from its own templates (it is marked safe) and
    must not contain anything personal or per-visitor (a CSRF token, a name): every visitor
    of the same variant and language gets the same text."""
    key = page_cache_key(name, variant)
    hit = _page_local.get(key)
    if hit is None or hit[0] != version:
        shared = cache.get(key)
        hit = shared if isinstance(shared, tuple) and len(shared) == 2 and shared[0] == version else None
        if hit is None:
            hit = (version, str(render()))
            cache.set(key, hit, timeout)
        if len(_page_local) >= PAGE_CACHE_LOCAL_MAX:
            _page_local.clear()
        _page_local[key] = hit
    return mark_safe(hit[1])  # noqa: S308 - rendered from our own templates by the caller


def page_cache_forget_local() -> None:
    """Drop this process's copies (after the shared cache was emptied, e.g. between tests)."""
    _page_local.clear()
