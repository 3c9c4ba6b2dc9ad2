"""Chromium: the portal as an installable app that works offline (docs/pwa.md).

Playwright's offline mode (context.set_offline) cuts the page and its service worker off the network.
"""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from ehealth.models import Service
from tests.ehealth.conftest import make_hospital, open_all_week, set_beds
from tests.ehealth.privacy_helpers import make_request

pytestmark = pytest.mark.browser

STAMP = re.compile(r"^Data per \d{2}:\d{2}, Anda sedang offline\.$")


def _controlled(page):
    """Wait until the service worker controls the page (the first visit installs it)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _sign_in(page, user, password):
    page.goto("/akun/masuk/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


@pytest.fixture
def board(transactional_db):
    wlingi = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(wlingi, {("ICU", ""): (7, 2), ("KELAS_3", ""): (12, 3)})
    service = open_all_week(Service.objects.create(hospital=wlingi, name="Poli Anak", daily_quota=20))
    return make_request(service)


@pytest.fixture
def tanam_data(transactional_db):
    from django.core.management import call_command

    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    return Desa.objects.select_related("kecamatan").order_by("code").first()


def test_manifest_is_linked_valid_and_its_icons_load(page):
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href).json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["theme_color"] == page.locator("meta[name=theme-color]").get_attribute("content")
    for icon in manifest["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(response.body())) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert {shortcut["url"] for shortcut in manifest["shortcuts"]} == {"/kesehatan/", "/ikm/", "/tanam/daftar/"}


def test_service_worker_installs_and_controls_the_page(page):
    page.goto("/")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == page.url  # the site root
    _controlled(page)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert page.locator("#pwa-update").is_hidden()  # the first install is not an "update"


def test_offline_the_board_and_a_ticket_show_their_time_and_unknown_pages_the_offline_page(page, board):
    page.goto("/")
    _controlled(page)
    page.goto("/kesehatan/")
    assert page.locator("#offline-banner").is_hidden()  # online: no stamp
    page.goto(f"/kesehatan/permohonan/{board.code}/")
    assert board.code in page.content()

    page.context.set_offline(True)
    page.goto("/kesehatan/")
    banner = page.locator("#offline-banner")
    assert STAMP.match(banner.inner_text())
    assert page.get_by_test_id("hospital-rsud-wlingi").is_visible()
    page.goto(f"/kesehatan/permohonan/{board.code}/")
    assert STAMP.match(page.locator("#offline-banner").inner_text())
    assert board.code in page.locator("main").inner_text().replace("-", "")  # the ticket shows it in groups

    page.goto("/ikm/belum-pernah-dibuka/")
    assert page.get_by_test_id("offline-page").is_visible()
    assert page.get_by_role("heading", name="Anda sedang offline").is_visible()
    assert page.get_by_role("heading", name="You are offline").is_visible()
    saved = page.locator("#offline-saved a").all_inner_texts()
    assert "/kesehatan/" in saved and f"/kesehatan/permohonan/{board.code}/" in saved

    page.context.set_offline(False)
    page.goto("/kesehatan/")
    assert page.locator("#offline-banner").is_hidden()


def test_offline_stamp_in_english_when_chosen(page, board):
    page.goto("/")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    _controlled(page)
    page.goto("/kesehatan/")
    page.context.set_offline(True)
    page.goto("/kesehatan/")
    assert re.match(r"^Data as of \d{2}:\d{2}, you are offline\.$", page.locator("#offline-banner").inner_text())


def test_signing_out_forgets_the_pages_kept_for_offline(page, bob, password):
    _sign_in(page, bob, password)
    page.goto("/tanam/saya/")
    _controlled(page)
    page.goto("/tanam/saya/")
    assert page.evaluate("() => caches.open('pages-v1').then((c) => c.match('/tanam/saya/')).then(Boolean)")
    with page.expect_navigation():  # the copies are deleted first, then the form is sent
        page.get_by_role("button", name="Keluar").click()
    kept = page.evaluate("() => caches.open('pages-v1').then((c) => c.keys()).then((k) => k.map((r) => r.url))")
    assert not [url for url in kept if "/tanam/saya/" in url]  # only pages seen after signing out


def _fill_planting_offline(page, desa, species_label="Trembesi (Samanea saman)"):
    point = desa.geom.point_on_surface
    page.get_by_label("Lintang").fill(f"{point.y:.6f}")
    page.get_by_label("Bujur").fill(f"{point.x:.6f}")
    page.get_by_role("combobox", name="Spesies").select_option(label=species_label)
    page.get_by_label("Jumlah pohon di titik ini").fill("4")
    page.get_by_label("Tanggal tanam").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 140, 70)).save(out, "JPEG")
    page.get_by_label("Foto").set_input_files({"name": "pohon.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()})
    page.get_by_role("button", name="Kirim pendaftaran").click()


def test_a_planting_registered_offline_is_sent_once_when_back_online_and_is_pending(page, tanam_data, bob, password):
    from tanam.models import Planting

    _sign_in(page, bob, password)
    page.goto("/tanam/daftar/")
    _controlled(page)
    page.goto("/tanam/saya/")  # opened once online: readable offline later
    page.goto("/tanam/daftar/")

    page.context.set_offline(True)
    _fill_planting_offline(page, tanam_data)
    item = page.locator("#outbox-list li").first
    assert "Menunggu sinyal" in item.inner_text()
    assert "Trembesi" in item.inner_text() and "Jumlah pohon: 4" in item.inner_text()
    assert "disimpan di perangkat ini" in page.locator("#outbox-note").inner_text()
    assert not Planting.objects.exists()

    page.context.set_offline(False)  # the "online" event (or Background Sync) sends it
    page.wait_for_function("() => document.querySelector('#outbox-list li.outbox-sent') !== null")
    assert "Terkirim · Menunggu verifikasi" in item.inner_text()
    planting = Planting.objects.get(user=bob)
    assert planting.status == Planting.Status.PENDING and planting.tree_count == 4 and planting.photo
    assert planting.client_key is not None

    item.get_by_role("link", name="Lihat penanaman").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/tanam/penanaman/{planting.pk}/")
    page.goto("/tanam/saya/")
    assert "Menunggu verifikasi" in page.get_by_role("row", name=re.compile("Trembesi")).inner_text()

    # A retried sync of the same entry (its answer was lost): the same planting, nothing new.
    replay = page.evaluate(
        """() => BlitarOutbox.all().then((entries) => {
            const entry = entries[0];
            entry.state = "waiting";
            return BlitarOutbox.put(entry).then(() => BlitarOutbox.flush()).then(() => BlitarOutbox.all());
        }).then((entries) => entries[0].result)"""
    )
    assert replay["id"] == planting.pk and replay["replayed"] is True
    assert Planting.objects.filter(user=bob).count() == 1


def test_two_tabs_sending_the_same_entry_make_one_planting(page, tanam_data, bob, password):
    from tanam.models import Planting

    _sign_in(page, bob, password)
    page.goto("/tanam/daftar/")
    _controlled(page)
    page.goto("/tanam/saya/")
    page.goto("/tanam/daftar/")
    other = page.context.new_page()
    other.goto("/tanam/saya/")

    page.context.set_offline(True)
    _fill_planting_offline(page, tanam_data, species_label="Mahoni (Swietenia macrophylla)")
    other.reload()  # the second tab (offline copy) lists the same waiting entry
    assert "Menunggu sinyal" in other.locator("#outbox-list li").first.inner_text()

    page.context.set_offline(False)  # both tabs (and the worker's sync) send it
    for tab in (page, other):
        tab.wait_for_function("() => document.querySelector('#outbox-list li.outbox-sent') !== null")
    assert Planting.objects.filter(user=bob).count() == 1


def test_offline_entry_refused_by_the_server_shows_the_forms_message(page, tanam_data, bob, password):
    from tanam.models import Planting

    _sign_in(page, bob, password)
    page.goto("/tanam/daftar/")
    _controlled(page)
    page.context.set_offline(True)
    page.get_by_label("Lintang").fill("-6.2")  # Jakarta: outside the regency
    page.get_by_label("Bujur").fill("106.8")
    page.get_by_role("combobox", name="Spesies").select_option(label="Mahoni (Swietenia macrophylla)")
    page.get_by_label("Tanggal tanam").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Kirim pendaftaran").click()
    assert "Menunggu sinyal" in page.locator("#outbox-list li").first.inner_text()
    page.context.set_offline(False)
    page.wait_for_function("() => document.querySelector('#outbox-list li.outbox-refused') !== null")
    assert "Titik berada di luar Kabupaten Blitar." in page.locator("#outbox-list li").first.inner_text()
    assert not Planting.objects.exists()


def test_install_is_offered_after_a_registration_never_on_arrival(page, tanam_data, bob, password):
    fake_prompt = """() => {
        const event = new Event("beforeinstallprompt", { cancelable: true });
        event.prompt = () => { window.promptShown = true; return Promise.resolve(); };
        window.dispatchEvent(event);
    }"""
    page.goto("/")
    page.evaluate(fake_prompt)
    assert page.locator("#pwa-install").is_hidden()

    _sign_in(page, bob, password)
    page.goto("/tanam/daftar/")
    point = tanam_data.geom.point_on_surface
    page.get_by_label("Lintang").fill(f"{point.y:.6f}")
    page.get_by_label("Bujur").fill(f"{point.x:.6f}")
    page.get_by_role("combobox", name="Spesies").select_option(label="Mahoni (Swietenia macrophylla)")
    page.get_by_label("Tanggal tanam").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Kirim pendaftaran").click()
    page.wait_for_load_state()
    assert "Penanaman tercatat" in page.locator(".messages").inner_text()
    page.evaluate(fake_prompt)
    bar = page.locator("#pwa-install")
    assert bar.is_visible() and "Pasang aplikasi" in bar.inner_text()
    bar.get_by_role("button", name="Pasang").click()
    assert page.evaluate("() => window.promptShown === true")


def test_a_new_version_is_offered_and_taken_on_reload(page, monkeypatch):
    from blitar_portal.core import views_pwa

    page.goto("/")
    _controlled(page)
    first = page.request.get("/sw.js").text()
    monkeypatch.setattr(views_pwa, "PRECACHED_STATIC", (*views_pwa.PRECACHED_STATIC, "img/pwa/icon-96.png"))
    assert page.request.get("/sw.js").text() != first  # a deploy changed a precached file
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    bar = page.locator("#pwa-update")
    bar.wait_for(state="visible")
    assert "Versi baru tersedia" in bar.inner_text()
    with page.expect_navigation():
        bar.get_by_role("button", name="Muat ulang").click()
    _controlled(page)
    assert page.locator("#pwa-update").is_hidden()
    cached = page.evaluate("() => caches.keys()")
    assert len([name for name in cached if name.startswith("precache-")]) == 1  # the old one is gone
