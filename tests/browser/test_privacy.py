"""Chromium: a citizen opens what is kept about their request with an e-mailed code and deletes it."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from ehealth import services
from ehealth.models import Service, ServiceRequest
from tests.ehealth.conftest import make_hospital, open_all_week

pytestmark = pytest.mark.browser


def test_citizen_sees_and_deletes_their_personal_data(page, transactional_db):
    service = open_all_week(
        Service.objects.create(hospital=make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi"), name="Poli Anak")
    )
    request, _warnings = services.service_request_create(
        service=service,
        visit_date=timezone.localdate() + datetime.timedelta(days=2),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        email="siti@contoh.id",
        complaint="Batuk tiga hari",
        consent=True,
    )
    page.goto(f"/kesehatan/permohonan/{request.code}/")
    page.get_by_test_id("my-data-link").click()
    assert "3505014101900001" not in page.content()
    page.get_by_role("button", name="Kirim kode ke s***@contoh.id").click()
    page.get_by_text("Kode dikirim ke email Anda.").wait_for()
    code = re.search(r"Kode sekali pakai Anda: (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("Kode dari email").fill(code)
    page.get_by_role("button", name="Periksa kode").click()
    assert page.get_by_test_id("nik").inner_text() == "3505014101900001"
    assert "Batuk tiga hari" in page.get_by_test_id("personal-data").inner_text()

    page.get_by_label("Saya mengerti", exact=False).check()
    page.get_by_role("button", name="Hapus data pribadi saya").click()
    page.get_by_text("Data pribadi permohonan ini sudah dihapus.").wait_for()
    assert "(data pribadi sudah dihapus)" in page.locator("main").inner_text()
    request.refresh_from_db()
    assert request.nik == "" and request.status == ServiceRequest.Status.DIBATALKAN
