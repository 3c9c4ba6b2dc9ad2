from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blitar_portal.lib.ratelimit import rate_limit

from . import selectors, services
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
    return render(request, "notifications/preferences.html", {"form": form, "contact": contact})


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
