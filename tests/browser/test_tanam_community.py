"""Journey at 360 px: a citizen opens a community page, signs in from it, joins with their name
listed, sees themselves in the member list, then leaves; a reminder's link opens the check form
after sign-in. No page scrolls sideways."""

import datetime

import pytest

pytestmark = [pytest.mark.browser]

WIDTH = 360


@pytest.fixture
def community_data(transactional_db):
    from django.core.management import call_command
    from django.utils import timezone

    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services
    from tanam.models import Community, Planting, Species
    from tests.factories import UserFactory

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    community = Community.objects.create(name="Forum Sekolah Adiwiyata Kabupaten Blitar", slug="adiwiyata")
    planter = UserFactory(username="sekar", first_name="Sekar Ayu")
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    planting = Planting.objects.create(
        user=planter,
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.get(slug="mahoni"),
        tree_count=6,
        planted_on=timezone.localdate() - datetime.timedelta(days=100),
        community=community,
        status="verified",
    )
    services.cluster_cells_rebuild()
    return community, planter, planting


def _fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH


def test_a_citizen_joins_a_community_listed_and_leaves_it_on_a_phone(page, community_data, password):
    community, planter, _planting = community_data
    page.set_viewport_size({"width": WIDTH, "height": 740})
    page.goto(f"/tanam/komunitas/{community.slug}/")
    assert _fits(page)
    assert page.get_by_text("Belum ada anggota yang bersedia ditampilkan.").is_visible()
    page.get_by_role("link", name="Masuk untuk bergabung").click()
    page.locator("#id_username").fill(planter.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"**/tanam/komunitas/{community.slug}/")
    assert _fits(page)

    page.get_by_label("Tampilkan nama saya di halaman komunitas").check()
    page.get_by_role("button", name="Gabung").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Anda bergabung dengan {community.name}.").is_visible()
    members = page.locator("table").first
    assert "Sekar Ayu" in members.inner_text() and "6" in members.inner_text()
    assert _fits(page)

    page.get_by_label("Tampilkan nama saya di halaman komunitas").uncheck()  # consent withdrawn
    page.get_by_role("button", name="Simpan pilihan").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 anggota lain memilih tidak ditampilkan.").is_visible()
    assert page.get_by_role("cell", name="Sekar Ayu").count() == 0

    page.get_by_role("button", name="Keluar dari komunitas").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Anda keluar dari {community.name}.").is_visible()
    assert page.get_by_role("button", name="Gabung").is_visible()
    assert _fits(page)


def test_the_reminder_link_opens_the_check_form_after_sign_in_on_a_phone(page, community_data, password):
    _community, planter, planting = community_data
    page.set_viewport_size({"width": WIDTH, "height": 740})
    page.goto(f"/tanam/penanaman/{planting.pk}/periksa/")  # the link in the WhatsApp/e-mail message
    page.locator("#id_username").fill(planter.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"**/tanam/penanaman/{planting.pk}/periksa/")
    assert _fits(page)
    page.get_by_label("Kondisi").select_option("alive")
    page.get_by_role("button", name="Simpan pemantauan").click()
    page.wait_for_url(f"**/tanam/penanaman/{planting.pk}/")
    assert page.get_by_text("Hasil pemantauan tersimpan.").is_visible()
    planting.refresh_from_db()
    assert planting.condition == "alive"
