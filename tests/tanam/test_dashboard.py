"""tanam/dashboard.py reads: survival and canopy per kecamatan (the rest is computed by hand in tests/dashboard)."""

from datetime import date, timedelta

from django.utils import timezone

from tanam import dashboard, services


def test_dashboard_survival_and_canopy(make_planting, desa, species):
    today = timezone.localdate()
    make_planting(status="verified", tree_count=4, planted_on=today - timedelta(days=40))
    make_planting(
        status="verified",
        tree_count=2,
        planted_on=date(2019, 5, 1),
        first_observed_on=date(2020, 1, 1),
        dead_since=date(2020, 1, 1),
    )
    services.cover_refresh(desa_ids=[desa.pk], first_year=today.year - 1)
    services.cluster_cells_rebuild()

    assert dashboard.survival() == 0.0  # the only monitored planting (2 trees) is dead
    canopy = dashboard.canopy_per_kecamatan()
    row = next(r for r in canopy if r["kecamatan"] == desa.kecamatan.name)
    assert row["canopy_percent"] > 0 and row["change"] is not None
