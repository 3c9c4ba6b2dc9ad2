"""Chromium, a visit day: a citizen books on a 360 px phone, the clerk checks the code in at the desk,
calls the next number, and the waiting-room display shows it by itself."""

import pytest
from django.utils import timezone

from ehealth.models import HospitalMembership, Service, ServiceRequest
from tests.ehealth.conftest import make_hospital, open_all_week, set_beds
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="id-ID")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="id-ID")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def wlingi(transactional_db):
    hospital = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(hospital, {("KELAS_3", ""): (12, 3)})
    open_all_week(Service.objects.create(hospital=hospital, name="Poli Anak", daily_quota=20), doctor="dr. Maya, Sp.A")
    return hospital


def test_book_on_a_phone_check_in_at_the_desk_and_see_the_number_called(phone, desk, page, wlingi, password):
    today = timezone.localdate()
    # The citizen books today's visit on a 360 px phone.
    phone.goto("/kesehatan/permohonan/baru/")
    phone.get_by_label("Rumah sakit dan layanan").select_option(label="RSUD Ngudi Waluyo Wlingi — Poli Anak")
    phone.get_by_role("button", name="Lihat hari tersedia").click()
    phone.wait_for_load_state()
    assert "dr. Maya, Sp.A" in phone.get_by_label("Tanggal kunjungan").inner_text()
    phone.get_by_label("Tanggal kunjungan").select_option(today.isoformat())
    phone.get_by_label("Nama lengkap pasien").fill("Siti Aminah")
    phone.get_by_role("textbox", name="NIK").fill("3505014101900001")
    phone.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    phone.get_by_role("textbox", name="Keluhan").fill("Anak demam.")
    phone.get_by_label("Saya menyetujui").check()
    phone.get_by_role("button", name="Kirim permohonan").click()
    phone.wait_for_load_state()
    grouped = phone.get_by_test_id("booking-code").inner_text()
    req = ServiceRequest.objects.get()
    assert grouped == req.code_display and phone.get_by_test_id("qr").locator("svg").is_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    # The waiting-room TV shows no number yet.
    page.goto(f"/kesehatan/antrean/{wlingi.slug}/")
    number = page.locator('[data-field="now_serving"]').first
    assert number.inner_text() == "—"

    # At the desk the scanner types the QR's code (lower case, no dashes would do too) and Enter.
    clerk = UserFactory(username="dina", first_name="Dina", groups=["Petugas RS"], is_staff=True)
    HospitalMembership.objects.create(user=clerk, hospital=wlingi)
    desk.goto("/akun/masuk/")
    desk.locator("#id_username").fill(clerk.username)
    desk.locator("#id_password").fill(password)
    desk.get_by_role("button", name="Masuk").click()
    desk.wait_for_load_state()
    desk.goto("/kesehatan/petugas/check-in/")
    desk.get_by_label("Kode booking").fill(grouped.lower())
    desk.get_by_label("Kode booking").press("Enter")
    desk.wait_for_load_state()
    assert f"nomor antrean {req.queue_number}" in desk.locator(".messages").inner_text()
    req.refresh_from_db()
    assert req.checked_in_at is not None

    desk.get_by_role("link", name="Poli Anak — RSUD Ngudi Waluyo Wlingi").click()
    desk.wait_for_load_state()
    desk.get_by_label("Loket").fill("Loket 2")
    desk.get_by_role("button", name="Panggil berikutnya").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id(f"current-{req.queue_number}").is_visible()

    # The TV updates by itself (polling), without a reload.
    page.wait_for_function(
        "([n]) => document.querySelector('[data-field=\"now_serving\"]').textContent.trim() === n",
        arg=[str(req.queue_number)],
        timeout=15_000,
    )
    assert page.locator('[data-field="desk"]').first.inner_text() == "Loket 2"

    phone.reload()
    assert "sedang dipanggil" in phone.get_by_test_id("called").inner_text()
    assert phone.get_by_test_id("now-serving").inner_text() == str(req.queue_number)
