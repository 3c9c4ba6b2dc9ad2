"""`manage.py dashboard_refresh`: rebuild the dashboard's stored summaries now (same code as the Celery task)."""

from django.core.management.base import BaseCommand

from blitar_portal.dashboard.services import summaries_refresh


class Command(BaseCommand):
    help = "Rebuild the Diskominfo dashboard summaries now."

    def handle(self, *args, **options):
        run = summaries_refresh(trigger="command")
        if run is None:
            self.stdout.write("Another refresh is running; skipped.")
            return
        self.stdout.write(f"Dashboard refreshed in {run.duration_ms} ms ({run.metric_rows} metric rows).")
