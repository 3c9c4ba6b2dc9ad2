"""The live queue costs the same number of queries whether 5 or 200 patients wait (issue 15,
"Performance"): the TV display data, the tracking page, the tracking API and call-next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ehealth.models import Service, ServiceRequest

from .conftest import open_all_week

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status


def waiting_queue(hospital, n):
    """One service with `n` requests checked in today, all waiting (bulk: the booking form is not the subject)."""
    service = open_all_week(Service.objects.create(hospital=hospital, name=f"Poli {n}", daily_quota=n + 10))
    now, today = timezone.now(), timezone.localdate()
    ServiceRequest.objects.bulk_create(
        ServiceRequest(
            code=f"Q{n:03d}{i:05d}",
            hospital=hospital,
            service=service,
            visit_date=today,
            queue_number=i + 1,
            status=S.DITERIMA,
            name=f"Warga {i}",
            nik="3505014101900001",
            phone="081234567890",
            complaint="Kontrol",
            consent_version="1",
            consent_at=now,
            accepted_at=now,
            checked_in_at=now,
        )
        for i in range(n)
    )
    # The tracked patient is the last in line: "ahead" is n - 1.
    return service, ServiceRequest.objects.get(service=service, queue_number=n)


def count_queries(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def _counts(client, hospital, clerk, n):
    service, last = waiting_queue(hospital, n)
    counts = {
        "display": count_queries(lambda: client.get(f"/kesehatan/antrean/{hospital.slug}/data/")),
        "tracking": count_queries(lambda: client.get(f"/kesehatan/permohonan/{last.code}/")),
        "api": count_queries(lambda: client.get(f"/api/v1/service-requests/{last.code}/")),
    }
    client.force_login(clerk)
    counts["call_next"] = count_queries(
        lambda: client.post(f"/api/v1/services/{service.pk}/call-next/", {"desk": "1"}, content_type="application/json")
    )
    client.logout()
    Service.objects.filter(pk=service.pk).update(is_active=False)  # off the display for the next size
    return counts


def test_query_counts_do_not_grow_with_the_number_waiting(client, hospital, clerk):
    few = _counts(client, hospital, clerk, 5)
    many = _counts(client, hospital, clerk, 200)
    assert many == few


def test_the_display_costs_the_same_queries_for_one_or_many_services(client, hospital):
    waiting_queue(hospital, 5)
    url = f"/kesehatan/antrean/{hospital.slug}/data/"
    one = count_queries(lambda: client.get(url))
    for n in (6, 7, 8, 9):
        waiting_queue(hospital, n)
    assert len(client.get(url).json()["services"]) == 5
    assert count_queries(lambda: client.get(url)) == one
