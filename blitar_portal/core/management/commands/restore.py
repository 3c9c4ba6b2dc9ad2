"""`manage.py restore [NAME]`: replace the database and media with a backup set (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from blitar_portal.core import backups


class Command(BaseCommand):
    help = "Restore a backup set (default: the newest): database via pg_restore, then both media trees."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Set name, e.g. 20261130T013000Z (default: the newest).")
        parser.add_argument(
            "--dir", help="Directory of the backup sets (default: the BACKUP_S3_BUCKET bucket if set, else BACKUP_DIR)."
        )
        parser.add_argument("--jobs", type=int, default=2, help="Parallel pg_restore jobs (default 2).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, name, dir, jobs, interactive, **options):
        target = backups.LocalDirectoryTarget(dir) if dir else backups.default_target()
        database = connections["default"].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This REPLACES database {database!r} and the media ({backups.media_description()}) "
                f"with backup set {name or 'newest'} from {target}. Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = backups.restore_backup(name, target=target, jobs=jobs)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {manifest['name']} into {database}: {sum(manifest['tables'].values())} rows, "
                f"{sum(tree['files'] for tree in manifest['media'].values())} media files, counts verified."
            )
        )
