"""The visit day: check-in (desk, API, self), call next / recall / skip / no-show / start / finish,
the public display, the staff API's 404 for anyone but the hospital's clerks, concurrent desks."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from blitar_portal.accounts.roles import HOSPITAL_STAFF
from ehealth import selectors, services
from ehealth.models import HospitalMembership, Service, ServiceRequest
from tests.factories import UserFactory

from .conftest import make_hospital, open_all_week

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status


def book(service, n=1, *, day=None):
    made = []
    for i in range(n):
        request, _w = services.service_request_create(
            service=service,
            visit_date=day or timezone.localdate(),
            name=f"Warga {i}",
            nik="3505014101900001",
            phone="081234567890",
            complaint="Kontrol",
            consent=True,
        )
        made.append(request)
    return made


@pytest.fixture
def clinic(hospital):
    return open_all_week(Service.objects.create(hospital=hospital, name="Poli Umum", daily_quota=50))


def check_in_all(requests):
    return [services.service_request_check_in(service_request=r) for r in requests]


def test_the_clerk_checks_in_a_scanned_or_typed_code(client, clerk, clinic):
    (req,) = book(clinic)
    client.force_login(clerk)
    typed = f"{req.code[:3].lower()}-{req.code[3:6]}-{req.code[6:].lower()}"
    response = client.post("/kesehatan/petugas/check-in/", {"kode": typed}, follow=True)
    req.refresh_from_db()
    assert req.checked_in_at is not None and req.status == S.DITERIMA and req.accepted_at is not None
    assert f"nomor antrean {req.queue_number}" in response.content.decode()
    again = client.post("/kesehatan/petugas/check-in/", {"kode": req.code}, follow=True)
    assert again.status_code == 200  # idempotent: a second scan changes nothing
    assert ServiceRequest.objects.get(pk=req.pk).checked_in_at == req.checked_in_at


def test_a_clerk_cannot_check_in_another_hospitals_request(client, clerk, other_service):
    (req,) = book(other_service)
    client.force_login(clerk)
    html = client.post("/kesehatan/petugas/check-in/", {"kode": req.code}).content.decode()
    assert "Kode tidak ditemukan" in html
    assert ServiceRequest.objects.get(pk=req.pk).checked_in_at is None


def test_check_in_happens_only_on_the_visit_day(client, clerk, clinic):
    (req,) = book(clinic, day=timezone.localdate() + datetime.timedelta(days=1))
    client.force_login(clerk)
    html = client.post("/kesehatan/petugas/check-in/", {"kode": req.code}).content.decode()
    assert "Check-in hanya pada tanggal kunjungan" in html


def test_staff_pages_are_for_the_hospitals_clerks_only(client, clerk, clinic, other_service, bob):
    assert client.get(f"/kesehatan/petugas/antrean/{clinic.pk}/").status_code == 302  # sign in first
    client.force_login(bob)
    assert client.get("/kesehatan/petugas/check-in/").status_code == 404
    client.force_login(clerk)
    assert client.get(f"/kesehatan/petugas/antrean/{clinic.pk}/").status_code == 200
    assert client.get(f"/kesehatan/petugas/antrean/{other_service.pk}/").status_code == 404


def test_call_next_follows_the_rule_skip_goes_last_no_show_and_finish(client, clerk, clinic):
    reqs = book(clinic, 4)
    check_in_all([reqs[0], reqs[1], reqs[3]])  # number 3 has not arrived
    client.force_login(clerk)
    url = f"/kesehatan/petugas/antrean/{clinic.pk}/"
    client.post(url, {"action": "call_next", "loket": "Loket 2"})
    first = ServiceRequest.objects.get(pk=reqs[0].pk)
    assert first.called_at and first.desk == "Loket 2" and first.call_count == 1
    client.post(url, {"action": "skip", "kode": first.code})
    client.post(url, {"action": "call_next"})
    assert ServiceRequest.objects.get(pk=reqs[1].pk).called_at is not None
    client.post(url, {"action": "start", "kode": reqs[1].code})
    client.post(url, {"action": "finish", "kode": reqs[1].code})
    assert ServiceRequest.objects.get(pk=reqs[1].pk).status == S.SELESAI
    client.post(url, {"action": "call_next"})  # number 4 (checked in, never skipped) before the skipped 1
    assert ServiceRequest.objects.get(pk=reqs[3].pk).called_at is not None
    client.post(url, {"action": "recall", "kode": reqs[3].code})
    assert ServiceRequest.objects.get(pk=reqs[3].pk).call_count == 2
    client.post(url, {"action": "no_show", "kode": reqs[3].code})
    assert ServiceRequest.objects.get(pk=reqs[3].pk).status == S.TIDAK_HADIR
    client.post(url, {"action": "call_next"})
    assert ServiceRequest.objects.get(pk=reqs[0].pk).call_count == 2  # the skipped one, at last
    response = client.post(url, {"action": "call_next"}, follow=True)
    assert "Tidak ada pasien yang sudah check-in" in response.content.decode()  # number 3 never came


def test_an_unknown_action_is_a_message_not_an_error(client, clerk, clinic):
    client.force_login(clerk)
    response = client.post(f"/kesehatan/petugas/antrean/{clinic.pk}/", {"action": "meledak"}, follow=True)
    assert response.status_code == 200 and "Aksi tidak dikenal" in response.content.decode()


def test_the_display_shows_the_number_called_and_its_json_agrees(client, clinic):
    reqs = book(clinic, 3)
    check_in_all(reqs)
    services.queue_call_next(service=clinic, desk="Loket 1")
    services.queue_call_next(service=clinic, desk="Loket 2")
    data = client.get(f"/kesehatan/antrean/{clinic.hospital.slug}/data/").json()
    row = next(s for s in data["services"] if s["id"] == clinic.pk)
    assert (row["now_serving"], row["desk"], row["recent"], row["waiting"]) == (2, "Loket 2", [1], 1)
    html = client.get(f"/kesehatan/antrean/{clinic.hospital.slug}/").content.decode()
    box = html.split(f'data-testid="display-{clinic.pk}"', 1)[1]
    assert 'data-field="now_serving">2<' in box and "queue-display.js" in html


def test_the_display_of_an_unknown_hospital_is_a_404(client, db):
    assert client.get("/kesehatan/antrean/tidak-ada/").status_code == 404
    assert client.get("/kesehatan/antrean/tidak-ada/data/").status_code == 404


def test_self_check_in_accepts_only_this_hospitals_codes(client, clinic, other_service):
    (mine,) = book(clinic)
    (theirs,) = book(other_service)
    url = f"/kesehatan/antrean/{clinic.hospital.slug}/check-in/"
    assert "Check-in" in client.post(url, {"kode": mine.code}, follow=True).content.decode()
    assert "Kode tidak ditemukan" in client.post(url, {"kode": theirs.code}).content.decode()
    assert ServiceRequest.objects.get(pk=mine.pk).checked_in_at is not None
    assert ServiceRequest.objects.get(pk=theirs.pk).checked_in_at is None


# --- Staff API -------------------------------------------------------------------------------


def test_api_check_in_and_call_next_for_the_hospitals_clerk(client, clerk, clinic):
    (req,) = book(clinic)
    client.force_login(clerk)
    body = client.post(f"/api/v1/service-requests/{req.code.lower()}/check-in/").json()
    assert body["checked_in_at"] and body["status"] == "diterima"
    called = client.post(f"/api/v1/services/{clinic.pk}/call-next/", {"desk": "Loket 3"}).json()
    assert called["called"]["code"] == req.code and called["called"]["queue"]["called"] is True
    empty = client.post(f"/api/v1/services/{clinic.pk}/call-next/").json()
    assert empty == {"called": None}


def test_api_staff_actions_are_404_for_anyone_else(client, clinic, other_hospital, bob):
    (req,) = book(clinic)
    outsider = UserFactory(username="eko", groups=[HOSPITAL_STAFF], is_staff=True)
    HospitalMembership.objects.create(user=outsider, hospital=other_hospital)
    for user in (None, bob, outsider):
        client.logout()
        if user:
            client.force_login(user)
        assert client.post(f"/api/v1/service-requests/{req.code}/check-in/").status_code == 404
        assert client.post(f"/api/v1/services/{clinic.pk}/call-next/").status_code == 404
    assert ServiceRequest.objects.get(pk=req.pk).checked_in_at is None


def test_turn_near_fires_once_per_patient(clinic, settings, monkeypatch):
    settings.EHEALTH_TURN_NEAR_AHEAD = 1
    fired = []
    monkeypatch.setattr(services, "queue_turn_near", lambda request: fired.append(request.queue_number))
    reqs = book(clinic, 4)
    check_in_all(reqs)
    services.queue_call_next(service=clinic)  # 2 and 3 now have 0 and 1 ahead
    services.queue_call_next(service=clinic)
    services.queue_call_next(service=clinic)
    assert fired == [2, 3, 4]


DESKS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_desks_calling_at_once_never_call_the_same_patient():
    hospital = make_hospital("rs-sibuk")
    clinic = open_all_week(Service.objects.create(hospital=hospital, name="Poli Umum", daily_quota=50))
    check_in_all(book(clinic, 14))
    barrier = threading.Barrier(DESKS)
    called, errors = [], []

    def desk(n):
        try:
            barrier.wait()
            for _round in range(2):
                request = services.queue_call_next(service=clinic, desk=f"Loket {n}")
                if request is not None:
                    called.append(request.queue_number)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(called) == list(range(1, 15))  # every patient called exactly once
    assert ServiceRequest.objects.filter(service=clinic, call_count=1).count() == 14
    assert selectors.queue_waiting(clinic, day=timezone.localdate()).count() == 0


def test_the_display_json_and_the_tracking_api_cost_a_bounded_number_of_queries(
    client, clinic, django_assert_max_num_queries
):
    reqs = book(clinic, 6)
    check_in_all(reqs)
    services.queue_call_next(service=clinic)
    services.queue_call_next(service=clinic)
    # Polled by every TV and phone: the hospital, its services, 2 per active service (one here).
    with django_assert_max_num_queries(4):
        client.get(f"/kesehatan/antrean/{clinic.hospital.slug}/data/")
    with django_assert_max_num_queries(8):
        client.get(f"/api/v1/service-requests/{reqs[-1].code}/")
