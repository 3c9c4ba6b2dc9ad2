"""`manage.py backup`: the database and both media trees into one checksummed set (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from blitar_portal.core import backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc) and the media into one timestamped set, keeping the newest N."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", help="Directory of the backup sets (default: the BACKUP_S3_BUCKET bucket if set, else BACKUP_DIR)."
        )
        parser.add_argument("--keep", type=int, help="Sets to keep, newest first (default: BACKUP_KEEP).")
        parser.add_argument("--list", action="store_true", help="List the sets and stop.")

    def handle(self, *args, dir, keep, list, **options):
        target = backups.LocalDirectoryTarget(dir) if dir else backups.default_target()
        if list:
            for name, manifest in backups.list_backups(target=target):
                size = sum(entry["bytes"] for entry in manifest["files"].values())
                self.stdout.write(f"{name}  {size / 1e6:.1f} MB  {sum(manifest['tables'].values())} rows")
            return
        try:
            name = backups.create_backup(target=target, keep=keep)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup set {name} written to {target}."))
