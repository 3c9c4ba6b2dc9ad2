"""Encrypt the values stored in clear before 0004 (its own migration: PostgreSQL refuses ALTER TABLE
after row updates in one transaction)."""

from django.db import migrations

# Columns encrypted at rest: existing clear values are encrypted in place (raw SQL, because the
# historical models already decrypt on read), and decrypted again when migrating backwards.
ENCRYPTED_COLUMNS = [
    ("ehealth_hospital", ["feed_token"]),
    ("ehealth_servicerequest", ["nik", "bpjs_number", "complaint"]),
]


def _convert(schema_editor, transform, wanted):
    from blitar_portal.lib.crypto import is_token

    with schema_editor.connection.cursor() as cursor:
        for table, columns in ENCRYPTED_COLUMNS:
            for column in columns:
                cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 - constants
                rows = [(transform(value), pk) for pk, value in cursor.fetchall() if is_token(value) != wanted]
                cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", rows)  # noqa: S608


def encrypt_existing(apps, schema_editor):
    from blitar_portal.lib.crypto import encrypt

    _convert(schema_editor, encrypt, wanted=True)


def decrypt_existing(apps, schema_editor):
    from blitar_portal.lib.crypto import decrypt

    _convert(schema_editor, decrypt, wanted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("ehealth", "0004_service_request_personal_data_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
