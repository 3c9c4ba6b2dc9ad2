"""E-Health events go through the notification outbox: received, accepted, rejected, cancelled, reminder."""

import datetime

import pytest
from django.utils import timezone, translation

from blitar_portal.notifications.models import Contact, Notification
from ehealth import services
from ehealth.models import ServiceRequest

from .privacy_helpers import make_request

pytestmark = pytest.mark.django_db


def rows(request, event):
    return list(Notification.objects.filter(source_id=str(request.pk), event=event))


def test_request_received_carries_the_code_and_the_tracking_link(service):
    request = make_request(service)
    (row,) = rows(request, "ehealth_request_received")
    assert row.channel == "email" and request.code in row.text
    assert f"/kesehatan/permohonan/{request.code}/" in row.text and row.urgent


def test_a_booking_in_english_gets_english_messages(service):
    with translation.override("en"):
        request = make_request(service)
    (row,) = rows(request, "ehealth_request_received")
    assert row.language == "en" and "received" in row.text


@pytest.mark.parametrize(
    "status,event,needle",
    [
        ("diterima", "ehealth_request_accepted", "DISETUJUI"),
        ("ditolak", "ehealth_request_rejected", "Dokter cuti"),
        ("dibatalkan", "ehealth_request_cancelled", "DIBATALKAN"),
    ],
)
def test_status_changes_create_their_event(service, status, event, needle):
    request = make_request(service)
    services.service_request_set_status(service_request=request, status=status, reason="Dokter cuti")
    (row,) = rows(request, event)
    assert needle in row.text and request.code in row.text


def test_whatsapp_consent_is_recorded_with_the_number_given_at_booking(service):
    request = make_request(service, whatsapp="0813 1111 2222", notify_channels=["whatsapp"])
    contact = Contact.objects.get(pk=request.notification_contact_id)
    assert contact.phone == "+6281311112222" and contact.whatsapp_consent_at is not None
    assert contact.sms_consent_at is None and contact.email_consent_at is not None


def test_without_consent_the_number_is_not_kept_for_messages(service):
    request = make_request(service, whatsapp="0813 1111 2222")
    assert Contact.objects.get(pk=request.notification_contact_id).phone == ""


def test_a_bad_whatsapp_number_is_a_form_error(client, service):
    response = client.post(
        "/kesehatan/permohonan/baru/",
        {
            "service": service.pk,
            "visit_date": timezone.localdate().isoformat(),
            "name": "Siti Aminah",
            "nik": "3505014101900001",
            "phone": "081234567890",
            "whatsapp": "0342-801234",
            "notify_whatsapp": "on",
            "complaint": "Demam",
            "consent": "on",
        },
    )
    assert response.status_code == 200 and "Masukkan nomor HP/WhatsApp (diawali 08" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_the_visit_reminder_is_written_once_the_day_before(service):
    today = timezone.localdate()
    request = make_request(service, visit_date=today + datetime.timedelta(days=1))
    make_request(service, visit_date=today + datetime.timedelta(days=2))  # not tomorrow
    assert services.service_requests_remind(today=today) == 1
    assert services.service_requests_remind(today=today) == 0  # the beat runs hourly: still one
    (row,) = rows(request, "ehealth_visit_reminder")
    assert "besok" in row.text and not row.urgent


def test_erasing_the_request_removes_its_contact_and_sent_messages(service):
    request = make_request(service, whatsapp="0813 1111 2222", notify_channels=["whatsapp"])
    Notification.objects.filter(source_id=str(request.pk)).update(state="sent")
    services.service_request_erase_personal_data(service_request=request, reason=ServiceRequest.Erasure.CITIZEN)
    assert not Contact.objects.filter(pk=request.notification_contact_id).exists()
    assert not Notification.objects.filter(source_id=str(request.pk)).exists()


def test_the_api_records_whatsapp_consent_too(client, service):
    response = client.post(
        "/api/v1/service-requests/",
        {
            "service": service.pk,
            "visit_date": timezone.localdate().isoformat(),
            "name": "Siti Aminah",
            "nik": "3505014101900001",
            "phone": "081234567890",
            "complaint": "Demam",
            "consent": True,
            "notify_channels": ["whatsapp"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    request = ServiceRequest.objects.get(code=response.json()["code"])
    contact = Contact.objects.get(pk=request.notification_contact_id)
    assert contact.phone == "+6281234567890" and contact.whatsapp_consent_at is not None


def test_the_api_refuses_an_unknown_channel(client, service):
    response = client.post(
        "/api/v1/service-requests/",
        {
            "service": service.pk,
            "visit_date": timezone.localdate().isoformat(),
            "name": "Siti Aminah",
            "nik": "3505014101900001",
            "phone": "081234567890",
            "complaint": "Demam",
            "consent": True,
            "notify_channels": ["telegram"],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "notify_channels" in response.json()["errors"]
