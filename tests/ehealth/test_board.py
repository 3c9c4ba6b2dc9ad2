"""The public bed board /kesehatan/: filters, nearest, states, htmx partial, constant queries."""

import datetime
import time

import pytest
from django.utils import timezone

from ehealth import dashboard, selectors
from ehealth.feeds import CANONICAL_CLASSES
from ehealth.models import BedClass, Hospital

from .conftest import make_hospital, set_beds

pytestmark = pytest.mark.django_db


def _results(html):
    """The filtered list only (the critical-care block above it is for every filter)."""
    return html.split('id="board-results"')[1]


def test_board_shows_classes_age_type_kecamatan_and_tap_to_call_links(client, hospital):
    html = client.get("/kesehatan/").content.decode()
    assert "RSUD Ngudi Waluyo Wlingi" in html
    assert "VIP" in html and "Kelas 3" in html and "ICU" in html
    assert "RSUD (pemerintah daerah)" in html and "Wlingi" in html
    assert 'href="tel:+62342809999"' in html and 'href="tel:+62342801234"' in html
    assert "diperbarui baru saja" in html


def test_board_shows_minutes_since_last_update(client, hospital):
    Hospital.objects.filter(pk=hospital.pk).update(beds_confirmed_at=timezone.now() - datetime.timedelta(minutes=7))
    selectors.board_cache_invalidate()
    assert "diperbarui 7 menit lalu" in client.get("/kesehatan/").content.decode()


def test_filter_by_class_shows_only_that_class_and_hospitals_having_it(client, hospital, other_hospital):
    html = client.get("/kesehatan/?kelas=ICU").content.decode()
    assert "RSUD Ngudi Waluyo Wlingi" in html and "RSUD Srengat" not in html
    assert "Kelas 3" not in html.split('id="board-results"')[1]


def test_filter_by_kecamatan_and_type(client, hospital, other_hospital):
    html = _results(client.get("/kesehatan/?kecamatan=srengat").content.decode())
    assert "RSUD Srengat" in html and "RSUD Ngudi Waluyo Wlingi" not in html
    make_hospital(
        "rs-swasta", "RS Swasta Garum", kecamatan_slug="garum", type="SWASTA", beds_confirmed_at=timezone.now()
    )
    selectors.board_cache_invalidate()
    html = _results(client.get("/kesehatan/?jenis=SWASTA").content.decode())
    assert "RS Swasta Garum" in html and "RSUD Srengat" not in html


def test_nearest_sorts_by_postgis_distance_from_the_given_location(client, hospital, other_hospital):
    srengat = other_hospital.location
    html = _results(client.get(f"/kesehatan/?urut=terdekat&lat={srengat.y}&lon={srengat.x}").content.decode())
    assert html.index("RSUD Srengat") < html.index("RSUD Ngudi Waluyo Wlingi")
    assert "diurutkan dari yang terdekat" in html and " km" in html
    rows = selectors.board(point=hospital.location)
    assert [r["slug"] for r in rows] == ["rsud-wlingi", "rsud-srengat"]
    assert rows[0]["distance_km"] == 0 and 15 < rows[1]["distance_km"] < 40


def test_nearest_without_location_falls_back_to_names(client, hospital, other_hospital):
    response = client.get("/kesehatan/?urut=terdekat")
    html = _results(response.content.decode())
    assert response.status_code == 200
    assert html.index("RSUD Ngudi Waluyo Wlingi") < html.index("RSUD Srengat")


def test_htmx_refresh_returns_only_the_results_partial_keeping_filters(client, hospital, other_hospital):
    response = client.get("/kesehatan/?kelas=ICU", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="board-results"' in html
    assert 'hx-get="/kesehatan/?kelas=ICU"' in html and 'hx-trigger="every 60s"' in html
    assert "RSUD Srengat" not in html


def test_empty_state(client, db):
    assert "Belum ada rumah sakit yang terdaftar" in client.get("/kesehatan/").content.decode()


def test_no_match_state(client, hospital):
    assert "Tidak ada rumah sakit yang cocok" in client.get("/kesehatan/?kelas=NICU").content.decode()


def test_no_bed_state(client, hospital):
    set_beds(hospital, {("VIP", ""): (6, 0), ("KELAS_3", ""): (12, 0), ("ICU", ""): (7, 0)})
    selectors.board_cache_invalidate()
    assert "tidak ada tempat tidur kosong" in client.get("/kesehatan/").content.decode()


def test_all_stale_state(client, hospital, other_hospital):
    Hospital.objects.update(beds_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    selectors.board_cache_invalidate()
    html = _results(client.get("/kesehatan/").content.decode())
    assert "Semua data di bawah ini sudah usang" in html and html.count("Data usang") == 2


def test_board_page_is_small_and_has_no_external_assets(client, hospital):
    html = client.get("/kesehatan/").content.decode()
    assert len(html.encode()) < 100 * 1024
    assert 'src="http' not in html and "cdn" not in html.lower()
    assert "htmx" in html and "ehealth/board.js" in html


def test_board_speaks_english(client, hospital):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/kesehatan/").content.decode()
    assert "Hospital bed availability" in html and "Call ER" in html


def _hospitals(n):
    codes = list(CANONICAL_CLASSES)[:12]
    for i in range(n):
        h = make_hospital(f"rs-{i:02d}", kecamatan_slug="kanigoro")
        set_beds(h, {(code, ""): (10, i % 10) for code in codes})


@pytest.mark.parametrize("count", [5, 40])
def test_board_queries_are_constant_in_the_number_of_hospitals(client, django_assert_max_num_queries, count):
    _hospitals(count)
    selectors.board_cache_invalidate()
    with django_assert_max_num_queries(3):  # cold cache: hospitals + classes
        response = client.get("/kesehatan/?urut=terdekat&lat=-8.1&lon=112.2")
    assert response.content.decode().count('class="card hospital') == count
    with django_assert_max_num_queries(1):  # warm cache: only the PostGIS distance query
        client.get("/kesehatan/?urut=terdekat&lat=-8.1&lon=112.2")
    with django_assert_max_num_queries(0):
        client.get("/kesehatan/?kelas=ICU")


def test_cached_board_has_a_language_switch_that_needs_no_token(hospital):
    from django.test import Client

    Client().get("/kesehatan/")  # fills the page cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get("/kesehatan/").content.decode()
    assert "csrfmiddlewaretoken" not in html and 'action="/bahasa/" method="get"' in html
    response = visitor.get("/bahasa/", {"language": "en", "next": "/kesehatan/"})
    assert response.status_code == 302 and response["Location"] == "/kesehatan/"
    assert "Hospital bed availability" in visitor.get("/kesehatan/").content.decode()


def test_signed_in_visitor_never_gets_the_anonymous_cached_page(client, hospital, bob):
    from django.test import Client

    Client().get("/kesehatan/")
    client.force_login(bob)
    html = client.get("/kesehatan/").content.decode()
    assert "Akun saya" in html and "RSUD Ngudi Waluyo Wlingi" in html


def test_cached_page_shows_new_numbers_right_after_a_bed_change(client, hospital, django_capture_on_commit_callbacks):
    assert ">2<" in client.get("/kesehatan/?kelas=VIP").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        set_beds(hospital, {("VIP", ""): (6, 4)})
    html = client.get("/kesehatan/?kelas=VIP").content.decode()
    assert ">4<" in html and ">2<" not in html.split('id="board-results"')[1]


def test_board_still_renders_from_the_database_when_redis_is_down(client, hospital, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:6390/0"},
    }
    response = client.get("/kesehatan/?kelas=ICU")
    assert response.status_code == 200 and "RSUD Ngudi Waluyo Wlingi" in response.content.decode()
    assert dashboard.home_summary()["hospitals_total"] == 1


def test_warm_board_checks_the_shared_version_so_a_change_by_another_process_shows_at_once(client, hospital):
    """The per-process page copy is only served while Redis holds the same version (no local grace time)."""
    import redis
    from django.conf import settings
    from django.core.cache import cache

    assert ">2<" in client.get("/kesehatan/?kelas=VIP").content.decode()  # warm: this process holds a copy
    # Another process (a Celery worker) applies a change: the database row and the shared version key.
    BedClass.objects.filter(hospital=hospital, code="VIP").update(available=5)
    other_process = redis.Redis.from_url(settings.REDIS_URL)
    version = time.time_ns()
    other_process.set(cache.make_key(selectors.BOARD_VERSION_KEY), version)
    assert selectors._read_board_version() == version  # one raw GET, same value Django's cache stores
    html = client.get("/kesehatan/?kelas=VIP").content.decode()
    assert ">5<" in html.split('id="board-results"')[1] and ">2<" not in html.split('id="board-results"')[1]


def test_cached_anonymous_page_is_the_same_for_every_visitor_and_holds_no_token(hospital):
    from django.test import Client

    first, second = (Client().get("/kesehatan/").content.decode() for _ in range(2))
    assert first == second
    assert "csrfmiddlewaretoken" not in first
    assert "RSUD Ngudi Waluyo Wlingi" in first
