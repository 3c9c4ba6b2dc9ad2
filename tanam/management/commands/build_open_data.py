"""python manage.py build_open_data: write the open-data CSV and GeoJSON now (same service as the Celery task)."""

import time

from django.core.management.base import BaseCommand

from tanam.services import open_data_build


class Command(BaseCommand):
    help = "Build the open-data files of all verified plantings (CSV and GeoJSON) and make them current."

    def handle(self, *args, **options):
        started = time.monotonic()
        files = open_data_build()
        seconds = time.monotonic() - started
        for item in files:
            self.stdout.write(f"{item.kind}: {item.rows} rows, {item.size} bytes, {item.name}")
        self.stdout.write(self.style.SUCCESS(f"built in {seconds:.1f} s"))
