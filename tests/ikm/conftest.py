"""IKM personas and builders. Shops and products are made through the real services,
so search vectors, slugs and validation are the ones a user gets."""

import io
import itertools
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blitar_portal.accounts.roles import IKM_OWNER
from blitar_portal.regions.models import Kecamatan
from ikm import services
from ikm.models import Category
from ikm.selectors import catalogue_version_set
from tests.factories import UserFactory

_ip = itertools.count(1)


def fresh_ip():
    """A distinct client address per request batch, so rate limits of one test never hit another."""
    n = next(_ip)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def jpeg_bytes(size=(64, 48), color=(200, 120, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def upload(name="foto.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, jpeg_bytes() if data is None else data, content_type=content_type)


def shop_data(**overrides):
    data = {
        "name": "Keripik Bu Sri",
        "story": "Keripik tempe rumahan sejak 1998.",
        "kecamatan": Kecamatan.objects.get(name__iexact="Kanigoro"),
        "address": "Jl. Raya Kanigoro 12",
        "location": None,
        "whatsapp": "0812-3456-7890",
        "nib": "1234567890123",
        "kbli_sector": "10",
        "legal_form": "perseorangan",
        "year_founded": 1998,
        "workers": 4,
        "monthly_capacity": 2000,
        "capacity_unit": "bungkus",
        "marketplace_links": [],
    }
    data.update(overrides)
    return data


def make_shop(owner, *, verified=True, **overrides):
    shop = services.shop_create(owner=owner, **shop_data(**overrides))
    if verified:
        services.shop_verify(shop=shop)
    return shop


def product_data(**overrides):
    data = {
        "name": "Keripik Tempe Sagu",
        "category": Category.objects.get(slug="keripik-camilan"),
        "description": "Keripik tempe renyah dengan tepung sagu, gurih dan tahan lama.",
        "price": 15000,
        "price_negotiable": False,
        "unit": "bungkus",
        "min_order": 10,
        "monthly_capacity": 500,
        "stock_status": "tersedia",
        "is_active": True,
    }
    data.update(overrides)
    return data


def make_product(shop, **overrides):
    return services.product_create(shop=shop, **product_data(**overrides))


@pytest.fixture(autouse=True)
def fresh_catalogue_cache():
    """Each test starts with a new catalogue version: the database is rolled back between
    tests, but Redis (and the per-process copy) are not."""
    catalogue_version_set(time.time_ns())


@pytest.fixture
def owner(db):
    return UserFactory(username="sri", first_name="Sri Wahyuni", groups=[IKM_OWNER])


@pytest.fixture
def other_owner(db):
    return UserFactory(username="dewi", first_name="Dewi Lestari", groups=[IKM_OWNER])


@pytest.fixture
def shop(owner):
    return make_shop(owner)


@pytest.fixture
def product(shop):
    return make_product(shop)


@pytest.fixture
def other_shop(other_owner):
    return make_shop(
        other_owner, name="Batik Dewi", kbli_sector="13", kecamatan=Kecamatan.objects.get(name__iexact="Wlingi")
    )


@pytest.fixture
def other_product(other_shop):
    return make_product(
        other_shop,
        name="Batik Tulis Kawung",
        category=Category.objects.get(slug="batik-tulis"),
        description="Batik tulis motif kawung.",
        price=350000,
        unit="lembar",
    )
