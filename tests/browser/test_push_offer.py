"""Chromium: the Web Push opt-in (issue 16 point 3) is never offered on arrival, only after a useful
action (here a booking by a signed-in citizen), and is as easy to refuse or turn off."""

import datetime

import pytest
from django.utils import timezone

from ehealth.models import Service
from tests.ehealth.conftest import make_hospital, open_all_week, set_beds

pytestmark = pytest.mark.browser


@pytest.fixture
def push_on(settings):
    from blitar_portal.notifications.channels.push import generate_vapid_keys

    public, pem = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, pem
    settings.VAPID_SUBJECT = "mailto:diskominfo@blitarkab.go.id"


@pytest.fixture
def clinic(transactional_db):
    wlingi = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(wlingi, {("ICU", ""): (7, 0)})
    return open_all_week(Service.objects.create(hospital=wlingi, name="Poli Anak", daily_quota=20))


def test_no_offer_on_arrival_then_offered_after_a_booking_and_refused(page, login, bob, clinic, push_on):
    login(bob)
    for url in ("/", "/kesehatan/", "/kesehatan/rs/rsud-wlingi/", "/notifikasi/pengaturan/", "/kesehatan/kabari/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("#push-offer").count() == 0, url
    assert page.evaluate("() => 'PushManager' in window && Notification.permission") == "default"  # never asked

    page.goto(f"/kesehatan/permohonan/baru/?layanan={clinic.pk}")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Tanggal kunjungan").select_option(tomorrow.isoformat())
    page.get_by_label("Nama lengkap pasien").fill("Bob Warga")
    page.get_by_role("textbox", name="NIK").fill("3505014101900001")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    page.get_by_role("textbox", name="Keluhan").fill("Kontrol.")
    page.get_by_label("Saya menyetujui").check()
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_load_state()

    offer = page.get_by_test_id("push-offer")
    offer.wait_for(state="visible")
    assert "notifikasi browser" in offer.inner_text()
    assert offer.get_by_role("button", name="Aktifkan").is_visible()
    assert page.evaluate("() => Notification.permission") == "default"  # the prompt waits for the button
    offer.get_by_role("button", name="Tidak, terima kasih").click()
    assert offer.is_hidden()
    page.reload()  # the success message is gone: so is the offer
    assert page.locator("#push-offer").count() == 0


def test_the_settings_page_lets_a_signed_in_person_turn_push_on_for_this_device(page, login, bob, push_on):
    login(bob)
    page.goto("/notifikasi/pengaturan/")
    device = page.locator("#push-device")
    device.wait_for(state="visible")
    assert device.get_by_role("button", name="Aktifkan di perangkat ini").is_visible()
    assert device.get_by_role("button", name="Matikan di perangkat ini").is_hidden()
