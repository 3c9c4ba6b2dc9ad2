"""Selectors the Diskominfo dashboard reads: per month/species/kecamatan, backlog, survival, canopy, top communities."""

from datetime import date, timedelta

from django.utils import timezone

from tanam import selectors, services
from tanam.models import Community, Planting


def test_dashboard_figures(make_planting, desa, species):
    community = Community.objects.create(name="Komunitas A", slug="komunitas-a")
    today = timezone.localdate()
    make_planting(status="verified", tree_count=4, planted_on=today - timedelta(days=40), community=community)
    make_planting(
        status="verified",
        tree_count=2,
        planted_on=date(2019, 5, 1),
        first_observed_on=date(2020, 1, 1),
        dead_since=date(2020, 1, 1),
    )
    old = make_planting(status="pending")
    Planting.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    services.cover_refresh(desa_ids=[desa.pk], first_year=today.year - 1)
    services.cluster_cells_rebuild()

    months = selectors.dashboard_plantings_per_month()
    assert sum(row["trees"] for row in months) == 4
    assert selectors.dashboard_plantings_per_species()[0]["species__local_name"] == species.local_name
    assert selectors.dashboard_plantings_per_kecamatan()[0]["trees"] == 6
    backlog = selectors.dashboard_verification_backlog()
    assert backlog["count"] == 1 and backlog["oldest_age_days"] == 9 and backlog["older_than_7_days"] == 1
    assert selectors.dashboard_survival() == 0.0
    canopy = selectors.dashboard_canopy_per_kecamatan()
    row = next(r for r in canopy if r["kecamatan"] == desa.kecamatan.name)
    assert row["canopy_percent"] > 0 and row["change"] is not None
    assert selectors.dashboard_top_communities()[0].trees == 4
