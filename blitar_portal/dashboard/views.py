"""Dashboard views: thin — check access, read the filters, build the section from stored summaries."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blitar_portal.accounts.roles import is_diskominfo

from . import selectors, services
from .figures import figure_csv, section_xlsx
from .forms import FilterForm, IkmTargetForm
from .pages import SECTIONS, build_section


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


def _page(request, slug):
    if slug not in SECTIONS:
        raise Http404
    kecamatan_list = selectors.kecamatan_choices()
    form = FilterForm(request.GET or None, kecamatan_list=kecamatan_list)
    filters = form.filters()
    return form, filters, build_section(slug, filters, kecamatan_list=kecamatan_list)


@diskominfo_required
def section(request, slug="ringkasan"):
    form, filters, page = _page(request, slug)
    context = {
        "form": form,
        "filters": filters,
        "section": page,
        "tabs": [(key, label) for key, (_m, label) in SECTIONS.items()],
        "freshness": selectors.freshness(),
    }
    if slug == "ikm":
        target = selectors.ikm_target()
        context["target_form"] = IkmTargetForm(initial={"target": target.target, "target_date": target.target_date})
    return render(request, "dashboard/section.html", context)


@diskominfo_required
def figure_download(request, slug, key):
    _form, _filters, page = _page(request, slug)
    figure = page.figure(key)
    if figure is None:
        raise Http404
    response = HttpResponse(figure_csv(figure), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dasbor-{slug}-{key}.csv"'
    return response


@diskominfo_required
def section_download(request, slug):
    form, filters, page = _page(request, slug)
    text = f"{filters.start.isoformat()} – {filters.end.isoformat()}"
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
        services.ikm_target_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Target IKM disimpan."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("dashboard:section", slug="ikm")
