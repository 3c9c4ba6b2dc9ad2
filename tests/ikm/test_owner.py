"""Toko Saya: registration, shop/product forms, and that owners reach only their own objects."""

import pytest
from django.contrib.auth import get_user_model

from blitar_portal.accounts.roles import IKM_OWNER
from ikm import services
from ikm.models import Certification, GrowthReport, Inquiry, Product, ProductPhoto, Shop

from .conftest import fresh_ip, upload

XSS = "<img src=x onerror=alert(1)>"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/ikm/toko-saya/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_register_as_owner_creates_account_with_role(client, db):
    response = client.post(
        "/ikm/toko-saya/daftar/",
        {
            "username": "pemilikbaru",
            "first_name": "Pemilik Baru",
            "email": "baru@contoh.id",
            "password1": "Kata-Sandi-Kuat-2026",
            "password2": "Kata-Sandi-Kuat-2026",
            "consent": "on",
        },
        REMOTE_ADDR=fresh_ip(),
    )
    assert response.status_code == 302 and response["Location"] == "/ikm/toko-saya/profil/"
    user = get_user_model().objects.get(username="pemilikbaru")
    assert user.groups.filter(name=IKM_OWNER).exists()


def test_citizen_without_role_is_offered_registration(client, bob):
    client.force_login(bob)
    assert client.get("/ikm/toko-saya/")["Location"] == "/ikm/toko-saya/daftar/"
    client.post("/ikm/toko-saya/daftar/", REMOTE_ADDR=fresh_ip())
    assert bob.groups.filter(name=IKM_OWNER).exists()


def _shop_post(**overrides):
    from blitar_portal.regions.models import Kecamatan

    data = {
        "name": "Keripik Bu Sri",
        "story": "Sejak 1998.",
        "kecamatan": Kecamatan.objects.get(name__iexact="Kanigoro").pk,
        "address": "Jl. Raya Kanigoro 12",
        "location": "",
        "whatsapp": "0812 3456 7890",
        "nib": "1234567890123",
        "kbli_sector": "10",
        "legal_form": "perseorangan",
        "year_founded": "1998",
        "workers": "4",
        "monthly_capacity": "2000",
        "capacity_unit": "bungkus",
        "marketplace_links": "https://www.tokopedia.com/keripikbusri",
    }
    data.update(overrides)
    return data


def test_owner_creates_shop_through_the_form(client, owner):
    client.force_login(owner)
    response = client.post(
        "/ikm/toko-saya/profil/",
        _shop_post(location='{"type": "Point", "coordinates": [112.2, -8.1]}', logo=upload("logo.png")),
    )
    assert response.status_code == 302
    shop = Shop.objects.get(owner=owner)
    assert shop.whatsapp == "6281234567890"
    assert shop.status == Shop.Status.DRAFT
    assert shop.marketplace_links == ["https://www.tokopedia.com/keripikbusri"]
    assert shop.logo.name.startswith("ikm/logo/") and shop.logo.name.endswith(".jpg")
    body = client.get("/ikm/toko-saya/").content.decode()
    assert "Draf: lengkapi profil dan produk" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nib", "12345", "NIB harus terdiri dari 13 digit angka."),
        ("whatsapp", "021-5551234", "Masukkan nomor HP/WhatsApp"),
        ("location", '{"type": "Point", "coordinates": [106.8, -6.2]}', "wilayah Kabupaten Blitar"),
        ("marketplace_links", "bukan tautan", "Tautan marketplace tidak valid"),
        ("logo", "not-an-image", "Berkas bukan foto JPEG, PNG, atau WebP."),
    ],
)
def test_bad_shop_input_is_explained_and_nothing_saved(client, owner, field, value, message):
    client.force_login(owner)
    if field == "logo":
        value = upload("logo.jpg", data=b"%PDF-1.4 not an image")
    response = client.post("/ikm/toko-saya/profil/", _shop_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Shop.objects.exists()


def _product_post(**overrides):
    from ikm.models import Category

    data = {
        "name": "Keripik Tempe Sagu",
        "category": Category.objects.get(slug="keripik-camilan").pk,
        "description": "Renyah.",
        "price": "15000",
        "unit": "bungkus",
        "min_order": "10",
        "monthly_capacity": "500",
        "stock_status": "tersedia",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_owner_adds_and_edits_a_product(client, owner, shop):
    client.force_login(owner)
    response = client.post("/ikm/toko-saya/produk/baru/", _product_post())
    product = Product.objects.get(shop=shop)
    assert response["Location"] == f"/ikm/toko-saya/produk/{product.pk}/"
    client.post(f"/ikm/toko-saya/produk/{product.pk}/", _product_post(price="", price_negotiable="on"))
    product.refresh_from_db()
    assert product.price is None and product.price_negotiable


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-5000", "Pastikan nilai ini lebih besar dari atau sama dengan 0."),
        ("99999999999", "Pastikan nilai ini lebih kecil dari atau sama dengan"),
        ("15,5", "Harga harus berupa angka bulat"),
        ("15.5", "Harga harus berupa angka bulat"),
        ("lima ribu", "Harga harus berupa angka bulat"),
        ("", "atau centang"),
    ],
)
def test_bad_prices_in_the_form(client, owner, shop, price, message):
    client.force_login(owner)
    response = client.post("/ikm/toko-saya/produk/baru/", _product_post(price=price))
    assert message in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize("typed", ["15.000", "Rp 15.000", "15000", "rp15.000"])
def test_prices_typed_the_indonesian_way(client, owner, shop, typed):
    client.force_login(owner)
    client.post("/ikm/toko-saya/produk/baru/", _product_post(price=typed))
    assert Product.objects.get().price == 15000


def test_suspended_owner_sees_why(client, owner, shop):
    services.shop_suspend(shop=shop, reason="Foto produk bukan milik Anda.")
    client.force_login(owner)
    body = client.get("/ikm/toko-saya/").content.decode()
    assert "Ditangguhkan oleh Diskominfo" in body
    assert "Foto produk bukan milik Anda." in body


def test_owner_submits_for_verification(client, owner):
    from .conftest import make_product, make_shop

    shop = make_shop(owner, verified=False)
    make_product(shop)
    client.force_login(owner)
    client.post("/ikm/toko-saya/ajukan/")
    shop.refresh_from_db()
    assert shop.status == Shop.Status.PENDING


def test_inbox_lists_inquiries_and_changes_status(client, owner, product):
    inquiry = services.inquiry_create(
        product=product, buyer_name="Budi", buyer_phone="081234567891", quantity=3, message="Masih ada?"
    )
    client.force_login(owner)
    body = client.get("/ikm/toko-saya/pesan/").content.decode()
    assert "Budi" in body and "Masih ada?" in body
    client.post(f"/ikm/toko-saya/pesan/{inquiry.pk}/status/", {"status": "dibalas"})
    inquiry.refresh_from_db()
    assert inquiry.status == "dibalas"


def test_stats_show_views_clicks_and_inquiries(client, owner, product):
    services.product_stat_increment(product_id=product.pk, field="views")
    services.product_stat_increment(product_id=product.pk, field="views")
    services.product_stat_increment(product_id=product.pk, field="wa_clicks")
    client.force_login(owner)
    body = client.get("/ikm/toko-saya/statistik/").content.decode()
    assert "2 kali dilihat · 1 klik WhatsApp · 0 pesan" in body


def test_growth_report_is_filed(client, owner, shop):
    client.force_login(owner)
    client.post(
        "/ikm/toko-saya/laporan/",
        {
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "output": "12000",
            "capacity": "2500",
            "unit": "bungkus",
            "workers": "6",
            "omzet": "90000000",
            "notes": XSS,
        },
    )
    report = GrowthReport.objects.get(shop=shop)
    assert report.omzet == 90_000_000
    body = client.get("/ikm/toko-saya/laporan/").content.decode()
    assert "Rp 90.000.000" in body


def test_certification_added_and_removed(client, owner, shop):
    client.force_login(owner)
    client.post("/ikm/toko-saya/sertifikat/", {"kind": "halal", "number": "ID351100012", "expires_on": "2030-01-01"})
    cert = Certification.objects.get(shop=shop)
    assert "ID351100012" in client.get("/ikm/toko-saya/sertifikat/").content.decode()
    client.post(f"/ikm/toko-saya/sertifikat/{cert.pk}/hapus/")
    assert not Certification.objects.exists()


# --- another owner's objects are 404 everywhere -------------------------------------------------


@pytest.fixture
def others(other_product):
    photo = ProductPhoto.objects.create(product=other_product, original="ikm/originals/test-other.jpg", status="ready")
    inquiry = services.inquiry_create(
        product=other_product, buyer_name="Rahasia", buyer_phone="081234567892", quantity=1, message="rahasia"
    )
    cert = services.certification_save(shop=other_product.shop, kind="sni", number="SNI-1", expires_on=None)
    return {"product": other_product, "photo": photo, "inquiry": inquiry, "cert": cert}


def test_other_owners_objects_are_404_in_every_view(client, owner, shop, others):
    client.force_login(owner)
    p, ph, inq, cert = others["product"].pk, others["photo"].pk, others["inquiry"].pk, others["cert"].pk
    gets = [f"/ikm/toko-saya/produk/{p}/", f"/ikm/toko-saya/foto/{ph}/asli/"]
    posts = [
        (f"/ikm/toko-saya/produk/{p}/", _product_post(name="Dibajak")),
        (f"/ikm/toko-saya/produk/{p}/hapus/", {}),
        (f"/ikm/toko-saya/produk/{p}/foto/", {"photo": upload()}),
        (f"/ikm/toko-saya/foto/{ph}/", {"action": "delete"}),
        (f"/ikm/toko-saya/pesan/{inq}/status/", {"status": "selesai"}),
        (f"/ikm/toko-saya/sertifikat/{cert}/hapus/", {}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    others["product"].refresh_from_db()
    assert others["product"].name == "Batik Tulis Kawung"
    assert ProductPhoto.objects.filter(pk=ph).exists()
    assert Inquiry.objects.get(pk=inq).status == "baru"
    assert Certification.objects.filter(pk=cert).exists()


def test_other_owners_inquiries_never_listed(client, owner, shop, others):
    client.force_login(owner)
    assert "Rahasia" not in client.get("/ikm/toko-saya/pesan/").content.decode()
    assert "Batik Tulis Kawung" not in client.get("/ikm/toko-saya/").content.decode()


def test_private_original_is_not_public(client, others, charlie):
    url = f"/ikm/toko-saya/foto/{others['photo'].pk}/asli/"
    assert client.get(url).status_code == 302  # anonymous: login first
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_api_is_read_only_for_everyone(client, owner, shop, product, others):
    client.force_login(owner)
    url = f"/api/v1/ikm/products/{others['product'].slug}/"
    for method in (client.put, client.patch, client.delete):
        assert method(url, {"name": "Dibajak"}, content_type="application/json").status_code in (403, 405)
    others["product"].refresh_from_db()
    assert others["product"].name == "Batik Tulis Kawung"
