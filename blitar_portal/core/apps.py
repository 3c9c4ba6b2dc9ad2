from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Home page, /healthz, the worker heartbeat, retention and the seed_demo command."""

    name = "blitar_portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self):
        from celery.schedules import crontab

        from blitar_portal.core.beat import register_periodic_task

        # Retention of personal data and operational rows (docs/privacy.md), at night.
        register_periodic_task("core-purge-personal-data", task="core.purge_personal_data", schedule=crontab(0, 2))
