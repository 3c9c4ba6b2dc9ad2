"""IKM owners are told (through the notification outbox): shop verified/suspended, certificates expiring, inquiries."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.notifications.models import Notification
from ikm import services
from ikm.models import Certification

from .conftest import make_shop

pytestmark = pytest.mark.django_db


def events(source):
    return sorted(
        Notification.objects.filter(source_model=source._meta.label_lower, source_id=str(source.pk)).values_list(
            "event", flat=True
        )
    )


def test_shop_verified_and_suspended_are_notified_to_the_owner(owner):
    shop = make_shop(owner)  # verified by the helper
    services.shop_suspend(shop=shop, reason="Foto produk milik toko lain")
    assert events(shop) == ["ikm_shop_suspended", "ikm_shop_verified"]
    row = Notification.objects.get(event="ikm_shop_suspended")
    assert row.to == owner.email and "Foto produk milik toko lain" in row.text


@pytest.mark.parametrize("days_left,threshold", [(55, 60), (30, 30), (6, 7)])
def test_certificate_expiring_is_notified_once_per_threshold(shop, days_left, threshold):
    today = timezone.localdate()
    cert = Certification.objects.create(
        shop=shop, kind="halal", number="ID123", expires_on=today + datetime.timedelta(days=days_left)
    )
    assert services.certifications_expiry_notify(today=today) == 1
    assert services.certifications_expiry_notify(today=today) == 0
    row = Notification.objects.get(event="ikm_certificate_expiring")
    assert row.dedupe_key.startswith(f"ikm_certificate_expiring:ikm.certification:{cert.pk}:{threshold}:")
    assert f"{days_left} hari lagi" in row.text


def test_a_certificate_far_from_expiry_is_not_notified(shop):
    Certification.objects.create(
        shop=shop, kind="pirt", number="P1", expires_on=timezone.localdate() + datetime.timedelta(days=200)
    )
    assert services.certifications_expiry_notify() == 0


def test_new_inquiry_is_notified_to_the_owner(product):
    inquiry = services.inquiry_create(
        product=product, buyer_name="Budi", buyer_phone="081234567890", quantity=7, message="Ready?"
    )
    assert events(inquiry) == ["ikm_inquiry_new"]


@pytest.fixture
def _no_quiet_hours(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # these events are not urgent; the tests run at any hour


@pytest.mark.usefixtures("_no_quiet_hours")
def test_expiry_reminders_at_60_30_and_7_days_are_sent_once_each(shop):
    expires_on = timezone.localdate() + datetime.timedelta(days=90)
    cert = Certification.objects.create(shop=shop, kind="halal", number="ID-60-30-7", expires_on=expires_on)
    sent = []
    for days_left in (90, 61, 60, 45, 31, 30, 20, 8, 7, 3, 1, 0, -5):
        today = expires_on - datetime.timedelta(days=days_left)
        first, second = (services.certifications_expiry_notify(today=today) for _run in range(2))
        assert second == 0  # run twice: the second run sends nothing
        sent += [days_left] * first
    assert sent == [60, 30, 7]
    keys = sorted(
        Notification.objects.filter(event="ikm_certificate_expiring", source_id=str(cert.pk)).values_list(
            "dedupe_key", flat=True
        )
    )
    thresholds = sorted(key.split(":")[3] for key in keys)
    assert thresholds == ["30", "60", "7"]
    assert {row.state for row in Notification.objects.filter(event="ikm_certificate_expiring")} <= {
        "pending",
        "sent",
        "sending",
    }


@pytest.mark.usefixtures("_no_quiet_hours")
def test_verifying_in_the_admin_tells_the_owner_once_and_restoring_tells_again(client, owner, alice):
    shop = make_shop(owner, verified=False)
    shop.status = "menunggu"
    shop.save(update_fields=["status"])
    client.force_login(alice)
    client.post(
        "/admin/ikm/shop/",
        {"action": "verify_shops", "_selected_action": [shop.pk], "apply": "1", "reason": ""},
    )
    assert events(shop) == ["ikm_shop_verified"]
    # The copy in memory still says "menunggu" (a review page opened before the admin's verification):
    # verifying it again changes nothing and sends nothing.
    services.shop_verify(shop=shop)
    assert events(shop) == ["ikm_shop_verified"]
    services.shop_suspend(shop=shop, reason="NIB tidak cocok")
    services.shop_suspend(shop=shop, reason="NIB tidak cocok")  # a repeated click
    services.shop_restore(shop=shop)
    assert events(shop) == ["ikm_shop_suspended", "ikm_shop_verified", "ikm_shop_verified"]
