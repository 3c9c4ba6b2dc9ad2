"""Seed the IKM category tree (what Blitar's small industries make)."""

from django.db import migrations
from django.utils.text import slugify

CATEGORIES = [
    ("Makanan & Minuman", ["Keripik & camilan", "Kue & roti", "Minuman & jamu", "Bumbu & sambal", "Olahan ikan"]),
    ("Kerajinan", ["Anyaman bambu & rotan", "Kerajinan kayu", "Gerabah & keramik", "Suvenir"]),
    ("Batik & Tenun", ["Batik tulis", "Batik cap", "Tenun"]),
    ("Mebel", ["Mebel kayu jati", "Mebel bambu"]),
    ("Logam", ["Pandai besi & alat pertanian", "Kerajinan kuningan"]),
    ("Fesyen & Konveksi", ["Pakaian", "Tas & alas kaki"]),
    ("Kosmetik & Herbal", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("ikm", "Category")
    for position, (name, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(slug=slugify(name), defaults={"name": name, "position": position})
        for child_position, child in enumerate(children):
            Category.objects.get_or_create(
                slug=slugify(child), defaults={"name": child, "parent": parent, "position": child_position}
            )


class Migration(migrations.Migration):
    dependencies = [("ikm", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
