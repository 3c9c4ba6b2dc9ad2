"""With a real Celery worker: a verification (in the admin, through the service) rebuilds the open data."""

import json
import time

import pytest
from django.urls import reverse

from tanam import services
from tanam.models import OpenDataFile

pytestmark = pytest.mark.celery


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _geojson_ids(client):
    response = client.get(reverse("tanam:export-geojson"))
    if response.status_code != 200:
        return None
    body = b"".join(response.streaming_content)
    return sorted(f["properties"]["id"] for f in json.loads(body)["features"])


def test_a_verification_in_the_admin_rebuilds_the_files_in_the_worker(
    celery_worker, settings, client, make_planting, alice
):
    settings.TANAM_OPEN_DATA_DEBOUNCE_SECONDS = 0
    verified = make_planting(status="verified")
    pending = make_planting(status="pending")
    services.open_data_build()
    assert _geojson_ids(client) == [verified.pk]
    built = OpenDataFile.objects.get(kind="geojson").built_at

    client.force_login(alice)
    response = client.post("/admin/tanam/planting/", {"action": "verify_selected", "_selected_action": [pending.pk]})
    assert response.status_code == 302

    assert _wait_for(lambda: OpenDataFile.objects.get(kind="geojson").built_at > built)
    assert _wait_for(lambda: OpenDataFile.objects.get(kind="csv").rows == 2)
    assert _geojson_ids(client) == sorted([verified.pk, pending.pk])
