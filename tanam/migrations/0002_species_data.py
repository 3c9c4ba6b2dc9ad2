"""Load the species of tanam/data/species.csv (only the missing ones; admin edits are kept)."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "species.csv"
FLOATS = ("crown_diameter_m", "co2_kg_per_year")


def load(apps, schema_editor):
    Species = apps.get_model("tanam", "Species")
    with open(CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {k: (float(v) if k in FLOATS else v) for k, v in row.items() if k != "slug"}
            values["years_to_maturity"] = int(values["years_to_maturity"])
            Species.objects.get_or_create(slug=row["slug"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("tanam", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
