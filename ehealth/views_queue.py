"""The visit day: check-in (desk and self), the clerk's "Panggil berikutnya" screen and the public
"now serving" display. Thin views: access through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from blitar_portal.lib.ratelimit import rate_limit

from . import selectors, services
from .forms import BookingLookupForm, DeskForm, QueueActionForm
from .models import ServiceRequest
from .views import NOT_FOUND

DESK_SESSION_KEY = "ehealth-desk"


def _staff_hospitals(request):
    hospitals = selectors.hospitals_for_user(request.user)
    if not hospitals.exists():
        raise Http404
    return hospitals


def _check_in(request, form, hospitals):
    """Check in the code of a bound form within `hospitals`; a message either way."""
    if not form.is_valid():
        return None
    found = selectors.service_request_by_code(form.cleaned_data["kode"])
    if found is None or not hospitals.filter(pk=found.hospital_id).exists():
        form.add_error("kode", NOT_FOUND)
        return None
    try:
        done = services.service_request_check_in(service_request=found, hospitals=hospitals)
    except ValidationError as exc:
        form.add_error("kode", exc.messages)
        return None
    messages.success(
        request,
        _("Check-in %(code)s: %(service)s, nomor antrean %(number)s (%(time)s).")
        % {
            "code": done.code_display,
            "service": done.service.name,
            "number": done.queue_number,
            "time": timezone.localtime(done.checked_in_at).strftime("%H:%M"),
        },
    )
    return done


@login_required
@require_http_methods(["GET", "POST"])
def staff_check_in(request):
    """The desk: a USB scanner types the QR's code and Enter, or the clerk types it."""
    hospitals = _staff_hospitals(request)
    form = BookingLookupForm(request.POST or None)
    if request.method == "POST" and _check_in(request, form, hospitals):
        return redirect("ehealth:staff_check_in")
    return render(request, "ehealth/staff_check_in.html", {"form": form, "services": _staff_services(request)})


def _staff_services(request):
    return selectors.services_for_staff(request.user)


@login_required
@require_GET
def staff_queue_index(request):
    _staff_hospitals(request)
    return render(request, "ehealth/staff_queue_index.html", {"services": _staff_services(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_queue(request, service_id):
    """ "Panggil berikutnya": call next, recall, skip, no-show, start and finish, per service."""
    service = _staff_services(request).filter(pk=service_id).first()
    if service is None:
        raise Http404
    desk_form = DeskForm(request.POST or None, initial={"loket": request.session.get(DESK_SESSION_KEY, "")})
    if request.method == "POST":
        form = QueueActionForm(request.POST)
        if form.is_valid() and desk_form.is_valid():
            request.session[DESK_SESSION_KEY] = desk_form.cleaned_data["loket"]
            _queue_action(request, service, form.cleaned_data, desk=desk_form.cleaned_data["loket"])
        else:
            messages.error(request, _("Aksi tidak dikenal. Muat ulang halaman."))
        return redirect("ehealth:staff_queue", service_id=service.pk)
    today = timezone.localdate()
    return render(
        request,
        "ehealth/staff_queue.html",
        {
            "service": service,
            "desk_form": desk_form,
            "current": selectors.queue_current(service, day=today),
            "waiting": selectors.queue_waiting(service, day=today)[:50],
            "board": selectors.queue_board(service.hospital),
        },
    )


QUEUE_ACTIONS = {
    "recall": services.queue_recall,
    "skip": services.queue_skip,
    "no_show": services.queue_no_show,
    "start": services.queue_start,
    "finish": services.queue_finish,
}


def _queue_action(request, service, data, *, desk):
    if data["action"] == "call_next":
        called = services.queue_call_next(service=service, desk=desk)
        if called is None:
            messages.info(request, _("Tidak ada pasien yang sudah check-in dan menunggu."))
        else:
            messages.success(request, _("Memanggil nomor %(number)s.") % {"number": called.queue_number})
        return
    target = ServiceRequest.objects.filter(service=service, code=data["kode"]).first()
    if target is None:
        messages.error(request, NOT_FOUND)
        return
    try:
        QUEUE_ACTIONS[data["action"]](service_request=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


@require_GET
def queue_display(request, slug):
    """The TV in the waiting room: numbers being called, updated by queue-display.js."""
    hospital = selectors.hospital_public(slug)
    if hospital is None:
        raise Http404
    return render(
        request, "ehealth/queue_display.html", {"hospital": hospital, "board": selectors.queue_board(hospital)}
    )


@never_cache
@require_GET
def queue_display_data(request, slug):
    hospital = selectors.hospital_public(slug)
    if hospital is None:
        raise Http404
    return JsonResponse(selectors.queue_board(hospital))


@rate_limit("booking-lookup", method="POST")
@require_http_methods(["GET", "POST"])
def self_check_in(request, slug):
    """A tablet at the entrance: the patient scans the ticket's QR or types the code."""
    hospital = selectors.hospital_public(slug)
    if hospital is None:
        raise Http404
    form = BookingLookupForm(request.POST or None)
    hospitals = selectors.hospital_public_queryset(slug)
    if request.method == "POST" and _check_in(request, form, hospitals):
        return redirect("ehealth:self_check_in", slug=slug)
    return render(request, "ehealth/self_check_in.html", {"hospital": hospital, "form": form})
