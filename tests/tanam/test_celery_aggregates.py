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
