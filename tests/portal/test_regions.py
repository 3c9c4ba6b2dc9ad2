from django.contrib.gis.geos import Point
from django.core.management import call_command

from blitar_portal.regions.models import Desa, Kecamatan, Regency
from blitar_portal.regions.selectors import kecamatan_at_point, point_in_regency, region_at_point


def test_all_22_kecamatan_and_248_desa_are_loaded_with_kemendagri_codes(db):
    assert Kecamatan.objects.count() == 22
    assert Desa.objects.count() == 248
    assert Kecamatan.objects.get(code="35.05.01").name == "Wonodadi"
    assert Desa.objects.filter(kind="Kelurahan").count() == 28


def test_load_regions_twice_duplicates_nothing(db):
    call_command("load_regions", verbosity=0)
    assert Kecamatan.objects.count() == 22
    assert Desa.objects.count() == 248
    assert Regency.objects.count() == 1


def test_regency_area_matches_the_gis_outline(db):
    # README of the data: ~1,745 km² in UTM 49S.
    assert 1740 < Regency.objects.get().area_km2 < 1750


def test_point_in_talun_is_found_with_its_desa(db):
    kecamatan, desa = region_at_point(Point(112.25, -8.1, srid=4326))
    assert kecamatan.name == "Talun"
    assert desa.kecamatan_id == kecamatan.id


def test_kota_blitar_enclave_and_outside_points_are_not_in_the_regency(db):
    kota_blitar = Point(112.168, -8.098, srid=4326)
    assert kecamatan_at_point(kota_blitar) is None
    assert region_at_point(kota_blitar) == (None, None)
    assert not point_in_regency(Point(110.0, -7.0, srid=4326))


def test_point_in_a_sliver_between_villages_gets_the_nearest_desa(db):
    # Find a point covered by a kecamatan but by no desa (slivers exist: 0.47 km² in total).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT ST_PointOnSurface((ST_Dump(ST_Difference(k.geom, (SELECT ST_Union(d.geom) FROM regions_desa d
                     WHERE d.kecamatan_id = k.id)))).geom) AS p
              FROM regions_kecamatan k
            ) s
            WHERE NOT EXISTS (SELECT 1 FROM regions_desa d WHERE ST_Covers(d.geom, s.p))
              AND EXISTS (SELECT 1 FROM regions_kecamatan k WHERE ST_Covers(k.geom, s.p))
            LIMIT 1
            """
        )
        x, y = cursor.fetchone()
    point = Point(x, y, srid=4326)
    assert not Desa.objects.filter(geom__covers=point).exists()
    kecamatan, desa = region_at_point(point)
    assert kecamatan is not None
    assert desa is not None and desa.kecamatan_id == kecamatan.id


def test_outlines_are_served_as_geojson_for_maps(client, db):
    response = client.get("/wilayah/kecamatan.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.json()["features"]) == 22
    regency = client.get("/wilayah/kabupaten.geojson").json()
    assert regency["features"][0]["properties"]["name"] == "Kabupaten Blitar"
    assert len(response.content) < 200_000
