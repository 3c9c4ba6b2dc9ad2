"""The dashboard's "Notifikasi" tab shows the delivery rate per channel and per event."""

import re

import pytest
from django.utils import timezone

from blitar_portal.dashboard.services import summaries_refresh
from blitar_portal.notifications import services
from blitar_portal.notifications.models import Contact, Notification

pytestmark = pytest.mark.django_db

PAYLOAD = {"code": "ABCD234567", "hospital": "RS", "date": "01-12-2026", "url": "http://x/"}


def rows(states, event="ehealth_request_received"):
    contact = Contact.objects.create(email="siti@contoh.id", email_consent_at=timezone.now())
    for i, state in enumerate(states):
        (row,) = services.notify(event=event, payload=PAYLOAD, contact=contact, key=f"{event}{i}")
        Notification.objects.filter(pk=row.pk).update(state=state)


def test_delivery_rate_per_channel_and_event(client, alice):
    rows(["sent", "delivered", "read", "failed"])  # 3 of 4 reached: 75 %
    rows(["sent", "pending", "cancelled"], event="ikm_inquiry_new")  # waiting/cancelled do not count: 100 %
    summaries_refresh(trigger="test")
    client.force_login(alice)
    html = client.get("/dasbor/notifikasi/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Tingkat terkirim email 80 %" in text  # 4 of 5 finished e-mails reached
    assert "email / ehealth_request_received 3 2 1 75" in text  # lib/l10n: no trailing ",0"
    assert "email / ikm_inquiry_new 1 0 0 100" in text


def test_the_tab_is_for_staff_only(client, bob):
    client.force_login(bob)
    assert client.get("/dasbor/notifikasi/").status_code in (403, 404)
