"""The outbox: written with the event, sent once, retried with backoff, quiet hours, rate limit, broker down."""

import datetime
import socket
import time

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from blitar_portal.notifications import services
from blitar_portal.notifications.models import Contact, Notification

from .broker_helpers import broker_unreachable

WIB = datetime.timezone(datetime.timedelta(hours=7))
PAYLOAD = {"code": "ABCD234567", "hospital": "RSUD Ngudi Waluyo", "date": "01-12-2026", "url": "http://x/k/"}


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def email_contact(**fields):
    return Contact.objects.create(email="siti@contoh.id", email_consent_at=timezone.now(), **fields)


def at_wib(hour, minute=0, day=1):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=WIB)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_notify_writes_the_row_in_the_callers_transaction():
    contact = email_contact()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
        assert Notification.objects.count() == 1
        raise RuntimeError("the event is rolled back")
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_no_consent_no_message():
    contact = Contact.objects.create(email="siti@contoh.id", phone="+6281234567890")  # nothing agreed
    assert services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact) == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_consent_withdrawn_after_queueing_cancels_the_message():
    contact = email_contact()
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    contact.email_consent_at = None
    contact.save()
    services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.state == Notification.State.CANCELLED and mail.outbox == []


@pytest.mark.django_db
def test_a_topic_switched_off_sends_nothing():
    contact = email_contact(topics=["ikm"])
    assert services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact) == []


@pytest.mark.django_db
def test_the_same_event_never_creates_two_rows():
    contact = email_contact()
    first = services.notify(event="ehealth_visit_reminder", payload=PAYLOAD, contact=contact, key="2026-12-01")
    again = services.notify(event="ehealth_visit_reminder", payload=PAYLOAD, contact=contact, key="2026-12-01")
    assert len(first) == 1 and again == [] and Notification.objects.count() == 1


@pytest.mark.django_db
def test_every_message_ends_with_a_stop_link_that_works_without_login(client):
    contact = email_contact()
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    stop_url = row.text.splitlines()[-1].split(": ", 1)[1]
    assert stop_url.startswith("http") and "/notifikasi/berhenti/" in stop_url
    path = stop_url.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and b"Berhenti menerima pesan" in page.content
    contact.refresh_from_db()
    assert contact.email_consent_at is not None  # a GET (a link scanner) changes nothing
    client.post(f"/{path}", {"confirm": "True"})
    contact.refresh_from_db()
    row.refresh_from_db()
    assert contact.email_consent_at is None and row.state == Notification.State.CANCELLED
    assert client.get(f"/notifikasi/berhenti/{contact.pk}-0000000000aaaaaaaaaa/").status_code == 404


@pytest.mark.django_db
def test_quiet_hours_delay_a_non_urgent_message_until_they_end():
    contact = email_contact()
    (row,) = services.notify(event="ehealth_visit_reminder", payload=PAYLOAD, contact=contact, now=at_wib(22))
    assert row.next_attempt_at == at_wib(6, day=2)
    assert services.notification_send(notification_id=row.pk, now=at_wib(23)) is None
    assert services.notification_send(notification_id=row.pk, now=at_wib(6, 1, day=2)) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_urgent_message_is_sent_in_quiet_hours():
    contact = email_contact()
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact, now=at_wib(22))
    assert services.notification_send(notification_id=row.pk, now=at_wib(22, 1)) == "sent"


@pytest.mark.django_db
def test_own_quiet_hours_off_sends_at_night():
    contact = email_contact(quiet_hours="off")
    (row,) = services.notify(event="ehealth_visit_reminder", payload=PAYLOAD, contact=contact, now=at_wib(23))
    assert row.next_attempt_at == at_wib(23)


@pytest.mark.django_db
def test_per_recipient_rate_limit_defers_the_extra_message(settings):
    settings.NOTIFICATIONS_RATE_PER_HOUR = 2
    contact = email_contact()
    rows = [
        services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact, key=str(i))[0]
        for i in range(3)
    ]
    states = [services.notification_send(notification_id=row.pk) for row in rows]
    assert states == ["sent", "sent", None] and len(mail.outbox) == 2
    rows[2].refresh_from_db()
    assert rows[2].state == "pending" and rows[2].next_attempt_at > timezone.now() + datetime.timedelta(minutes=50)


@pytest.mark.django_db
def test_a_temporary_failure_is_retried_with_backoff_then_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    contact = email_contact()
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    delays = []
    for _attempt in range(3):
        before = timezone.now()
        state = services.notification_send(notification_id=row.pk, now=before + datetime.timedelta(days=1))
        row.refresh_from_db()
        delays.append(round((row.next_attempt_at - before).total_seconds() / 60))
    assert state == "failed" and row.attempts == 3 and "SMTP" in row.last_error
    assert delays[:2] == [1, 2]  # 60 s, then 120 s (NOTIFICATIONS_RETRY_BASE_SECONDS doubled)


@pytest.mark.celery
def test_a_task_run_twice_sends_once(celery_worker):
    from blitar_portal.notifications.tasks import send

    contact = email_contact()
    with transaction.atomic():
        (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    send.delay(row.pk)
    send.delay(row.pk)  # a redelivered message
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).state == "sent")
    time.sleep(1)  # the second delivery has had time to run too
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=row.pk).attempts == 1


@pytest.mark.celery
def test_broker_down_during_the_event_the_sweep_sends_it_later(celery_worker):
    from blitar_portal.notifications.tasks import send_due

    contact = email_contact()
    with broker_unreachable():
        with transaction.atomic():
            (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    time.sleep(1)
    assert Notification.objects.get(pk=row.pk).state == "pending" and mail.outbox == []
    # The broker is back: the beat's safety net queues what is pending.
    send_due.delay()
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).state == "sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@contoh.id"]
