from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Home page, /healthz, the worker heartbeat and the seed_demo command."""

    name = "blitar_portal.core"
    label = "core"
    verbose_name = "Portal"
