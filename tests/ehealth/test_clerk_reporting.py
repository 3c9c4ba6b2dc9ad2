"""Hospital staff see their own hospital's 30-day reporting score and the updates they missed on
their start page (issue 17 point 6): whole days without fresh numbers and each stretch without them."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.lib.dates import local_midnight
from ehealth import selectors
from ehealth.models import FreshSpan

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(hospital):
    """Fresh for 30 days except two whole days (D-8, D-7) and a 2-hour stretch this morning-ish."""
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate(now)
    FreshSpan.objects.filter(hospital=hospital).delete()
    gap_start, gap_end = (
        local_midnight(today - datetime.timedelta(days=8)),
        local_midnight(today - datetime.timedelta(days=6)),
    )
    FreshSpan.objects.create(hospital=hospital, started_at=now - datetime.timedelta(days=31), ends_at=gap_start)
    FreshSpan.objects.create(hospital=hospital, started_at=gap_end, ends_at=now - datetime.timedelta(hours=5))
    FreshSpan.objects.create(
        hospital=hospital, started_at=now - datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(minutes=50)
    )
    return now, today, gap_start, gap_end


def test_missed_days_and_stretches_without_fresh_numbers(hospital, history):
    now, today, gap_start, gap_end = history
    missed = selectors.reporting_gaps(hospital, now=now)
    assert missed["missed_days"] == [today - datetime.timedelta(days=7), today - datetime.timedelta(days=8)]
    assert missed["missed_runs"] == [
        {"first": today - datetime.timedelta(days=8), "last": today - datetime.timedelta(days=7), "days": 2}
    ]
    assert missed["missed_runs"] == [
        {"first": today - datetime.timedelta(days=8), "last": today - datetime.timedelta(days=7), "days": 2}
    ]
    assert [(g["start"], g["end"], g["hours"]) for g in missed["gaps"]] == [
        (now - datetime.timedelta(hours=5), now - datetime.timedelta(hours=3), 2.0),
        (gap_start, gap_end, 48.0),
    ]
    assert missed["hours"] == 50.0
    assert selectors.reporting_score(hospital, now=now) == round(100 * (720 - 50) / 720)


def test_the_clerks_work_page_shows_the_score_and_the_missed_updates(client, clerk, hospital, history):
    now, today, gap_start, _gap_end = history
    client.force_login(clerk)
    html = client.get("/kesehatan/petugas/rsud-wlingi/").content.decode()
    assert f"Skor pelaporan 30 hari: {selectors.reporting_score(hospital)}%" in html
    assert "50,0 jam tanpa angka segar" in html or "50.0 jam tanpa angka segar" in html
    first, last = today - datetime.timedelta(days=8), today - datetime.timedelta(days=7)
    days = html.split('data-testid="missed-days"')[1].split("</p>")[0]
    assert f"{first:%d-%m} – {last:%d-%m} (2 hari)" in days
    gaps = html.split('data-testid="missed-gaps"')[1].split("</ul>")[0]
    assert gaps.count("<li>") == 2
    assert timezone.localtime(gap_start).strftime("%d-%m 00:00") in gaps


def test_a_hospital_always_fresh_has_nothing_missed(client, clerk, hospital):
    now = timezone.now()
    FreshSpan.objects.filter(hospital=hospital).delete()
    FreshSpan.objects.create(
        hospital=hospital, started_at=now - datetime.timedelta(days=40), ends_at=now + datetime.timedelta(hours=1)
    )
    client.force_login(clerk)
    html = client.get("/kesehatan/petugas/rsud-wlingi/").content.decode()
    assert "Skor pelaporan 30 hari: 100%" in html and "Tidak ada periode yang terlewat" in html
    assert 'data-testid="missed-days"' not in html


def test_another_hospitals_clerk_cannot_see_it(client, hospital, other_hospital):
    from blitar_portal.accounts.roles import HOSPITAL_STAFF
    from ehealth.models import HospitalMembership
    from tests.factories import UserFactory

    other = UserFactory(username="eko", groups=[HOSPITAL_STAFF], is_staff=True)
    HospitalMembership.objects.create(user=other, hospital=other_hospital)
    client.force_login(other)
    assert client.get("/kesehatan/petugas/rsud-wlingi/").status_code == 404
