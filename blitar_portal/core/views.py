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
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


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
