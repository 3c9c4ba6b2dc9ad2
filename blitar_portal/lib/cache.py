"""The cache: django-redis, an unreachable Redis is a cache miss; and single-flight recomputation.

docs/architecture.md §6 (Redis is a cache, not a store): when Redis is down pages still
render from the database. `django_redis.cache.RedisCache` with `IGNORE_EXCEPTIONS` does that:
a failing read returns the default, a failing write does nothing, a failing `add`/`incr`
returns None. django-ratelimit then sees an unknown count and, with `RATELIMIT_FAIL_OPEN`,
allows the request (lib/ratelimit.py). The ignored errors are logged through
`DJANGO_REDIS_LOGGER`, at most once a minute (`OncePerMinuteFilter`), so a dead Redis does
not flood the log.

`single_flight()` protects an expensive aggregate from a stampede: after an invalidation one
request recomputes it under a short lock while the others keep reading the previous value.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


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
