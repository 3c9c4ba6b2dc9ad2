"""Chromium at 360 px: an IKM owner finds an open capacity-building programme for their sector on
"Toko Saya", registers (the place is taken from the quota), and cancels before it starts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blitar_portal.accounts.roles import IKM_OWNER
from ikm import services_programmes
from ikm.models import ProgrammeRegistration
from tests.factories import UserFactory
from tests.ikm.conftest import make_shop

pytestmark = pytest.mark.browser


def test_an_owner_registers_for_a_programme_on_a_phone(page, login, transactional_db):
    owner = UserFactory(username="sri", first_name="Sri Wahyuni", groups=[IKM_OWNER])
    shop = make_shop(owner)
    programme = services_programmes.programme_save(
        title="Bantuan Sertifikasi Halal Gratis",
        kind="halal",
        place="Aula Dinas, Kanigoro",
        starts_on=timezone.localdate() + timedelta(days=7),
        ends_on=timezone.localdate() + timedelta(days=7),
        quota=3,
        sectors=["10"],
        status="terbit",
    )
    services_programmes.programme_save(
        title="Pelatihan Batik Warna Alam",
        kind="pelatihan",
        place="Wlingi",
        starts_on=timezone.localdate() + timedelta(days=9),
        ends_on=timezone.localdate() + timedelta(days=9),
        quota=3,
        sectors=["13"],
        status="terbit",
    )
    page.set_viewport_size({"width": 360, "height": 740})
    login(owner)
    page.goto("/ikm/toko-saya/")
    page.get_by_role("link", name="Program pembinaan").click()
    card = page.get_by_test_id("programme")
    assert card.count() == 1  # the batik programme is for another sector
    assert "3 dari 3 tempat" in card.inner_text()
    card.get_by_role("button", name="Daftar program ini").click()
    page.get_by_text("Anda terdaftar di “Bantuan Sertifikasi Halal Gratis”.").wait_for()
    assert "2 dari 3 tempat" in page.get_by_test_id("programme").inner_text()
    assert page.get_by_test_id("programme").get_by_text("Anda terdaftar").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    registration = ProgrammeRegistration.objects.get(programme=programme, shop=shop)
    assert registration.status == "terdaftar"

    page.get_by_role("button", name="Batalkan").click()
    page.get_by_text("dibatalkan.").first.wait_for()
    registration.refresh_from_db()
    assert registration.status == "dibatalkan"
    assert "3 dari 3 tempat" in page.get_by_test_id("programme").inner_text()
