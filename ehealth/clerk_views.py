"""The hospital clerk's pages (Petugas RS), made for a phone: the start page and one hospital's work page.

A clerk of one hospital lands on its work page after login (`EhealthConfig.start_url`):
beds and IGD in one form, "angka masih benar", today's requests, the queue. Thin views;
writes in services, reads in selectors. Another hospital's page answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .forms import ClerkBedFormSet, IgdForm, bed_formset_initial, igd_initial


def _hospital(request, slug):
    hospital = selectors.clerk_hospitals(request.user).filter(slug=slug).first()
    if hospital is None:
        raise Http404(_("Data tidak ditemukan."))
    return hospital


@login_required
@require_GET
def clerk_start(request):
    """The clerk's start page: their hospitals, one tap each (straight to it when there is one)."""
    hospitals = list(selectors.clerk_hospitals(request.user))
    if not hospitals:
        raise Http404(_("Halaman ini untuk petugas rumah sakit."))
    if len(hospitals) == 1:
        return redirect("ehealth:clerk_hospital", slug=hospitals[0].slug)
    return render(request, "ehealth/clerk_start.html", {"hospitals": hospitals})


def _queue_url(hospital):
    """Today's queue: the services' "Panggil berikutnya" screens and the desk check-in."""
    return reverse("ehealth:staff_queue_index")


@login_required
@require_http_methods(["GET", "POST"])
def clerk_hospital(request, slug):
    """One hospital's work page: beds and IGD in one form; "angka masih benar"; today's links."""
    hospital = _hospital(request, slug)
    if request.method == "POST" and "confirm" in request.POST:
        services.hospital_beds_confirm(hospital=hospital, user=request.user)
        messages.success(request, _("Terima kasih: angka dikonfirmasi masih benar."))
        return redirect("ehealth:clerk_hospital", slug=hospital.slug)
    data = request.POST if request.method == "POST" else None
    formset = ClerkBedFormSet(data, initial=bed_formset_initial(hospital), prefix="beds")
    igd_form = IgdForm(data, initial=igd_initial(hospital))
    if data is not None and formset.is_valid() and igd_form.is_valid():
        counts = [
            (f["code"], f.get("room_name", ""), f["capacity"], f["available"])
            for f in formset.cleaned_data
            if f and f.get("code")
        ]
        try:
            changed = services.hospital_beds_update_by_staff(
                hospital=hospital, user=request.user, counts=counts, igd=igd_form.igd()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Tersimpan: %(n)s kelas berubah, IGD diperbarui.") % {"n": changed})
            return redirect("ehealth:clerk_hospital", slug=hospital.slug)
    now = timezone.now()
    stale = hospital.is_stale(now)
    return render(
        request,
        "ehealth/clerk_hospital.html",
        {
            "hospital": hospital,
            "formset": formset,
            "igd_form": igd_form,
            "stale": stale,
            "freshness": selectors.freshness_words(confirmed_at=hospital.beds_confirmed_at, stale=stale, now=now),
            "problem": selectors.feed_problem(hospital, now=now),
            "requests_today": selectors.requests_today(hospital, now=now),
            "queue_url": _queue_url(hospital),
            "reporting_score": selectors.reporting_score(hospital, now=now),
            "reporting_days": selectors.REPORTING_DAYS,
            "missed": selectors.reporting_gaps(hospital, now=now),
        },
    )
