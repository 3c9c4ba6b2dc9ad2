"""Seed the IKM category tree (ikm/categories.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from ikm.categories import ensure_categories

    ensure_categories(apps.get_model("ikm", "Category"))


class Migration(migrations.Migration):
    dependencies = [("ikm", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
