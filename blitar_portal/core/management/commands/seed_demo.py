"""Believable demo data for every app that has a demo.py, in INSTALLED_APPS order (DEMOS).

Each app's `<app>/demo.py` defines `seed(*, scale, stdout)`; it must be idempotent
(a second run creates nothing new) and bulk-insert at large scales.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from blitar_portal.accounts import demo as accounts_demo
from blitar_portal.dashboard import demo as dashboard_demo
from ehealth import demo as ehealth_demo
from ikm import demo as ikm_demo
from tanam import demo as tanam_demo

# app label -> its demo module, in INSTALLED_APPS order (the dashboard summarises the others: last).
DEMOS = {
    "accounts": accounts_demo,
    "ehealth": ehealth_demo,
    "ikm": ikm_demo,
    "tanam": tanam_demo,
    "dashboard": dashboard_demo,
}


class Command(BaseCommand):
    help = "Create realistic Kabupaten Blitar demo data (idempotent). --scale multiplies it for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiplier for benchmarks (default 1).")
        parser.add_argument("--only", nargs="*", help="App labels to seed (default: all).")

    def handle(self, *args, scale, only, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        from blitar_portal.regions.selectors import regions_loaded

        if not regions_loaded():
            raise CommandError("Regions are not loaded: run `python manage.py load_regions` first.")
        for label, module in DEMOS.items():
            if only and label not in only:
                continue
            started = time.monotonic()
            self.stdout.write(f"Seeding {label} (scale {scale})…")
            module.seed(scale=scale, stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"  {label} done in {time.monotonic() - started:.1f} s"))
        # Bulk inserts leave the planner with stale statistics until autovacuum gets to
        # them (measured: IKM's misspelt search 150 ms before, 25 ms after ANALYZE).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
