"""Safe admin for plantings: rejected, never deleted by staff; every admin write goes through
services.py (map cells, land cover, open data, files, filters follow as they do from the site)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from blitar_portal.lib.media import private_storage, public_storage
from tanam import services
from tanam.models import Community, Planting, Species
from tests.factories import UserFactory

from .conftest import queued_tasks

CHANGELIST = reverse("admin:tanam_planting_changelist")
SIDE_EFFECT_TASKS = ("tanam.clusters_refresh", "tanam.cover_refresh", "tanam.open_data_build")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_planting_list_offers_no_delete_action_to_anyone(client, alice, root, make_planting):
    make_planting()
    for user in (alice, root):
        client.force_login(user)
        choices = client.get(CHANGELIST).context["action_form"].fields["action"].choices
        names = [name for name, _label in choices]
        assert "delete_selected" not in names
        assert {"verify_selected", "reject_selected"} <= set(names)


def test_staff_cannot_delete_nor_add_a_planting(client, alice, make_planting):
    planting = make_planting(status="verified")
    client.force_login(alice)
    change = client.get(reverse("admin:tanam_planting_change", args=[planting.pk]))
    assert change.context["has_delete_permission"] is False
    assert f"/{planting.pk}/delete/" not in change.content.decode()
    delete = reverse("admin:tanam_planting_delete", args=[planting.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:tanam_planting_add")).status_code == 403
    assert Planting.objects.filter(pk=planting.pk).exists()


def test_admin_verify_has_the_side_effects_of_the_service(
    client, alice, make_planting, django_capture_on_commit_callbacks
):
    planting = make_planting()
    before = {name: queued_tasks(name) for name in SIDE_EFFECT_TASKS}
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "verify_selected", "_selected_action": [planting.pk]})
    planting.refresh_from_db()
    assert planting.status == Planting.Status.VERIFIED and planting.verified_by == alice
    assert {name: queued_tasks(name) - before[name] for name in SIDE_EFFECT_TASKS} == dict.fromkeys(
        SIDE_EFFECT_TASKS, 1
    )


def test_superuser_delete_goes_through_the_service(
    client, root, bob, alice, spot, species, photo, django_capture_on_commit_callbacks
):
    lat, lon = spot
    result = services.planting_register(
        user=bob,
        species=species,
        lat=lat,
        lon=lon,
        location_source="map",
        gps_accuracy_m=None,
        planted_on=timezone.localdate(),
        photo=photo(),
    )
    planting = result.planting
    services.planting_renditions_build(planting_id=planting.pk)
    with django_capture_on_commit_callbacks(execute=True):  # publishing runs after commit
        services.planting_verify(planting=planting, user=alice)
    planting.refresh_from_db()
    files = [planting.photo.name] + [entry["jpeg"] for entry in planting.renditions.values()]
    assert files and all(private_storage().exists(name) for name in files)
    public_copies = [path for entry in planting.published.values() for path in entry.values()]
    assert public_copies and all(public_storage().exists(path) for path in public_copies)
    before = queued_tasks("tanam.clusters_refresh")
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:tanam_planting_delete", args=[planting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Planting.objects.filter(pk=planting.pk).exists()
    assert queued_tasks("tanam.clusters_refresh") == before + 1  # the pin leaves the public map
    assert cache.get(services.OPEN_DATA_PENDING_KEY)  # and the open data
    assert not any(private_storage().exists(name) for name in files)
    assert not any(public_storage().exists(path) for path in public_copies)


def test_admin_rename_of_a_community_shows_on_the_public_map_filters(client, alice, django_capture_on_commit_callbacks):
    community = Community.objects.create(name="Komunitas Lama", slug="komunitas-lama")
    assert "Komunitas Lama" in client.get(reverse("tanam:map")).content.decode()  # options now cached
    admin = client.__class__()
    admin.force_login(alice)
    url = reverse("admin:tanam_community_change", args=[community.pk])
    data = {"name": "Komunitas Baru", "slug": "komunitas-lama", "kecamatan": ""}
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})  # the members' inline
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = client.get(reverse("tanam:map")).content.decode()
    assert "Komunitas Baru" in html and "Komunitas Lama" not in html


def test_admin_edit_of_species_figures_recomputes_the_land_cover(client, alice, django_capture_on_commit_callbacks):
    species = Species.objects.get(slug="mahoni")
    before = queued_tasks("tanam.cover_refresh")
    client.force_login(alice)
    url = reverse("admin:tanam_species_change", args=[species.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["crown_diameter_m"] = species.crown_diameter_m + 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert queued_tasks("tanam.cover_refresh") == before + 1


def test_a_refused_admin_edit_is_a_message_not_a_500(client, alice, make_planting):
    planting = make_planting(status="verified")
    client.force_login(alice)
    url = reverse("admin:tanam_planting_change", args=[planting.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "photo" and form[name].value() is not None}
    data.update({"point": "SRID=4326;POINT(110.4 -7.0)", "tree_count": 5})  # Semarang: outside the regency
    data.update({f"{p}-{k}": "0" for p in ("observations", "audits") for k in ("TOTAL_FORMS", "INITIAL_FORMS")})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "luar Kabupaten Blitar" in response.content.decode()
    planting.refresh_from_db()
    assert planting.tree_count == 1  # nothing saved half-way
