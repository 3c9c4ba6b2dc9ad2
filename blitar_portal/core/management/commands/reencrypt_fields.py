"""Key rotation: re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEYS (docs/privacy.md)."""

from django.core.management.base import BaseCommand

from blitar_portal.core.services import encrypted_fields_rotate


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key (the first of FIELD_ENCRYPTION_KEYS)."

    def handle(self, *args, **options):
        for field, count in encrypted_fields_rotate().items():
            self.stdout.write(f"{field}: {count}")
