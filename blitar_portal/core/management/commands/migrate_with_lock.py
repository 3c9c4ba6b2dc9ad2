"""`manage.py migrate` once per deploy, safe to start on several hosts at the same time.

A PostgreSQL session advisory lock, held on a connection of its own, lets one host
migrate while the others wait; they then find nothing left to apply.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.utils import OperationalError

# pg_advisory_lock key shared by every host of one database: "blitarmg" as a bigint.
MIGRATION_LOCK_KEY = int.from_bytes(b"blitarmg", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(BaseCommand):
    help = "Run migrations under a PostgreSQL advisory lock (one host at a time)."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument(
            "--wait", type=int, default=900, help="Seconds to wait for another host's migration (default 900)."
        )

    def handle(self, *args, interactive, wait, verbosity, **options):
        lock_connection = connections.create_connection("default")
        try:
            with lock_connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
                if not cursor.fetchone()[0]:
                    self.stdout.write("Another host is migrating this database; waiting for it to finish.")
                    self.stdout.flush()
                    cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{wait * 1000}"])
                    try:
                        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
                    except OperationalError as exc:
                        raise CommandError(f"The migration lock was not released within {wait} s.") from exc
                try:
                    call_command("migrate", interactive=interactive, verbosity=verbosity, stdout=self.stdout)
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        finally:
            lock_connection.close()
