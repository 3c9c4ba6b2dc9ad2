"""Web Push through the outbox: one row per subscribed device of the account; a 410 removes the device."""

import json

import pytest

from blitar_portal.notifications import services
from blitar_portal.notifications.models import Notification, PushSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # these events are not urgent; the tests run at any hour


PAYLOAD = {"shop": "Keripik Bu Sri", "url": "http://127.0.0.1:8000/ikm/toko-saya/"}


def subscribe(push_service, user):
    browser = push_service.subscribe()
    subscription, _created = services.push_subscribe(
        endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"], auth=browser["keys"]["auth"], user=user
    )
    return subscription


def test_a_subscribed_device_gets_the_message_encrypted(push_service, bob):
    subscription = subscribe(push_service, bob)
    rows = services.notify(event="ikm_shop_verified", payload=PAYLOAD, user=bob)
    (push_row,) = [r for r in rows if r.channel == "push"]
    assert push_row.to == str(subscription.pk)
    assert services.notification_send(notification_id=push_row.pk) == "sent"
    (call,) = push_service.requests
    body = json.loads(call.extra["plaintext"])
    assert call.extra["vapid_ok"] and body["title"] == "Toko Keripik Bu Sri diverifikasi"
    assert body["url"] == PAYLOAD["url"]


def test_a_gone_device_is_removed_and_the_row_failed(push_service, bob):
    subscribe(push_service, bob)
    (push_row,) = [
        r for r in services.notify(event="ikm_shop_verified", payload=PAYLOAD, user=bob) if r.channel == "push"
    ]
    push_service.answer_next(410)
    assert services.notification_send(notification_id=push_row.pk) == "failed"
    assert not PushSubscription.objects.exists()


def test_the_stop_link_removes_the_devices_too(push_service, bob):
    subscribe(push_service, bob)
    (push_row,) = [
        r for r in services.notify(event="ikm_shop_verified", payload=PAYLOAD, user=bob) if r.channel == "push"
    ]
    services.contact_stop_all(contact=push_row.contact)
    assert not PushSubscription.objects.exists()
    assert Notification.objects.get(pk=push_row.pk).state == "cancelled"
