"""Retention: personal fields erased N days after the visit, on cancellation; operational rows pruned;
statistics the dashboards need stay. One service behind the command and the beat task."""

import datetime
import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from blitar_portal.core.services import retention_apply
from blitar_portal.dashboard.models import DailyMetric
from blitar_portal.dashboard.services import summaries_refresh
from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Notification
from ehealth import dashboard as ehealth_dashboard
from ehealth import services
from ehealth.dashboard import BOR_DAYS
from ehealth.models import BedCountChange, ServiceRequest, SyncRun

from .privacy_helpers import NIK, make_past_request, make_request

pytestmark = pytest.mark.django_db

PERSONAL = ("name", "nik", "phone", "email", "bpjs_number", "complaint")


def purge():
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    return out.getvalue()


def dashboard_figures(since):
    rows = ehealth_dashboard.requests_per_day_by_area(since=since)
    return {
        "by_status": sorted(rows["by_status"], key=repr),
        "by_hospital": sorted(rows["by_hospital"], key=repr),
        "outcomes": sorted(ehealth_dashboard.outcomes_per_day(since=since), key=repr),
        "medians": ehealth_dashboard.median_hours(since=since),
    }


def request_metrics():
    """The stored request summaries the dashboard pages read (without row ids, which a rebuild changes)."""
    rows = DailyMetric.objects.filter(metric__startswith="ehealth.")
    return sorted(rows.values_list("date", "metric", "kecamatan_id", "dimension", "value"), key=repr)


def test_personal_fields_are_erased_90_days_after_the_visit_and_not_before(service):
    old = make_past_request(service, days_ago=90)
    recent = make_past_request(service, days_ago=89)
    output = purge()
    assert "service_requests_erased: 1" in output
    old.refresh_from_db()
    recent.refresh_from_db()
    assert all(getattr(old, f) == "" for f in PERSONAL) and old.personal_data_erased_at is not None
    assert old.erasure_reason == "retensi" and old.status == "selesai" and old.visit_date
    assert recent.nik == NIK and recent.personal_data_erased_at is None
    assert not Notification.objects.filter(source_id=str(old.pk)).exists()


def test_retention_days_come_from_the_setting(service, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 10
    request = make_past_request(service, days_ago=11)
    retention_apply()
    request.refresh_from_db()
    assert request.nik == "" and request.personal_data_erased_at is not None


def test_dashboard_statistics_are_the_same_after_erasure(service, other_service):
    for days_ago, status in ((100, "selesai"), (120, "tidak_hadir"), (95, "selesai"), (10, "selesai")):
        make_past_request(service, days_ago=days_ago, status=status)
    make_past_request(other_service, days_ago=200, status="selesai")
    since = timezone.localdate() - datetime.timedelta(days=400)
    before = dashboard_figures(since)
    summaries_refresh(trigger="test")
    metrics_before = request_metrics()
    assert sum(r["n"] for r in before["by_status"]) == 5

    assert retention_apply()["service_requests_erased"] == 4

    assert dashboard_figures(since) == before
    summaries_refresh(trigger="test")
    assert request_metrics() == metrics_before and metrics_before


def test_cancelling_erases_personal_data_but_still_sends_the_cancellation_email(service, mailoutbox):
    request = make_request(service)
    cancelled = services.service_request_cancel(service_request=request)
    cancelled.refresh_from_db()
    assert cancelled.status == "dibatalkan" and all(getattr(cancelled, f) == "" for f in PERSONAL)
    assert cancelled.erasure_reason == "dibatalkan"
    for row in Notification.objects.filter(source_id=str(request.pk)).order_by("pk"):  # received, cancelled
        assert notification_services.notification_send(notification_id=row.pk) == "sent"
    assert mailoutbox[-1].to == ["siti.aminah@contoh.id"] and "dibatalkan" in mailoutbox[-1].subject
    # Once sent, the next retention run removes the e-mail (it holds the address).
    retention_apply()
    assert not Notification.objects.filter(source_id=str(request.pk)).exists()


def test_cancel_page_shows_that_the_data_is_gone(client, service):
    request = make_request(service)
    client.post(f"/kesehatan/permohonan/{request.code}/batal/")
    html = client.get(f"/kesehatan/permohonan/{request.code}/").content.decode()
    assert "data pribadi sudah dihapus" in html and "S*** A*****" not in html


def test_old_sync_runs_are_deleted_and_bed_history_keeps_its_rows(hospital):
    now = timezone.now()
    old = SyncRun.objects.create(hospital=hospital, status="ok", started_at=now - datetime.timedelta(days=31))
    recent = SyncRun.objects.create(hospital=hospital, status="ok", started_at=now - datetime.timedelta(days=29))
    change = BedCountChange.objects.filter(hospital=hospital).first()
    BedCountChange.objects.filter(pk=change.pk).update(sync_run=old)
    assert retention_apply()["sync_runs"] == 1
    assert not SyncRun.objects.filter(pk=old.pk).exists() and SyncRun.objects.filter(pk=recent.pk).exists()
    change.refresh_from_db()
    assert change.sync_run is None


def _change(hospital, *, days_ago, old, new):
    return BedCountChange.objects.create(
        hospital=hospital,
        code="VIP",
        source="user",
        old_capacity=6,
        new_capacity=6,
        old_available=old,
        new_available=new,
        changed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_bed_history_is_kept_for_what_the_dashboard_reads_even_if_the_setting_is_lower(hospital, settings):
    settings.BED_HISTORY_RETENTION_DAYS = 30  # lower than the dashboard's BOR window: clamped
    very_old = _change(hospital, days_ago=BOR_DAYS + 5, old=1, new=2)
    inside = _change(hospital, days_ago=BOR_DAYS - 5, old=5, new=2)
    before = ehealth_dashboard.bed_days(days=BOR_DAYS)
    assert retention_apply()["bed_history"] == 1
    assert not BedCountChange.objects.filter(pk=very_old.pk).exists()
    assert BedCountChange.objects.filter(pk=inside.pk).exists()
    assert ehealth_dashboard.bed_days(days=BOR_DAYS) == before


def test_expired_sessions_and_old_login_attempts_are_deleted(db, settings):
    from axes.models import AccessAttempt, AccessLog

    now = timezone.now()
    Session.objects.create(session_key="lama", session_data="x", expire_date=now - datetime.timedelta(days=1))
    Session.objects.create(session_key="aktif", session_data="x", expire_date=now + datetime.timedelta(days=1))
    fields = {"user_agent": "ua", "ip_address": "10.0.0.1", "http_accept": "*/*", "path_info": "/akun/masuk/"}
    old = AccessAttempt.objects.create(username="a", get_data="", post_data="", failures_since_start=1, **fields)
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=now - datetime.timedelta(days=91))
    AccessAttempt.objects.create(username="b", get_data="", post_data="", failures_since_start=1, **fields)
    log = AccessLog.objects.create(username="a", **fields)
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - datetime.timedelta(days=91))
    result = retention_apply()
    assert result["sessions"] == 1 and result["login_attempts"] == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["aktif"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["b"]


def test_purge_is_a_registered_periodic_task():
    from blitar_portal.celery import app

    entry = app.conf.beat_schedule["core-purge-personal-data"]
    assert entry["task"] == "core.purge_personal_data"
    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    assert "core.purge_personal_data" in app.tasks


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_the_same_service_on_a_real_worker(service, celery_worker):
    from blitar_portal.core.tasks import purge_personal_data

    request = make_past_request(service, days_ago=120)
    purge_personal_data.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        request.refresh_from_db()
        if request.personal_data_erased_at:
            break
        time.sleep(0.2)
    assert request.personal_data_erased_at is not None and request.nik == ""
    assert ServiceRequest.objects.filter(pk=request.pk, status="selesai").exists()
