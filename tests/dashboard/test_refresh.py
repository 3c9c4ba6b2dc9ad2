"""Stored summaries: refreshed by the real Celery worker, on demand by staff, stale figures say so."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.dashboard.models import DailyMetric, RefreshRun, Snapshot

from .conftest import make_dataset, refresh


def wait_for(predicate, timeout=30):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_refresh_task_fills_the_summary_tables_on_the_real_worker(celery_worker):
    from blitar_portal.dashboard.tasks import refresh_summaries

    make_dataset()
    refresh_summaries.delay(trigger="test")
    assert wait_for(lambda: RefreshRun.objects.filter(trigger="test").exists())
    assert DailyMetric.objects.filter(metric="tanam.trees").exists()
    assert DailyMetric.objects.filter(metric="ehealth.bed_occupied").exists()
    assert Snapshot.objects.filter(key="ikm.summary").get().data["ikm_online"] == 3


@pytest.mark.django_db(transaction=True)
def test_staff_refresh_button_enqueues_after_commit_and_says_so(celery_worker, client, alice):
    make_dataset()
    client.force_login(alice)
    response = client.post("/dasbor/segarkan/", {"next": "/dasbor/tanam/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/dasbor/tanam/"
    assert "Penyegaran angka dasbor dijadwalkan" in response.content.decode()
    assert wait_for(lambda: RefreshRun.objects.filter(trigger="staff").exists())
    assert DailyMetric.objects.filter(metric="ikm.verified").count() >= 3


def test_a_second_click_while_queued_does_not_queue_again(alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        alice_client.post("/dasbor/segarkan/")
        response = alice_client.post("/dasbor/segarkan/", follow=True)
    assert len(callbacks) == 1
    assert "Penyegaran sudah dijadwalkan" in response.content.decode()


def test_refresh_redirect_stays_inside_the_dashboard(alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = alice_client.post("/dasbor/segarkan/", {"next": "https://contoh.id/"})
    assert response["Location"] == "/dasbor/"


def test_refresh_is_registered_on_the_beat_every_five_minutes():
    from blitar_portal.celery import app

    entry = app.conf.beat_schedule["dashboard-refresh"]
    assert entry["task"] == "dashboard.refresh_summaries"
    assert entry["schedule"] == 300.0


def test_figures_older_than_the_refresh_interval_say_so(alice_client):
    refresh()
    RefreshRun.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=20))
    html = alice_client.get("/dasbor/").content.decode()
    assert "Lebih tua dari interval penyegaran (5 menit): 20 menit." in html


def test_fresh_figures_carry_no_warning(alice_client):
    refresh()
    html = alice_client.get("/dasbor/").content.decode()
    assert "Lebih tua dari interval penyegaran" not in html
    assert "Angka dihitung pada" in html


def test_refresh_replaces_rows_instead_of_adding(db):
    make_dataset()
    refresh()
    first = DailyMetric.objects.count()
    refresh()
    assert DailyMetric.objects.count() == first


@pytest.mark.parametrize("url", ["/dasbor/", "/dasbor/kesehatan/", "/dasbor/ikm/", "/dasbor/tanam/"])
def test_pages_run_a_constant_number_of_queries(alice_client, django_assert_max_num_queries, url):
    make_dataset()
    refresh()
    alice_client.get(url)  # warm the kecamatan outline cache
    refresh()  # a new refresh: the next request builds the figures again
    with django_assert_max_num_queries(12) as small:
        alice_client.get(url)
    make_more()
    refresh()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = alice_client.get(url)
    assert response.status_code == 200
    # Until the next refresh the rendered figures are reused: fewer queries still.
    with django_assert_max_num_queries(len(small.captured_queries) - 3):
        assert alice_client.get(url).status_code == 200


def make_more():
    """Three more copies of the dataset (new hospitals, shops, plantings)."""
    from blitar_portal.regions.models import Desa, Kecamatan

    from .conftest import _ehealth, _ikm, _tanam

    today = timezone.localdate()
    kec_a = Kecamatan.objects.get(slug="wlingi")
    kec_b = Kecamatan.objects.exclude(pk=kec_a.pk).order_by("name").first()
    for n in range(1, 4):
        _ehealth(n, today, kec_a, kec_b)
        _ikm(n, today, kec_a, kec_b)
        _tanam(n, today, kec_a, kec_b, Desa)
    return 3


def test_a_failing_source_keeps_its_last_numbers_and_the_page_says_so(alice_client, monkeypatch):
    from blitar_portal.dashboard import services

    make_dataset()
    refresh()
    trees_before = DailyMetric.objects.filter(metric="tanam.trees").count()

    def broken(*, since, now):
        raise RuntimeError("sumber rusak")

    # One app's collect() failing (before tanam's turn) is a real failure of one part of the refresh.
    sources = dict(services.SOURCES)
    tanam = sources.pop("tanam")
    monkeypatch.setattr(services, "SOURCES", {**sources, "tidak_ada": broken, "tanam": tanam})
    run = refresh()
    assert run.status == RefreshRun.Status.ERROR and "tidak_ada: sumber rusak" in run.message
    assert DailyMetric.objects.filter(metric="tanam.trees").count() == trees_before
    html = alice_client.get("/dasbor/").content.decode()
    assert "Penyegaran terakhir gagal untuk sebagian angka" in html
