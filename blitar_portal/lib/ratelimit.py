"""Rate limiting, one way for pages and API.

One engine: django-ratelimit's fixed-window counters in the cache (Redis).
One table of rates: `settings.RATE_LIMITS` (group -> "count/period", each from
the environment). One client address: `blitar_portal.lib.client_ip.client_ip`
(django-ratelimit's key "ip" reads it through `RATELIMIT_IP_META_KEY`).

- Pages: `@rate_limit("group")` on the view. Past the limit it raises
  `RateLimited`; `RatelimitMiddleware` hands it to `RATELIMIT_VIEW`
  (`blitar_portal.core.views.ratelimited`), a 429 page with Retry-After.
- API: DRF throttle classes built on the same counters. `DEFAULT_THROTTLE_CLASSES`
  holds `AnonThrottle` (per IP) and `UserThrottle` (per account);
  `api_throttles(scoped("group"))` adds a stricter group to one view. A page and an
  API view share one counter when group, key and method are the same (django-ratelimit
  keys its counters by all three), e.g. booking-code lookups.

When Redis is down the cache counts nothing and requests are allowed: django-redis
(IGNORE_EXCEPTIONS) answers None to the counter's `add` and `incr`, and django-ratelimit with
`RATELIMIT_FAIL_OPEN = True` treats an unknown count as "not limited" (lib/cache.py;
tests/portal/test_cache_redis.py). Pages keep working.
"""

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

__all__ = ["ALL", "UNSAFE", "RateLimited", "api_throttles", "check", "rate_limit", "scoped"]

DEFAULT_MESSAGE = _("Terlalu banyak permintaan. Silakan coba lagi dalam %(minutes)s menit.")


def rate_of(group, request=None):
    """The configured rate of a group (django-ratelimit's `rate` callable signature)."""
    return settings.RATE_LIMITS[group]


def check(request, group, *, key="ip", method=ALL):
    """Count this request in `group`; return seconds to wait when over the limit, else None."""
    usage = get_usage(request, group=group, key=key, rate=rate_of, method=method, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


class RateLimited(Ratelimited):
    """A page request over its limit (a PermissionDenied, turned into a 429 by RatelimitMiddleware)."""

    def __init__(self, retry_after, message=None):
        super().__init__()
        self.retry_after = retry_after
        self.message = message


def rate_limit(group, *, key="ip", method=ALL, message=None):
    """View decorator: count requests of `method` in `group` by `key`; 429 page past the limit.

    `key` is any django-ratelimit key: "ip", "user", "user_or_ip" or a callable
    `(group, request) -> str`. `message` replaces the 429 page's default text.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = check(request, group, key=key, method=method)
            if wait is not None:
                raise RateLimited(wait, message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ApiRateLimited(Throttled):
    """DRF's 429, in Bahasa Indonesia (English when chosen); DRF adds Retry-After from `wait`."""

    default_detail = _("Terlalu banyak permintaan.")
    extra_detail_singular = _("Silakan coba lagi dalam {wait} detik.")
    extra_detail_plural = _("Silakan coba lagi dalam {wait} detik.")


class _CounterThrottle(BaseThrottle):
    """A DRF throttle on the shared counters. It raises instead of returning False so the
    429 body carries our Bahasa text (DRF's own Throttled text is only partly translated)."""

    group = None
    key = "ip"
    method = ALL

    def applies(self, request):
        return True

    def allow_request(self, request, view):
        if self.applies(request):
            wait = check(request, self.group, key=self.key, method=self.method)
            if wait is not None:
                raise ApiRateLimited(wait=wait)
        return True


class AnonThrottle(_CounterThrottle):
    """Every anonymous API request, per client IP (RATE_LIMITS["api-anon"])."""

    group = "api-anon"

    def applies(self, request):
        return not request.user.is_authenticated


class UserThrottle(_CounterThrottle):
    """Every signed-in API request, per account (RATE_LIMITS["api-user"])."""

    group = "api-user"
    key = "user"

    def applies(self, request):
        return request.user.is_authenticated


def scoped(group, *, key="ip", method=ALL):
    """A throttle class for one stricter group, e.g. `scoped("booking-lookup")`."""
    return type(f"Scoped_{group}", (_CounterThrottle,), {"group": group, "key": key, "method": method})


def api_throttles(*extra):
    """`throttle_classes` for a view: DEFAULT_THROTTLE_CLASSES plus `extra` (a view's own list replaces the default)."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, *extra]


# The API's one error body (blitar_portal.core.api.ApiErrorSerializer).
_ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
_RETRY_AFTER = {"schema": {"type": "integer"}, "description": "detik"}


def document_limits(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer 429 (throttled, with
    Retry-After), and every operation with a body 413 (RequestBodyLimitMiddleware)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            too_many = responses.setdefault("429", {"content": _ERROR_BODY})
            too_many["description"] = "Terlalu banyak permintaan; coba lagi setelah Retry-After detik."
            too_many.setdefault("headers", {})["Retry-After"] = _RETRY_AFTER
            if "requestBody" in operation:
                responses.setdefault(
                    "413", {"description": "Kiriman melebihi MAX_REQUEST_BODY_BYTES.", "content": _ERROR_BODY}
                )
    return result
