"""Chromium: a citizen books, gives a WhatsApp number with consent, and the local Cloud API server
receives the confirmation template with the booking code (sent by the real Celery worker)."""

import datetime
import time

import pytest
from django.utils import timezone

from ehealth.models import Service, ServiceRequest
from tests.ehealth.conftest import make_hospital, open_all_week
from tests.notifications.servers.whatsapp import FakeCloudAPI

pytestmark = [pytest.mark.browser, pytest.mark.celery]


@pytest.fixture
def cloud_api(settings):
    server = FakeCloudAPI()
    settings.WHATSAPP_API_BASE = server.base
    settings.WHATSAPP_API_VERSION = server.version
    settings.WHATSAPP_PHONE_NUMBER_ID = server.phone_number_id
    settings.WHATSAPP_ACCESS_TOKEN = server.token
    settings.WHATSAPP_TIMEOUT = 5
    yield server
    server.close()


def test_booking_with_whatsapp_consent_sends_the_confirmation_with_the_code(
    page, transactional_db, cloud_api, celery_worker
):
    hospital = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    open_all_week(Service.objects.create(hospital=hospital, name="Poli Anak", daily_quota=20))
    page.goto("/kesehatan/permohonan/baru/")
    page.get_by_label("Rumah sakit dan layanan").select_option(label="RSUD Ngudi Waluyo Wlingi — Poli Anak")
    page.get_by_role("button", name="Lihat hari tersedia").click()
    page.wait_for_load_state()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page.get_by_label("Tanggal kunjungan").select_option(tomorrow)
    page.get_by_label("Nama lengkap pasien").fill("Siti Aminah")
    page.get_by_role("textbox", name="NIK").fill("3505014101900001")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Nomor WhatsApp (opsional)").fill("0813-1111-2222")
    page.get_by_label("lewat WhatsApp").check()
    page.get_by_role("textbox", name="Keluhan").fill("Anak demam tiga hari.")
    page.get_by_label("Saya menyetujui").check()
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_load_state()
    code = page.get_by_test_id("booking-code").inner_text().replace("-", "")  # shown in groups: KZD-YHC-B34G
    assert code == ServiceRequest.objects.get().code

    deadline = time.monotonic() + 20
    while not cloud_api.requests and time.monotonic() < deadline:
        time.sleep(0.2)
    (call,) = cloud_api.requests
    body = call.json
    assert call.path == f"/{cloud_api.version}/{cloud_api.phone_number_id}/messages"
    assert body["to"] == "6281311112222" and body["type"] == "template"
    assert body["template"]["name"] == "ehealth_request_received"
    assert body["template"]["components"][0]["parameters"][0] == {"type": "text", "text": code}
