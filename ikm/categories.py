"""The IKM category tree (what Blitar's small industries make). Seeded by migration 0002 and
again after every migrate/flush (post_migrate), like the regions and role groups."""

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


def ensure_categories(category_model):
    """Create missing categories (idempotent; renamed ones are left alone)."""
    for position, (name, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )
        for child_position, child in enumerate(children):
            category_model.objects.get_or_create(
                slug=slugify(child), defaults={"name": child, "parent": parent, "position": child_position}
            )


def ensure_categories_after_migrate(sender=None, **kwargs):
    from .models import Category

    ensure_categories(Category)
