"""Thin views of Gerakan Bangga Menanam: check access, validate, call a service/selector, render."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from blitar_portal.regions.selectors import kecamatan_outlines_geojson, regency_outline_geojson

from . import cover, selectors, services
from .forms import CoverPageForm, MapFilterForm, ObservationForm, PlantingForm


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
        "summary": selectors.home_summary(),
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
@ratelimit(key="user", rate="30/h", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def register(request):
    form = PlantingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.planting_register(user=request.user, **data)
        except ValidationError as exc:
            for message in _validation_messages(exc):
                form.add_error(None, message)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Terima kasih! Penanaman tercatat dan menunggu verifikasi Diskominfo."))
            return redirect("tanam:mine")
    return render(request, "tanam/register.html", {"form": form, "warn_accuracy_m": services.GPS_ACCURACY_WARN_M})


@login_required
@require_http_methods(["GET", "POST"])
def planting_edit(request, pk):
    planting = selectors.planting_for_user_or_404(request.user, pk)
    form = PlantingForm(request.POST or None, request.FILES or None, initial=selectors.planting_input(planting))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.planting_edit_by_owner(planting=planting, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _validation_messages(exc):
                form.add_error(None, message)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Perubahan tersimpan. Penanaman tetap menunggu verifikasi."))
            return redirect("tanam:detail", pk=planting.pk)
    context = {"form": form, "planting": planting, "warn_accuracy_m": services.GPS_ACCURACY_WARN_M}
    return render(request, "tanam/register.html", context)


@login_required
def mine(request):
    page = Paginator(selectors.plantings_for_user(request.user).order_by("-created_at"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "tanam/mine.html", {"page": page, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def planting_detail(request, pk):
    planting = selectors.planting_for_observer_or_404(request.user, pk)
    form = ObservationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_add(planting=planting, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _validation_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Hasil pemantauan tersimpan."))
            return redirect("tanam:detail", pk=planting.pk)
    context = {
        "planting": planting,
        "survival": selectors.planting_survival(planting),
        "observations": selectors.observations_for(planting),
        "photo": selectors.photo_url(planting, "large"),
        "form": form,
    }
    return render(request, "tanam/detail.html", context)


def cover_page(request):
    years = selectors.cover_years_available()
    form = CoverPageForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}  # a bad year or level: the defaults
    year = data.get("tahun") or (years[-1] if years else timezone.localdate().year)
    level = data.get("tingkat") or "kecamatan"
    page = Paginator(selectors.cover_table(level=level, year=year), 50).get_page(request.GET.get("page"))
    regency = selectors.cover_regency(year)
    context = {
        "years": years,
        "year": year,
        "level": level,
        "page": page,
        "regency": regency,
        "co2_tonnes": round(regency.co2_kg_per_year / 1000) if regency else None,
        "method": cover,
        "api_url": reverse("api:tanam-cover") + f"?level={level}",
    }
    return render(request, "tanam/cover.html", context)


def communities(request):
    page = Paginator(selectors.communities_ranked(), 20).get_page(request.GET.get("page"))
    return render(request, "tanam/communities.html", {"page": page})


def community(request, slug):
    return render(request, "tanam/community.html", selectors.community_detail(slug))


def campaigns(request):
    page = Paginator(selectors.campaigns_with_progress(), 20).get_page(request.GET.get("page"))
    return render(request, "tanam/campaigns.html", {"page": page})


def campaign(request, slug):
    return render(request, "tanam/campaign.html", selectors.campaign_detail(slug))


def leaderboard(request):
    return render(request, "tanam/leaderboard.html", {"rows": selectors.leaderboard_kecamatan()})


# --- Open data exports: streamed from a server-side cursor --------------------------------------


class _Echo:
    def write(self, value):
        return value


def _export_filters(request):
    try:
        return selectors.map_filters_parse(request.GET)
    except ValidationError as exc:
        return HttpResponseBadRequest(exc.messages[0])


def export_csv(request):
    filters = _export_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in _with_header(selectors.plantings_export_rows(filters)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="penanaman-terverifikasi.csv"'
    return response


def _with_header(rows):
    yield selectors.EXPORT_COLUMNS
    yield from rows


def export_geojson(request):
    filters = _export_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    response = StreamingHttpResponse(_geojson_chunks(filters), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="penanaman-terverifikasi.geojson"'
    return response


def _geojson_chunks(filters):
    keys = selectors.EXPORT_COLUMNS
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in selectors.plantings_export_rows(filters):
        properties = dict(zip(keys, row, strict=True))
        lat, lon = properties.pop("lintang"), properties.pop("bujur")
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        }
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"
