"""Services: validation of bad input, slugs, status changes, search vectors."""

import pytest
from django.core.exceptions import ValidationError

from ikm import services
from ikm.models import PRICE_MAX, Product, Shop
from tests.factories import UserFactory

from .conftest import make_product, make_shop, shop_data


def test_whatsapp_is_normalised_to_62(owner):
    shop = make_shop(owner, whatsapp="+62 812-3456-7890")
    assert shop.whatsapp == "6281234567890"


@pytest.mark.parametrize("number", ["12345", "0341-123456", "08abc", ""])
def test_bad_whatsapp_is_rejected_and_nothing_saved(owner, number):
    with pytest.raises(ValidationError) as exc:
        services.shop_create(owner=owner, **shop_data(whatsapp=number))
    assert "whatsapp" in exc.value.error_dict
    assert not Shop.objects.exists()


@pytest.mark.parametrize("nib", ["123", "12345678901234", "12345678901ab"])
def test_bad_nib_is_rejected(owner, nib):
    with pytest.raises(ValidationError) as exc:
        services.shop_create(owner=owner, **shop_data(nib=nib))
    assert "NIB harus terdiri dari 13 digit angka." in exc.value.message_dict["nib"]


def test_duplicate_shop_names_get_unique_slugs_that_never_change(owner, other_owner):
    first = make_shop(owner, name="Keripik Bu Sri")
    second = make_shop(other_owner, name="Keripik Bu Sri")
    assert first.slug == "keripik-bu-sri"
    assert second.slug == "keripik-bu-sri-2"
    services.shop_update(shop=first, **shop_data(name="Keripik Tempe Bu Sri"))
    first.refresh_from_db()
    assert first.name == "Keripik Tempe Bu Sri"
    assert first.slug == "keripik-bu-sri"


def test_one_shop_per_owner(owner):
    make_shop(owner)
    with pytest.raises(ValidationError):
        make_shop(owner, name="Toko Kedua")


def test_marketplace_links_must_be_urls(owner):
    with pytest.raises(ValidationError) as exc:
        services.shop_create(owner=owner, **shop_data(marketplace_links=["javascript:alert(1)"]))
    assert "marketplace_links" in exc.value.error_dict


@pytest.mark.parametrize(
    ("price", "field"),
    [(-1, "price"), (PRICE_MAX + 1, "price"), (None, "price")],
)
def test_bad_prices_are_rejected(shop, price, field):
    with pytest.raises(ValidationError) as exc:
        make_product(shop, price=price)
    assert field in exc.value.error_dict
    assert not Product.objects.exists()


def test_harga_nego_needs_no_price(shop):
    product = make_product(shop, price=None, price_negotiable=True)
    assert product.price is None


def test_product_slugs_are_unique_and_stable(shop):
    first = make_product(shop, name="Keripik Tempe")
    second = make_product(shop, name="Keripik Tempe")
    assert first.slug != second.slug
    services.product_update(product=first, name="Keripik Tempe Baru")
    first.refresh_from_db()
    assert first.slug == "keripik-tempe-keripik-bu-sri"


def test_search_vector_follows_product_and_shop_changes(shop, product):
    assert Product.objects.filter(pk=product.pk, search_vector="sagu").exists()
    services.product_update(product=product, name="Keripik Singkong Balado")
    assert Product.objects.filter(pk=product.pk, search_vector="balado").exists()
    services.shop_update(shop=shop, **shop_data(name="Dapur Wahyuni"))
    assert Product.objects.filter(pk=product.pk, search_vector="wahyuni").exists()


def test_suspend_needs_a_reason_and_restore_brings_the_shop_back(shop):
    with pytest.raises(ValidationError):
        services.shop_suspend(shop=shop, reason="  ")
    services.shop_suspend(shop=shop, reason="NIB tidak cocok dengan OSS.")
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUSPENDED
    assert shop.status_reason == "NIB tidak cocok dengan OSS."
    services.shop_restore(shop=shop, reason="Sudah diperbaiki.")
    shop.refresh_from_db()
    assert shop.status == Shop.Status.VERIFIED


def test_submit_needs_a_product(db):
    shop = make_shop(UserFactory(username="baru"), verified=False)
    with pytest.raises(ValidationError):
        services.shop_submit(shop=shop)
    make_product(shop)
    services.shop_submit(shop=shop)
    assert shop.status == Shop.Status.PENDING


def test_inquiry_phone_is_validated(product):
    with pytest.raises(ValidationError) as exc:
        services.inquiry_create(product=product, buyer_name="Budi", buyer_phone="123", quantity=5, message="Halo")
    assert "buyer_phone" in exc.value.error_dict
    inquiry = services.inquiry_create(
        product=product, buyer_name="Budi", buyer_phone="0856 1234 5678", quantity=5, message="Halo"
    )
    assert inquiry.buyer_phone == "6285612345678"
    assert product.stats.get().inquiries == 1


def test_growth_report_rejects_reversed_period(shop):
    import datetime

    with pytest.raises(ValidationError) as exc:
        services.growth_report_create(
            shop=shop,
            period_start=datetime.date(2025, 12, 31),
            period_end=datetime.date(2025, 7, 1),
            output=100,
            capacity=50,
            unit="pcs",
            workers=3,
            omzet=1_000_000,
        )
    assert "period_end" in exc.value.error_dict
