"""ehealth/dashboard.py: home_summary() and the reads the Diskominfo dashboard makes of E-Health."""

import datetime

import pytest
from django.utils import timezone

from ehealth import dashboard, selectors
from ehealth.models import Hospital, SyncRun

pytestmark = pytest.mark.django_db


def test_home_summary_has_exactly_the_expected_keys_and_counts_fresh_hospitals(hospital, other_hospital):
    Hospital.objects.filter(pk=other_hospital.pk).update(beds_confirmed_at=timezone.now() - datetime.timedelta(days=3))
    selectors.board_cache_invalidate()
    summary = dashboard.home_summary()
    assert summary == {"hospitals_total": 2, "hospitals_reporting": 1, "beds_available": 6}


def test_home_page_shows_the_beds_available(client, hospital):
    assert 'data-testid="beds-available">6<' in client.get("/").content.decode()


def test_dashboard_sync_success_per_hospital(hospital):
    for status in ["ok", "ok", "error", "ok", "skipped"]:
        SyncRun.objects.create(hospital=hospital, status=status)
    assert dashboard.sync_success() == [
        {"slug": "rsud-wlingi", "name": "RSUD Ngudi Waluyo Wlingi", "runs": 4, "ok": 3, "success_percent": 75.0}
    ]


def test_dashboard_hospital_status_rows(hospital, other_hospital, django_assert_max_num_queries):
    SyncRun.objects.create(hospital=hospital, status="ok")
    SyncRun.objects.create(hospital=hospital, status="error")
    Hospital.objects.filter(pk=other_hospital.pk).update(
        last_sync_status="error", last_sync_message="Server RS menjawab HTTP 500, bukan 200.", beds_confirmed_at=None
    )
    with django_assert_max_num_queries(3):
        rows = dashboard.hospital_status()
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["rsud-wlingi"]["on_time"] and by_slug["rsud-wlingi"]["success_percent"] == 50.0
    assert not by_slug["rsud-srengat"]["on_time"] and "HTTP 500" in by_slug["rsud-srengat"]["last_error"]
    assert by_slug["rsud-srengat"]["kecamatan"] == other_hospital.kecamatan.code
