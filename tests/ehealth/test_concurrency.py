"""Queue numbers stay unique per hospital/service/date under concurrent submissions (separate DB connections)."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ehealth import services
from ehealth.models import Service, ServiceRequest

from .conftest import make_hospital, open_all_week

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_consecutive_queue_numbers():
    hospital = make_hospital("rs-ramai")
    service = open_all_week(Service.objects.create(hospital=hospital, name="Poli Umum", daily_quota=100))
    day = timezone.localdate() + datetime.timedelta(days=1)
    barrier = threading.Barrier(THREADS)
    errors, numbers = [], []

    def submit(n):
        try:
            barrier.wait()
            req, _ = services.service_request_create(
                service=service,
                visit_date=day,
                name=f"Warga {n}",
                nik="3505014101900001",
                phone="081234567890",
                complaint="Kontrol",
                consent=True,
            )
            numbers.append(req.queue_number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert ServiceRequest.objects.filter(service=service).count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_a_duplicate_queue_number():
    hospital = make_hospital("rs-unik")
    service = open_all_week(Service.objects.create(hospital=hospital, name="Poli Gigi"))
    req, _ = services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="A",
        nik="3505014101900001",
        phone="081234567890",
        complaint="x",
        consent=True,
    )
    dup = ServiceRequest.objects.get(pk=req.pk)
    dup.pk, dup.code, dup.submit_token = None, "ZZZZZZZZZZ", None
    with pytest.raises(IntegrityError), transaction.atomic():
        dup.save()
