"""Slots that tell the truth: doctor schedules, daily quota, no past time, no closed or full day."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ehealth import selectors, services
from ehealth.forms import ServiceRequestForm
from ehealth.models import Service, ServiceRequest

from .conftest import make_hospital

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime.date(2026, 12, 7)
NIK = "3505014101900001"


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def weekday_clinic(hospital, *, quota=30, name="Poli Dalam"):
    """Monday-Friday 08:00-12:00 (dr. Hendra), Tuesday afternoon 13:00-15:00 too (dr. Lestari)."""
    service = Service.objects.create(hospital=hospital, name=name, daily_quota=quota, avg_service_minutes=10)
    sessions = [(d, datetime.time(8), datetime.time(12), "dr. Hendra, Sp.PD") for d in range(5)]
    sessions.append((1, datetime.time(13), datetime.time(15), "dr. Lestari, Sp.PD"))
    services.service_schedule_set(service=service, sessions=sessions)
    return service


def book(service, day, *, now, name="Warga"):
    request, _warnings = services.service_request_create(
        service=service,
        visit_date=day,
        name=name,
        nik=NIK,
        phone="081234567890",
        complaint="Kontrol",
        consent=True,
        now=now,
    )
    return request


@pytest.fixture
def clinic(hospital):
    return weekday_clinic(hospital)


def test_open_days_are_the_schedule_days_with_their_doctors_and_remaining_quota(clinic):
    days = selectors.service_open_days(clinic, now=at(MONDAY, 7))
    assert [d["date"].weekday() for d in days[:7]] == [0, 1, 2, 3, 4, 0, 1]  # no Saturday, no Sunday
    tuesday = days[1]
    assert [s["doctor_name"] for s in tuesday["sessions"]] == ["dr. Hendra, Sp.PD", "dr. Lestari, Sp.PD"]
    assert tuesday["remaining"] == 30
    assert days[-1]["date"] <= MONDAY + datetime.timedelta(days=clinic.hospital.booking_window_days)


def test_a_same_day_booking_after_closing_moves_to_the_next_open_day_before_submitting(clinic):
    late = at(MONDAY, 15, 15)
    days = selectors.service_open_days(clinic, now=late)
    assert days[0]["date"] == MONDAY + datetime.timedelta(days=1)
    form = ServiceRequestForm(service=clinic, now=late)
    assert form.initial["visit_date"] == "2026-12-08"
    assert MONDAY.isoformat() not in [value for value, _label in form.fields["visit_date"].widget.choices]
    with pytest.raises(ValidationError) as refused:
        book(clinic, MONDAY, now=late)
    assert "sudah tutup" in refused.value.message_dict["visit_date"][0]


def test_a_closed_weekday_is_refused_with_the_day_named(clinic):
    saturday = MONDAY + datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as refused:
        book(clinic, saturday, now=at(MONDAY, 9))
    assert "tidak buka pada hari Sabtu" in refused.value.message_dict["visit_date"][0]


def test_a_full_day_is_not_offered_and_a_cancellation_gives_the_place_back(hospital):
    clinic = weekday_clinic(hospital, quota=2)
    now, tuesday = at(MONDAY, 9), MONDAY + datetime.timedelta(days=1)
    first = book(clinic, tuesday, now=now)
    book(clinic, tuesday, now=now)
    assert tuesday not in [d["date"] for d in selectors.service_open_days(clinic, now=now)]
    with pytest.raises(ValidationError) as refused:
        book(clinic, tuesday, now=now)
    assert "Kuota" in refused.value.message_dict["visit_date"][0]
    services.service_request_cancel(service_request=first)
    offered = {d["date"]: d["remaining"] for d in selectors.service_open_days(clinic, now=now)}
    assert offered[tuesday] == 1
    assert book(clinic, tuesday, now=now).queue_number == 3  # numbers are never reused


def test_a_same_day_ticket_never_promises_a_time_already_past(clinic):
    early = book(clinic, MONDAY, now=at(MONDAY, 6, 30))
    assert early.estimated_time == datetime.time(8, 0)
    later = book(clinic, MONDAY, now=at(MONDAY, 10, 30))
    assert later.queue_number == 2 and later.estimated_time >= datetime.time(10, 31)


def test_the_api_offers_the_same_open_days(client, clinic):
    body = client.get(f"/api/v1/services/{clinic.pk}/slots/").json()
    days = selectors.service_open_days(clinic)
    assert [d["date"] for d in body] == [d["date"].isoformat() for d in days]
    assert body[0]["remaining"] == 30 and body[0]["sessions"][0]["starts_at"] == "08:00:00"


def test_the_api_answers_404_for_an_unknown_or_inactive_service(client, clinic):
    assert client.get("/api/v1/services/999999/slots/").status_code == 404
    Service.objects.filter(pk=clinic.pk).update(is_active=False)
    assert client.get(f"/api/v1/services/{clinic.pk}/slots/").status_code == 404


def test_a_service_without_a_schedule_offers_no_day(client, hospital):
    service = Service.objects.create(hospital=hospital, name="Poli Baru")
    assert selectors.service_open_days(service) == []
    html = client.get(f"/kesehatan/permohonan/baru/?layanan={service.pk}").content.decode()
    assert 'data-testid="no-open-days"' in html


def test_the_booking_form_offers_only_open_days_after_choosing_the_service(client, service):
    step1 = client.get("/kesehatan/permohonan/baru/").content.decode()
    assert 'data-testid="pick-service"' in step1 and 'name="consent"' not in step1
    step2 = client.get(f"/kesehatan/permohonan/baru/?layanan={service.pk}").content.decode()
    assert "sisa 3 kuota" in step2 and "dr. Uji" in step2 and 'name="consent"' in step2
    junk = client.get("/kesehatan/permohonan/baru/?layanan=abc")
    assert junk.status_code == 200 and "Layanan tidak dikenal" in junk.content.decode()


THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_quota():
    hospital = make_hospital("rs-kuota")
    clinic = weekday_clinic(hospital, quota=5)
    tuesday, now = MONDAY + datetime.timedelta(days=1), at(MONDAY, 9)
    barrier = threading.Barrier(THREADS)
    made, refused, errors = [], [], []

    def submit(n):
        try:
            barrier.wait()
            made.append(book(clinic, tuesday, now=now, name=f"Warga {n}").queue_number)
        except ValidationError as exc:
            refused.append(exc.message_dict["visit_date"][0])
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(made) == [1, 2, 3, 4, 5]
    assert len(refused) == THREADS - 5 and all("Kuota" in m for m in refused)
    assert ServiceRequest.objects.filter(service=clinic, visit_date=tuesday).count() == 5
