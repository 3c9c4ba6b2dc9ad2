"""NIK, BPJS number, complaint and hospital feed tokens are encrypted at rest (a dump shows no clear value)."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from blitar_portal.lib.crypto import TOKEN_PREFIX
from ehealth import services
from ehealth.models import Hospital, ServiceRequest

from .privacy_helpers import BPJS, COMPLAINT, NIK, make_request

pytestmark = pytest.mark.django_db


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def test_nik_bpjs_and_complaint_are_not_in_the_column_in_clear(service):
    request = make_request(service)
    for column, clear in (("nik", NIK), ("bpjs_number", BPJS), ("complaint", COMPLAINT)):
        stored = raw("ehealth_servicerequest", column, request.pk)
        assert clear not in stored and stored.startswith(TOKEN_PREFIX)
    fresh = ServiceRequest.objects.get(pk=request.pk)
    assert (fresh.nik, fresh.bpjs_number, fresh.complaint) == (NIK, BPJS, COMPLAINT)


def test_a_whole_table_dump_does_not_contain_the_nik(service):
    make_request(service)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(r)::text FROM ehealth_servicerequest r")
        dump = "\n".join(row[0] for row in cursor.fetchall())
    assert NIK not in dump and BPJS not in dump and "Nyeri dada" not in dump


def test_feed_token_is_encrypted_at_rest_and_still_used_for_the_feed(hospital):
    services.hospital_save(hospital=hospital, new_token="rahasia-token-rs-123")
    stored = raw("ehealth_hospital", "feed_token", hospital.pk)
    assert "rahasia-token-rs-123" not in stored and stored.startswith(TOKEN_PREFIX)
    assert Hospital.objects.get(pk=hospital.pk).feed_token == "rahasia-token-rs-123"


def test_key_rotation_old_key_still_decrypts_and_reencrypt_moves_to_the_new_key(service, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    request = make_request(service)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert ServiceRequest.objects.get(pk=request.pk).nik == NIK  # the old key still decrypts
    call_command("reencrypt_fields", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    stored = raw("ehealth_servicerequest", "nik", request.pk)
    assert Fernet(new_key.encode()).decrypt(stored.encode()).decode() == NIK
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    assert ServiceRequest.objects.get(pk=request.pk).complaint == COMPLAINT


def test_a_value_no_key_opens_says_the_key_is_missing(service, settings):
    from django.core.exceptions import ImproperlyConfigured

    request = make_request(service)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        ServiceRequest.objects.get(pk=request.pk)


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_plaintext_and_reverses(service):
    """Back to 0003 the columns hold clear text (as before this release); forward again they are encrypted."""
    request = make_request(service)
    hospital = Hospital.objects.get(pk=service.hospital_id)
    services.hospital_save(hospital=hospital, new_token="token-lama")
    call_command("migrate", "ehealth", "0003", verbosity=0)
    try:
        assert raw("ehealth_servicerequest", "nik", request.pk) == NIK
        assert raw("ehealth_hospital", "feed_token", hospital.pk) == "token-lama"
    finally:
        call_command("migrate", "ehealth", verbosity=0)
    assert raw("ehealth_servicerequest", "nik", request.pk).startswith(TOKEN_PREFIX)
    assert raw("ehealth_hospital", "feed_token", hospital.pk).startswith(TOKEN_PREFIX)
    fresh = ServiceRequest.objects.get(pk=request.pk)
    assert (fresh.nik, fresh.bpjs_number, fresh.complaint) == (NIK, BPJS, COMPLAINT)
