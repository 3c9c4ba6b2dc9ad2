"""Service request workflow: which transitions are allowed, the time of each status, 'tidak hadir' (no-show)."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from ehealth import demo, services
from ehealth.models import Hospital, ServiceRequest

pytestmark = pytest.mark.django_db

S = ServiceRequest.Status
# Every allowed move, written out by hand (the workflow as hospital staff and citizens see it).
ALLOWED = {
    (S.DIAJUKAN, S.DITERIMA),
    (S.DIAJUKAN, S.DITOLAK),
    (S.DIAJUKAN, S.DIBATALKAN),
    (S.DITERIMA, S.DILAYANI),
    (S.DITERIMA, S.DITOLAK),
    (S.DITERIMA, S.DIBATALKAN),
    (S.DITERIMA, S.TIDAK_HADIR),
    (S.DILAYANI, S.SELESAI),
}


def make_request(service, *, status=S.DIAJUKAN, visit_date=None):
    req, _warnings = services.service_request_create(
        service=service,
        visit_date=visit_date or timezone.localdate(),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        complaint="Demam",
        consent=True,
    )
    ServiceRequest.objects.filter(pk=req.pk).update(status=status)
    req.refresh_from_db()
    return req


@pytest.mark.parametrize(("old", "new"), [(old, new) for old in S for new in S if old != new])
def test_only_the_listed_transitions_are_allowed(service, old, new):
    req = make_request(service, status=old)
    if (old, new) in ALLOWED:
        done = services.service_request_set_status(service_request=req, status=new, reason="Poli tutup")
        assert done.status == new
    else:
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            services.service_request_set_status(service_request=req, status=new, reason="Poli tutup")
        req.refresh_from_db()
        assert req.status == old


def test_each_step_stamps_its_own_time_and_keeps_the_earlier_ones(service):
    req = make_request(service)
    t0 = timezone.now()
    steps = [(S.DITERIMA, 1), (S.DILAYANI, 3), (S.SELESAI, 4)]
    for status, hours in steps:
        req = services.service_request_set_status(
            service_request=req, status=status, now=t0 + datetime.timedelta(hours=hours)
        )
    req.refresh_from_db()
    assert req.accepted_at == t0 + datetime.timedelta(hours=1)
    assert req.served_at == t0 + datetime.timedelta(hours=3)
    assert req.completed_at == req.status_changed_at == t0 + datetime.timedelta(hours=4)
    assert (req.rejected_at, req.cancelled_at, req.no_show_at) == (None, None, None)
    assert [label for label, _at in req.status_history()] == ["Diajukan", "Diterima", "Sedang dilayani", "Selesai"]


def test_setting_the_same_status_changes_nothing(service):
    req = services.service_request_set_status(service_request=make_request(service), status=S.DITERIMA)
    first = req.accepted_at
    again = services.service_request_set_status(service_request=req, status=S.DITERIMA)
    assert again.accepted_at == first


def test_citizen_cancel_stamps_the_cancellation_time(service):
    req = services.service_request_cancel(service_request=make_request(service))
    assert req.status == S.DIBATALKAN and req.cancelled_at == req.status_changed_at


def test_no_show_only_on_or_after_the_visit_day(service):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    req = make_request(service, status=S.DITERIMA, visit_date=tomorrow)
    with pytest.raises(ValidationError, match="pada atau setelah tanggal kunjungan"):
        services.service_request_set_status(service_request=req, status=S.TIDAK_HADIR)
    req.refresh_from_db()
    assert req.status == S.DITERIMA and req.no_show_at is None
    later = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(15)))
    req = services.service_request_set_status(service_request=req, status=S.TIDAK_HADIR, now=later)
    assert req.status == S.TIDAK_HADIR and req.no_show_at == later
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.service_request_cancel(service_request=req)


def test_clerk_marks_a_no_show_with_the_list_action(client, clerk, service):
    req = make_request(service, status=S.DITERIMA)
    waiting = make_request(service)  # still 'diajukan': refused with a message, the other is applied
    client.force_login(clerk)
    response = client.post(
        "/admin/ehealth/servicerequest/",
        {"action": "mark_tidak_hadir", "_selected_action": [req.pk, waiting.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 permohonan diperbarui" in html and "tidak dapat diubah" in html
    req.refresh_from_db()
    waiting.refresh_from_db()
    assert req.status == S.TIDAK_HADIR and req.no_show_at is not None
    assert waiting.status == S.DIAJUKAN


def test_clerk_marks_a_no_show_in_the_change_form(client, clerk, service):
    req = make_request(service, status=S.DITERIMA)
    client.force_login(clerk)
    url = f"/admin/ehealth/servicerequest/{req.pk}/change/"
    assert "Tidak hadir" in client.get(url).content.decode()
    client.post(url, {"status": "tidak_hadir", "reject_reason": ""})
    req.refresh_from_db()
    assert req.status == S.TIDAK_HADIR and req.no_show_at is not None


def test_tracking_page_shows_the_no_show_and_the_history_in_both_languages(client, service, settings):
    req = services.service_request_set_status(service_request=make_request(service), status=S.DITERIMA)
    req = services.service_request_set_status(service_request=req, status=S.TIDAK_HADIR)
    html = client.get(f"/kesehatan/permohonan/{req.code}/").content.decode()
    assert "Tidak hadir" in html and "tidak datang pada tanggal kunjungan" in html
    assert 'data-testid="status-history"' in html and "Diterima" in html
    assert "Batalkan permohonan" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/kesehatan/permohonan/{req.code}/").content.decode()
    assert "No-show" in english and "Status history" in english


def test_migration_backfills_only_the_time_of_the_current_status(service):
    migration = importlib.import_module("ehealth.migrations.0003_service_request_status_times_and_no_show")
    changed = timezone.now() - datetime.timedelta(days=3)
    done = make_request(service, status=S.SELESAI)
    waiting = make_request(service)
    rejected = make_request(service, status=S.DITOLAK)
    ServiceRequest.objects.update(status_changed_at=changed)
    migration.backfill_current_status_time(apps, None)
    done.refresh_from_db()
    waiting.refresh_from_db()
    rejected.refresh_from_db()
    assert done.completed_at == changed and done.accepted_at is None and done.served_at is None
    assert rejected.rejected_at == changed
    assert [getattr(waiting, f) for f in ServiceRequest.STATUS_TIME_FIELDS.values()] == [None] * 6


def test_demo_requests_have_consistent_times_for_their_status(service):
    demo._bulk_requests(list(Hospital.objects.all()), target=400, stdout=io.StringIO())
    now = timezone.now()
    fields = ServiceRequest.STATUS_TIME_FIELDS
    rows = list(ServiceRequest.objects.all())
    assert {r.status for r in rows} >= {S.SELESAI, S.TIDAK_HADIR, S.DIBATALKAN}
    for r in rows:
        if r.status != S.DIAJUKAN:
            assert getattr(r, fields[r.status]) == r.status_changed_at, r.status
        steps = [r.created_at, r.accepted_at, r.served_at, r.completed_at]
        known = [t for t in steps if t is not None]
        assert known == sorted(known) and all(t <= now for t in known)
        if r.status in (S.SELESAI, S.DILAYANI, S.TIDAK_HADIR):
            assert r.accepted_at is not None
