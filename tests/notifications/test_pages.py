"""The "Notifikasi" page (channels, topics, quiet hours) and the staff's outbox admin with "Kirim ulang"."""

import pytest
from django.core import mail
from django.utils import timezone

from blitar_portal.notifications import services
from blitar_portal.notifications.models import Contact, Notification

pytestmark = pytest.mark.django_db

PAYLOAD = {"code": "ABCD234567", "hospital": "RS", "date": "01-12-2026", "url": "http://x/"}


def test_the_page_needs_a_sign_in(client):
    response = client.get("/notifikasi/pengaturan/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_the_profile_links_the_page(client, bob):
    client.force_login(bob)
    assert 'href="/notifikasi/pengaturan/"' in client.get("/akun/profil/").content.decode()


def test_a_person_gives_a_number_with_whatsapp_consent_and_topics(client, bob):
    client.force_login(bob)
    response = client.post(
        "/notifikasi/pengaturan/",
        {
            "phone": "0812-3456-7890",
            "whatsapp": "on",
            "email": "on",
            "topics": ["tanam"],
            "language": "en",
            "quiet_hours": "22:00-05:00",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(user=bob)
    assert contact.phone == "+6281234567890" and contact.whatsapp_consent_at and not contact.sms_consent_at
    assert contact.topics == ["tanam"] and contact.language == "en" and contact.quiet_hours == "22:00-05:00"
    assert contact.email == bob.email and contact.email_consent_at


def test_a_new_number_drops_the_consent_given_for_the_old_one(bob):
    contact = services.contact_record(user=bob, phone="081234567890", consents=["whatsapp"])
    first = contact.whatsapp_consent_at
    same = services.contact_record(user=bob, phone="+6281234567890", consents=["whatsapp"])
    assert same.whatsapp_consent_at == first  # same number: the original moment stays
    moved = services.contact_record(user=bob, phone="081399998888", consents=[])
    assert moved.whatsapp_consent_at is None


def test_whatsapp_without_a_number_is_a_clear_error(client, bob):
    client.force_login(bob)
    response = client.post("/notifikasi/pengaturan/", {"whatsapp": "on", "language": "id"})
    assert response.status_code == 200 and "Isi nomor WhatsApp/HP" in response.content.decode()


def test_a_bad_number_is_a_clear_error(client, bob):
    client.force_login(bob)
    response = client.post("/notifikasi/pengaturan/", {"phone": "12ab", "language": "id"})
    assert response.status_code == 200 and "Nomor telepon hanya boleh berisi angka" in response.content.decode()


def failed_row(key=""):
    contact = Contact.objects.create(email="siti@contoh.id", email_consent_at=timezone.now())
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact, key=key)
    Notification.objects.filter(pk=row.pk).update(state="failed", attempts=6, last_error="SMTP down")
    return row


def test_admin_lists_the_outbox_masked_and_filters_by_channel_state_event(client, alice):
    row = failed_row()
    client.force_login(alice)
    html = client.get("/admin/notifications/notification/?channel=email&state=failed").content.decode()
    assert "s***@contoh.id" in html and "siti@contoh.id" not in html and "ehealth_request_received" in html
    assert client.get(f"/admin/notifications/notification/{row.pk}/change/").status_code == 200


def test_admin_retry_sends_a_failed_message_again(client, alice):
    row = failed_row()
    client.force_login(alice)
    response = client.post(
        "/admin/notifications/notification/", {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )
    assert "1 notifikasi dikirim ulang." in response.content.decode()
    row.refresh_from_db()
    assert row.state == "pending" and row.attempts == 0
    assert services.notification_send(notification_id=row.pk) == "sent" and len(mail.outbox) == 1


def test_a_clerk_does_not_see_the_outbox(client, charlie):
    charlie.is_staff = True
    charlie.save()
    client.force_login(charlie)
    assert client.get("/admin/notifications/notification/").status_code == 403


def test_retention_deletes_finished_rows_and_keeps_waiting_ones(settings):
    import datetime

    from blitar_portal.core.services import retention_apply

    settings.NOTIFICATIONS_RETENTION_DAYS = 30
    old_sent, old_pending = failed_row("a"), failed_row("b")
    Notification.objects.filter(pk=old_sent.pk).update(
        state="sent", created_at=timezone.now() - datetime.timedelta(days=31)
    )
    Notification.objects.filter(pk=old_pending.pk).update(
        state="pending", created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert retention_apply()["notifications"] == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [old_pending.pk]
