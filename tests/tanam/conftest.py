"""Fixtures of the tanam tests: species, a point inside a known desa, plantings, photos."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _regions_and_species(db):
    """Regions (a transactional test elsewhere may have flushed them) and the species list."""
    from blitar_portal.regions.models import Kecamatan
    from tanam import services

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()


@pytest.fixture(autouse=True)
def _fresh_clusters_cache():
    """Cached map answers are keyed by a version bumped on commit; a rolled-back test never commits."""
    import uuid

    from django.core.cache import cache

    from tanam.selectors import CLUSTERS_VERSION_KEY

    cache.set(CLUSTERS_VERSION_KEY, uuid.uuid4().hex, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def species():
    from tanam.models import Species

    return Species.objects.get(slug="mahoni")


@pytest.fixture
def desa():
    from blitar_portal.regions.models import Desa

    return Desa.objects.select_related("kecamatan").order_by("code").first()


@pytest.fixture
def spot(desa):
    """(lat, lon) strings of a point inside `desa`."""
    point = desa.geom.point_on_surface
    return f"{point.y:.7f}", f"{point.x:.7f}"


@pytest.fixture
def make_planting(species, desa):
    """make_planting(user=..., status=..., point=None, **fields): a saved Planting (bypasses the form)."""
    from tanam.models import Planting

    def make(*, user=None, status="pending", point=None, **fields):
        point = point or desa.geom.point_on_surface
        defaults = {
            "user": user or UserFactory(),
            "point": point,
            "kecamatan": desa.kecamatan,
            "desa": desa,
            "species": species,
            "tree_count": 1,
            "planted_on": timezone.localdate() - timedelta(days=400),
            "status": status,
        }
        defaults.update(fields)
        return Planting.objects.create(**defaults)

    return make


def jpeg_bytes(*, size=(64, 48), gps=None, taken_at=None):
    """A JPEG, optionally with EXIF GPS (lat, lon) and DateTimeOriginal."""
    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    if gps is not None:
        lat, lon = gps

        def dms(value):
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 2)
            return (float(d), float(m), s)

        exif[0x8825] = {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)}
    if taken_at is not None:
        exif[0x0132] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo():
    def make(name="foto.jpg", **kwargs):
        return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")

    return make


def queued_tasks(task_name):
    """How many messages of this task wait in this run's Celery queue (the real Redis broker)."""
    import json

    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    messages = broker.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    return [json.loads(m)["headers"]["task"] for m in messages].count(task_name)
