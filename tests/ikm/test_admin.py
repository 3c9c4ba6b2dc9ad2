"""Diskominfo in the admin: verification queue, verify/suspend/restore with reason, expiry list, CSV."""

import csv
import datetime
import io

from django.utils import timezone

from ikm import services
from ikm.models import Shop
from tests.factories import UserFactory

from .conftest import make_product, make_shop


def _pending_shop():
    shop = make_shop(UserFactory(username="antre"), name="Tenun Antre", verified=False)
    make_product(shop)
    services.shop_submit(shop=shop)
    return shop


def test_queue_lists_pending_shops_only(client, alice, shop):
    pending = _pending_shop()
    client.force_login(alice)
    body = client.get("/admin/ikm/verificationqueue/").content.decode()
    assert pending.name in body
    assert shop.name not in body


def test_alice_verifies_with_an_intermediate_reason_page(client, alice):
    pending = _pending_shop()
    client.force_login(alice)
    url = "/admin/ikm/verificationqueue/"
    confirm = client.post(url, {"action": "verify_shops", "_selected_action": [pending.pk]})
    assert confirm.status_code == 200 and "Verifikasi toko" in confirm.content.decode()
    done = client.post(url, {"action": "verify_shops", "_selected_action": [pending.pk], "apply": "1", "reason": ""})
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Shop.Status.VERIFIED and pending.verified_at is not None


def test_suspend_requires_a_reason(client, alice, shop):
    client.force_login(alice)
    url = "/admin/ikm/shop/"
    data = {"action": "suspend_shops", "_selected_action": [shop.pk], "apply": "1"}
    response = client.post(url, {**data, "reason": ""})
    assert "Alasan wajib diisi." in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == Shop.Status.VERIFIED
    client.post(url, {**data, "reason": "Produk tidak sesuai."})
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUSPENDED and shop.status_reason == "Produk tidak sesuai."
    client.post(url, {"action": "restore_shops", "_selected_action": [shop.pk], "apply": "1", "reason": "OK"})
    shop.refresh_from_db()
    assert shop.status == Shop.Status.VERIFIED


def test_expiring_certifications_within_60_days(client, alice, shop):
    today = timezone.localdate()
    services.certification_save(shop=shop, kind="halal", number="SOON-1", expires_on=today + datetime.timedelta(30))
    services.certification_save(shop=shop, kind="pirt", number="LATER-1", expires_on=today + datetime.timedelta(90))
    services.certification_save(shop=shop, kind="sni", number="PAST-1", expires_on=today - datetime.timedelta(1))
    client.force_login(alice)
    body = client.get("/admin/ikm/expiringcertification/").content.decode()
    assert "SOON-1" in body and "LATER-1" not in body and "PAST-1" not in body


def test_csv_export_in_siinas_fields(client, alice, shop, product):
    services.certification_save(shop=shop, kind="halal", number="ID35-1", expires_on=None)
    evil = make_shop(UserFactory(username="evil"), name='=HYPERLINK("http://x")')
    client.force_login(alice)
    response = client.post("/admin/ikm/shop/", {"action": "export_siinas_csv", "_selected_action": [shop.pk, evil.pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["nama_perusahaan"] == "Keripik Bu Sri")
    assert row["nib"] == "1234567890123"
    assert row["kecamatan"] == "Kanigoro"
    assert row["kbli"] == "10"
    assert row["sertifikat"] == "Halal ID35-1"
    assert row["jumlah_produk"] == "1"
    assert next(r for r in rows if r["nama_perusahaan"].startswith("'="))


def test_citizens_and_owners_cannot_use_the_admin(client, bob, owner):
    for user in (bob, owner):
        client.force_login(user)
        assert client.get("/admin/ikm/shop/").status_code == 302
