from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Diskominfo dashboards composed from each app's selectors (issue: dashboards)."""

    name = "blitar_portal.dashboard"
    label = "dashboard"
    verbose_name = "Dasbor Diskominfo"
