"""home_summary() and the functions the Diskominfo dashboard will use."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.core.selectors import HOME_SUMMARY_DEFAULTS
from ehealth import selectors
from ehealth.models import BedCountChange, Hospital, SyncRun

pytestmark = pytest.mark.django_db


def test_home_summary_has_exactly_the_expected_keys_and_counts_fresh_hospitals(hospital, other_hospital):
    Hospital.objects.filter(pk=other_hospital.pk).update(beds_confirmed_at=timezone.now() - datetime.timedelta(days=3))
    selectors.board_cache_invalidate()
    summary = selectors.home_summary()
    assert set(summary) == set(HOME_SUMMARY_DEFAULTS["ehealth"])
    assert summary == {"hospitals_total": 2, "hospitals_reporting": 1, "beds_available": 6}


def test_home_page_shows_the_beds_available(client, hospital):
    assert 'data-testid="beds-available">6<' in client.get("/").content.decode()


def test_dashboard_reporting_on_time_vs_stale(hospital, other_hospital):
    Hospital.objects.filter(pk=other_hospital.pk).update(beds_confirmed_at=None)
    selectors.board_cache_invalidate()
    assert selectors.dashboard_reporting() == {"on_time": ["RSUD Ngudi Waluyo Wlingi"], "stale": ["RSUD Srengat"]}


def test_dashboard_sync_success_per_hospital(hospital):
    for status in ["ok", "ok", "error", "ok", "skipped"]:
        SyncRun.objects.create(hospital=hospital, status=status)
    assert selectors.dashboard_sync_success() == [
        {"slug": "rsud-wlingi", "name": "RSUD Ngudi Waluyo Wlingi", "runs": 4, "ok": 3, "success_percent": 75.0}
    ]


def test_dashboard_bor_per_class_over_time(hospital):
    now = timezone.now()
    BedCountChange.objects.all().delete()
    # ICU 7 beds: 1 free today (BOR 85.7 %); yesterday 7 free (BOR 0 %) until a change today.
    BedCountChange.objects.create(
        hospital=hospital,
        code="ICU",
        source="feed",
        old_capacity=7,
        new_capacity=7,
        old_available=7,
        new_available=1,
        changed_at=now,
    )
    series = selectors.dashboard_bor_per_class(days=3, now=now)
    assert [v for _d, v in series["ICU"]] == [0.0, 0.0, 85.7]
    assert series["VIP"][-1][1] == round(100 * 4 / 6, 1)


def test_dashboard_requests_per_day_by_status(service):
    from ehealth import services

    services.service_request_create(
        service=service,
        visit_date=timezone.localdate(),
        name="A",
        nik="3505014101900001",
        phone="081234567890",
        complaint="x",
        consent=True,
    )
    rows = selectors.dashboard_requests_per_day()
    assert rows[0]["status"] == "diajukan" and rows[0]["n"] == 1


def test_dashboard_hospital_status_rows(hospital, other_hospital, django_assert_max_num_queries):
    SyncRun.objects.create(hospital=hospital, status="ok")
    SyncRun.objects.create(hospital=hospital, status="error")
    Hospital.objects.filter(pk=other_hospital.pk).update(
        last_sync_status="error", last_sync_message="Server RS menjawab HTTP 500, bukan 200.", beds_confirmed_at=None
    )
    with django_assert_max_num_queries(3):
        rows = selectors.dashboard_hospital_status()
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["rsud-wlingi"]["on_time"] and by_slug["rsud-wlingi"]["success_percent"] == 50.0
    assert not by_slug["rsud-srengat"]["on_time"] and "HTTP 500" in by_slug["rsud-srengat"]["last_error"]
    assert by_slug["rsud-srengat"]["kecamatan"] == other_hospital.kecamatan.code
