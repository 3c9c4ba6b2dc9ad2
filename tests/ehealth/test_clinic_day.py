"""A whole clinic day: 20 bookings across two services, check-ins, calls, skips, no-shows, service.
At every step the public display (JSON), the tracking page and the API say the same thing, and
the estimated time follows the pace the desk actually keeps. The notifications go the real way:
committed outbox rows, a real Celery worker (tests/conftest.py `celery_worker`) sending them to the
local WhatsApp Cloud API server; each "turn is near" reaches it once."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from blitar_portal.notifications.models import Notification
from ehealth import selectors, services
from ehealth.models import Service, ServiceRequest

from .conftest import open_all_week

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery]


@pytest.fixture(autouse=True)
def _notify_at_any_hour(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # status messages are not urgent; the test runs at any hour


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def today_at(hour, minute=0):
    day = timezone.localdate()
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour)) + datetime.timedelta(
        minutes=minute
    )


def book(service, name, n):
    request, _w = services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name=name,
        nik="3505014101900001",
        phone=f"0812345678{n:02d}",
        complaint="Kontrol",
        consent=True,
        notify_channels=["whatsapp"],
    )
    return request


def page_value(html, testid):
    found = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    return found.group(1).strip() if found else None


def assert_agree(client, request):
    """Display JSON, tracking page and API agree on what is served now and how many are ahead."""
    request.refresh_from_db()
    row = next(
        s
        for s in client.get(f"/kesehatan/antrean/{request.hospital.slug}/data/").json()["services"]
        if s["id"] == request.service_id
    )
    html = client.get(f"/kesehatan/permohonan/{request.code}/").content.decode()
    api = client.get(f"/api/v1/service-requests/{request.code}/").json()["queue"]
    mine = selectors.queue_status(request)
    assert row["now_serving"] == api["now_serving"] == mine["now_serving"]
    assert page_value(html, "now-serving") == (str(row["now_serving"]) if row["now_serving"] else "—")
    assert api["ahead"] == mine["ahead"]
    if mine["called"]:
        assert api["called"] and page_value(html, "called") is not None
    elif mine["ahead"] is not None:
        assert page_value(html, "ahead") == str(api["ahead"])
    return row, api


@pytest.fixture
def day(hospital):
    umum = open_all_week(Service.objects.create(hospital=hospital, name="Poli Umum", daily_quota=30))
    anak = open_all_week(
        Service.objects.create(hospital=hospital, name="Poli Anak Sehat", daily_quota=30, avg_service_minutes=15)
    )
    booked = {
        "umum": [book(umum, f"U{i}", i) for i in range(12)],
        "anak": [book(anak, f"A{i}", 50 + i) for i in range(8)],
    }
    return umum, anak, booked


def test_a_clinic_day(whatsapp_api, celery_worker, client, day):
    umum, anak, booked = day
    u, a = booked["umum"], booked["anak"]
    assert [r.queue_number for r in u] == list(range(1, 13)) and [r.queue_number for r in a] == list(range(1, 9))
    last_u, last_a = u[-1], a[-1]
    assert_agree(client, last_u)

    # Morning: ten of Poli Umum and six of Poli Anak arrive (number 3 of Poli Umum never comes).
    for r in u[:2] + u[3:11] + a[:6]:
        services.service_request_check_in(service_request=r)
    row, api = assert_agree(client, last_u)
    assert row["now_serving"] is None and api["ahead"] == 11 and row["waiting"] == 12

    # Poli Umum calls every 6 minutes from 08:00; Poli Anak every 10 minutes.
    for i in range(4):
        called = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(8, 6 * i))
        services.queue_start(service_request=called, now=today_at(8, 6 * i + 1))
        services.queue_finish(service_request=called, now=today_at(8, 6 * i + 5))
    assert ServiceRequest.objects.filter(service=umum, status="selesai").count() == 4
    assert selectors.queue_pace_minutes(umum, day=timezone.localdate()) == 6
    row, api = assert_agree(client, last_u)
    assert row["now_serving"] == 5  # 1, 2, 4, 5: number 3 has not arrived and is passed over
    assert api["ahead"] == 7 and api["pace_minutes"] == 6.0
    at_nine = timezone.localtime(today_at(9))
    status = selectors.queue_status(ServiceRequest.objects.get(pk=last_u.pk), now=at_nine)
    assert status["estimated_time"] == datetime.time(9, 42)  # 7 ahead x 6 minutes after 09:00

    for i in range(2):
        services.queue_call_next(service=anak, desk="Loket Anak", now=today_at(8, 10 * i))
    row, api = assert_agree(client, last_a)
    assert row["now_serving"] == 2 and api["ahead"] == 5

    # Number 6 of Poli Umum is called, does not come to the desk: skipped, later a no-show.
    sixth = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(8, 24))
    assert sixth.queue_number == 6
    assert_agree(client, sixth)
    services.queue_skip(service_request=sixth, now=today_at(8, 25))
    row, api = assert_agree(client, sixth)
    assert api["ahead"] == 7  # behind everyone not skipped: 3 and 7-12 (not arrived yet still keep their place)
    nxt = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(8, 36))
    assert nxt.queue_number == 7
    assert_agree(client, last_u)

    # The desk slows down: calls every 18 minutes; the estimate follows the new pace.
    for i in range(3):
        services.queue_call_next(service=umum, desk="Loket 1", now=today_at(8, 54 + 18 * i))
    pace = selectors.queue_pace_minutes(umum, day=timezone.localdate())
    assert pace == pytest.approx(90 / 8)  # nine first calls from 08:00 to 09:30
    later = selectors.queue_status(ServiceRequest.objects.get(pk=last_u.pk), now=at_nine)
    assert later["ahead"] == 2 and later["estimated_time"] == datetime.time(9, 22)  # 2 x 11.25 min
    assert_agree(client, last_u)

    # Number 11 is called and does not come: no-show; number 12's turn comes.
    eleventh = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(10, 0))
    assert eleventh.queue_number == 11
    services.queue_no_show(service_request=eleventh, now=today_at(10, 5))
    row, api = assert_agree(client, last_u)
    services.service_request_check_in(service_request=last_u)
    called = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(10, 10))
    assert called.pk == last_u.pk
    row, api = assert_agree(client, last_u)
    assert row["now_serving"] == 12 and row["desk"] == "Loket 1" and api["called"] is True

    # The skipped number 6 gets its call after everyone else who arrived.
    again = services.queue_call_next(service=umum, desk="Loket 1", now=today_at(10, 20))
    assert again.pk == sixth.pk and again.call_count == 2
    services.queue_no_show(service_request=again, now=today_at(10, 30))
    assert ServiceRequest.objects.get(pk=sixth.pk).status == ServiceRequest.Status.TIDAK_HADIR
    assert services.queue_call_next(service=umum, now=today_at(10, 40)) is None  # 3 never arrived
    assert_agree(client, a[5])

    # The worker sent every message; each "turn is near" reached the Cloud API server exactly once.
    assert wait_for(lambda: not Notification.objects.exclude(state__in=Notification.FINISHED).exists())
    assert not Notification.objects.filter(state="failed").exists()
    near = [c.json["to"] for c in whatsapp_api.requests if c.json["template"]["name"] == "ehealth_turn_near"]
    told = ServiceRequest.objects.filter(turn_near_at__isnull=False)
    assert len(near) == len(set(near)) == told.count() >= 10
    assert set(near) == {r.notification_contact.phone.lstrip("+") for r in told.select_related("notification_contact")}
    received = [c for c in whatsapp_api.requests if c.json["template"]["name"] == "ehealth_request_received"]
    assert len(received) == 20
