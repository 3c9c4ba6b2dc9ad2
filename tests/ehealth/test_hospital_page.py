"""/kesehatan/rs/<slug>/: classes, 7-day trend as inline SVG, services, map pin, contacts, last sync."""

import datetime
import re

import pytest
from django.utils import timezone

from ehealth import selectors
from ehealth.models import BedClass, BedCountChange

from .conftest import make_hospital, set_beds

pytestmark = pytest.mark.django_db


def test_hospital_page_shows_classes_services_contacts_and_map(client, hospital, service):
    response = client.get("/kesehatan/rs/rsud-wlingi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>RSUD Ngudi Waluyo Wlingi</h1>" in html
    assert "Kelas 3" in html and "Poli Anak" in html and "kuota 3/hari" in html
    assert 'href="tel:+62342809999"' in html
    assert 'id="hospitalmap"' in html and "data-lat=" in html
    assert "/kesehatan/permohonan/baru/?rs=rsud-wlingi" in html
    assert "Diperbarui oleh petugas rumah sakit" in html
    assert len(html.encode()) < 100 * 1024 and 'src="http' not in html


def _history(hospital, code, old, new, when, *, capacity=6, room=""):
    BedCountChange.objects.create(
        hospital=hospital,
        code=code,
        room_name=room,
        source="feed",
        old_capacity=capacity if old is not None else None,
        new_capacity=capacity,
        old_available=old,
        new_available=new,
        changed_at=when,
    )


def test_trend_has_one_series_per_class_rebuilt_from_history(hospital):
    now = timezone.now()
    # Today: VIP 2, Kelas 3 3, ICU 1. Two days ago VIP went 0 -> 2; yesterday ICU 4 -> 1.
    BedCountChange.objects.filter(hospital=hospital).delete()
    _history(hospital, "VIP", 0, 2, now - datetime.timedelta(days=2))
    _history(hospital, "ICU", 4, 1, now - datetime.timedelta(days=1), capacity=7)
    trend = selectors.hospital_trend(hospital, now=now)
    assert len(trend["days"]) == 7 and trend["days"][-1] == timezone.localdate(now)
    by_label = {s["label"]: s["values"] for s in trend["series"]}
    assert list(by_label) == ["VIP", "Kelas 3", "ICU"]  # canonical order, labels not codes
    assert by_label["VIP"] == [0, 0, 0, 0, 2, 2, 2]
    assert by_label["ICU"] == [4, 4, 4, 4, 4, 1, 1]
    assert by_label["Kelas 3"] == [3] * 7
    assert trend["totals"] == [7, 7, 7, 7, 9, 6, 6]


def test_trend_lists_only_the_classes_the_hospital_has_now_and_lainnya_by_room(hospital):
    now = timezone.now()
    BedCountChange.objects.filter(hospital=hospital).delete()
    # Kelas 1 was closed (4 -> 0 beds) yesterday; a new LAINNYA room opened today.
    BedClass.objects.create(hospital=hospital, code="KELAS_1", capacity=0, available=0)
    BedCountChange.objects.create(
        hospital=hospital,
        code="KELAS_1",
        source="user",
        old_capacity=4,
        new_capacity=0,
        old_available=3,
        new_available=0,
        changed_at=now - datetime.timedelta(days=1),
    )
    BedClass.objects.create(hospital=hospital, code="LAINNYA", room_name="Ruang Kemo", capacity=2, available=2)
    _history(hospital, "LAINNYA", None, 2, now, capacity=2, room="Ruang Kemo")
    by_label = {s["label"]: s["values"] for s in selectors.hospital_trend(hospital, now=now)["series"]}
    assert "Kelas 1" not in by_label  # closed yesterday: no line of zeros next to the classes it has
    assert list(by_label) == ["VIP", "Kelas 3", "ICU", "Lainnya: Ruang Kemo"]
    assert by_label["Lainnya: Ruang Kemo"] == [0, 0, 0, 0, 0, 0, 2]


def test_trend_query_count_does_not_grow_with_the_number_of_classes(hospital, django_assert_num_queries):
    from ehealth.feeds import CANONICAL_CLASSES

    with django_assert_num_queries(2):
        few = selectors.hospital_trend(hospital)
    set_beds(hospital, {(code, ""): (10, 5) for code in CANONICAL_CLASSES})
    set_beds(hospital, {(code, ""): (10, 4) for code in CANONICAL_CLASSES})
    with django_assert_num_queries(2):
        many = selectors.hospital_trend(hospital)
    assert len(few["series"]) == 3 and len(many["series"]) == len(CANONICAL_CLASSES)


def test_hospital_page_query_count_is_the_same_for_3_and_13_classes(client, hospital, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ehealth.feeds import CANONICAL_CLASSES

    with CaptureQueriesContext(connection) as few:
        client.get("/kesehatan/rs/rsud-wlingi/")
    set_beds(hospital, {(code, ""): (10, 5) for code in CANONICAL_CLASSES})
    with django_assert_num_queries(len(few)):
        html = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    assert html.count("<polyline ") == len(CANONICAL_CLASSES)


def test_trend_chart_draws_one_line_per_class_with_legend_and_table(client, hospital):
    now = timezone.now()
    BedCountChange.objects.filter(hospital=hospital).delete()
    _history(hospital, "VIP", 0, 2, now - datetime.timedelta(days=2))
    html = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    chart = html[html.index('id="trend-h"') : html.index('id="svc-h"')]
    assert chart.count("<polyline ") == 3 and 'role="img"' in chart
    assert [s for s in ("VIP", "Kelas 3", "ICU") if f'data-series="{s}"' in chart] == ["VIP", "Kelas 3", "ICU"]
    assert "KELAS_3" not in html
    legend = chart[chart.index('class="legend"') : chart.index("</figcaption>")]
    assert legend.count("<li>") == 3 and "Kelas 3" in legend
    table = chart[chart.index("<table") : chart.index("</table>")]
    assert '<th scope="row">VIP</th><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td><td>2</td><td>2</td>' in table
    assert '<th scope="row">Jumlah</th><td>4</td>' in table
    assert "<title>VIP," in chart
    number = r"\d+(?:\.\d+)?"
    pair = f"{number},{number}"
    for points in re.findall(r'points="([^"]*)"', chart):  # not localized as 14,5
        assert re.fullmatch(f"{pair}(?: {pair})*", points), points


def test_hospital_without_beds_has_an_empty_trend_state(client, db):
    make_hospital("rs-baru", "RS Baru")
    html = client.get("/kesehatan/rs/rs-baru/").content.decode()
    assert "Belum ada riwayat tempat tidur untuk digambar." in html and "<polyline" not in html


def test_unknown_or_inactive_hospital_is_404(client, hospital):
    assert client.get("/kesehatan/rs/tidak-ada/").status_code == 404
    hospital.is_active = False
    hospital.save()
    assert client.get("/kesehatan/rs/rsud-wlingi/").status_code == 404
