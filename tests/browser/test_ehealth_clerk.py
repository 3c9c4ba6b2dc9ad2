"""Chromium: a hospital clerk updates the IGD from a 360 px phone, one tap after login."""

import pytest

from ehealth.models import Hospital, HospitalMembership
from tests.ehealth.conftest import make_hospital, set_beds
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_clerk_updates_igd_from_a_phone(phone, transactional_db, password):
    wlingi = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(wlingi, {("VIP", ""): (6, 2), ("ICU", ""): (7, 1)})
    clerk = UserFactory(username="dina", first_name="Dina", groups=["Petugas RS"], is_staff=True)
    HospitalMembership.objects.create(user=clerk, hospital=wlingi)

    phone.goto("/akun/masuk/")
    phone.locator("#id_username").fill("dina")
    phone.locator("#id_password").fill(password)
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url("**/kesehatan/petugas/rsud-wlingi/")
    # The work page fits the phone: nothing wider than the screen.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.get_by_label("Tempat tidur IGD kosong").fill("3")
    phone.get_by_label("Pasien IGD menunggu").fill("6")
    save = phone.get_by_role("button", name="Simpan tempat tidur dan IGD")
    box = save.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360  # a thumb-sized button on screen
    save.click()
    phone.wait_for_load_state()
    assert "IGD diperbarui" in phone.locator("body").inner_text()
    wlingi.refresh_from_db()
    assert (wlingi.igd_available, wlingi.igd_waiting) == (3, 6)

    phone.goto("/kesehatan/")
    card = phone.get_by_test_id("hospital-rsud-wlingi")
    assert "3 tempat tidur kosong" in card.inner_text() and "6 pasien menunggu" in card.inner_text()
    assert "diperbarui baru saja" in card.inner_text()
    assert Hospital.objects.get(pk=wlingi.pk).beds_confirmed_at is not None
