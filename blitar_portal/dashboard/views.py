"""Dashboard views: thin — check access, read the filters, build the section from stored summaries."""

import functools
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blitar_portal.accounts.roles import is_diskominfo
from blitar_portal.lib import l10n
from blitar_portal.lib.cache import cached_html
from blitar_portal.lib.db import use_replica
from ikm import selectors as ikm_selectors
from ikm import services as ikm_services

from . import selectors, services, svg
from .figures import figure_csv, section_xlsx
from .forms import FilterForm, IkmTargetForm
from .models import REFRESH_SECONDS
from .pages import SECTIONS, build_section
from .review import queue_counts

BODY_CACHE_SECONDS = 2 * REFRESH_SECONDS


def diskominfo_required(view):
    """Anonymous -> login page; signed in without the Diskominfo role (or superuser) -> 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_diskominfo(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, slug, *, freshness=None):
    if slug not in SECTIONS:
        raise Http404
    kecamatan_list = selectors.kecamatan_choices()
    form = FilterForm(request.GET or None, kecamatan_list=kecamatan_list)
    filters = form.filters()
    builder = functools.partial(build_section, slug, filters, kecamatan_list=kecamatan_list, freshness=freshness)
    return form, filters, builder


def _body_version(freshness, target):
    """Rendered figures are reused until the next refresh (new run id) or a new IKM target
    (per tab, language and filters: the variant)."""
    return (freshness["run_id"], target.target, target.target_date.isoformat())


@use_replica()  # aggregates anyone on the team may see a few seconds late
@diskominfo_required
def section(request, slug="ringkasan"):
    freshness = selectors.freshness()
    form, filters, builder = _page(request, slug, freshness=freshness)
    target = ikm_selectors.ikm_target()
    context = {
        "form": form,
        "filters": filters,
        "section_slug": slug,
        "section_title": SECTIONS[slug][1],
        "tabs": [(name, label) for name, (_m, label) in SECTIONS.items()],
        "freshness": freshness,
        "review_counts": queue_counts(),  # links to the review queues, outside the cached body
    }
    context["body"] = cached_html(
        "dashboard",
        f"{slug}:{filters.querystring()}",
        lambda: render_to_string(
            "dashboard/partials/section_body.html", {**context, "section": builder()}, request=request
        ),
        version=_body_version(freshness, target),
        timeout=BODY_CACHE_SECONDS,
    )
    if slug == "ikm":
        context["target_form"] = IkmTargetForm(initial={"target": target.target, "target_date": target.target_date})
    return render(request, "dashboard/section.html", context)


def _figure(builder, key):
    figure = builder().figure(key)
    if figure is None:
        raise Http404
    return figure


def _attachment(response, slug, key, extension):
    response["Content-Disposition"] = f'attachment; filename="dasbor-{slug}-{key}.{extension}"'
    return response


@use_replica()
@diskominfo_required
def figure_download(request, slug, key):
    _form, _filters, builder = _page(request, slug)
    figure = _figure(builder, key)
    return _attachment(HttpResponse(figure_csv(figure), content_type="text/csv; charset=utf-8"), slug, key, "csv")


@use_replica()
@diskominfo_required
def figure_svg(request, slug, key):
    """The chart as an .svg file (the same markup as on the page, with its size and a white background)."""
    _form, _filters, builder = _page(request, slug)
    figure = _figure(builder, key)
    if not figure.svg:
        raise Http404  # a table-only or empty figure has no picture (its CSV has the numbers)
    response = HttpResponse(svg.standalone(figure.svg), content_type="image/svg+xml; charset=utf-8")
    return _attachment(response, slug, key, "svg")


@use_replica()
@diskominfo_required
def figure_png(request, slug, key):
    """The chart as PNG, drawn on the server from the same SVG (CairoSVG)."""
    _form, _filters, builder = _page(request, slug)
    figure = _figure(builder, key)
    if not figure.svg:
        raise Http404
    return _attachment(HttpResponse(svg.to_png(figure.svg), content_type="image/png"), slug, key, "png")


@use_replica()
@diskominfo_required
def section_download(request, slug):
    _form, filters, builder = _page(request, slug)
    page = builder()
    text = f"{l10n.date(filters.start)} – {l10n.date(filters.end)}"
    if filters.kecamatan:
        text += f" · {filters.kecamatan.name}"
    body = section_xlsx(page.title, page.figures, computed_at=timezone.localtime(), filters_text=text)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="dasbor-{slug}-{filters.end.isoformat()}.xlsx"'
    return response


def _back(request):
    target = request.POST.get("next", "")
    return target if target.startswith("/dasbor/") else "dashboard:ringkasan"


@require_POST
@diskominfo_required
def refresh(request):
    if services.refresh_enqueue(user=request.user):
        messages.success(request, _("Penyegaran angka dasbor dijadwalkan; muat ulang halaman dalam satu menit."))
    else:
        messages.info(request, _("Penyegaran sudah dijadwalkan; tunggu hingga selesai."))
    return redirect(_back(request))


@require_POST
@diskominfo_required
def ikm_target(request):
    form = IkmTargetForm(request.POST)
    if form.is_valid():
        ikm_services.ikm_target_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Target IKM disimpan."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("dashboard:section", slug="ikm")
