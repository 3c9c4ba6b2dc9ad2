"""Apply the retention rules now (docs/privacy.md): the same service as the daily beat task."""

from django.core.management.base import BaseCommand

from blitar_portal.core.services import retention_apply


class Command(BaseCommand):
    help = "Erase personal data past its retention period and delete old operational rows (docs/privacy.md)."

    def handle(self, *args, **options):
        for what, count in retention_apply().items():
            self.stdout.write(f"{what}: {count}")
