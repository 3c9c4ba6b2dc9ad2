from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Diskominfo dashboards composed from each app's selectors (issue: dashboards)."""

    name = "blitar_portal.dashboard"
    label = "dashboard"
    verbose_name = _("Dasbor Diskominfo")

    def ready(self):
        from blitar_portal.core.beat import register_periodic_task

        from .models import REFRESH_SECONDS

        register_periodic_task("dashboard-refresh", task="dashboard.refresh_summaries", schedule=float(REFRESH_SECONDS))
