"""Chromium journeys of E-Health: a citizen, a hospital clerk and a Diskominfo analyst."""

import datetime

import pytest
from django.utils import timezone

from ehealth.models import BedClass, HospitalMembership, Service, ServiceRequest
from tests.ehealth.conftest import FeedServer, make_hospital, open_all_week, set_beds
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def sign_in(page, password):
    """Sign in through the real login form (by field id: Django labels the password "Sandi" in Indonesian)."""

    def do_sign_in(user):
        page.goto("/akun/masuk/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()

    return do_sign_in


@pytest.fixture
def hospitals(transactional_db):
    wlingi = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(wlingi, {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)})
    srengat = make_hospital("rsud-srengat", "RSUD Srengat", kecamatan_slug="srengat")
    set_beds(srengat, {("KELAS_1", ""): (10, 4)})
    open_all_week(Service.objects.create(hospital=wlingi, name="Poli Anak", daily_quota=20))
    return wlingi, srengat


def test_citizen_filters_to_icu_opens_a_hospital_books_and_tracks_the_request(page, hospitals):
    page.goto("/kesehatan/")
    assert page.get_by_role("heading", name="RSUD Srengat").is_visible()
    # The critical-care block names the hospital with a free ICU bed before any filter.
    assert "RSUD Ngudi Waluyo Wlingi" in page.get_by_test_id("critical-care").inner_text()
    with page.expect_navigation():
        page.locator("#board-filters-chips").get_by_role("link", name="ICU", exact=True).click()
    results = page.locator("#board-results")
    assert "RSUD Srengat" not in results.inner_text()
    card = page.get_by_test_id("hospital-rsud-wlingi")
    assert "ICU" in card.inner_text() and "Kelas 3" not in card.inner_text()
    assert page.get_by_role("link", name="Telepon IGD").first.get_attribute("href") == "tel:+62342809999"

    card.get_by_role("link", name="RSUD Ngudi Waluyo Wlingi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "RSUD Ngudi Waluyo Wlingi"
    trend = page.locator("section", has=page.get_by_role("heading", name="Tren 7 hari"))
    assert trend.locator("polyline").count() == 3
    assert trend.locator(".legend li").all_inner_texts() == ["VIP", "Kelas 3", "ICU"]
    table = trend.get_by_role("table")
    assert not table.is_visible()
    trend.get_by_text("Tabel angka grafik").click()
    assert table.get_by_role("row", name="Kelas 3").locator("td").all_inner_texts() == ["0"] * 6 + [
        "3"
    ]  # beds set up today
    page.get_by_role("link", name="Daftar layanan online").click()
    page.wait_for_load_state()

    page.get_by_label("Rumah sakit dan layanan").select_option(label="RSUD Ngudi Waluyo Wlingi — Poli Anak")
    page.get_by_role("button", name="Lihat hari tersedia").click()
    page.wait_for_load_state()
    page.get_by_label("Tanggal kunjungan").select_option(
        (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Nama lengkap pasien").fill("Siti Aminah")
    page.get_by_role("textbox", name="NIK").fill("3505014101900001")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    page.get_by_role("textbox", name="Keluhan").fill("Anak demam tiga hari.")
    page.get_by_label("Saya menyetujui").check()
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_load_state()

    code = page.get_by_test_id("booking-code").inner_text()
    assert code == ServiceRequest.objects.get().code_display  # KZD-YHC-B34G: groups read aloud at the desk
    assert "Simpan kode booking" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("queue-number").inner_text() == "1"

    page.goto("/kesehatan/")
    page.get_by_label("Kode booking").fill(code)
    page.get_by_role("button", name="Lacak", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Diajukan"
    main = page.locator("main").inner_text()
    assert "S*** A*****" in main and "Siti Aminah" not in main and "3505014101900001" not in main


def test_clerk_changes_a_bed_count_and_sees_the_public_board_change(page, sign_in, hospitals):
    wlingi, _srengat = hospitals
    clerk = UserFactory(username="dina", first_name="Dina", groups=["Petugas RS"], is_staff=True)
    HospitalMembership.objects.create(user=clerk, hospital=wlingi)
    page.goto("/kesehatan/?kelas=ICU")
    assert page.get_by_test_id("hospital-rsud-wlingi").locator("td.av").first.inner_text() == "1"

    sign_in(clerk)
    page.goto("/admin/ehealth/hospital/")
    assert "RSUD Srengat" not in page.locator("#content").inner_text()
    page.get_by_role("link", name="Ubah jumlah tempat tidur").click()
    page.wait_for_load_state()
    page.get_by_label("Tersedia ICU").fill("5")
    page.get_by_role("button", name="Simpan jumlah tempat tidur").click()
    page.wait_for_load_state()
    assert "Tersimpan: 1 kelas berubah." in page.locator("body").inner_text()

    page.goto("/kesehatan/?kelas=ICU")
    assert page.get_by_test_id("hospital-rsud-wlingi").locator("td.av").first.inner_text() == "5"
    assert "diperbarui baru saja" in page.get_by_test_id("hospital-rsud-wlingi").inner_text()


def test_diskominfo_sets_a_feed_and_runs_sync_now(page, sign_in, hospitals, alice, celery_worker):
    _wlingi, srengat = hospitals
    server = FeedServer()
    try:
        url = server.serve(
            "/tt.csv", b"kelas,ruang,kapasitas,terisi\nKELAS_1,Mawar,10,1\nICU,ICU,4,2\n", token="rahasia-rs"
        )
        sign_in(alice)
        page.goto(f"/admin/ehealth/hospital/{srengat.pk}/change/")
        page.get_by_label("Alamat feed").fill(url)
        page.get_by_label("Format feed").select_option("csv")
        page.get_by_label("Token feed baru").fill("rahasia-rs")
        page.get_by_role("button", name="Simpan", exact=True).click()
        page.wait_for_load_state()
        assert "berhasil diubah" in page.locator("body").inner_text()

        page.locator(f'input[name="_selected_action"][value="{srengat.pk}"]').check()
        page.locator('select[name="action"]').select_option("sync_now")
        page.locator('button[name="index"]').click()
        page.wait_for_load_state()
        # The request only queues the sync; the real worker fetches the feed.
        assert "RSUD Srengat: sinkronisasi dijadwalkan" in page.locator(".messagelist").inner_text()
        for _ in range(100):
            if BedClass.objects.filter(hospital=srengat, code="KELAS_1", available=9).exists():
                break
            page.wait_for_timeout(200)
        assert BedClass.objects.get(hospital=srengat, code="KELAS_1").available == 9

        page.goto(f"/admin/ehealth/hospital/{srengat.pk}/change/")
        assert "rahasia-rs" not in page.content()
        page.goto("/kesehatan/?kecamatan=srengat")
        card = page.get_by_test_id("hospital-rsud-srengat").inner_text()
        assert "ICU" in card and "9" in card
    finally:
        server.close()


def test_nearest_uses_the_browsers_location(page, hospitals):
    _wlingi, srengat = hospitals
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": srengat.location.y, "longitude": srengat.location.x})
    page.goto("/kesehatan/")
    names = page.locator(".hospital h2").all_inner_texts()
    assert names == ["RSUD Ngudi Waluyo Wlingi", "RSUD Srengat"]
    page.get_by_role("button", name="Terdekat dari saya").click()
    page.wait_for_url("**urut=terdekat**")
    assert page.locator(".hospital h2").all_inner_texts() == ["RSUD Srengat", "RSUD Ngudi Waluyo Wlingi"]
    assert "diurutkan dari yang terdekat" in page.locator("#board-results").inner_text()


def test_clerk_marks_a_no_show_and_the_citizen_sees_it_when_tracking(page, sign_in, hospitals):
    from ehealth import services

    wlingi, _srengat = hospitals
    clerk = UserFactory(username="dina", first_name="Dina", groups=["Petugas RS"], is_staff=True)
    HospitalMembership.objects.create(user=clerk, hospital=wlingi)
    req, _warnings = services.service_request_create(
        service=Service.objects.get(hospital=wlingi),
        visit_date=timezone.localdate(),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        complaint="Demam",
        consent=True,
    )
    services.service_request_set_status(service_request=req, status=ServiceRequest.Status.DITERIMA)

    sign_in(clerk)
    page.goto("/admin/ehealth/servicerequest/")
    page.locator(f'input[name="_selected_action"][value="{req.pk}"]').check()
    page.locator('select[name="action"]').select_option("mark_tidak_hadir")
    page.locator('button[name="index"]').click()
    page.wait_for_load_state()
    assert "1 permohonan diperbarui" in page.locator(".messagelist").inner_text()

    page.goto(f"/kesehatan/permohonan/{req.code}/")
    assert page.get_by_test_id("status").inner_text() == "Tidak hadir"
    assert "tidak datang pada tanggal kunjungan" in page.get_by_test_id("no-show-note").inner_text()
    history = page.get_by_test_id("status-history").locator("li")
    assert history.count() == 3  # diajukan, diterima, tidak hadir
    assert page.get_by_role("link", name="Batalkan permohonan").count() == 0
