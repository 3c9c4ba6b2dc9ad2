"""Diskominfo's review of IKM shops and products: the services (reject a submitted shop back to draft,
verify/reject a product, the review history, the owner told with the reason), the public rule for a
rejected product, duplicates by name or NIB, and the review pages (/dasbor/verifikasi/toko|produk/)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blitar_portal.notifications.models import Notification
from ikm import selectors, services
from ikm.models import Product, ReviewLog, ReviewStatus, Shop
from tests.factories import UserFactory

from .conftest import make_product, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(owner):
    shop = make_shop(owner, verified=False)
    make_product(shop)
    return services.shop_submit(shop=shop)


@pytest.fixture
def staff(client, alice):
    client.force_login(alice)
    return client


def events(event, source):
    return list(Notification.objects.filter(event=event, source_id=str(source.pk)))


def test_rejecting_a_submitted_shop_returns_it_to_draft_and_tells_the_owner_why(submitted, alice):
    services.shop_reject(shop=submitted, user=alice, reason="NIB tidak valid")
    submitted.refresh_from_db()
    assert submitted.status == Shop.Status.DRAFT and submitted.status_reason == "NIB tidak valid"
    (row,) = events("ikm_shop_rejected", submitted)
    assert "NIB tidak valid" in row.text
    actions = list(ReviewLog.objects.filter(shop=submitted).values_list("action", "user__username"))
    assert actions == [("ditolak", "alice"), ("diajukan", "sri")]
    services.shop_submit(shop=submitted)  # the owner fixes it and submits again
    assert Shop.objects.get(pk=submitted.pk).status == Shop.Status.PENDING


def test_shop_reject_needs_a_reason_and_a_pending_shop(submitted, other_shop, alice):
    with pytest.raises(ValidationError):
        services.shop_reject(shop=submitted, user=alice, reason="  ")
    with pytest.raises(ValidationError):
        services.shop_reject(shop=other_shop, user=alice, reason="x")  # already verified
    assert Shop.objects.get(pk=other_shop.pk).status == Shop.Status.VERIFIED


def test_rejected_product_leaves_the_catalogue_until_its_owner_edits_it(product, alice):
    assert product.review_status == ReviewStatus.PENDING
    assert selectors.public_product_rows().filter(pk=product.pk).exists()  # shown while it waits
    services.product_reject(product=product, user=alice, reason="Foto tidak menunjukkan produk")
    assert not selectors.public_product_rows().filter(pk=product.pk).exists()
    (row,) = events("ikm_product_rejected", product)
    assert "Foto tidak menunjukkan produk" in row.text and f"/ikm/toko-saya/produk/{product.pk}/" in row.text
    services.product_update(product=Product.objects.get(pk=product.pk), name="Keripik Tempe Sagu Asli")
    product.refresh_from_db()
    assert product.review_status == ReviewStatus.PENDING
    assert selectors.public_product_rows().filter(pk=product.pk).exists()


def test_product_verify_is_logged_notified_and_only_once(product, alice):
    services.product_verify(product=product, user=alice)
    assert Product.objects.get(pk=product.pk).review_status == ReviewStatus.VERIFIED
    assert len(events("ikm_product_verified", product)) == 1
    assert [r.action for r in selectors.review_log(shop=product.shop, product=product)] == ["diverifikasi"]
    with pytest.raises(ValidationError):
        services.product_verify(product=product, user=alice)


def test_shop_duplicates_by_name_ignoring_case_and_spaces_or_by_nib(shop, other_owner):
    same_name = make_shop(other_owner, name="  keripik  BU sri ", nib="9999999999999")
    third = make_shop(UserFactory(), name="Toko Lain", nib=shop.nib)
    make_shop(UserFactory(), name="Keripik Bu Santi", nib="8888888888888")
    assert {s.pk for s in selectors.shop_duplicates(shop)} == {same_name.pk, third.pk}


def test_shop_queue_page_item_and_decision(staff, submitted, owner):
    html = staff.get("/dasbor/verifikasi/toko/").content.decode()
    assert submitted.name in html and not re.search(r"hapus|delete", html, re.IGNORECASE)
    html = staff.get(f"/dasbor/verifikasi/toko/{submitted.pk}/").content.decode()
    assert 'data-testid="review-history"' in html and "Diajukan" in html
    assert not re.search(r"hapus|delete", html, re.IGNORECASE)
    response = staff.post(f"/dasbor/verifikasi/toko/{submitted.pk}/", {"keputusan": "tolak", "alasan": "nib"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Shop.Status.DRAFT
    assert submitted.status_reason == "NIB tidak valid atau bukan milik usaha ini"


def test_shop_verify_from_the_page_notifies_the_owner(staff, submitted):
    staff.post(f"/dasbor/verifikasi/toko/{submitted.pk}/", {"keputusan": "verifikasi"})
    assert Shop.objects.get(pk=submitted.pk).status == Shop.Status.VERIFIED
    assert len(events("ikm_shop_verified", submitted)) == 1


def test_product_page_reject_without_reason_changes_nothing(staff, product):
    response = staff.post(f"/dasbor/verifikasi/produk/{product.pk}/", {"keputusan": "tolak"})
    assert response.status_code == 400
    assert Product.objects.get(pk=product.pk).review_status == ReviewStatus.PENDING


@pytest.mark.parametrize("kind", ["toko", "produk"])
def test_owners_get_403(client, owner, submitted, kind):
    client.force_login(owner)
    assert client.get(f"/dasbor/verifikasi/{kind}/").status_code == 403


@pytest.mark.parametrize("kind", ["toko", "produk"])
def test_queue_queries_are_constant(staff, kind):
    nibs = iter(range(3505000000001, 3505000000100))  # each shop its own NIB: no shared duplicates

    def add():
        nib = str(next(nibs))  # a NIB is asked for before verification
        shop = make_shop(UserFactory(), verified=False, name=f"Toko {UserFactory().username}", nib=nib)
        make_product(shop)
        services.shop_submit(shop=shop)

    add()
    staff.get(f"/dasbor/verifikasi/{kind}/")
    with CaptureQueriesContext(connection) as few:
        staff.get(f"/dasbor/verifikasi/{kind}/")
    for _ in range(6):
        add()
    with CaptureQueriesContext(connection) as many:
        staff.get(f"/dasbor/verifikasi/{kind}/")
    assert len(many) == len(few)
