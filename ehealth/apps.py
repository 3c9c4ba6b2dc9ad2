from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EhealthConfig(AppConfig):
    name = "ehealth"
    verbose_name = _("Layanan Kesehatan")

    def start_url(self, user):
        """A hospital clerk starts at their hospital's work page (accounts.views.start)."""
        from .selectors import clerk_start_url

        return clerk_start_url(user)

    def ready(self):
        from blitar_portal.core.beat import register_periodic_task

        # One beat entry dispatches due hospitals; each hospital then syncs in its own task.
        register_periodic_task("ehealth-dispatch-syncs", task="ehealth.dispatch_due_syncs", schedule=30.0)
        # Status messages go through blitar_portal.notifications (its own sweep and beat entries).
