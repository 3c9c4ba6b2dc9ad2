"""Thin views of Gerakan Bangga Menanam: check access, validate, call a service/selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from blitar_portal.core.api import NON_FIELD, error_body
from blitar_portal.lib.db import use_replica
from blitar_portal.lib.media import rendition_response
from blitar_portal.lib.params import page_of
from blitar_portal.lib.ratelimit import UNSAFE, rate_limit
from blitar_portal.lib.uploads import holder_of
from blitar_portal.regions.selectors import kecamatan_outlines_geojson, regency_outline_geojson

from . import cover, dashboard, exports, selectors, services, services_community
from .forms import CoverPageForm, MapFilterForm, MembershipForm, ObservationForm, OpenDataExportForm, PlantingForm


def _validation_messages(exc):
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def map_page(request):
    filters_error = None
    form = MapFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    if not form.is_valid():
        filters_error = form.first_error()
    context = {
        "choices": selectors.map_filter_choices(),
        "filters": filters,
        "filters_error": filters_error,
        "summary": dashboard.home_summary(),
        "export_query": form.querystring() if form.is_valid() else "",
    }
    return render(request, "tanam/map.html", context)


def outlines(request):
    """Regency and kecamatan outlines for the maps (cached GeoJSON)."""
    body = '{"regency": ' + regency_outline_geojson() + ', "kecamatan": ' + kecamatan_outlines_geojson() + "}"
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@rate_limit("tanam-register", key="user", method=UNSAFE)
@require_http_methods(["GET", "POST"])
def register(request):
    form = PlantingForm(request.POST or None, request.FILES or None, holder=holder_of(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.planting_register(user=request.user, **data)
        except ValidationError as exc:
            form.add_service_error(exc)  # at its field (the location next to the map); the photo is held
        else:
            form.held_release()
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(
                request,
                _("Terima kasih! Penanaman tercatat dan menunggu verifikasi Diskominfo."),
                extra_tags="offer-install offer-push",  # a useful action: static/js/pwa.js may offer the app and push
            )
            return redirect("tanam:mine")
    return render(request, "tanam/register.html", {"form": form, "warn_accuracy_m": services.GPS_ACCURACY_WARN_M})


@require_POST
@rate_limit("tanam-register", key="user_or_ip", method=UNSAFE)
def register_send(request):
    """A planting registered without signal, sent by the device's outbox (static/js/outbox.js): JSON.

    The same form and service as the page, so the same checks and messages; the idempotency key
    is required here and a repeated key answers 200 with the planting already created.
    """
    if not request.user.is_authenticated:
        detail = _("Masuk terlebih dahulu untuk mengirim penanaman yang tersimpan di perangkat.")
        return JsonResponse(error_body(detail=detail, code="not_authenticated"), status=401)
    form = PlantingForm(request.POST, request.FILES, holder=holder_of(request))
    if form.is_valid() and form.cleaned_data["client_key"] is None:
        form.add_error("client_key", _("Kunci pengiriman wajib diisi."))
    if not form.is_valid():
        return _send_refused(form, _("Periksa kembali isian penanaman."), "invalid")
    try:
        result = services.planting_register(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        form.add_service_error(exc)  # the same fields as the page
        found = _validation_messages(exc)
        return _send_refused(form, found[0], getattr(exc, "code", None) or "invalid")
    form.held_release()
    planting = result.planting
    body = {
        "id": planting.pk,
        "url": reverse("tanam:detail", args=[planting.pk]),
        "status": planting.status,
        "status_label": planting.get_status_display(),
        "warnings": [str(warning) for warning in result.warnings],
        "replayed": result.replayed,
    }
    return JsonResponse(body, status=200 if result.replayed else 201)


def _send_refused(form, detail, code):
    errors = {NON_FIELD if name == "__all__" else name: list(msgs) for name, msgs in form.errors.items()}
    return JsonResponse(error_body(detail=detail, code=code, errors=errors), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def planting_edit(request, pk):
    planting = selectors.planting_for_user_or_404(request.user, pk)
    initial = selectors.planting_input(planting)
    form = PlantingForm(request.POST or None, request.FILES or None, initial=initial, holder=holder_of(request))
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "client_key"}
        try:
            result = services.planting_edit_by_owner(planting=planting, user=request.user, **data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            form.held_release()
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Perubahan tersimpan. Penanaman tetap menunggu verifikasi."))
            return redirect("tanam:detail", pk=planting.pk)
    context = {"form": form, "planting": planting, "warn_accuracy_m": services.GPS_ACCURACY_WARN_M}
    return render(request, "tanam/register.html", context)


@login_required
def mine(request):
    page = page_of(
        selectors.plantings_for_user(request.user).order_by("-created_at"), request, per_page=20, param="page"
    )
    return render(request, "tanam/mine.html", {"page": page, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def planting_detail(request, pk):
    planting = selectors.planting_for_observer_or_404(request.user, pk)
    form = ObservationForm(request.POST or None, request.FILES or None, holder=holder_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_add(planting=planting, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            form.held_release()
            messages.success(request, _("Hasil pemantauan tersimpan."))
            return redirect("tanam:detail", pk=planting.pk)
    context = {
        "planting": planting,
        "survival": selectors.planting_survival(planting),
        "observations": selectors.observations_for(planting),
        "photo": selectors.photo_url(planting, "large"),
        "is_public": selectors.planting_is_public(planting),
        "form": form,
    }
    return render(request, "tanam/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def planting_check(request, pk):
    """The re-check form on its own (the reminder's link; sign-in first, which comes back here)."""
    planting = selectors.planting_for_observer_or_404(request.user, pk)
    form = ObservationForm(request.POST or None, request.FILES or None, initial={"observed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_add(planting=planting, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _validation_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Hasil pemantauan tersimpan. Terima kasih sudah memeriksa pohon Anda."))
            return redirect("tanam:detail", pk=planting.pk)
    context = {"planting": planting, "survival": selectors.planting_survival(planting), "form": form}
    return render(request, "tanam/check.html", context)


@require_http_methods(["GET", "HEAD"])
def planting_public(request, pk):
    """The public page of a verified planting (shareable; Open Graph tags); anything else is 404."""
    planting = selectors.planting_public_or_404(pk)
    og_photo = selectors.photo_url(planting, "large")
    context = {
        "planting": planting,
        "survival": selectors.planting_survival(planting),
        "observations": selectors.observations_for(planting),
        "timeline": selectors.planting_photo_timeline(planting),
        "og_image": request.build_absolute_uri(og_photo or static("img/pwa/icon-512.png")),
        "og_url": request.build_absolute_uri(reverse("tanam:public", args=[planting.pk])),
    }
    return render(request, "tanam/public.html", context)


@require_http_methods(["GET", "HEAD"])
def observation_photo(request, pk, observation_id):
    """A monitoring visit's photo (sanitized at upload: no metadata) of a public planting; 404 otherwise."""
    photo = selectors.observation_photo_public_or_404(pk, observation_id)
    response = FileResponse(photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_http_methods(["GET", "HEAD"])
def planting_photo(request, pk, size, ext):
    """A private rendition for whoever may see the planting (owner, staff, anyone once verified); 404 otherwise."""
    response = rendition_response(selectors.planting_photo_or_404(request.user, pk), size, ext)
    if response is None:
        raise Http404(_("Foto tidak ditemukan."))
    return response


def cover_page(request):
    years = selectors.cover_years_available()
    form = CoverPageForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}  # a bad year or level: the defaults
    year = data.get("tahun") or (years[-1] if years else timezone.localdate().year)
    level = data.get("tingkat") or "kecamatan"
    page = page_of(selectors.cover_table(level=level, year=year), request, per_page=50, param="page")
    regency = selectors.cover_regency(year)
    context = {
        "years": years,
        "year": year,
        "level": level,
        "page": page,
        "query_string": form.querystring() if data else "",
        "regency": regency,
        "co2_tonnes": round(regency.co2_kg_per_year / 1000) if regency else None,
        "method": cover,
        "api_url": reverse("api:tanam-cover") + f"?level={level}",
    }
    return render(request, "tanam/cover.html", context)


def communities(request):
    page = page_of(selectors.communities_ranked(), request, per_page=20, param="page")
    return render(request, "tanam/communities.html", {"page": page})


def community(request, slug):
    context = selectors.community_detail(slug)
    membership = selectors.membership_of(request.user, context["community"])
    context["membership"] = membership
    context["membership_form"] = MembershipForm(initial={"listed": membership.listed if membership else False})
    return render(request, "tanam/community.html", context)


@require_POST
@rate_limit("tanam-community", key="user_or_ip", method=UNSAFE)
def community_join(request, slug):
    """Join the community, or change whether one's name is listed (signed in; else sign in first)."""
    community = selectors.community_by_slug_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("tanam:community", args=[community.slug]))
    form = MembershipForm(request.POST)
    if not form.is_valid():  # a checkbox: only a tampered request gets here
        messages.error(request, _("Pilihan tidak sah."))
        return redirect("tanam:community", slug=community.slug)
    was_member = selectors.membership_of(request.user, community) is not None
    services_community.membership_join(community=community, user=request.user, listed=form.cleaned_data["listed"])
    if was_member:
        messages.success(request, _("Pilihan tampilan nama Anda tersimpan."))
    else:
        messages.success(request, _("Anda bergabung dengan %(name)s.") % {"name": community.name})
    return redirect("tanam:community", slug=community.slug)


@require_POST
@rate_limit("tanam-community", key="user_or_ip", method=UNSAFE)
def community_leave(request, slug):
    community = selectors.community_by_slug_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("tanam:community", args=[community.slug]))
    if services_community.membership_leave(community=community, user=request.user):
        messages.success(request, _("Anda keluar dari %(name)s.") % {"name": community.name})
    return redirect("tanam:community", slug=community.slug)


def campaigns(request):
    page = page_of(selectors.campaigns_with_progress(), request, per_page=20, param="page")
    return render(request, "tanam/campaigns.html", {"page": page})


def campaign(request, slug):
    return render(request, "tanam/campaign.html", selectors.campaign_detail(slug))


def leaderboard(request):
    return render(request, "tanam/leaderboard.html", {"rows": selectors.leaderboard_kecamatan()})


# --- Open data: complete files prebuilt by Celery (services.open_data_build) -------------------

OPEN_DATA_RETRY_SECONDS = 120


@use_replica()  # the open-data files: public, a few seconds late is fine
def export_csv(request):
    return _open_data_download(request, "csv")


@use_replica()
def export_geojson(request):
    return _open_data_download(request, "geojson")


@require_http_methods(["GET", "HEAD"])
def _open_data_download(request, kind):
    """The current complete file with Content-Length, ETag and Last-Modified (304 when unchanged).

    Before the first build there is nothing complete to give: 503 with Retry-After (and a
    build is requested), never a partial file with 200.
    """
    form = OpenDataExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.non_field_errors()), content_type="text/plain; charset=utf-8")
    current = selectors.open_data_file(kind)
    if current is None or not default_storage.exists(current.name):
        services.open_data_changed()
        return _open_data_unavailable()
    etag, last_modified = f'"{current.sha256[:32]}"', int(current.built_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = _open_data_file_response(current, kind)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _open_data_file_response(current, kind):
    prefix = settings.OPEN_DATA_ACCEL_REDIRECT_PREFIX
    if prefix:  # nginx sends the file (with its own Content-Length); see docs/open-data.md
        response = HttpResponse(content_type=exports.CONTENT_TYPES[kind])
        response["X-Accel-Redirect"] = prefix + current.name
    else:
        response = FileResponse(default_storage.open(current.name, "rb"), content_type=exports.CONTENT_TYPES[kind])
        response["Content-Length"] = str(current.size)
    response["Content-Disposition"] = f'attachment; filename="{exports.FILENAMES[kind]}"'
    return response


def _open_data_unavailable():
    message = _("Berkas data terbuka sedang disiapkan dan belum tersedia. Silakan coba lagi dalam beberapa menit.")
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(OPEN_DATA_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
