"""/api/v1/tanam/plantings/<id>/: the owner edits a pending planting with the form's rules; others get 404."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from tanam.models import Planting


def _url(planting):
    return reverse("api:tanam-planting", args=[planting.pk])


@pytest.fixture
def own(make_planting, bob):
    """bob's pending planting, registered an hour ago (outside the duplicate window)."""
    planting = make_planting(user=bob, tree_count=2, notes="awal")
    Planting.objects.filter(pk=planting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    planting.refresh_from_db()
    return planting


def test_owner_patches_pending_planting(client, bob, own, desa):
    client.force_login(bob)
    response = client.patch(_url(own), {"tree_count": 25, "notes": "bibit tambahan"}, content_type="application/json")
    assert response.status_code == 200, response.content
    own.refresh_from_db()
    assert (own.tree_count, own.notes, own.status) == (25, "bibit tambahan", "pending")
    assert own.desa == desa  # location kept
    assert response.json()["properties"]["trees"] == 25


def test_owner_puts_a_new_point_and_region_follows(client, bob, own, species):
    from blitar_portal.regions.models import Desa

    other = Desa.objects.exclude(pk=own.desa_id).order_by("-code").first()
    point = other.geom.point_on_surface
    client.force_login(bob)
    body = {
        "lat": f"{point.y:.7f}",
        "lon": f"{point.x:.7f}",
        "species": species.pk,
        "tree_count": 1,
        "planted_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
    }
    response = client.put(_url(own), body, content_type="application/json")
    assert response.status_code == 200, response.content
    own.refresh_from_db()
    assert own.desa == other and own.kecamatan_id == other.kecamatan_id


def test_owner_reads_own_pending_planting(client, bob, own):
    client.force_login(bob)
    data = client.get(_url(own)).json()
    assert data["id"] == own.pk and data["properties"]["status"] == "pending"


@pytest.mark.parametrize("method", ["get", "patch", "put"])
def test_another_users_planting_is_404(client, charlie, own, method):
    client.force_login(charlie)
    response = getattr(client, method)(_url(own), {"tree_count": 9}, content_type="application/json")
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.tree_count == 2


def test_anonymous_cannot_edit(client, own):
    response = client.patch(_url(own), {"tree_count": 9}, content_type="application/json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.tree_count == 2


def test_verified_planting_is_locked(client, bob, own):
    Planting.objects.filter(pk=own.pk).update(status="verified")
    client.force_login(bob)
    response = client.patch(_url(own), {"tree_count": 9}, content_type="application/json")
    assert response.status_code == 400
    assert "tidak dapat diubah" in response.json()["detail"]
    own.refresh_from_db()
    assert own.tree_count == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": "-7.2575", "lon": "112.7521"}, "di luar Kabupaten Blitar"),
        ({"lat": "112.2", "lon": "-8.1"}, "tertukar"),
        ({"lat": "x", "lon": "112.2"}, "harus berupa angka"),
        ({"planted_on": "2999-01-01"}, "masa depan"),
        ({"tree_count": 0}, "minimal 1"),
        ({"tree_count": 1001}, "maksimal 1.000 per titik"),
    ],
)
def test_bad_edit_is_400_and_changes_nothing(client, bob, own, change, message):
    before = (own.point.wkt, own.planted_on, own.tree_count, own.notes)
    client.force_login(bob)
    response = client.patch(_url(own), {**change, "notes": "diubah"}, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    own.refresh_from_db()
    assert (own.point.wkt, own.planted_on, own.tree_count, own.notes) == before


def test_edit_onto_another_fresh_pin_within_10_m_is_a_duplicate(client, bob, own, make_planting):
    base = own.point
    fresh = make_planting(user=bob, point=Point(base.x + 0.0002, base.y, srid=4326))  # ~22 m, just now
    client.force_login(bob)
    target = {"lat": f"{fresh.point.y + 0.00003:.7f}", "lon": f"{fresh.point.x:.7f}"}  # ~3 m away
    response = client.patch(_url(own), target, content_type="application/json")
    assert response.status_code == 400
    assert "10 m" in response.json()["detail"]
    own.refresh_from_db()
    assert own.point.wkt == base.wkt


def test_fresh_planting_is_not_its_own_duplicate(client, bob, make_planting):
    fresh = make_planting(user=bob)
    client.force_login(bob)
    response = client.patch(_url(fresh), {"notes": "koreksi"}, content_type="application/json")
    assert response.status_code == 200, response.content
    fresh.refresh_from_db()
    assert fresh.notes == "koreksi"


def test_put_without_species_is_400_in_bahasa(client, bob, own):
    client.force_login(bob)
    body = {"lat": f"{own.point.y:.7f}", "lon": f"{own.point.x:.7f}", "tree_count": 3}
    response = client.put(_url(own), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Pilih spesies pohon."
    own.refresh_from_db()
    assert own.tree_count == 2
