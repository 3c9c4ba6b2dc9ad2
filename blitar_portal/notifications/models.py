"""Models of the notifications app."""

from django.conf import settings
from django.core import checks
from django.db import models
from django.utils.translation import gettext_lazy as _

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
