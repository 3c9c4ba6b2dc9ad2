"""With a real Celery worker: verifying a planting updates the map cells and the desa cover."""

import time

import pytest
from django.utils import timezone

from tanam import services
from tanam.models import ClusterCell, CoverStat

pytestmark = pytest.mark.celery


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_verify_refreshes_clusters_and_cover_in_the_worker(celery_worker, make_planting, alice):
    planting = make_planting(tree_count=6)
    services.cluster_cells_rebuild()
    assert not ClusterCell.objects.exists()

    services.planting_verify(planting=planting, user=alice)

    year = timezone.localdate().year
    assert _wait_for(lambda: ClusterCell.objects.filter(band=8, dim=0, trees=6).exists())
    assert _wait_for(lambda: CoverStat.objects.filter(level="desa", desa=planting.desa, year=year, trees=6).exists())
    kecamatan = CoverStat.objects.get(level="kecamatan", kecamatan=planting.kecamatan, year=year)
    assert kecamatan.canopy_m2 > 0


def test_reject_after_verify_removes_the_pin_from_cells(celery_worker, make_planting, alice):
    planting = make_planting(status="verified", tree_count=2)
    services.cluster_cells_rebuild()
    assert ClusterCell.objects.filter(band=8, dim=0, trees=2).exists()
    services.planting_reject(planting=planting, user=alice, reason="Duplikat.")
    assert _wait_for(lambda: not ClusterCell.objects.exists())


def _cells():
    return sorted(ClusterCell.objects.values_list("band", "dim", "value", "gx", "gy", "plantings", "trees").order_by())


def test_staff_move_and_reclassify_refreshes_every_band_and_filter_in_the_worker(
    celery_worker, make_planting, alice, desa
):
    from datetime import date

    from django.contrib.gis.geos import Point

    from tanam import clusters
    from tanam.models import Planting, Species

    base = desa.geom.point_on_surface
    planting = make_planting(status="verified", tree_count=3, planted_on=date(2019, 4, 1))
    make_planting(status="verified", tree_count=5, point=Point(base.x + 0.0003, base.y, srid=4326))
    services.cluster_cells_rebuild()
    original = Planting.objects.get(pk=planting.pk)
    other = Species.objects.exclude(pk=planting.species_id).order_by("slug").first()
    planting.point = Point(base.x, base.y + 0.0004, srid=4326)
    planting.species, planting.planted_on = other, date(2021, 8, 1)

    services.planting_update(
        planting=planting, user=alice, original=original, changed_fields=["point", "species", "planted_on"]
    )

    def refreshed():
        year_rows = ClusterCell.objects.filter(band=clusters.MAX_DIM_BAND, dim=clusters.DIM_YEAR)
        return year_rows.filter(value=2021).exists() and not year_rows.filter(value=2019).exists()

    assert _wait_for(refreshed)
    assert _wait_for(lambda: ClusterCell.objects.filter(dim=clusters.DIM_SPECIES, value=other.pk, band=8).exists())
    incremental = _cells()
    services.cluster_cells_rebuild()
    assert incremental == _cells()
