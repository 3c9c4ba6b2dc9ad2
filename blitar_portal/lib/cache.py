"""A RedisCache that treats an unreachable Redis as a cache miss, and the one page cache (`cached_html`).

docs/architecture.md §6 (Redis is a cache, not a store): when Redis is down pages
still render from the database. Errors are logged (once a minute at most, so a dead Redis does not flood the log).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = 0.0


def _log(operation, exc):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged > 60:
        _last_logged = now
        logger.warning("Cache unavailable during %s (%s); serving from the database.", operation, exc)


def _degrading(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except _REDIS_ERRORS as exc:
            _log(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default_arg(key, default=None, *args, **kwargs):
    return default


class ReusingRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` (with its ~170 response callbacks) for every cache
    call; one per connection pool serves every thread just as well and saves that work on
    each of a page's cache reads."""

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _degrading("get", _default_arg)
    set = _degrading("set", None)
    add = _degrading("add", False)
    touch = _degrading("touch", False)
    delete = _degrading("delete", False)
    get_many = _degrading("get_many", lambda *a, **k: {})
    set_many = _degrading("set_many", lambda data, *a, **k: list(data))
    delete_many = _degrading("delete_many", None)
    has_key = _degrading("has_key", False)
    clear = _degrading("clear", False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _REDIS_ERRORS as exc:
            _log("incr", exc)
            # Unknown count: callers (rate limits) then allow the request.
            return delta

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout=timeout, version=version)
        return value

    def ping(self):
        """Raise when Redis does not answer (used by /healthz)."""
        self._cache.get_client(write=True).ping()


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
