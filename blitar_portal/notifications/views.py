import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blitar_portal.lib.ratelimit import rate_limit

from . import selectors, services
from .channels import whatsapp
from .forms import PreferencesForm, StopForm


def _initial(contact, user):
    if contact is None:
        return {"email": bool(user.email), "topics": selectors.all_topic_values(), "language": "id"}
    return {
        "phone": contact.phone,
        "whatsapp": bool(contact.whatsapp_consent_at),
        "sms": bool(contact.sms_consent_at),
        "email": bool(contact.email_consent_at),
        "topics": contact.topics,
        "language": contact.language,
        "quiet_hours": contact.quiet_hours,
    }


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    contact = selectors.contact_of_user(request.user)
    if request.method == "POST" and "push_off" in request.POST:
        removed = services.push_unsubscribe_user(user=request.user)
        messages.success(request, _("Notifikasi browser dimatikan di %(n)s perangkat.") % {"n": removed})
        return redirect("notifications:preferences")
    form = PreferencesForm(request.POST or None, initial=_initial(contact, request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.contact_record(
            contact=contact or services.contact_for_user(request.user),
            user=request.user,
            phone=data["phone"],
            consents=form.consents(),
            topics=data["topics"],
            language=data["language"],
            quiet_hours=data["quiet_hours"],
        )
        messages.success(request, _("Pengaturan notifikasi disimpan."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "contact": contact, "push_devices": selectors.push_devices_of_user(request.user)},
    )


@rate_limit("notification-stop")
@require_http_methods(["GET", "POST"])
def stop(request, token):
    contact = services.contact_from_token(token)
    if contact is None:
        raise Http404
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_stop_all(contact=contact)
        return render(request, "notifications/stop.html", {"done": True})
    return render(request, "notifications/stop.html", {"form": form, "done": False})


@csrf_exempt  # Meta's servers post here; the X-Hub-Signature-256 HMAC is the authentication
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    """Cloud API webhook: GET is the verification handshake, POST carries message statuses.

    A POST without a valid signature is refused (403) before anything is read or changed.
    """
    if request.method == "GET":
        try:
            challenge = whatsapp.verify_handshake(request.GET)
        except whatsapp.WebhookRefused:
            return HttpResponseForbidden("forbidden", content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    if not whatsapp.check_signature(request.body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden("bad signature", content_type="text/plain")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"detail": "invalid JSON", "code": "invalid"}, status=400)
    changed = services.whatsapp_statuses_apply(updates=whatsapp.parse_statuses(payload))
    return JsonResponse({"ok": True, "changed": changed})
