"""Status e-mails go through the notification outbox and a Celery task; Redis down while submitting
still saves the request."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from blitar_portal.celery import app as celery_app
from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Notification
from ehealth import services
from ehealth.models import Service, ServiceRequest

from .conftest import make_hospital, open_all_week

DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there


def _reset_producers():
    # Producers are pooled per broker URL (kombu.pools): dropping the app's handles makes the
    # next publish use the URL now configured, and leaves the real pool intact for later.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _service():
    hospital = make_hospital("rs-notif", "RS Notifikasi")
    return open_all_week(Service.objects.create(hospital=hospital, name="Poli Umum"))


def _post(client, service):
    return client.post(
        "/kesehatan/permohonan/baru/",
        {
            "service": service.pk,
            "visit_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "name": "Siti Aminah",
            "nik": "3505014101900001",
            "phone": "081234567890",
            "email": "siti@contoh.id",
            "complaint": "Demam",
            "consent": "on",
        },
        follow=True,
    )


@pytest.mark.celery
def test_status_change_email_is_sent_by_a_real_worker(celery_worker):
    service = _service()
    req, _ = services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="Siti",
        nik="3505014101900001",
        phone="081234567890",
        complaint="x",
        consent=True,
        email="siti@contoh.id",
    )
    services.service_request_set_status(service_request=req, status="diterima")
    assert wait_for(lambda: Notification.objects.filter(state="sent").count() == 2)
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("disetujui" in s for s in subjects) and all(m.to == ["siti@contoh.id"] for m in mail.outbox)
    assert f"/kesehatan/permohonan/{req.code}/" in mail.outbox[-1].body


@pytest.mark.celery
def test_redis_down_while_submitting_saves_the_request_and_the_sweep_sends_the_mail_later(client, celery_worker):
    service = _service()
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = DEAD_BROKER
    _reset_producers()
    try:
        response = _post(client, service)
    finally:
        celery_app.conf.broker_url = original
        _reset_producers()
    req = ServiceRequest.objects.get()
    assert response.status_code == 200 and req.code in response.content.decode()
    assert "Email pemberitahuan sedang menunggu dikirim" in response.content.decode()
    assert Notification.objects.get().state == "pending" and mail.outbox == []
    # The broker is back: the beat's sweep task sends what is pending.
    from blitar_portal.notifications.tasks import send_due

    send_due.delay()
    assert wait_for(lambda: Notification.objects.filter(state="sent").exists())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@contoh.id"]
    assert "menunggu dikirim" not in client.get(f"/kesehatan/permohonan/{req.code}/").content.decode()


@pytest.mark.django_db
def test_a_sent_notification_is_never_sent_twice():
    service = _service()
    req, _ = services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="Siti",
        nik="3505014101900001",
        phone="081234567890",
        complaint="x",
        consent=True,
        email="siti@contoh.id",
    )
    outbox = Notification.objects.get(source_id=str(req.pk))
    assert notification_services.notification_send(notification_id=outbox.pk) == "sent"
    assert notification_services.notification_send(notification_id=outbox.pk) is None
    assert notification_services.notifications_send_due() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_email_address_means_no_outbox_row():
    service = _service()
    services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="Siti",
        nik="3505014101900001",
        phone="081234567890",
        complaint="x",
        consent=True,
    )
    assert not Notification.objects.exists()
