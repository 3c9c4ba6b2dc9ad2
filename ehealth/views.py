"""Public pages of E-Health: bed board, hospital page, service requests, demo feeds. Thin views."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blitar_portal.dashboard import svg
from blitar_portal.lib.cache import cached_html
from blitar_portal.lib.masking import mask_email, mask_name
from blitar_portal.lib.ratelimit import rate_limit
from blitar_portal.notifications import selectors as notification_selectors

from . import selectors, services
from .forms import (
    AccessCodeForm,
    BoardFilterForm,
    BookingLookupForm,
    EraseConfirmForm,
    ServicePickForm,
    ServiceRequestForm,
)
from .models import Hospital, ServiceRequest
from .qr import qr_svg


def _board_point(form):
    if form.is_valid() and form.cleaned_data.get("urut") == "terdekat":
        lat, lon = form.cleaned_data.get("lat"), form.cleaned_data.get("lon")
        if lat is not None and lon is not None:
            from django.contrib.gis.geos import Point

            return Point(lon, lat, srid=4326)
    return None


BOARD_PARAMS = {"kelas", "kecamatan", "jenis", "urut", "lat", "lon"}


def _board_body_cacheable(request):
    """The body is shared by every visitor who asks for the same known filters (no location)."""
    return set(request.GET) <= BOARD_PARAMS and not request.GET.get("lat")


@require_GET
def board(request):
    """The bed board, cached per validated filters and language until the next bed change
    (`cached_html`): an anonymous visitor's whole page (nothing on it is per visitor), for a
    signed-in visitor the body only (the shell names them and holds their logout token).

    The cache key and the cached body come from the *validated* filters only (issue 11, point 8):
    a junk value is not cached (the page shows its message), and two spellings of the same
    filters share one entry."""
    if not request.htmx and _board_body_cacheable(request):
        form = BoardFilterForm(request.GET, options=selectors.board_filter_options())
        if form.is_valid():
            params = QueryDict(urlencode(sorted((k, v) for k, v in form.cleaned_data.items() if v not in (None, ""))))
            if not request.user.is_authenticated and not len(messages.get_messages(request)):
                # An anonymous page holds nothing per visitor (the language switch needs no CSRF
                # token), so it is cached whole: a hit costs no template rendering at all.
                return HttpResponse(
                    cached_html(
                        "ehealth-board",
                        f"page:{params.urlencode()}",
                        lambda: _board_page(request, params).content.decode(),
                        version=selectors.board_html_version(),
                        timeout=selectors.BOARD_HTML_SECONDS,
                    )
                )
            body = cached_html(
                "ehealth-board",
                f"body:{params.urlencode()}",
                lambda: _board_body(request, params),
                version=selectors.board_html_version(),
                timeout=selectors.BOARD_HTML_SECONDS,
            )
            return render(request, "ehealth/board.html", {"body": body})
    return _board_page(request, request.GET)


def _board_page(request, params):
    if request.htmx:
        return HttpResponse(_board_results_for(request, _board_form(params)))
    return render(request, "ehealth/board.html", {"body": _board_body(request, params)})


def _board_form(params):
    return BoardFilterForm(params or None, options=selectors.board_filter_options())


def _board_body(request, params):
    form = _board_form(params)
    context = {
        "form": form,
        "critical": selectors.board_critical_care(),
        "chip_groups": _board_chips(form),
        "kept_filters": [(k, v) for k, v in _board_current(form).items() if k in ("kelas", "kecamatan", "jenis") and v],
        "results": _board_results_for(request, form),
    }
    return render_to_string("ehealth/partials/board_body.html", context)


BOARD_CHIP_GROUPS = (
    ("kelas", gettext_lazy("Kelas")),
    ("jenis", gettext_lazy("Jenis RS")),
    ("kecamatan", gettext_lazy("Kecamatan")),
)


def _board_current(form):
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return {name: data.get(name) or "" for name in ("kelas", "kecamatan", "jenis", "urut", "lat", "lon")}


def _board_chips(form):
    """The filters as chips (links): each chip is the current validated filters with one value changed."""
    current = _board_current(form)
    base = reverse("ehealth:board")
    groups = []
    for name, label in BOARD_CHIP_GROUPS:
        chips = []
        for value, text in form.fields[name].choices:
            query = urlencode([(k, v) for k, v in {**current, name: value}.items() if v not in (None, "")])
            chips.append(
                {"label": text, "href": base + ("?" + query if query else ""), "active": current[name] == value}
            )
        active = next(chip["label"] for chip in chips if chip["active"])
        groups.append({"name": name, "label": label, "chips": chips, "active": active, "open": name == "kelas"})
    return groups


def _board_results_for(request, form):
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {k: data.get(k) or "" for k in ("kelas", "kecamatan", "jenis")}
    point = _board_point(form) if form.is_bound else None
    if point is not None:
        return _board_results(request, filters, point)  # distances are per visitor
    return cached_html(
        "ehealth-board",
        f"results:{urlencode(sorted(filters.items()))}",
        lambda: _board_results(request, filters, None),
        version=selectors.board_html_version(),
        timeout=selectors.BOARD_HTML_SECONDS,
    )


def _board_results(request, filters, point):
    rows = selectors.board(
        bed_class=filters["kelas"], kecamatan=filters["kecamatan"], hospital_type=filters["jenis"], point=point
    )
    context = {
        "rows": rows,
        "filtered": any(filters.values()),
        "nearest": point is not None,
        "all_stale": bool(rows) and all(r["stale"] for r in rows),
        "no_beds": bool(rows) and not any(r["shown_available"] for r in rows),
        "kelas": filters["kelas"],
        "now": timezone.now(),
        "query": request.GET.urlencode() if point else urlencode({k: v for k, v in filters.items() if v}),
    }
    return mark_safe(render_to_string("ehealth/_board_results.html", context))  # noqa: S308 - our template


@require_GET
@require_GET
def hospitals_geojson(request):
    """The hospitals layer of the built-in base map (static/js/leaflet-maps.js)."""
    response = HttpResponse(selectors.hospitals_map_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={selectors.HOSPITALS_MAP_SECONDS}"
    return response


def hospital_detail(request, slug):
    hospital = selectors.hospital_public(slug)
    if hospital is None:
        raise Http404
    trend = selectors.hospital_trend(hospital)
    now = timezone.now()
    stale = hospital.is_stale(now)
    classes = selectors.hospital_classes(hospital)
    return render(
        request,
        "ehealth/hospital_detail.html",
        {
            "hospital": hospital,
            "classes": classes,
            "by_sex": any(c.available_male is not None or c.available_female is not None for c in classes),
            "igd": selectors.igd_status(hospital),
            "trend": trend,
            "chart": svg.line_chart_geometry(trend["days"], trend["series"]),
            "services": selectors.hospital_services(hospital),
            "stale": stale,
            "freshness": selectors.freshness_words(confirmed_at=hospital.beds_confirmed_at, stale=stale, now=now),
            "reporting_score": selectors.reporting_score(hospital, now=now),
            "reporting_days": selectors.REPORTING_DAYS,
        },
    )


@rate_limit("service-request", method="POST")
@require_http_methods(["GET", "POST"])
def request_new(request):
    """Booking in two steps: pick a service (?layanan=<id>), then one of its open days and the data."""
    hospital_slug = request.GET.get("rs") or None
    pick = ServicePickForm(request.GET if "layanan" in request.GET else None, hospital_slug=hospital_slug)
    if request.method == "GET":
        if not pick.is_bound or not pick.is_valid():
            context = {"pick": pick, "form": None, "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS}
            return render(request, "ehealth/request_new.html", context)
        form = ServiceRequestForm(hospital_slug=hospital_slug, service=pick.cleaned_data["layanan"])
    else:
        form = ServiceRequestForm(request.POST, hospital_slug=hospital_slug)
    if request.method == "POST" and form.is_valid():
        created = _create_request(request, form)
        if created is not None:
            return redirect("ehealth:request_detail", code=created.code)
    return render(
        request,
        "ehealth/request_new.html",
        {"form": form, "pick": pick, "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS},
    )


def _create_request(request, form):
    data = form.cleaned_data
    try:
        created, warnings = services.service_request_create(
            service=data["service"],
            visit_date=data["visit_date"],
            name=data["name"],
            nik=data["nik"],
            phone=data["phone"],
            email=data["email"],
            bpjs_number=data["bpjs_number"].strip(),
            complaint=data["complaint"],
            consent=data["consent"],
            submit_token=data["submit_token"] or None,
            user=request.user,
            whatsapp=data["whatsapp"],
            notify_channels=[c for c in ("whatsapp", "sms") if data[f"notify_{c}"]],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return None
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(
        request,
        _("Permohonan terkirim. Simpan kode booking Anda: %(code)s") % {"code": created.code},
        extra_tags="offer-install offer-push",  # a useful action: static/js/pwa.js may offer the app and push
    )
    return created


@login_required
@require_GET
def my_requests(request):
    """ "Permohonan saya": the bookings made while signed in to this account."""
    return render(
        request,
        "ehealth/my_requests.html",
        {"requests": selectors.service_requests_for_citizen(request.user)[:100]},
    )


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@rate_limit("booking-lookup")
@require_GET
def request_detail(request, code):
    service_request = selectors.service_request_by_code(code)
    if service_request is None:
        return _not_found(request, code)
    return render(
        request,
        "ehealth/request_detail.html",
        {
            "req": service_request,
            "masked_name": mask_name(service_request.name),
            "can_cancel": _can_cancel(service_request),
            "email_pending": notification_selectors.pending_for(service_request),
            "queue": selectors.queue_status(service_request),
            "qr_svg": qr_svg(service_request.code),
        },
    )


@rate_limit("booking-lookup", method="POST")
@require_http_methods(["GET", "POST"])
def request_cancel(request, code):
    """GET asks "Batalkan permohonan ini?"; the POST of that page cancels."""
    service_request = selectors.service_request_by_code(code)
    if service_request is None:
        return _not_found(request, code)
    if request.method == "GET":
        return render(
            request,
            "ehealth/request_cancel.html",
            {"req": service_request, "can_cancel": _can_cancel(service_request)},
        )
    try:
        services.service_request_cancel(service_request=service_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Permohonan dibatalkan."))
    return redirect("ehealth:request_detail", code=service_request.code)


def _can_cancel(service_request):
    return ServiceRequest.Status.DIBATALKAN in services.TRANSITIONS.get(service_request.status, set())


# A verified one-time code opens the personal data of one request for this long in this session.
VERIFIED_SECONDS = 15 * 60


def _verified_key(service_request):
    return f"ehealth-personal-data:{service_request.code}"


def _is_verified(request, service_request):
    until = request.session.get(_verified_key(service_request))
    return bool(until) and until > timezone.now().timestamp()


@rate_limit("booking-lookup", method="POST")  # one-time codes sent and tried, per IP
@require_http_methods(["GET", "POST"])
def request_my_data(request, code):
    """What is kept about a request, after the holder proves it with a code e-mailed to them."""
    service_request = selectors.service_request_by_code(code)
    if service_request is None:
        raise Http404
    form = AccessCodeForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST" and not service_request.personal_data_erased_at:
        if request.POST.get("action") == "send":
            try:
                services.personal_data_code_send(service_request=service_request)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Kode dikirim ke email Anda. Kode berlaku 10 menit."))
            return redirect("ehealth:request_my_data", code=service_request.code)
        if form.is_valid():
            try:
                services.personal_data_code_verify(service_request=service_request, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc.messages)
            else:
                request.session[_verified_key(service_request)] = timezone.now().timestamp() + VERIFIED_SECONDS
                return redirect("ehealth:request_my_data", code=service_request.code)
    verified = _is_verified(request, service_request) and not service_request.personal_data_erased_at
    return render(
        request,
        "ehealth/request_my_data.html",
        {
            "req": service_request,
            "verified": verified,
            "form": form,
            "erase_form": EraseConfirmForm(),
            "masked_email": mask_email(service_request.email),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "erase_on": service_request.visit_date + datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS),
        },
    )


@rate_limit("booking-lookup", method="POST")
@require_POST
def request_erase(request, code):
    """Delete the personal data of a request (the holder has verified a one-time code in this session)."""
    service_request = selectors.service_request_by_code(code)
    if service_request is None:
        raise Http404
    if not _is_verified(request, service_request):
        messages.error(request, _("Buktikan dulu bahwa Anda pemegang permohonan ini dengan kode dari email."))
        return redirect("ehealth:request_my_data", code=service_request.code)
    form = EraseConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect("ehealth:request_my_data", code=service_request.code)
    try:
        services.service_request_erase_by_citizen(service_request=service_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ehealth:request_my_data", code=service_request.code)
    request.session.pop(_verified_key(service_request), None)
    messages.success(
        request, _("Data pribadi permohonan ini sudah dihapus. Data statistik tanpa identitas tetap disimpan.")
    )
    return redirect("ehealth:request_detail", code=service_request.code)


@rate_limit("booking-lookup")
@require_GET
def request_lookup(request):
    """The tracking box: a found code opens its page; an empty, malformed or unknown code shows the
    box again with what to do (never an error page)."""
    form = BookingLookupForm(request.GET if "kode" in request.GET else None)
    if form.is_bound and form.is_valid():
        found = selectors.service_request_by_code(form.cleaned_data["kode"])
        if found is not None:
            return redirect("ehealth:request_detail", code=found.code)
        form.add_error("kode", NOT_FOUND)
    return render(request, "ehealth/request_track.html", {"form": form})


NOT_FOUND = gettext_lazy("Kode tidak ditemukan. Periksa kembali kode booking Anda (10 huruf dan angka) lalu coba lagi.")


def _not_found(request, code):
    """A mistyped code in a link: the tracking box with the message, answered as 404 for robots."""
    form = BookingLookupForm({"kode": str(code)[:20]})
    form.is_valid()
    if "kode" not in form.errors:
        form.add_error("kode", NOT_FOUND)
    return render(request, "ehealth/request_track.html", {"form": form}, status=404)


@require_GET
def demo_feed(request, slug):
    """A simulated hospital system for `make run` (DEBUG or settings.DEMO_FEEDS only)."""
    if not (settings.DEBUG or settings.DEMO_FEEDS):
        raise Http404
    from . import demo

    hospital = get_object_or_404(Hospital, slug=slug)
    body, content_type = demo.feed_body(hospital, now=timezone.now())
    return HttpResponse(body, content_type=content_type)
