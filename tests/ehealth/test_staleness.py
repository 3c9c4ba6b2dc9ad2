"""One staleness rule (ehealth.models.beds_are_stale) behind the board, the hospital page, the home
figures, the Diskominfo dashboard and /metrics."""

import datetime

import pytest
from django.utils import timezone

from ehealth import dashboard, selectors
from ehealth.models import Hospital, beds_are_stale

from .conftest import make_hospital, set_beds

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)
FEED = {"feed_url": "http://127.0.0.1:9/feed", "feed_format": "csv"}


def _rule(**fields):
    values = {"confirmed_at": NOW, "stale_after_minutes": 60}
    return beds_are_stale(**{**values, **fields}, now=NOW)


def test_the_rule_is_the_age_of_the_last_confirmed_numbers():
    assert not _rule()
    assert _rule(confirmed_at=None)
    assert not _rule(confirmed_at=NOW - datetime.timedelta(minutes=60))  # exactly the threshold: still fresh
    assert _rule(confirmed_at=NOW - datetime.timedelta(minutes=61))


@pytest.fixture
def four_hospitals(db):
    """Fresh, too old, failing feed (but confirmed just now by a clerk), never confirmed; 2 beds available each.

    A failing feed does not make numbers a clerk just confirmed stale (issue 15: never "usang —
    diperbarui baru saja"); it shows the staff why instead (test_freshness.py)."""
    now = timezone.now()
    states = {
        "rs-segar": {},
        "rs-lama": {"beds_confirmed_at": now - datetime.timedelta(hours=2)},
        "rs-gagal": {"consecutive_failures": 3, "last_sync_status": "error"},
        "rs-belum": {"beds_confirmed_at": None},
    }
    for slug, fields in states.items():
        hospital = make_hospital(slug, stale_after_minutes=60, **FEED)
        set_beds(hospital, {("VIP", ""): (4, 2)})
        Hospital.objects.filter(pk=hospital.pk).update(**fields)
    selectors.board_cache_invalidate()
    return {"rs-segar": False, "rs-lama": True, "rs-gagal": False, "rs-belum": True}


def test_every_reader_agrees_with_the_rule(client, four_hospitals):
    expected = four_hospitals
    assert {h.slug: h.is_stale() for h in Hospital.objects.all()} == expected
    assert {r["slug"]: r["stale"] for r in selectors.board()} == expected
    assert {r["slug"]: not r["on_time"] for r in dashboard.hospital_status()} == expected
    assert {r["slug"]: r["stale"] for r in selectors.feed_freshness()} == expected
    assert dashboard.home_summary() == {"hospitals_total": 4, "hospitals_reporting": 2, "beds_available": 4}
    for slug, stale in expected.items():
        assert ("Data usang" in client.get(f"/kesehatan/rs/{slug}/").content.decode()) is stale, slug
