"""Hot spots at scale: the leaderboard aggregate is recomputed once after an invalidation (no
stampede), and the admin planting list costs the same number of queries for 5 or 50 rows."""

import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blitar_portal.regions.models import Desa
from tanam import selectors, services

READERS = 8


@pytest.fixture
def aggregate(monkeypatch):
    """The leaderboard aggregate replaced by a counted stand-in that holds until `release` is set,
    so the readers surely overlap the computation (the real aggregate: test_pages.py)."""
    calls, release = [], threading.Event()

    def compute():
        calls.append(1)
        assert release.wait(30)
        return {"kecamatan": f"ranking {len(calls)}"}

    monkeypatch.setattr(selectors, "_top_community_per_kecamatan", compute)
    # Waiting readers must outlast a slow CI machine's thread scheduling (not what is tested).
    monkeypatch.setattr(selectors, "LEADERBOARD_WAIT_SECONDS", 60.0)
    return calls, release


def _read_concurrently(readers):
    results = [None] * readers

    def read(index):
        results[index] = selectors.leaderboard_tops()

    threads = [threading.Thread(target=read, args=(index,)) for index in range(readers)]
    for thread in threads:
        thread.start()
    return results, threads


def _until(condition):
    for _ in range(600):
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_after_a_verification_concurrent_readers_compute_the_leaderboard_once(aggregate):
    calls, release = aggregate
    release.set()
    before = selectors.leaderboard_tops()
    assert (before, len(calls)) == ({"kecamatan": "ranking 1"}, 1)
    assert selectors.leaderboard_tops() == before and len(calls) == 1  # cached

    release.clear()
    services._clusters_version_bump()  # what every change of verified plantings does on commit
    results, threads = _read_concurrently(READERS)
    # Every reader but the one recomputing answers at once, with the previous ranking.
    assert _until(lambda: sum(result is not None for result in results) == READERS - 1)
    assert len(calls) == 2
    release.set()
    for thread in threads:
        thread.join(30)
    after = {"kecamatan": "ranking 2"}
    assert (results.count(before), results.count(after)) == (READERS - 1, 1)
    assert selectors.leaderboard_tops() == after
    assert len(calls) == 2  # one computation per invalidation


def test_with_nothing_cached_yet_concurrent_readers_wait_for_one_computation(aggregate):
    calls, release = aggregate
    results, threads = _read_concurrently(READERS)
    assert _until(lambda: len(calls) == 1)
    release.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1
    assert results == [{"kecamatan": "ranking 1"}] * READERS


def test_with_the_cache_down_the_leaderboard_is_computed_and_served(aggregate, settings, client):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:6390/0"},  # nothing listens
    }
    calls, release = aggregate
    release.set()
    assert selectors.leaderboard_tops() == {"kecamatan": "ranking 1"}
    assert client.get(reverse("tanam:leaderboard")).status_code == 200


def test_the_admin_planting_list_costs_the_same_queries_for_5_and_50_rows(
    client, alice, bob, make_planting, django_assert_max_num_queries
):
    changelist = reverse("admin:tanam_planting_changelist")
    desas = list(Desa.objects.select_related("kecamatan").order_by("code")[:5])

    def plant(count):
        for index in range(count):
            desa = desas[index % len(desas)]
            user = (alice, bob)[index % 2]  # (a user per row would spend the test hashing passwords)
            make_planting(user=user, desa=desa, kecamatan=desa.kecamatan, point=desa.geom.point_on_surface)

    client.force_login(alice)
    plant(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(changelist).status_code == 200
    plant(45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 50
    assert len(fifty) == len(five)
    with django_assert_max_num_queries(len(five)):
        client.get(changelist)
    # Names only: no region boundary is read for the list.
    region_geometry = [q["sql"] for q in fifty.captured_queries if '"regions_desa"."geom"' in q["sql"]]
    region_geometry += [q["sql"] for q in fifty.captured_queries if '"regions_kecamatan"."geom"' in q["sql"]]
    assert region_geometry == []
