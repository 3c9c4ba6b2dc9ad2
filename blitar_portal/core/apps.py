from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Home page, /healthz, the worker heartbeat, retention and the seed_demo command."""

    name = "blitar_portal.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self):
        from celery.schedules import crontab

        from blitar_portal.core.beat import register_periodic_task

        # Retention of personal data and operational rows (docs/privacy.md), at night.
        register_periodic_task("core-purge-personal-data", task="core.purge_personal_data", schedule=crontab(0, 2))

        # django-axes names its admin section "Axes" in every language; staff read what it is.
        from django.apps import apps

        apps.get_app_config("axes").verbose_name = _("Pengamanan masuk akun")
