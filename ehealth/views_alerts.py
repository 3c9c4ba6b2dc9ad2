""" "Kabari saya" (notify me): a citizen asks to be told when a bed of a class becomes free in an
area; the page to make one, and the renew/cancel page its messages link to. Thin views: the rule
of when it fires is `services.bed_alerts_notify`, who matches is `selectors.bed_alerts_matching`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blitar_portal.lib.ratelimit import rate_limit

from . import selectors, services
from .forms import BedAlertForm, BedAlertPrefillForm


def _initial(request):
    """What the page starts with: ?kelas= and ?rs= (the hospital's kecamatan), validated."""
    prefill = BedAlertPrefillForm(request.GET)
    initial = {"wilayah": BedAlertForm.AREA_RADIUS, "titik": BedAlertForm.POINT_LOCATION, "radius_km": 10}
    hospital = None
    if prefill.is_valid():
        initial["kelas"] = prefill.cleaned_data.get("kelas") or ""
        slug = prefill.cleaned_data.get("rs")
        hospital = selectors.hospital_public(slug) if slug else None
        if hospital is not None:
            initial.update(wilayah=BedAlertForm.AREA_KECAMATAN, kecamatan=[hospital.kecamatan_id])
    return initial, hospital


@rate_limit("bed-alert", method="POST")
@require_http_methods(["GET", "POST"])
def bed_alert_new(request):
    initial, hospital = _initial(request)
    form = BedAlertForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        center, radius, kecamatans, label = form.area()
        try:
            alert = services.bed_alert_create(
                bed_class=form.cleaned_data["kelas"],
                user=request.user,
                phone=form.cleaned_data["phone"],
                consents=form.consents(),
                center=center,
                radius_km=radius,
                kecamatans=kecamatans,
                area_label=label,
                language=get_language(),
            )
        except ValidationError as exc:
            for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Siap. Kami kabari bila ada tempat tidur %(kelas)s kosong (%(area)s) dalam %(hours)s jam ke depan.")
                % {"kelas": alert.class_label, "area": alert.area_label, "hours": settings.BED_ALERT_HOURS},
                extra_tags="offer-push",  # a useful action: static/js/pwa.js may offer browser notifications
            )
            return redirect("ehealth:bed_alert_manage", token=alert.token)
    return render(
        request,
        "ehealth/bed_alert_new.html",
        {
            "form": form,
            "hospital": hospital,
            "alerts": selectors.bed_alerts_for_user(request.user),
            "hours": settings.BED_ALERT_HOURS,
        },
    )


def _alert_or_404(token):
    alert = selectors.bed_alert_by_token(token)
    if alert is None:
        raise Http404(_("Kabar tidak ditemukan."))
    return alert


@rate_limit("bed-alert", method="POST")
@require_http_methods(["GET", "POST"])
def bed_alert_manage(request, token, action=""):
    """The alert with "Perpanjang" and "Batalkan". The links in a message open this page (GET never
    changes anything: link scanners open links); its buttons POST."""
    alert = _alert_or_404(token)
    if request.method == "POST":
        action = request.POST.get("aksi", "")
        try:
            if action == "perpanjang":
                services.bed_alert_renew(alert=alert)
                messages.success(request, _("Diperpanjang sampai %(until)s.") % {"until": _local(alert.expires_at)})
            elif action == "batal":
                services.bed_alert_cancel(alert=alert)
                messages.success(request, _("Dibatalkan. Kami tidak akan mengirim kabar ini lagi."))
            else:
                messages.error(request, _("Pilih Perpanjang atau Batalkan."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("ehealth:bed_alert_manage", token=alert.token)
    return render(
        request,
        "ehealth/bed_alert_manage.html",
        {
            "alert": alert,
            "active": alert.is_active(),
            "action": action,
            "hours": settings.BED_ALERT_HOURS,
            "kecamatans": list(alert.kecamatans.all()) if alert.center is None else [],
        },
    )


def _local(moment):
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "d-m-Y H:i")


def bed_alert_renew(request, token):
    return bed_alert_manage(request, token, action="perpanjang")


def bed_alert_cancel(request, token):
    return bed_alert_manage(request, token, action="batal")
