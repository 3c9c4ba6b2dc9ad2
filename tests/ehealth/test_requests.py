"""Service requests: validation of every field, quota, booking window, double submit, rate limit, tracking, cancel."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ehealth import services
from ehealth.models import ServiceRequest

pytestmark = pytest.mark.django_db

NIK_BLITAR = "3505014101900001"  # woman born 1 Jan 1990 (day + 40), Kabupaten Blitar
NIK_SURABAYA = "3578011505850002"


def form_data(svc, **overrides):
    data = {
        "service": svc.pk,
        "visit_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "name": "Siti Aminah",
        "nik": NIK_BLITAR,
        "phone": "0812-3456-7890",
        "email": "siti@contoh.id",
        "bpjs_number": "0001234567890",
        "complaint": "Demam tiga hari.",
        "consent": "on",
        "submit_token": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_new_request_page_lists_services_and_consent_text(client, service):
    html = client.get("/kesehatan/permohonan/baru/").content.decode()
    assert "RSUD Ngudi Waluyo Wlingi — Poli Anak" in html
    html = client.get(f"/kesehatan/permohonan/baru/?layanan={service.pk}").content.decode()
    assert "UU No. 27 Tahun 2022" in html and 'name="submit_token"' in html


def test_valid_request_gets_code_queue_number_estimate_and_consent_record(client, service):
    response = client.post("/kesehatan/permohonan/baru/", form_data(service), follow=True)
    req = ServiceRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/kesehatan/permohonan/{req.code}/"
    html = response.content.decode()
    assert req.code in html and "Simpan kode booking" in html
    assert req.queue_number == 1 and req.estimated_time == datetime.time(8, 0)
    assert req.phone == "6281234567890" and req.nik == NIK_BLITAR and not req.nik_outside_regency
    assert req.consent_version == services.CONSENT_VERSION and req.consent_at is not None
    assert len(req.code) == 10 and req.status == "diajukan"
    second, _ = services.service_request_create(
        service=service,
        visit_date=req.visit_date,
        name="Budi",
        nik=NIK_BLITAR,
        phone="081234567891",
        complaint="Batuk",
        consent=True,
    )
    assert second.queue_number == 2 and second.estimated_time == datetime.time(8, 15)
    assert second.code != req.code


def test_tracking_page_shows_status_masks_the_name_and_never_the_nik(client, service):
    client.post("/kesehatan/permohonan/baru/", form_data(service))
    req = ServiceRequest.objects.get()
    html = client.get(f"/kesehatan/permohonan/{req.code}/").content.decode()
    assert "S*** A*****" in html and "Siti Aminah" not in html
    assert NIK_BLITAR not in html and "3505" not in html.split("<main")[1]
    assert "Diajukan" in html and "Batalkan permohonan" in html
    assert client.get(f"/kesehatan/permohonan/{req.code.lower()}/").status_code == 200
    assert client.get("/kesehatan/permohonan/TIDAKADA99/").status_code == 404


def test_citizen_cancels_with_the_code(client, service):
    client.post("/kesehatan/permohonan/baru/", form_data(service))
    req = ServiceRequest.objects.get()
    response = client.post(f"/kesehatan/permohonan/{req.code}/batal/", follow=True)
    assert "Permohonan dibatalkan" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "dibatalkan"
    ServiceRequest.objects.filter(pk=req.pk).update(status="selesai")
    refused = client.post(f"/kesehatan/permohonan/{req.code}/batal/", follow=True)
    assert "tidak dapat diubah" in refused.content.decode()
    assert "Batalkan permohonan" not in refused.content.decode()


INVALID = [
    ({"nik": "35050141019"}, "16 digit"),
    ({"nik": "0005014101900001"}, "kode wilayah"),
    ({"nik": "3505017301900001"}, "tanggal lahir"),
    ({"phone": "12345"}, "Nomor telepon"),
    ({"phone": "0342-801234"}, "HP/WhatsApp"),
    ({"bpjs_number": "12345"}, "13 digit"),
    ({"visit_date": "2020-01-01"}, "masa lalu"),
    ({"visit_date": "31-02-2026"}, "Tanggal tidak valid"),
    ({"consent": None}, "Persetujuan pemrosesan data pribadi wajib"),
    ({"name": ""}, "Isi nama pasien"),
    ({"complaint": ""}, "Tuliskan keluhan"),
    ({"email": "bukan-email"}, "email tidak valid"),
    ({"service": "999999"}, "Layanan tidak dikenal"),
]


@pytest.mark.parametrize(("override", "message"), INVALID)
def test_each_invalid_field_is_rejected_with_a_clear_message(client, service, override, message):
    response = client.post("/kesehatan/permohonan/baru/", form_data(service, **override))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_date_outside_the_booking_window_is_rejected(client, service):
    late = timezone.localdate() + datetime.timedelta(days=service.hospital.booking_window_days + 1)
    html = client.post("/kesehatan/permohonan/baru/", form_data(service, visit_date=late.isoformat())).content.decode()
    assert "jendela pendaftaran 14 hari" in html
    assert not ServiceRequest.objects.exists()


def test_nik_outside_the_regency_is_accepted_with_a_warning(client, service):
    response = client.post("/kesehatan/permohonan/baru/", form_data(service, nik=NIK_SURABAYA), follow=True)
    assert "di luar Kabupaten Blitar" in response.content.decode()
    assert ServiceRequest.objects.get().nik_outside_regency


def test_daily_quota_is_enforced_and_cancelled_requests_free_a_place(client, service):
    day = timezone.localdate() + datetime.timedelta(days=2)
    made = [
        services.service_request_create(
            service=service, visit_date=day, name="A", nik=NIK_BLITAR, phone="081234567890", complaint="x", consent=True
        )[0]
        for _ in range(3)
    ]
    html = client.post("/kesehatan/permohonan/baru/", form_data(service, visit_date=day.isoformat())).content.decode()
    assert "Kuota layanan ini pada tanggal tersebut sudah habis" in html
    services.service_request_cancel(service_request=made[0])
    req, _ = services.service_request_create(
        service=service, visit_date=day, name="B", nik=NIK_BLITAR, phone="081234567890", complaint="x", consent=True
    )
    assert req.queue_number == 4  # numbers are never reused


def test_double_submit_of_the_same_form_creates_one_request(client, service):
    data = form_data(service, submit_token="token-abc-123")
    first = client.post("/kesehatan/permohonan/baru/", data)
    second = client.post("/kesehatan/permohonan/baru/", data)
    assert ServiceRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_rate_limit_blocks_a_flood_of_submissions(client, service, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service-request": "3/m"}
    codes = [
        client.post("/kesehatan/permohonan/baru/", form_data(service), REMOTE_ADDR="10.9.8.7").status_code
        for _ in range(4)
    ]
    assert codes[:3] == [302, 302, 302] and codes[3] == 429
    assert ServiceRequest.objects.count() == 3


def test_behind_the_proxy_each_citizen_has_their_own_request_limit(client, service, settings):
    """One nginx (TRUSTED_PROXY_COUNT=1): the limit is per citizen, not 10/hour for the whole regency."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service-request": "2/h"}

    def submit(citizen):
        meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": citizen}
        return client.post("/kesehatan/permohonan/baru/", form_data(service), **meta).status_code

    assert [submit("203.0.113.5") for _ in range(3)] == [302, 302, 429]
    assert submit("203.0.113.6") == 302
    assert ServiceRequest.objects.count() == 3


def test_the_form_and_the_api_share_one_request_budget(client, service, settings):
    from tests.ehealth.test_api import payload

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service-request": "2/h"}
    api = lambda: client.post("/api/v1/service-requests/", payload(service), content_type="application/json")  # noqa: E731
    codes = [
        client.post("/kesehatan/permohonan/baru/", form_data(service)).status_code,
        api().status_code,
        client.post("/kesehatan/permohonan/baru/", form_data(service)).status_code,
    ]
    refused = api()
    assert codes == [302, 201, 429]
    assert refused.status_code == 429 and "Retry-After" in refused
    assert ServiceRequest.objects.count() == 2


def test_inactive_service_is_refused_by_the_service_layer(service):
    service.is_active = False
    service.save()
    with pytest.raises(ValidationError) as exc:
        services.service_request_create(
            service=service,
            visit_date=timezone.localdate(),
            name="A",
            nik=NIK_BLITAR,
            phone="081234567890",
            complaint="x",
            consent=True,
        )
    assert "tidak menerima" in str(exc.value)


def test_status_workflow_and_rejection_needs_a_reason(service):
    req, _ = services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="A",
        nik=NIK_BLITAR,
        phone="081234567890",
        complaint="x",
        consent=True,
    )
    with pytest.raises(ValidationError, match="Alasan penolakan wajib"):
        services.service_request_set_status(service_request=req, status="ditolak")
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.service_request_set_status(service_request=req, status="selesai")
    for status in ("diterima", "dilayani", "selesai"):
        req = services.service_request_set_status(service_request=req, status=status)
    assert req.status == "selesai"
    with pytest.raises(ValidationError):
        services.service_request_cancel(service_request=req)
