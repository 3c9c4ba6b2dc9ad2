"""python manage.py sync_beds [--hospital SLUG]: sync now through the same service as the Celery task."""

from django.core.management.base import BaseCommand, CommandError

from ehealth.models import Hospital
from ehealth.services import hospital_sync


class Command(BaseCommand):
    help = "Fetch and apply hospital bed feeds now (all hospitals with a feed, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--hospital", help="Slug of one hospital.")

    def handle(self, *args, hospital=None, **options):
        hospitals = Hospital.objects.filter(is_active=True).exclude(feed_url="").exclude(feed_format="")
        if hospital:
            hospitals = Hospital.objects.filter(slug=hospital)
            if not hospitals.exists():
                raise CommandError(f"No hospital with slug {hospital!r}.")
        failed = 0
        for item in hospitals.order_by("name"):
            run = hospital_sync(hospital_id=item.pk, trigger="command")
            ok = run.status == "ok"
            failed += not ok
            style = self.style.SUCCESS if ok else self.style.ERROR
            self.stdout.write(style(f"{item.slug}: {run.status} — {run.message}"))
        if failed:
            raise CommandError(f"{failed} hospital(s) failed to sync.")
