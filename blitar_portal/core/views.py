from math import ceil

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from blitar_portal.lib import ratelimit

from . import selectors


@require_GET
def home(request):
    figures = selectors.home_figures()
    return render(request, "core/home.html", {"figures": figures, "computed_at": figures["computed_at"]})


@never_cache
@require_GET
def healthz(request):
    report = selectors.health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
def baseline(request):
    """Trivial view: the benchmark's baseline B (design §8)."""
    return HttpResponse("ok", content_type="text/plain")


def ratelimited(request, exception=None):
    """RATELIMIT_VIEW: the 429 page for a `@rate_limit` view (blitar_portal.lib.ratelimit), with Retry-After."""
    retry_after = getattr(exception, "retry_after", 60)
    message = getattr(exception, "message", None) or ratelimit.DEFAULT_MESSAGE
    response = render(
        request, "429.html", {"message": message % {"minutes": max(1, ceil(retry_after / 60))}}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response
