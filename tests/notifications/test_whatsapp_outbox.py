"""The outbox on WhatsApp and SMS against local Cloud API and Zenziva servers: templates, fallback, receipts."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.notifications import services
from blitar_portal.notifications.models import Contact, Notification
from ehealth import services as ehealth_services
from ehealth.models import Service
from tests.ehealth.conftest import make_hospital, open_all_week
from tests.notifications.conftest import WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
from tests.notifications.servers.whatsapp import post_status_webhook, status_payload

PAYLOAD = {"code": "ABCD234567", "hospital": "RSUD Ngudi Waluyo", "date": "01-12-2026", "url": "http://x/k/"}
PHONE = "+6281234567890"


def phone_contact(*channels):
    now = timezone.now()
    return Contact.objects.create(phone=PHONE, **{f"{c}_consent_at": now for c in channels})


def send_all():
    return [
        services.notification_send(notification_id=pk)
        for pk in Notification.objects.order_by("pk").values_list("pk", flat=True)
    ]


@pytest.mark.django_db
def test_a_booking_with_whatsapp_consent_sends_the_template_with_the_code(whatsapp_api):
    service = open_all_week(Service.objects.create(hospital=make_hospital("rs-wa", "RS WhatsApp"), name="Poli Umum"))
    request, _warnings = ehealth_services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="0812-3456-7890",
        complaint="Demam",
        consent=True,
        notify_channels=["whatsapp"],
    )
    (row,) = Notification.objects.filter(channel="whatsapp")
    assert services.notification_send(notification_id=row.pk) == "sent"
    (call,) = whatsapp_api.requests
    assert call.method == "POST" and call.path == "/v23.0/1234567890/messages"
    assert call.headers["authorization"] == "Bearer test-access-token"
    body = call.json
    assert body["messaging_product"] == "whatsapp" and body["to"] == "6281234567890" and body["type"] == "template"
    assert body["template"]["name"] == "ehealth_request_received" and body["template"]["language"] == {"code": "id"}
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert params[0] == request.code and params[-1].endswith(f"/kesehatan/permohonan/{request.code}/")
    row.refresh_from_db()
    assert row.provider_message_id == whatsapp_api.sent_ids[0]


@pytest.mark.django_db
def test_without_whatsapp_consent_the_cloud_api_gets_nothing(whatsapp_api):
    contact = phone_contact("sms")  # SMS agreed, but SMS is not configured in this test
    assert services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact) == []
    assert whatsapp_api.requests == []


@pytest.mark.django_db
def test_whatsapp_permanent_failure_falls_back_to_sms_when_agreed(whatsapp_api, sms_gateway):
    contact = phone_contact("whatsapp", "sms")
    services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    whatsapp_api.fail_next(131026)  # the number has no WhatsApp
    assert send_all() == ["failed"]
    sms = Notification.objects.get(channel="sms")
    assert sms.fallback_of.channel == "whatsapp" and sms.state == "pending"
    assert services.notification_send(notification_id=sms.pk) == "sent"
    (call,) = sms_gateway.requests
    assert (
        call.extra["form"]["to"] in (PHONE, PHONE[1:], "0" + PHONE[3:])
        and "ABCD234567" in call.extra["form"]["message"]
    )


@pytest.mark.django_db
def test_no_sms_fallback_without_sms_consent(whatsapp_api, sms_gateway):
    contact = phone_contact("whatsapp")
    services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    whatsapp_api.fail_next(131026)
    assert send_all() == ["failed"]
    assert not Notification.objects.filter(channel="sms").exists() and sms_gateway.requests == []


@pytest.mark.django_db
def test_no_sms_fallback_when_switched_off(whatsapp_api, sms_gateway, settings):
    settings.NOTIFICATIONS_SMS_FALLBACK = False
    contact = phone_contact("whatsapp", "sms")
    services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    whatsapp_api.fail_next(131026)
    send_all()
    assert not Notification.objects.filter(channel="sms").exists()


@pytest.mark.django_db
def test_a_throttled_whatsapp_message_is_retried_not_failed(whatsapp_api):
    contact = phone_contact("whatsapp")
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    whatsapp_api.fail_next(4)  # HTTP 429 "API Too Many Calls"
    assert services.notification_send(notification_id=row.pk) == "pending"
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert services.notification_send(notification_id=row.pk, now=later) == "sent"


@pytest.mark.django_db
def test_without_whatsapp_configured_the_phone_gets_the_sms(sms_gateway):
    contact = phone_contact("whatsapp", "sms")
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    assert row.channel == "sms"


def sent_whatsapp_row(whatsapp_api):
    contact = phone_contact("whatsapp", "sms")
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    return row


@pytest.mark.django_db(transaction=True)
def test_signed_status_webhooks_move_the_row_and_a_bad_signature_is_refused(live_server, whatsapp_api):
    row = sent_whatsapp_row(whatsapp_api)
    url = f"{live_server.url}/notifikasi/whatsapp/webhook/"
    now = int(timezone.now().timestamp())

    def status(name, at):
        return status_payload(
            [{"id": row.provider_message_id, "status": name, "timestamp": at, "recipient_id": PHONE[1:]}]
        )

    refused, _body = post_status_webhook(url, status("read", now), app_secret=WHATSAPP_APP_SECRET, bad_signature=True)
    row.refresh_from_db()
    assert refused == 403 and row.state == "sent"
    assert post_status_webhook(url, status("delivered", now), app_secret=WHATSAPP_APP_SECRET)[0] == 200
    row.refresh_from_db()
    assert row.state == "delivered" and row.delivered_at
    assert post_status_webhook(url, status("read", now + 5), app_secret=WHATSAPP_APP_SECRET)[0] == 200
    post_status_webhook(url, status("delivered", now + 1), app_secret=WHATSAPP_APP_SECRET)  # late: ignored
    row.refresh_from_db()
    assert row.state == "read" and row.read_at


@pytest.mark.django_db
def test_a_failed_status_fails_the_row_and_falls_back_to_sms(client, whatsapp_api, sms_gateway):
    import json

    from tests.notifications.servers.whatsapp import signed_headers

    row = sent_whatsapp_row(whatsapp_api)
    payload = status_payload(
        [
            {
                "id": row.provider_message_id,
                "status": "failed",
                "timestamp": int(timezone.now().timestamp()),
                "recipient_id": PHONE[1:],
                "errors": [{"code": 131026, "title": "Message undeliverable"}],
            }
        ]
    )
    raw = json.dumps(payload).encode()
    headers = signed_headers(raw, WHATSAPP_APP_SECRET)
    response = client.post(
        "/notifikasi/whatsapp/webhook/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": headers["X-Hub-Signature-256"]},
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.state == "failed" and "131026" in row.last_error
    assert Notification.objects.get(channel="sms").fallback_of_id == row.pk


@pytest.mark.django_db
def test_the_verification_handshake(client, whatsapp_api):
    ok = client.get(
        "/notifikasi/whatsapp/webhook/",
        {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(
        "/notifikasi/whatsapp/webhook/", {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


@pytest.mark.django_db
def test_a_hanging_whatsapp_gateway_pauses_whatsapp_and_sms_still_goes(whatsapp_api, sms_gateway, settings):
    settings.WHATSAPP_TIMEOUT = 1
    whatsapp_api.hang()
    now = timezone.now()
    wa_rows = [
        services.notify(
            event="ehealth_request_received",
            payload=PAYLOAD,
            contact=Contact.objects.create(phone=f"+62812000000{i}", whatsapp_consent_at=now),
            key=f"wa{i}",
        )[0]
        for i in range(3)
    ]
    sms_contact = Contact.objects.create(phone="+6281300000001", sms_consent_at=now)
    (sms_row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=sms_contact, key="sms")
    states = [services.notification_send(notification_id=row.pk) for row in wa_rows]
    # The first waits for the timeout; the channel is then paused: the others wait without a call.
    assert states == ["pending", None, None] and len(whatsapp_api.requests) == 1
    assert all(Notification.objects.get(pk=r.pk).state == "pending" for r in wa_rows)
    assert services.notification_send(notification_id=sms_row.pk) == "sent" and len(sms_gateway.requests) == 1
