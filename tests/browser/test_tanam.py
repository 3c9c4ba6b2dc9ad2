"""Journey: a citizen registers a planting on the map with a photo; Diskominfo verifies it in the
admin; the pin appears on the public map and the kecamatan's cover figure changes (real worker)."""

import io
import re
import time

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.celery]


@pytest.fixture
def tanam_data(transactional_db):
    from django.core.management import call_command

    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    services.cover_refresh()  # stored figures exist (all zero) before the journey
    return Desa.objects.select_related("kecamatan").order_by("code").first()


def _photo_bytes():
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 140, 70)).save(out, "JPEG")
    return out.getvalue()


def _tap_map_at(page, map_name, lat, lon):
    """Tap the Leaflet map where (lat, lon) is drawn, like a finger would."""
    page.wait_for_function(f"() => window['leafletmap{map_name}'] !== undefined")
    xy = page.evaluate(
        """([name, lat, lon]) => {
            const map = window["leafletmap" + name];
            map.setView([lat, lon], 16, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]);
            return [p.x, p.y];
        }""",
        [map_name, lat, lon],
    )
    box = page.locator(f"#{map_name}").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def _kecamatan_cover_row(page, name):
    page.goto("/tanam/tutupan/")
    return page.get_by_role("row", name=re.compile(name)).inner_text()


def _sign_in(page, user, password):
    page.goto("/akun/masuk/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_register_verify_and_see_on_map_and_cover(page, tanam_data, celery_worker, bob, alice, password):
    desa = tanam_data
    point = desa.geom.point_on_surface
    before = _kecamatan_cover_row(page, desa.kecamatan.name)

    # 1. The citizen taps the map, picks a species, uploads a photo.
    _sign_in(page, bob, password)
    page.goto("/tanam/daftar/")
    _tap_map_at(page, "register-map", point.y, point.x)
    assert abs(float(page.get_by_label("Lintang").input_value()) - point.y) < 0.0005  # the pin is where we tapped
    page.get_by_label("Cari spesies").fill("trembesi")
    species = page.get_by_role("combobox", name="Spesies")
    assert species.input_value()  # the search already picked the first match
    species.select_option(label="Trembesi (Samanea saman)")
    page.get_by_label("Jumlah pohon di titik ini").fill("3")
    page.get_by_label("Tanggal tanam").fill("2020-01-15")
    page.get_by_label("Foto").set_input_files({"name": "pohon.jpg", "mimeType": "image/jpeg", "buffer": _photo_bytes()})
    page.get_by_role("button", name="Kirim pendaftaran").click()
    page.wait_for_load_state()
    assert "Penanaman tercatat dan menunggu verifikasi" in page.locator(".messages").inner_text()
    row = page.get_by_role("row", name=re.compile("Trembesi"))
    assert "Menunggu verifikasi" in row.inner_text()
    assert desa.name in row.inner_text()

    # 2. Diskominfo verifies it in the admin.
    with page.expect_navigation():  # signing out first forgets the offline copies, then navigates
        page.locator("form[action*='keluar'] button").click()
    _sign_in(page, alice, password)
    page.goto("/admin/tanam/planting/")
    page.locator("input[name='_selected_action']").first.check()
    page.locator("select[name='action']").select_option("verify_selected")
    page.locator("button[name='index'], input[name='index']").first.click()
    page.wait_for_load_state()
    assert "1 penanaman diverifikasi" in page.content()

    # 3. The worker refreshes the map cells and the cover; the public sees both.
    page.goto("/tanam/")
    page.wait_for_function("() => window['leafletmaptanam-map'] !== undefined")
    page.evaluate(
        "([lat, lon]) => window['leafletmaptanam-map'].setView([lat, lon], 18, {animate: false})", [point.y, point.x]
    )
    pin = page.locator(".leaflet-marker-pane .tanam-pin")
    pin.first.wait_for(timeout=20_000)
    pin.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    assert "Trembesi" in popup.inner_text()
    assert "3 pohon" in popup.inner_text()
    # The verified planting's photo loads for the public (its published copy, or the view while it is made).
    popup.locator("img").evaluate("img => img.decode()")
    assert popup.locator("img").evaluate("img => img.naturalWidth") > 0

    deadline = time.monotonic() + 30
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.5)
        after = _kecamatan_cover_row(page, desa.kecamatan.name)
    assert after != before
    assert re.search(r"\b3\b", after)  # three living trees in the table row


def test_use_my_location_warns_about_poor_accuracy(browser, live_server, tanam_data, bob, password):
    desa = tanam_data
    point = desa.geom.point_on_surface
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 412, "height": 860},
        locale="id-ID",
        geolocation={"latitude": point.y, "longitude": point.x, "accuracy": 45},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        _sign_in(page, bob, password)
        page.goto("/tanam/daftar/")
        page.wait_for_function("() => window['leafletmapregister-map'] !== undefined")
        page.get_by_role("button", name="Gunakan lokasi saya").click()
        note = page.locator("#location-note")
        note.filter(has_text="45 m").wait_for()
        assert "lebih dari 30 m" in note.inner_text()
        assert abs(float(page.get_by_label("Lintang").input_value()) - point.y) < 1e-5
        page.get_by_role("combobox", name="Spesies").select_option(label="Mahoni (Swietenia macrophylla)")
        page.get_by_label("Tanggal tanam").fill("2024-02-01")
        page.get_by_role("button", name="Kirim pendaftaran").click()
        page.wait_for_load_state()
        messages = page.locator(".messages").inner_text()
        assert "Akurasi GPS 45 m" in messages
        assert "menunggu verifikasi" in messages
    finally:
        context.close()
