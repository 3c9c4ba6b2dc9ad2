"""/api/v1/ for the Android app: same rules and services as the web pages, documented in the OpenAPI schema."""

import datetime

import pytest
from django.utils import timezone

from ehealth.models import ServiceRequest

pytestmark = pytest.mark.django_db


def payload(service, **overrides):
    data = {
        "service": service.pk,
        "visit_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "name": "Siti Aminah",
        "nik": "3505014101900001",
        "phone": "+62 812 3456 7890",
        "complaint": "Demam",
        "consent": True,
    }
    data.update(overrides)
    return data


def test_hospital_list_and_filters(client, hospital, other_hospital):
    body = client.get("/api/v1/hospitals/").json()
    assert [h["slug"] for h in body] == ["rsud-wlingi", "rsud-srengat"]
    icu = client.get("/api/v1/hospitals/?kelas=ICU").json()
    assert [h["slug"] for h in icu] == ["rsud-wlingi"]
    assert icu[0]["classes"] == [
        {"code": "ICU", "label": "ICU", "capacity": 7, "available": 1, "male": None, "female": None, "either": None}
    ]
    near = client.get(f"/api/v1/hospitals/?lat={other_hospital.location.y}&lon={other_hospital.location.x}").json()
    assert near[0]["slug"] == "rsud-srengat" and near[0]["distance_km"] == 0
    assert client.get("/api/v1/hospitals/?lat=abc&lon=1").status_code == 400


def test_hospital_detail_with_services_and_404(client, hospital, service):
    body = client.get("/api/v1/hospitals/rsud-wlingi/").json()
    assert body["hospital"]["name"] == "RSUD Ngudi Waluyo Wlingi"
    assert body["services"][0]["name"] == "Poli Anak"
    assert client.get("/api/v1/hospitals/tidak-ada/").status_code == 404


def test_create_track_and_cancel_a_request(client, service):
    response = client.post("/api/v1/service-requests/", payload(service), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["queue_number"] == 1 and body["status"] == "diajukan" and body["name"] == "S*** A*****"
    assert "nik" not in body
    code = body["code"]
    got = client.get(f"/api/v1/service-requests/{code}/").json()
    assert got["code"] == code and "3505014101900001" not in str(got)
    cancelled = client.post(f"/api/v1/service-requests/{code}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "dibatalkan"
    again = client.post(f"/api/v1/service-requests/{code}/cancel/")
    assert again.status_code == 200 and again.json()["status"] == "dibatalkan"  # idempotent
    done = ServiceRequest.objects.get(code=code)
    ServiceRequest.objects.filter(pk=done.pk).update(status="selesai")
    refused = client.post(f"/api/v1/service-requests/{code}/cancel/")
    assert refused.status_code == 400 and "tidak dapat diubah" in refused.json()["errors"]["non_field_errors"][0]
    assert client.get("/api/v1/service-requests/TIDAKADA00/").status_code == 404


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"nik": "123"}, "nik", "16 digit"),
        ({"phone": "0342801234"}, "phone", "HP/WhatsApp"),
        ({"bpjs_number": "12"}, "bpjs_number", "13 digit"),
        ({"visit_date": "2020-01-01"}, "visit_date", "masa lalu"),
        ({"consent": False}, "consent", "Persetujuan"),
    ],
)
def test_create_rejects_bad_input_with_the_same_messages(client, service, override, field, message):
    response = client.post("/api/v1/service-requests/", payload(service, **override), content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    assert not ServiceRequest.objects.exists()


def test_outside_regency_nik_is_a_warning_and_idempotency_key_prevents_duplicates(client, service):
    data = payload(service, nik="3578011505850002", submit_token="android-123")
    first = client.post("/api/v1/service-requests/", data, content_type="application/json").json()
    assert "di luar Kabupaten Blitar" in first["warnings"][0]
    second = client.post("/api/v1/service-requests/", data, content_type="application/json").json()
    assert first["code"] == second["code"] and ServiceRequest.objects.count() == 1


def test_openapi_schema_documents_the_ehealth_endpoints(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/hospitals/",
        "/api/v1/hospitals/{slug}/",
        "/api/v1/service-requests/",
        "/api/v1/service-requests/{code}/",
        "/api/v1/service-requests/{code}/cancel/",
    ]:
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/service-requests/"]
