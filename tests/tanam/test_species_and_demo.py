"""Species data file and the demo seed."""

import csv
import io

from tanam import services
from tanam.models import Campaign, ClusterCell, CoverStat, Planting, Species


def test_at_least_30_species_with_a_source_for_every_figure():
    with open(services.SPECIES_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 30
    for row in rows:
        for source in ("crown_source", "maturity_source", "co2_source"):
            assert row[source].strip(), (row["slug"], source)
        assert float(row["crown_diameter_m"]) > 0 and int(row["years_to_maturity"]) > 0
    names = {row["local_name"].lower() for row in rows}
    for required in (
        "mahoni",
        "trembesi",
        "sengon",
        "jati",
        "beringin",
        "pule",
        "durian",
        "alpukat",
        "mangga",
        "nangka",
        "kopi",
        "cengkeh",
    ):
        assert required in names
    assert Species.objects.count() == len(rows)


def test_loading_again_keeps_admin_edits():
    Species.objects.filter(slug="mahoni").update(crown_diameter_m=14)
    assert services.species_load_csv() == 0
    assert Species.objects.get(slug="mahoni").crown_diameter_m == 14


def test_demo_seed_is_idempotent_and_builds_aggregates(django_user_model, django_capture_on_commit_callbacks, client):
    from tanam import demo, selectors

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(scale=1, stdout=out)
    plantings = Planting.objects.count()
    assert plantings >= 0.99 * demo.PLANTINGS_PER_SCALE
    assert Planting.objects.filter(status="pending").exists()
    assert Planting.objects.filter(status="verified", planted_on__year=2016).exists()
    assert Campaign.objects.filter(name="Penanaman Taman Tahura").exists()
    assert Planting.objects.filter(user__username="penanam").exclude(photo="").exists()
    # The demo's verified photos are public (published copies), the others are not.
    for planting in Planting.objects.filter(user__username="penanam"):
        url = selectors.photo_url(planting, "card")
        if planting.status == "verified":
            assert url.startswith("/media/tanam/publik/") and client.get(url).status_code == 200
        else:
            assert planting.published == {} and client.get(url).status_code == 404
    assert ClusterCell.objects.exists() and CoverStat.objects.filter(level="regency").exists()
    assert django_user_model.objects.get(username="penanam").check_password(demo.DEMO_PASSWORD)
    demo.seed(scale=1, stdout=out)
    assert Planting.objects.count() == plantings
