"""Catalogue front, product page (price, WhatsApp, inquiry, SEO), shop page."""

import json
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ikm import selectors, services
from ikm.models import Inquiry, ProductPhoto

from .conftest import fresh_ip, make_product

XSS = '<script>alert("x")</script>'


def test_front_page_shows_progress_and_products(client, product):
    body = client.get("/ikm/").content.decode()
    assert "IKM online dari target 1.000" in body
    assert 'aria-valuenow="0"' in body
    assert product.name in body
    assert "Kanigoro" in body


def test_product_page_shows_price_capacity_and_shop(client, product):
    response = client.get(f"/ikm/produk/{product.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rp 15.000 / bungkus" in body
    assert "10 bungkus" in body
    assert "500 bungkus per bulan" in body
    assert "Keripik Bu Sri" in body
    assert "Pesan via WhatsApp" in body
    assert product.stats.get().views == 1


def test_harga_nego_is_shown(client, shop):
    product = make_product(shop, name="Meja Jati", price=None, price_negotiable=True)
    assert "Harga nego" in client.get(f"/ikm/produk/{product.slug}/").content.decode()


def test_certifications_show_their_validity(client, shop, product):
    import datetime

    services.certification_save(shop=shop, kind="halal", number="ID35110001", expires_on=datetime.date(2030, 6, 1))
    services.certification_save(shop=shop, kind="pirt", number="P-IRT 2063505010", expires_on=datetime.date(2020, 1, 1))
    body = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert "berlaku s.d. 1 Juni 2030" in body
    assert "kedaluwarsa 1 Januari 2020" in body


def test_whatsapp_redirect_counts_and_prefills_the_product(client, product):
    response = client.get(f"/ikm/produk/{product.slug}/whatsapp/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://wa.me/6281234567890?text=")
    text = unquote(response["Location"].split("text=")[1])
    assert "Keripik Tempe Sagu" in text and "Halo Keripik Bu Sri" in text
    assert product.stats.get().wa_clicks == 1


def test_inquiry_is_saved_and_owner_is_emailed(client, product, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        f"/ikm/produk/{product.slug}/pesan/",
        {
            "buyer_name": "Budi",
            "buyer_phone": "0856-1234-5678",
            "quantity": 20,
            "message": "Bisa kirim ke Malang?",
            "consent": "on",
        },
        REMOTE_ADDR=fresh_ip(),
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.buyer_phone == "6285612345678" and inquiry.status == "baru"
    body = client.get(response["Location"]).content.decode()
    assert "Pesan Anda sudah terkirim" in body


def test_bad_inquiry_shows_messages_and_saves_nothing(client, product):
    response = client.post(
        f"/ikm/produk/{product.slug}/pesan/",
        {"buyer_name": "", "buyer_phone": "12", "quantity": 0, "message": ""},
        REMOTE_ADDR=fresh_ip(),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nomor telepon" in body
    assert not Inquiry.objects.exists()


def test_inquiry_spam_is_rate_limited(client, product):
    ip = fresh_ip()
    data = {"buyer_name": "Spam", "buyer_phone": "081234567890", "quantity": 1, "message": "beli", "consent": "on"}
    codes = [client.post(f"/ikm/produk/{product.slug}/pesan/", data, REMOTE_ADDR=ip).status_code for _ in range(7)]
    assert codes[:5] == [302] * 5
    assert codes[5:] == [429, 429]
    assert Inquiry.objects.count() == 5


def test_xss_in_every_text_field_is_escaped(client, owner):
    from .conftest import make_shop

    shop = make_shop(owner, name=f"Toko {XSS}", story=XSS, address=XSS, capacity_unit="pcs")
    product = make_product(shop, name=f"Keripik {XSS}", description=XSS, unit="pcs")
    services.inquiry_create(product=product, buyer_name=XSS, buyer_phone="081234567890", quantity=1, message=XSS)
    pages = [
        f"/ikm/produk/{product.slug}/",
        f"/ikm/toko/{shop.slug}/",
        "/ikm/",
        "/ikm/cari/?q=keripik",
        f"/ikm/cari/?q={XSS}",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert XSS not in body, url
    client.force_login(owner)
    for url in ["/ikm/toko-saya/", "/ikm/toko-saya/pesan/", f"/ikm/toko-saya/produk/{product.pk}/"]:
        body = client.get(url).content.decode()
        assert XSS not in body, url


def test_product_page_has_opengraph_and_product_jsonld(client, product):
    body = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert '<meta property="og:type" content="product">' in body
    assert f'<meta property="og:title" content="{product.name} — Keripik Bu Sri">' in body
    match = re.search(r'<script id="product-jsonld" type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Product"
    assert data["name"] == product.name
    assert data["offers"]["price"] == "15000" and data["offers"]["priceCurrency"] == "IDR"


def test_jsonld_cannot_be_broken_out_of(client, shop):
    product = make_product(shop, name="Keripik </script><script>alert(1)</script>")
    body = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert "</script><script>alert(1)" not in body


def _add_ready_photos(product, n):
    for i in range(n):
        ProductPhoto.objects.create(
            product=product,
            position=i,
            original=f"ikm/originals/test-{product.pk}-{i}.jpg",
            status="ready",
            renditions={
                k: {"webp": f"x/{k}.webp", "jpeg": f"x/{k}.jpg", "width": 10, "height": 8}
                for k in ("thumb", "card", "large")
            },
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_product_page_queries_do_not_grow_with_photos(client, product):
    _add_ready_photos(product, 1)
    _queries(client, f"/ikm/produk/{product.slug}/")  # warm up: today's counter row is created once
    before = _queries(client, f"/ikm/produk/{product.slug}/")
    _add_ready_photos(product, 7)
    assert _queries(client, f"/ikm/produk/{product.slug}/") == before


def test_front_and_shop_page_queries_do_not_grow_with_products(client, shop, product, django_assert_max_num_queries):
    _add_ready_photos(product, 2)
    selectors.ikm_target()  # warm up: the target is read once, then cached until Diskominfo changes it
    front_before = _queries(client, "/ikm/")
    shop_before = _queries(client, f"/ikm/toko/{shop.slug}/")
    for i in range(10):
        _add_ready_photos(make_product(shop, name=f"Produk {i}"), 2)
    assert _queries(client, "/ikm/") == front_before
    assert _queries(client, f"/ikm/toko/{shop.slug}/") == shop_before
    with django_assert_max_num_queries(12):
        client.get("/ikm/")


@pytest.mark.parametrize("url_kind", ["product", "shop", "whatsapp"])
def test_suspended_shop_disappears(client, shop, product, url_kind):
    services.shop_suspend(shop=shop, reason="Produk tidak sesuai foto.")
    url = {
        "product": f"/ikm/produk/{product.slug}/",
        "shop": f"/ikm/toko/{shop.slug}/",
        "whatsapp": f"/ikm/produk/{product.slug}/whatsapp/",
    }[url_kind]
    assert client.get(url).status_code == 404


def test_shop_page_lists_products_and_story(client, shop, product):
    body = client.get(f"/ikm/toko/{shop.slug}/").content.decode()
    assert "Keripik tempe rumahan sejak 1998." in body
    assert product.name in body
    assert "1 produk" in body


def test_unverified_shop_is_404(client, db):
    from tests.factories import UserFactory

    from .conftest import make_shop

    shop = make_shop(UserFactory(username="draf2"), verified=False)
    assert client.get(f"/ikm/toko/{shop.slug}/").status_code == 404


def test_product_page_in_english(client, product):
    client.post("/i18n/setlang/", {"language": "en", "next": "/ikm/"})
    body = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert "Order via WhatsApp" in body
    assert "Send a question or an order request" in body
    assert "Rp 15.000 / bungkus" in body


@pytest.mark.parametrize("url", ["/ikm/", "/ikm/cari/?q=keripik", "product", "shop"])
def test_pages_stay_under_100_kb(client, shop, product, url):
    for i in range(30):
        make_product(shop, name=f"Keripik Varian Panjang Sekali Nomor {i}", description="Renyah " * 200)
    url = {"product": f"/ikm/produk/{product.slug}/", "shop": f"/ikm/toko/{shop.slug}/"}.get(url, url)
    assert len(client.get(url).content) < 100_000


def test_owner_is_emailed_about_an_inquiry(product, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # not urgent: would wait for the morning in a night-time run
    inquiry = services.inquiry_create(
        product=product, buyer_name="Budi", buyer_phone="081234567890", quantity=7, message="Ready?"
    )
    from blitar_portal.notifications import services as notification_services
    from blitar_portal.notifications.models import Notification

    row = Notification.objects.get(source_model="ikm.inquiry", source_id=str(inquiry.pk))
    assert notification_services.notification_send(notification_id=row.pk) == "sent"
    assert mail.outbox[-1].to == [product.shop.owner.email]
    assert "Keripik Tempe Sagu" in mail.outbox[-1].subject and "jumlah 7" in mail.outbox[-1].body


def test_inquiry_needs_consent_and_links_the_privacy_notice(client, product):
    html = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert 'name="consent"' in html and 'href="/privasi/"' in html
    response = client.post(
        f"/ikm/produk/{product.slug}/pesan/",
        {"buyer_name": "Budi", "buyer_phone": "081234567890", "quantity": 1, "message": "Ada?"},
        REMOTE_ADDR=fresh_ip(),
    )
    assert response.status_code == 400
    assert "Persetujuan pemrosesan data pribadi wajib dicentang." in response.content.decode()
    assert not Inquiry.objects.exists()
