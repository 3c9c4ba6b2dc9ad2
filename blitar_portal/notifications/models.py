"""The notification outbox and the person's contact/consent record (docs/notifications.md)."""

from django.conf import settings
from django.core import checks
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.crypto import EncryptedTextField
from blitar_portal.lib.masking import mask_email, mask_phone

CHANNELS = [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", _("Email")), ("push", _("Notifikasi browser"))]


class Topic(models.TextChoices):
    KESEHATAN = "kesehatan", _("Layanan kesehatan")
    TANAM = "tanam", _("Bangga Menanam")
    IKM = "ikm", _("999 IKM")


def all_topics():
    return list(Topic.values)


class Contact(models.Model):
    """How one person (an account, or the citizen of one anonymous booking) may be reached.

    Consent is per channel with the moment it was given; a changed phone number drops the
    WhatsApp/SMS consent (it was given for the old number) unless it is given again with it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_contact",
    )
    phone = EncryptedTextField(_("nomor WhatsApp/HP"), blank=True, help_text=_("Format E.164, mis. +6281234567890"))
    email = EncryptedTextField(_("email"), blank=True)
    language = models.CharField(_("bahasa"), max_length=5, choices=settings.LANGUAGES, default="id")
    whatsapp_consent_at = models.DateTimeField(_("setuju WhatsApp"), null=True, blank=True)
    sms_consent_at = models.DateTimeField(_("setuju SMS"), null=True, blank=True)
    email_consent_at = models.DateTimeField(_("setuju email"), null=True, blank=True)
    push_consent_at = models.DateTimeField(_("setuju notifikasi browser"), null=True, blank=True)
    topics = models.JSONField(_("topik"), default=all_topics, blank=True)
    # Empty: the default quiet hours (settings.NOTIFICATIONS_QUIET_HOURS).
    quiet_hours = models.CharField(_("jam tenang"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("kontak notifikasi")
        verbose_name_plural = _("kontak notifikasi")

    def __str__(self):
        return f"#{self.pk} {mask_phone(self.phone.lstrip('+'))} {mask_email(self.email)}".strip()

    def consent_at(self, channel):
        return getattr(self, f"{channel}_consent_at", None)


class Notification(models.Model):
    """One message to one recipient on one channel: written in the transaction of the event."""

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENDING = "sending", _("sedang dikirim")
        SENT = "sent", _("terkirim")
        DELIVERED = "delivered", _("diterima")
        READ = "read", _("dibaca")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")

    FINISHED = (State.SENT, State.DELIVERED, State.READ, State.FAILED, State.CANCELLED)

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("kontak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.CharField(_("peristiwa"), max_length=60, db_index=True)
    template = models.CharField(_("templat"), max_length=60)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    payload = models.JSONField(_("data"), default=dict, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, choices=CHANNELS)
    to = EncryptedTextField(_("penerima"))
    # HMAC of the address: the per-recipient rate limit without storing it in clear.
    recipient_key = models.CharField(_("kunci penerima"), max_length=64, db_index=True)
    subject = models.CharField(_("judul"), max_length=200, blank=True)
    text = models.TextField(_("isi"), blank=True)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    urgent = models.BooleanField(_("mendesak"), default=False, help_text=_("Tidak menunggu jam tenang."))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    provider_message_id = models.CharField(_("ID pesan penyedia"), max_length=200, blank=True, db_index=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    # The same event never creates two rows: e.g. "ehealth_reminder:ehealth.servicerequest:12:whatsapp".
    dedupe_key = models.CharField(_("kunci anti-duplikat"), max_length=200, unique=True)
    # What caused it ("ehealth.servicerequest", "12"): erasure of that thing finds its messages.
    source_model = models.CharField(_("model sumber"), max_length=60, blank=True)
    source_id = models.CharField(_("ID sumber"), max_length=40, blank=True)
    fallback_of = models.ForeignKey(
        "self", verbose_name=_("cadangan untuk"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    read_at = models.DateTimeField(_("dibaca pada"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gagal pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["source_model", "source_id"]),
        ]

    def __str__(self):
        return f"{self.event} → {self.masked_to()} ({self.channel})"

    def masked_to(self):
        if self.channel in ("whatsapp", "sms"):
            return mask_phone(self.to.lstrip("+"))
        if self.channel == "email":
            return mask_email(self.to)
        return f"#{self.to}"


# --- Web Push subscriptions (channels/push.py; docs/notifications-channels.md) -------------------


def _validate_endpoint(value):
    from .channels.push import validate_endpoint  # the one rule for where we may POST

    validate_endpoint(value)


def _validate_p256dh(value):
    from .channels.push import validate_p256dh

    validate_p256dh(value)


def _validate_auth(value):
    from .channels.push import validate_auth

    validate_auth(value)


class PushSubscription(models.Model):
    """One browser (device) that agreed to Web Push: what the browser's PushSubscription gives.

    The endpoint identifies the device at its push service: personal data (docs/privacy.md)."""

    endpoint = models.URLField(_("endpoint push"), max_length=1000, unique=True, validators=[_validate_endpoint])
    p256dh = models.CharField(_("kunci p256dh"), max_length=100, validators=[_validate_p256dh])
    auth = models.CharField(_("kunci auth"), max_length=50, validators=[_validate_auth])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun pemilik"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    created_at = models.DateTimeField(_("didaftarkan pada"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir menerima pesan"), null=True, blank=True)

    class Meta:
        verbose_name = _("langganan push")
        verbose_name_plural = _("daftar langganan push")

    def __str__(self):
        from .channels.push import endpoint_label

        return endpoint_label(self.endpoint)


@checks.register()
def _check_vapid_keys(app_configs=None, **kwargs):
    from .channels.push import vapid_key_problems

    return [
        checks.Error(problem, hint="python manage.py generate_vapid_keys", id="notifications.E001")
        for problem in vapid_key_problems()
    ]
