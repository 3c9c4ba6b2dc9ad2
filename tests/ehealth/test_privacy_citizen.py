"""A citizen sees and deletes what is kept about their request after proving it with an e-mailed one-time code."""

import datetime
import re

import pytest
from django.utils import timezone

from ehealth import services
from ehealth.models import PersonalDataAccessCode, ServiceRequest

from .privacy_helpers import BPJS, COMPLAINT, NIK, make_request

pytestmark = pytest.mark.django_db


def page(request):
    return f"/kesehatan/permohonan/{request.code}/data-saya/"


def send_code(client, request, mailoutbox):
    response = client.post(page(request), {"action": "send"})
    assert response.status_code == 302
    return re.search(r"Kode sekali pakai Anda: (\d{6})", mailoutbox[-1].body).group(1)


def verify(client, request, code):
    return client.post(page(request), {"action": "verify", "code": code})


def test_the_page_shows_nothing_personal_before_the_code(client, service):
    request = make_request(service)
    html = client.get(page(request)).content.decode()
    assert NIK not in html and COMPLAINT not in html and "s***@contoh.id" in html


def test_code_is_mailed_stored_hashed_and_opens_the_data(client, service, mailoutbox):
    request = make_request(service)
    code = send_code(client, request, mailoutbox)
    assert mailoutbox[-1].to == ["siti.aminah@contoh.id"]
    stored = PersonalDataAccessCode.objects.get(service_request=request)
    assert code not in stored.code_hash and len(stored.code_hash) >= 40
    assert stored.expires_at - stored.created_at == datetime.timedelta(minutes=10)
    assert verify(client, request, code).status_code == 302
    html = client.get(page(request)).content.decode()
    assert NIK in html and BPJS in html and COMPLAINT in html and "Siti Aminah" in html
    # Used once: the same code does not open another session.
    other = type(client)()
    assert "Kode sudah kedaluwarsa" in verify(other, request, code).content.decode()


def test_a_wrong_code_says_how_many_tries_are_left_then_locks(client, service, mailoutbox):
    request = make_request(service)
    code = send_code(client, request, mailoutbox)
    wrong = "000000" if code != "000000" else "111111"
    html = verify(client, request, wrong).content.decode()
    assert "Kode salah. Sisa percobaan: 4." in html
    for _ in range(4):
        verify(client, request, wrong)
    html = verify(client, request, code).content.decode()
    assert "Minta kode baru" in html and NIK not in html


def test_an_expired_code_is_refused(client, service, mailoutbox):
    request = make_request(service)
    code = send_code(client, request, mailoutbox)
    PersonalDataAccessCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    html = verify(client, request, code).content.decode()
    assert "kedaluwarsa" in html and NIK not in html


def test_bad_code_input_gets_a_clear_message(client, service):
    html = verify(client, make_request(service), "abc").content.decode()
    assert "Kode terdiri dari 6 digit angka." in html


def test_at_most_three_codes_an_hour(client, service, mailoutbox):
    request = make_request(service)
    for _ in range(3):
        send_code(client, request, mailoutbox)
    sent = len(mailoutbox)
    response = client.post(page(request), {"action": "send"}, follow=True)
    assert "Terlalu banyak kode diminta" in response.content.decode() and len(mailoutbox) == sent


def test_deleting_erases_personal_fields_cancels_and_confirms(client, service, mailoutbox):
    request = make_request(service)
    verify(client, request, send_code(client, request, mailoutbox))
    erase = f"/kesehatan/permohonan/{request.code}/data-saya/hapus/"
    unconfirmed = client.post(erase, {}, follow=True).content.decode()
    assert "Centang kotak konfirmasi" in unconfirmed
    assert ServiceRequest.objects.get(pk=request.pk).nik == NIK
    response = client.post(erase, {"confirm": "on"}, follow=True)
    assert "Data pribadi permohonan ini sudah dihapus" in response.content.decode()
    request.refresh_from_db()
    assert (request.name, request.nik, request.phone, request.email, request.bpjs_number, request.complaint) == (
        ("",) * 6
    )
    assert request.status == "dibatalkan" and request.erasure_reason == "warga"
    assert ServiceRequest.objects.filter(pk=request.pk).exists()  # the anonymous statistics row stays
    html = client.get(page(request)).content.decode()
    assert 'data-testid="erased"' in html and "atas permintaan warga" in html


def test_deleting_without_the_code_is_refused(client, service):
    request = make_request(service)
    response = client.post(f"/kesehatan/permohonan/{request.code}/data-saya/hapus/", {"confirm": "on"}, follow=True)
    assert "Buktikan dulu" in response.content.decode()
    assert ServiceRequest.objects.get(pk=request.pk).nik == NIK


def test_a_finished_request_is_erased_without_changing_its_status(client, service, mailoutbox):
    request = make_request(service)
    for status in ("diterima", "dilayani", "selesai"):
        services.service_request_set_status(service_request=request, status=status)
    verify(client, request, send_code(client, request, mailoutbox))
    client.post(f"/kesehatan/permohonan/{request.code}/data-saya/hapus/", {"confirm": "on"})
    request.refresh_from_db()
    assert request.status == "selesai" and request.nik == "" and request.completed_at is not None


def test_a_request_being_served_cannot_be_deleted_yet(client, service, mailoutbox):
    request = make_request(service)
    for status in ("diterima", "dilayani"):
        services.service_request_set_status(service_request=request, status=status)
    verify(client, request, send_code(client, request, mailoutbox))
    response = client.post(f"/kesehatan/permohonan/{request.code}/data-saya/hapus/", {"confirm": "on"}, follow=True)
    assert "sedang dilayani" in response.content.decode()
    assert ServiceRequest.objects.get(pk=request.pk).nik == NIK


def test_without_an_email_the_page_says_the_channel_is_not_available_and_offers_contact(client, service, mailoutbox):
    request = make_request(service, email="")
    html = client.get(page(request)).content.decode()
    assert 'data-testid="no-channel"' in html and "belum tersedia" in html and "diskominfo@blitarkab.go.id" in html
    assert 'value="send"' not in html
    client.post(page(request), {"action": "send"})
    assert mailoutbox == [] and not PersonalDataAccessCode.objects.exists()


def test_the_booking_page_links_to_the_data_page(client, service):
    request = make_request(service)
    html = client.get(f"/kesehatan/permohonan/{request.code}/").content.decode()
    assert f'href="/kesehatan/permohonan/{request.code}/data-saya/"' in html


def test_the_page_in_english(client, service, mailoutbox):
    request = make_request(service)
    client.cookies["django_language"] = "en"
    html = client.get(page(request)).content.decode()
    assert "Your personal data" in html
