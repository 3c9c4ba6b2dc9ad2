"""Cluster cells and land cover: incremental refresh equals a full rebuild; the cover method."""

import math
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from tanam import clusters, cover, services
from tanam.models import ClusterCell, CoverStat


def _cells():
    return sorted(ClusterCell.objects.values_list("band", "dim", "value", "gx", "gy", "plantings", "trees").order_by())


def test_band_for_keeps_features_under_the_cap():
    regency = (111.9, -8.4, 112.5, -7.9)
    for zoom in range(0, 20):
        band = clusters.band_for(zoom, regency)
        gx0, gy0, gx1, gy1 = clusters.cells_in_bbox(band, regency)
        assert (gx1 - gx0 + 1) * (gy1 - gy0 + 1) <= clusters.MAX_FEATURES
    assert clusters.band_for(16, (112.0, -8.1, 112.01, -8.09)) == 16


def test_each_coarse_cell_is_four_fine_cells():
    lon, lat = 112.1234, -8.0567
    for band in range(clusters.MIN_BAND, clusters.MAX_BAND):
        gx, gy = clusters.cell_of(band + 1, lon, lat)
        assert clusters.cell_of(band, lon, lat) == (gx // 2, gy // 2)


def test_incremental_refresh_matches_full_rebuild(make_planting, desa, species):
    base = desa.geom.point_on_surface
    plantings = [
        make_planting(status="verified", point=Point(base.x + i * 0.0004, base.y, srid=4326), tree_count=i + 1)
        for i in range(5)
    ]
    services.cluster_cells_rebuild()
    # Verify one more and move one: refresh only the touched cells.
    new = make_planting(status="verified", point=Point(base.x, base.y + 0.003, srid=4326), tree_count=4)
    moved, old_point = plantings[0], plantings[0].point.clone()
    moved.point = Point(base.x - 0.01, base.y, srid=4326)
    moved.save()
    services.cluster_cells_refresh(
        points=[[new.point.x, new.point.y], [old_point.x, old_point.y], [moved.point.x, moved.point.y]]
    )
    incremental = _cells()
    services.cluster_cells_rebuild()
    assert incremental == _cells()
    total = sum(c.trees for c in ClusterCell.objects.filter(band=8, dim=0))
    assert total == 1 + 2 + 3 + 4 + 5 + 4


def test_dimension_rows_sum_to_the_filtered_total(make_planting, species):
    make_planting(status="verified", tree_count=3, planted_on=date(2020, 5, 1))
    make_planting(status="verified", tree_count=2, planted_on=date(2021, 5, 1))
    services.cluster_cells_rebuild()
    rows = ClusterCell.objects.filter(band=10, dim=clusters.DIM_YEAR, value=2020)
    assert sum(r.trees for r in rows) == 3
    rows = ClusterCell.objects.filter(band=13, dim=clusters.DIM_SPECIES, value=species.pk)
    assert sum(r.trees for r in rows) == 5
    for band in (8, 11, 13):
        dim, value = clusters.precomputed_key({"year": 2021, "species": species.pk})
        rows = ClusterCell.objects.filter(band=band, dim=dim, value=value)
        assert sum(r.trees for r in rows) == 2


def _desa_stat(desa, year):
    return CoverStat.objects.get(level="desa", desa=desa, year=year)


def test_overlapping_crowns_count_once(make_planting, desa, species):
    planted = date(2016, 6, 1)
    make_planting(status="verified", planted_on=planted)
    services.cover_refresh(desa_ids=[desa.pk])
    year = timezone.localdate().year
    single = _desa_stat(desa, year).canopy_m2
    make_planting(status="verified", planted_on=planted)  # same spot: the crowns coincide
    services.cover_refresh(desa_ids=[desa.pk])
    stat = _desa_stat(desa, year)
    assert stat.canopy_m2 == pytest.approx(single, rel=1e-6)
    assert stat.trees == 2
    age = (date(year, 12, 31) - planted).days / 365.25
    # The growth curve of tanam/cover.py's docstring, D(t) = D0 + (Dmax − D0) · (1 − exp(−3 t / T)):
    d0 = cover.SEEDLING_CROWN_M
    d = d0 + (species.crown_diameter_m - d0) * (1 - math.exp(-3.0 * age / species.years_to_maturity))
    # A 16-gon inscribed in the disc: area = 8 · r² · sin(π/8) · 2 … within 3 % of π r².
    assert single == pytest.approx(math.pi * (d / 2) ** 2, rel=0.03)


def test_group_planting_is_one_capped_disc(make_planting, desa):
    make_planting(status="verified", planted_on=date(2016, 1, 10), tree_count=10_000)
    services.cover_refresh(desa_ids=[desa.pk])
    stat = _desa_stat(desa, timezone.localdate().year)
    assert stat.canopy_m2 == pytest.approx(math.pi * cover.GROUP_RADIUS_CAP_M**2, rel=0.03)


def test_dead_and_unverified_trees_do_not_cover(make_planting, desa):
    make_planting(status="pending", planted_on=date(2018, 1, 1))
    make_planting(
        status="verified", planted_on=date(2018, 1, 1), dead_since=date(2019, 6, 1), first_observed_on=date(2019, 6, 1)
    )
    services.cover_refresh(desa_ids=[desa.pk])
    assert _desa_stat(desa, 2018).canopy_m2 > 0  # alive through 2018
    later = _desa_stat(desa, 2020)
    assert later.canopy_m2 == 0
    assert later.survival_percent == 0


def test_kecamatan_and_regency_are_sums_of_desa(make_planting, desa):
    make_planting(status="verified", planted_on=date(2017, 3, 1), tree_count=3)
    services.cover_refresh(desa_ids=[desa.pk])
    year = timezone.localdate().year
    kec = CoverStat.objects.get(level="kecamatan", kecamatan=desa.kecamatan, year=year)
    regency = CoverStat.objects.get(level="regency", year=year)
    assert kec.canopy_m2 == pytest.approx(_desa_stat(desa, year).canopy_m2)
    assert regency.trees == 3
    assert regency.canopy_percent > 0
    assert CoverStat.objects.filter(level="regency").count() == year - cover.FIRST_YEAR + 1


def test_tile_refresh_matches_a_full_refresh(make_planting, desa):
    base = desa.geom.point_on_surface
    for i in range(4):
        make_planting(
            status="verified", planted_on=date(2018 + i, 1, 1), point=Point(base.x + i * 0.00005, base.y, srid=4326)
        )
    services.cover_refresh(desa_ids=[desa.pk])
    new = make_planting(
        status="verified", planted_on=date(2017, 1, 1), point=Point(base.x + 0.00002, base.y, srid=4326)
    )
    services.cover_refresh(tiles=[(desa.pk, *cover.tile_of(new.point))], first_year=2017)
    incremental = sorted(CoverStat.objects.filter(level="desa", desa=desa).values_list("year", "canopy_m2", "trees"))
    services.cover_refresh(desa_ids=[desa.pk])
    full = sorted(CoverStat.objects.filter(level="desa", desa=desa).values_list("year", "canopy_m2", "trees"))
    assert [(y, round(a, 6), t) for y, a, t in incremental] == [(y, round(a, 6), t) for y, a, t in full]
    assert full[-1][2] == 5
