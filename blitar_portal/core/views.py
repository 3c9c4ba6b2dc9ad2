from math import ceil

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from blitar_portal.lib import ratelimit
from blitar_portal.lib.monitoring import has_monitoring_token

from . import metrics as portal_metrics
from . import selectors


@require_GET
def home(request):
    figures = selectors.home_figures()
    return render(request, "core/home.html", {"figures": figures, "computed_at": figures["computed_at"]})


@require_GET
def privacy(request):
    """The public privacy notice (UU 27/2022), one full text per language (docs/privacy.md is the inventory)."""
    from django.conf import settings
    from django.utils.translation import get_language

    language = "en" if (get_language() or "id").startswith("en") else "id"
    return render(
        request,
        "core/privacy.html",
        {
            "body": f"core/privacy_{language}.html",
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "login_days": settings.LOGIN_ATTEMPT_RETENTION_DAYS,
            "notification_days": settings.NOTIFICATIONS_RETENTION_DAYS,
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@never_cache
@require_GET
def livez(request):
    """The process answers; nothing else is checked (a restart is the only cure for a failure here)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """For load balancers: 503 only when the database is unreachable; a cache or broker outage is 200 "degraded"."""
    report = selectors.readiness_report(details=has_monitoring_token(request))
    return JsonResponse(report, status=503 if report["status"] == "fail" else 200)


@never_cache
@require_GET
def healthz(request):
    """For monitoring: 503 when any part fails; details only with the monitoring token."""
    report = selectors.health_report(details=has_monitoring_token(request))
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@never_cache
@require_GET
def metrics(request):
    """Prometheus exposition, for the monitoring system only (Authorization: Bearer MONITORING_TOKEN)."""
    if not has_monitoring_token(request):
        return JsonResponse({"detail": "monitoring token required"}, status=403)
    return HttpResponse(portal_metrics.render(), content_type=CONTENT_TYPE_LATEST)


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


@never_cache
@require_GET
def language(request):
    """The language switch of every page (templates/base.html): a GET form, so no page carries
    a CSRF token for it and an anonymous page can be cached whole (lib/cache.cached_html). It
    sets the same cookie as Django's set_language; `next` must stay on this site."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme
    from django.utils.translation import check_for_language

    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    code = request.GET.get("language") or ""
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
