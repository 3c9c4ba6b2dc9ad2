from django.core.management.base import BaseCommand

from blitar_portal.regions.services import regions_load


class Command(BaseCommand):
    help = "Load the kecamatan and desa boundaries of Kabupaten Blitar from blitar_portal/regions/data/ (idempotent)."

    def handle(self, *args, **options):
        counts = regions_load()
        self.stdout.write(
            self.style.SUCCESS(f"Regions loaded: {counts['kecamatan']} kecamatan, {counts['desa']} desa.")
        )
