from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "blitar_portal.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.schedules import crontab

        from blitar_portal.core.beat import register_periodic_task

        # The outbox's safety net: rows the broker lost, retries after backoff, quiet hours over.
        register_periodic_task("notifications-send-due", task="notifications.send_due", schedule=60.0)
        # Dated events (reminders for tomorrow's visits, expiring certificates; Tanam re-checks: tanam.apps): each is
        # notified once (dedupe key), so an hourly run only catches up after an outage.
        register_periodic_task(
            "notifications-daily-events", task="notifications.daily_events", schedule=crontab(minute=5)
        )
