"""999 IKM Online in Chromium: an owner opens a shop with four fields, adds a product with three
photos chosen at once, completes the government data, Diskominfo verifies it, a buyer finds it
by a misspelt search and sends an inquiry, the owner reads it in the inbox."""

import io
import re

import pytest
from PIL import Image

from ikm.models import Shop

pytestmark = [pytest.mark.browser, pytest.mark.celery]

OWNER_PASSWORD = "Keripik-Tempe-2026!"


def _photos(tmp_path, count):
    paths = []
    for i in range(count):
        path = tmp_path / f"keripik-{i}.jpg"
        out = io.BytesIO()
        Image.new("RGB", (900, 700), (190, 120 + 30 * i, 40)).save(out, "JPEG")
        path.write_bytes(out.getvalue())
        paths.append(path)
    return paths


def _logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    assert page.get_by_role("link", name="Masuk").first.is_visible()


def _owner_registers_and_builds_shop(page, tmp_path):
    page.goto("/ikm/")
    page.get_by_role("link", name="Punya usaha? Daftarkan toko IKM Anda").click()
    page.locator("#id_username").fill("sriwahyuni")
    page.get_by_label("Nama lengkap").fill("Sri Wahyuni")
    page.locator("#id_email").fill("sri@contoh.id")
    page.locator("#id_password1").fill(OWNER_PASSWORD)
    page.locator("#id_password2").fill(OWNER_PASSWORD)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Daftar sebagai pemilik IKM").click()
    page.wait_for_url("**/ikm/toko-saya/profil/")

    # A shop opens with the four fields a buyer needs; the government data comes later.
    assert page.locator("form.narrow .field:visible").count() == 4
    page.get_by_label("Nama usaha").fill("Keripik Bu Sri")
    page.get_by_label("Apa yang Anda jual").fill("Keripik tempe sagu rumahan sejak 1998.")
    page.get_by_label("Kecamatan").select_option(label="Kanigoro")
    page.get_by_label("Nomor WhatsApp").fill("0812-3456-7890")
    page.get_by_role("button", name="Buka toko").click()
    page.get_by_text("Toko Anda sudah dibuka").wait_for()
    # Asked for verification too early: refused with the list of what is missing.
    page.get_by_role("button", name="Ajukan verifikasi").click()
    refused = page.get_by_text("Toko belum dapat diajukan. Lengkapi dulu:")
    refused.wait_for()
    assert "NIB" in refused.inner_text() and "Sektor KBLI" in refused.inner_text()

    # A product with three photos chosen at once.
    page.get_by_role("link", name="Tambah produk pertama").click()
    page.get_by_label("Nama produk").fill("Keripik Tempe Sagu")
    page.get_by_label("Kategori").select_option(label="Makanan & Minuman › Keripik & camilan")
    page.get_by_label("Deskripsi").fill("Keripik tempe renyah dengan tepung sagu.")
    page.get_by_label("Harga (Rp)").fill("15.000")
    page.get_by_label("Satuan").fill("bungkus")
    page.get_by_label("Pesanan minimum").fill("10")
    page.get_by_label("Foto produk").set_input_files([str(p) for p in _photos(tmp_path, 3)])
    page.get_by_role("button", name="Simpan produk").click()
    page.get_by_text("Produk dan 3 foto sudah disimpan").wait_for()
    page.get_by_role("heading", name="Foto (3 dari 8)").wait_for()
    # The real Celery worker makes the renditions; until then the page says so.
    for _attempt in range(60):
        if page.locator(".ikm-photos img").count() == 3:
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator(".ikm-photos img").first.get_attribute("alt") == "Keripik Tempe Sagu"
    # The shop is a draft: the owner's image comes from the permission-checked view, and loads.
    assert page.locator(".ikm-photos img").first.get_attribute("src").startswith("/ikm/foto/")
    page.wait_for_function("document.querySelector('.ikm-photos img').naturalWidth > 0")

    # The government data, before verification.
    page.get_by_role("link", name="Ringkasan").click()
    page.get_by_role("link", name="Lengkapi data usaha").click()
    page.get_by_label("Alamat").fill("Jl. Raya Kanigoro 12")
    # The pin: Leaflet's draw-marker tool, then a click on the map (no tiles needed).
    page.locator(".leaflet-draw-draw-marker").click()
    page.locator(".leaflet-container").first.click()
    page.get_by_label("NIB").fill("1234567890123")
    page.get_by_label("Sektor KBLI").select_option("10")
    page.get_by_label("Kapasitas produksi per bulan").fill("2000")
    page.get_by_role("button", name="Simpan profil toko").click()
    page.get_by_text("Profil toko sudah disimpan").wait_for()
    assert Shop.objects.get(name="Keripik Bu Sri").location is not None  # the pin was stored

    page.get_by_role("link", name="Ringkasan").click()
    page.get_by_role("button", name="Ajukan verifikasi").click()
    page.get_by_text("Menunggu verifikasi Diskominfo").wait_for()
    _logout(page)


def _sign_in(page, username, password):
    # Not the shared `login` fixture: it looks for the label "Kata sandi", but Django's
    # Indonesian login form says "Sandi" (reported to the lead).
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()


def _diskominfo_verifies(page, alice, password):
    _sign_in(page, alice.username, password)
    page.goto("/admin/ikm/verificationqueue/")
    page.get_by_role("row", name=re.compile("Keripik Bu Sri")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("verify_shops")
    page.locator("button[name=index]").click()
    page.get_by_label("Alasan (dikirim ke pemilik toko)").fill("Data lengkap, NIB cocok dengan OSS.")
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    page.get_by_text("1 toko diperbarui.").wait_for()
    _logout(page)


def _buyer_finds_and_asks(page):
    page.goto("/ikm/")
    page.get_by_label("Cari produk atau toko").fill("kripik tempe")
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("1 produk untuk “kripik tempe”").wait_for()
    page.get_by_role("link", name="Keripik Tempe Sagu").click()
    page.get_by_role("heading", level=1, name="Keripik Tempe Sagu").wait_for()
    assert page.get_by_test_id("price").inner_text() == "Rp 15.000 / bungkus"
    whatsapp = page.get_by_role("link", name="Pesan via WhatsApp")
    assert whatsapp.is_visible() and whatsapp.get_attribute("href").endswith("/whatsapp/")
    photo = page.get_by_role("img", name="Keripik Tempe Sagu").first
    assert photo.is_visible()
    # Verified: the photo is a published copy under a random name, and it loads for a buyer.
    assert photo.get_attribute("src").startswith("/media/ikm/publik/")
    photo.evaluate("img => img.decode()")
    assert photo.evaluate("img => img.naturalWidth") > 0
    page.get_by_label("Nama Anda").fill("Budi Santoso")
    page.get_by_label("Nomor HP/WhatsApp").fill("0856 1234 5678")
    page.get_by_label("Jumlah").fill("50")
    page.get_by_role("textbox", name="Pesan").fill("Bisa kirim 50 bungkus ke Malang minggu depan?")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Kirim pesan").click()
    page.get_by_text("Pesan Anda sudah terkirim ke Keripik Bu Sri.").wait_for()


def test_owner_to_buyer_journey(page, alice, password, celery_worker, tmp_path):
    _owner_registers_and_builds_shop(page, tmp_path)
    _diskominfo_verifies(page, alice, password)
    _buyer_finds_and_asks(page)

    _sign_in(page, "sriwahyuni", OWNER_PASSWORD)
    page.goto("/ikm/toko-saya/")
    assert "Terverifikasi" in page.get_by_test_id("shop-status").inner_text()
    page.get_by_role("link", name="1 pesan baru").click()
    page.get_by_role("heading", name="Pesan masuk").wait_for()
    inbox = page.locator("main").inner_text()
    assert "Budi Santoso" in inbox and "Bisa kirim 50 bungkus ke Malang minggu depan?" in inbox
    assert "Keripik Tempe Sagu — jumlah 50" in inbox
