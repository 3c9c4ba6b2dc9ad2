"""Phone-first pages at 360 px (issue 16, point 5): a planting form sent with a bad location keeps
its photo and shows the message at the location; the bed board shows free critical-care beds
and the booking tracker within the first screens."""

import io

import pytest
from PIL import Image

from tanam.models import Planting
from tests.ehealth.conftest import make_hospital, set_beds

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tanam_data(transactional_db):
    from django.core.management import call_command

    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    return Desa.objects.select_related("kecamatan").order_by("code").first()


def _photo_bytes():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 140, 70)).save(out, "JPEG")
    return out.getvalue()


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_planting_with_a_bad_location_keeps_the_photo_and_shows_the_message_at_the_location(
    phone, tanam_data, bob, password
):
    page = phone
    point = tanam_data.geom.point_on_surface
    page.goto("/akun/masuk/")
    page.locator("#id_username").fill(bob.username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    page.goto("/tanam/daftar/")
    page.get_by_label("Lintang").fill("-6.2000")  # Jakarta: outside the regency
    page.get_by_label("Bujur").fill("106.8166")
    page.get_by_role("combobox", name="Spesies").select_option(label="Mahoni (Swietenia macrophylla)")
    page.get_by_label("Jumlah pohon di titik ini").fill("4")
    page.get_by_label("Tanggal tanam").fill("2024-03-10")
    page.locator("#id_photo").set_input_files({"name": "pohon.jpg", "mimeType": "image/jpeg", "buffer": _photo_bytes()})
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim pendaftaran").click()

    # The message stands at the location field, inside the map's fieldset, not above the form.
    error = page.locator("#id_lat_error")
    assert "di luar Kabupaten Blitar" in error.inner_text()
    assert page.locator("fieldset", has=page.locator("#register-map")).locator("#id_lat_error").count() == 1
    lat_box, error_box = page.get_by_label("Lintang").bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (lat_box["y"] + lat_box["height"]) < 120  # right under its input
    assert page.get_by_label("Lintang").get_attribute("aria-invalid") == "true"
    assert page.locator(".form-errors").count() == 0
    # Every value is kept; the photo is shown as chosen, with its thumbnail.
    assert page.get_by_label("Jumlah pohon di titik ini").input_value() == "4"
    held = page.get_by_test_id("held-photo")
    assert "Foto sudah dipilih" in held.inner_text() and "pohon.jpg" in held.inner_text()
    assert held.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert _no_sideways_scroll(page)

    # Correct the location only: the photo need not be chosen again.
    page.get_by_label("Lintang").fill(f"{point.y:.6f}")
    page.get_by_label("Bujur").fill(f"{point.x:.6f}")
    assert page.locator("#id_photo").evaluate("input => input.files.length") == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim pendaftaran").click()
    assert "Penanaman tercatat" in page.locator(".messages").inner_text()
    planting = Planting.objects.get(user=bob)
    assert planting.photo and planting.tree_count == 4


@pytest.fixture
def beds(transactional_db):
    for i, slug in enumerate(("rsud-wlingi", "rsud-srengat", "rs-garum", "rs-kanigoro")):
        hospital = make_hospital(slug, f"RS Uji {slug}", kecamatan_slug=slug.split("-")[1])
        set_beds(hospital, {("KELAS_3", ""): (20, 5), ("VIP", ""): (4, 1), ("ICU", ""): (6, i % 2)})


def test_board_critical_care_and_tracking_within_the_first_screens(phone, beds):
    page = phone
    page.goto("/kesehatan/")
    critical = page.get_by_test_id("critical-care")
    heading = critical.get_by_role("heading", name="ICU/HCU/NICU kosong sekarang")
    assert heading.bounding_box()["y"] + heading.bounding_box()["height"] <= PHONE["height"]  # first screen
    assert critical.get_by_role("link", name="RS Uji rsud-srengat").is_visible()
    code = page.get_by_label("Kode booking")
    box = code.bounding_box()
    assert box["y"] + box["height"] <= 1.5 * PHONE["height"]  # a short scroll at most
    assert page.locator("#board-filters-chips").get_by_role("link", name="ICU", exact=True).is_visible()
    assert _no_sideways_scroll(page)
