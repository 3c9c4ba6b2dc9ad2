"""Staff's view of the outbox: filters, masked recipients, "Kirim ulang" through the service."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blitar_portal.accounts.roles import is_diskominfo
from blitar_portal.lib.masking import mask_email, mask_log_text, mask_phone

from . import services
from .models import Contact, Notification, Topic


class DiskominfoReadOnly(admin.ModelAdmin):
    """Diskominfo (and superusers) see the outbox; nobody edits or deletes rows by hand."""

    def has_module_permission(self, request):
        return is_diskominfo(request.user)

    def has_view_permission(self, request, obj=None):
        return is_diskominfo(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(DiskominfoReadOnly):
    list_display = ["created_at", "event", "channel", "recipient", "state", "attempts", "sent_at", "error"]
    list_filter = ["channel", "state", "event", "urgent"]
    date_hierarchy = "created_at"
    # The address is personal data: only masked here (docs/privacy.md).
    fields = [
        "event",
        "channel",
        "recipient",
        "language",
        "state",
        "attempts",
        "next_attempt_at",
        "urgent",
        "provider_message_id",
        "error",
        "subject",
        "created_at",
        "sent_at",
        "delivered_at",
        "read_at",
        "failed_at",
        "source_model",
        "source_id",
    ]
    readonly_fields = fields
    actions = ["retry"]
    list_per_page = 50

    @admin.display(description=_("penerima"))
    def recipient(self, obj):
        return obj.masked_to()

    @admin.display(description=_("galat terakhir"))
    def error(self, obj):
        return mask_log_text(obj.last_error)[:200]

    @admin.action(description=_("Kirim ulang"), permissions=["view"])
    def retry(self, request, queryset):
        done = 0
        for notification in queryset:
            try:
                done += services.notification_retry(notification=notification)
            except ValidationError as exc:
                self.message_user(request, f"#{notification.pk}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d notifikasi dikirim ulang.", "%(n)d notifikasi dikirim ulang.", done) % {"n": done},
            )


@admin.register(Contact)
class ContactAdmin(DiskominfoReadOnly):
    list_display = [
        "id",
        "phone_masked",
        "email_masked",
        "language",
        "whatsapp_consent_at",
        "sms_consent_at",
        "email_consent_at",
        "created_at",
    ]
    fields = [
        "user",
        "phone_masked",
        "email_masked",
        "language",
        "whatsapp_consent_at",
        "sms_consent_at",
        "email_consent_at",
        "push_consent_at",
        "topics_list",
        "quiet_hours",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("nomor WhatsApp/HP"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone.lstrip("+"))

    @admin.display(description=_("topik"))
    def topics_list(self, obj):
        """The topics by name, never the stored JSON list."""
        names = dict(Topic.choices)
        return ", ".join(str(names.get(topic, topic)) for topic in obj.topics or []) or "—"

    @admin.display(description=_("email"))
    def email_masked(self, obj):
        return mask_email(obj.email)
