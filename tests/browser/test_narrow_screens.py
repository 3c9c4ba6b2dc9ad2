"""Chromium at 360 px (issue 16): no page scrolls sideways and the header stays compact,
for every public page and each role's main pages, in both languages."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from blitar_portal.accounts.roles import DISKOMINFO, HOSPITAL_STAFF, IKM_OWNER
from ehealth.models import HospitalMembership, Service
from ehealth.services import bed_alert_create
from tests.ehealth.conftest import make_hospital, open_all_week, set_beds
from tests.ehealth.privacy_helpers import make_request
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

WIDTH = 360
HEADER_MAX_PX = 100  # brand + language in one row, the navigation in one row (was 231 px)


@pytest.fixture
def portal(transactional_db):
    """A little of everything, so each page shows its real content (cards, tables, forms)."""
    from blitar_portal.regions.models import Desa, Kecamatan
    from ikm import services_programmes
    from tanam import services as tanam_services
    from tanam import services_community
    from tanam.models import Campaign, Community, Planting, Species
    from tests.ikm.conftest import make_product, make_shop

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    tanam_services.species_load_csv()
    wlingi = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(wlingi, {("ICU", ""): (7, 2), ("KELAS_3", ""): (12, 3), ("VIP", ""): (6, 0)})
    srengat = make_hospital("rsud-srengat", "RSUD Srengat", kecamatan_slug="srengat")
    set_beds(srengat, {("KELAS_1", ""): (10, 4)})
    # A long class name ("Perinatologi") made the bed table, and every card of the board, 372 px wide.
    rsia = make_hospital("rsia-permata-bunda", "RSIA Permata Bunda Kanigoro", kecamatan_slug="kanigoro")
    set_beds(rsia, {("VIP", ""): (6, 1), ("NICU", ""): (4, 0), ("PERINATOLOGI", ""): (6, 2)})
    ticket = make_request(open_all_week(Service.objects.create(hospital=wlingi, name="Poli Anak", daily_quota=20)))
    owner = UserFactory(username="sri", first_name="Sri Wahyuni", groups=[IKM_OWNER])
    product = make_product(make_shop(owner))
    programme = services_programmes.programme_save(
        title="Bantuan Sertifikasi Halal Gratis untuk IKM Makanan dan Minuman Kabupaten Blitar",
        kind="halal",
        place="Aula Dinas Koperasi, Usaha Mikro, dan Perindustrian, Jl. Kenari, Kanigoro",
        starts_on=timezone.localdate() + timedelta(days=7),
        ends_on=timezone.localdate() + timedelta(days=8),
        quota=20,
        sectors=["10", "11"],
        status="terbit",
    )
    services_programmes.programme_register(programme=programme, shop=product.shop)
    community = Community.objects.create(name="Forum Sekolah Adiwiyata Kabupaten Blitar", slug="adiwiyata")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Sabuk Hijau Pantai Selatan", slug="sabuk-hijau", target_trees=1000, starts_on=today, ends_on=today
    )
    planter = UserFactory(username="bob", first_name="Bob Warga")
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    planting = Planting.objects.create(
        user=planter,
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.get(slug="mahoni"),
        planted_on=today - timedelta(days=3),
        community=community,
        campaign=campaign,
    )
    services_community.membership_join(community=community, user=planter, listed=True)  # the member list and forms
    alert = bed_alert_create(
        bed_class="ICU", phone="081234567890", consents=["whatsapp"], kecamatans=[wlingi.kecamatan]
    )
    verified = Planting.objects.create(
        user=planter,
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.get(slug="mahoni"),
        planted_on=today - timedelta(days=30),
        community=community,
        status="verified",
    )
    clerk = UserFactory(username="dina", groups=[HOSPITAL_STAFF], is_staff=True)
    HospitalMembership.objects.create(user=clerk, hospital=wlingi)
    analyst = UserFactory(username="alice", groups=[DISKOMINFO], is_staff=True)
    return {
        "public": [
            "/",
            "/kesehatan/",
            "/kesehatan/rs/rsud-wlingi/",
            "/kesehatan/permohonan/baru/",
            f"/kesehatan/permohonan/{ticket.code}/",
            "/kesehatan/kabari/",
            f"/kesehatan/kabari/{alert.token}/",
            "/ikm/",
            "/ikm/cari/?q=keripik",
            f"/ikm/produk/{product.slug}/",
            f"/ikm/toko/{product.shop.slug}/",
            "/tanam/",
            "/tanam/tutupan/",
            "/tanam/komunitas/",
            "/tanam/komunitas/adiwiyata/",
            "/tanam/kampanye/",
            "/tanam/kampanye/sabuk-hijau/",
            "/tanam/peringkat/",
            f"/tanam/pohon/{verified.pk}/",
            "/privasi/",
            "/akun/masuk/",
            "/akun/daftar/",
            "/offline/",
            "/halaman-yang-tidak-ada/",
        ],
        planter: [
            "/tanam/daftar/",
            "/tanam/saya/",
            f"/tanam/penanaman/{planting.pk}/",
            f"/tanam/penanaman/{planting.pk}/periksa/",
            "/tanam/komunitas/adiwiyata/",
            "/akun/profil/",
        ],
        owner: [
            "/ikm/toko-saya/",
            "/ikm/toko-saya/profil/",
            "/ikm/toko-saya/produk/baru/",
            f"/ikm/toko-saya/produk/{product.pk}/",
            "/ikm/toko-saya/pesan/",
            "/ikm/toko-saya/statistik/",
            "/ikm/toko-saya/sertifikat/",
            "/ikm/toko-saya/program/",
        ],
        clerk: [
            "/admin/",
            "/admin/ehealth/servicerequest/",
            "/admin/ehealth/hospital/",
            "/kesehatan/petugas/rsud-wlingi/",
        ],
        analyst: [
            "/dasbor/",
            "/dasbor/kesehatan/",
            "/dasbor/ikm/",
            "/dasbor/tanam/",
            "/admin/tanam/planting/",
            f"/ikm/staf/program/{programme.pk}/",
            f"/ikm/staf/toko/{product.shop.pk}/perkembangan/",
            "/dasbor/verifikasi/",
            "/dasbor/verifikasi/penanaman/",
            f"/dasbor/verifikasi/penanaman/{planting.pk}/",
            "/dasbor/verifikasi/toko/",
            f"/dasbor/verifikasi/toko/{product.shop.pk}/",
            "/dasbor/verifikasi/produk/",
            f"/dasbor/verifikasi/produk/{product.pk}/",
        ],
    }


def _sign_in(page, user, password):
    page.goto("/akun/masuk/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def _too_wide(page, urls):
    """[(url, scrollWidth or header height)] of the pages that scroll sideways or have a tall header."""
    found = []
    for url in urls:
        response = page.goto(url)
        assert response.status < 500, url
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > WIDTH:
            found.append((url, "width", width))
        if not url.startswith("/admin/"):  # Django's admin keeps its own header
            header = page.evaluate("() => Math.round(document.querySelector('header').getBoundingClientRect().height)")
            if header > HEADER_MAX_PX:
                found.append((url, "header", header))
    return found


@pytest.fixture
def narrow(page):
    page.set_viewport_size({"width": WIDTH, "height": 740})
    return page


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_public_page_scrolls_sideways_at_360px(narrow, portal, live_server, language):
    narrow.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    assert _too_wide(narrow, portal["public"]) == []


def test_no_main_page_of_any_role_scrolls_sideways_at_360px(narrow, portal, password):
    roles = [user for user in portal if user != "public"]
    assert len(roles) == 4  # planter, IKM owner, hospital clerk, Diskominfo analyst
    found = []
    for user in roles:
        narrow.context.clear_cookies()
        _sign_in(narrow, user, password)
        found += [(user.username, *row) for row in _too_wide(narrow, portal[user])]
    assert found == []


def test_the_navigation_is_one_row_with_short_labels_on_a_phone(narrow, portal):
    narrow.goto("/kesehatan/")
    nav = narrow.get_by_role("navigation", name="Menu utama")
    tops = {round(box["y"]) for box in (link.bounding_box() for link in nav.get_by_role("link").all()) if box}
    assert len(tops) == 1  # one row
    assert nav.get_by_role("link", name="Kesehatan").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="IKM").is_visible() and nav.get_by_role("link", name="Tanam").is_visible()
    narrow.set_viewport_size({"width": 1280, "height": 800})
    assert nav.get_by_role("link", name="Layanan Kesehatan").is_visible()  # full labels on a wide screen
