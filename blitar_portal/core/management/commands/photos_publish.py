"""Bring stored photos in line with "nothing unverified is public" (blitar_portal/lib/media.py).

Run once after upgrading an existing database (and safe to run any time: idempotent):
files an older version wrote to public storage at predictable URLs move to private
storage, the renditions of public items are published under unguessable names, and
those of items that are not public are withdrawn. `make seed` runs it after `seed_demo`.
"""

from django.core.management.base import BaseCommand

from ikm.services import product_photos_sync_all
from tanam.services import plantings_photos_sync_all


class Command(BaseCommand):
    help = "Move photos to private storage and publish the renditions of public items only (idempotent)."

    def handle(self, *args, **options):
        plantings_photos_sync_all(stdout=self.stdout)
        product_photos_sync_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Photos: done."))
