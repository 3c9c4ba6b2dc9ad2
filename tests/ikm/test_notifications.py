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
