"""Clerks edit the doctor schedule and the daily quota of their own hospital's services only."""

import datetime

import pytest

from ehealth.models import ServiceSchedule

pytestmark = pytest.mark.django_db


def schedule_post(service, *, quota, rows):
    data = {
        "hospital": service.hospital_id,
        "name": service.name,
        "kind": service.kind,
        "daily_quota": quota,
        "avg_service_minutes": service.avg_service_minutes,
        "opens_at": "08:00",
        "is_active": "on",
        "schedules-TOTAL_FORMS": str(len(rows)),
        "schedules-INITIAL_FORMS": "0",
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, start, end, doctor) in enumerate(rows):
        data.update(
            {
                f"schedules-{i}-weekday": weekday,
                f"schedules-{i}-starts_at": start,
                f"schedules-{i}-ends_at": end,
                f"schedules-{i}-doctor_name": doctor,
            }
        )
    return data


def test_a_clerk_sets_the_schedule_and_quota_of_their_service(client, clerk, service):
    service.schedules.all().delete()
    client.force_login(clerk)
    rows = [(0, "08:00", "12:00", "dr. Maya, Sp.A"), (3, "13:00", "15:00", "dr. Maya, Sp.A")]
    response = client.post(f"/admin/ehealth/service/{service.pk}/change/", schedule_post(service, quota=25, rows=rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.daily_quota == 25
    assert list(service.schedules.values_list("weekday", "starts_at", "doctor_name")) == [
        (0, datetime.time(8), "dr. Maya, Sp.A"),
        (3, datetime.time(13), "dr. Maya, Sp.A"),
    ]


def test_a_session_ending_before_it_starts_is_refused_with_a_message(client, clerk, service):
    service.schedules.all().delete()
    client.force_login(clerk)
    rows = [(0, "12:00", "08:00", "dr. Maya")]
    html = client.post(
        f"/admin/ehealth/service/{service.pk}/change/", schedule_post(service, quota=3, rows=rows)
    ).content.decode()
    assert "Jam selesai harus setelah jam mulai." in html
    assert not ServiceSchedule.objects.filter(service=service).exists()


def test_a_clerk_cannot_open_another_hospitals_service(client, clerk, other_service):
    client.force_login(clerk)
    assert client.get(f"/admin/ehealth/service/{other_service.pk}/change/").status_code == 404
    rows = [(0, "08:00", "12:00", "dr. Lain")]
    response = client.post(
        f"/admin/ehealth/service/{other_service.pk}/change/", schedule_post(other_service, quota=1, rows=rows)
    )
    assert response.status_code == 404
    other_service.refresh_from_db()
    assert other_service.daily_quota == 30
