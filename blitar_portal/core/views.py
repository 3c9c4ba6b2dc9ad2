from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    return render(
        request,
        "429.html",
        {"message": _("Terlalu banyak permintaan. Silakan coba lagi beberapa menit lagi.")},
        status=429,
    )


def bad_request(request, message, *, field=None):
    """The 400 of the bad-input boundary: the API error body under /api/, a Bahasa page elsewhere."""
    if request.path.startswith("/api/"):
        from .api import bad_input_response

        return bad_input_response(message, field=field or "non_field_errors")
    return render(request, "400.html", {"message": message}, status=400)


def bad_request_handler(request, exception=None):
    """handler400 (e.g. a SuspiciousOperation): the same page as the boundary's."""
    return bad_request(request, _("Permintaan tidak dapat diproses karena isinya tidak valid."))


def not_found_handler(request, exception=None):
    """handler404: under /api/ the API error body (clients parse JSON), elsewhere the Bahasa page."""
    if request.path.startswith("/api/"):
        from rest_framework.exceptions import NotFound

        from .api import error_body

        return JsonResponse(error_body(detail=NotFound.default_detail, code="not_found"), status=404)
    return render(request, "404.html", status=404)
