"""Admin moderation by Diskominfo: verify/reject single and bulk, audit of edits after verification."""

from django.contrib.gis.geos import Point
from django.urls import reverse

from tanam.models import Planting, PlantingAudit

CHANGELIST = reverse("admin:tanam_planting_changelist")


def test_diskominfo_sees_the_planting_list_with_map(client, alice, make_planting):
    planting = make_planting()
    client.force_login(alice)
    assert client.get(CHANGELIST).status_code == 200
    change = client.get(reverse("admin:tanam_planting_change", args=[planting.pk]))
    assert change.status_code == 200
    assert "leaflet" in change.content.decode().lower()


def test_charlie_has_no_admin_access(client, charlie):
    client.force_login(charlie)
    assert client.get(CHANGELIST).status_code == 302


def test_bulk_verify(client, alice, make_planting):
    plantings = [make_planting(), make_planting()]
    client.force_login(alice)
    response = client.post(
        CHANGELIST, {"action": "verify_selected", "_selected_action": [p.pk for p in plantings]}, follow=True
    )
    assert "2 penanaman diverifikasi" in response.content.decode()
    for planting in plantings:
        planting.refresh_from_db()
        assert planting.status == Planting.Status.VERIFIED
        assert planting.verified_by == alice and planting.verified_at


def test_reject_asks_for_a_reason_then_rejects(client, alice, make_planting):
    planting = make_planting()
    client.force_login(alice)
    ask = client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [planting.pk]})
    assert "Alasan penolakan" in ask.content.decode()
    planting.refresh_from_db()
    assert planting.status == Planting.Status.PENDING
    done = client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [planting.pk], "reason": "Foto bukan pohon."},
        follow=True,
    )
    assert "1 penanaman ditolak" in done.content.decode()
    planting.refresh_from_db()
    assert planting.status == Planting.Status.REJECTED
    assert planting.rejection_reason == "Foto bukan pohon."


def _change_data(planting, **overrides):
    data = {
        "point": planting.point.geojson,
        "species": planting.species_id,
        "tree_count": planting.tree_count,
        "planted_on": planting.planted_on.isoformat(),
        "community": "",
        "campaign": "",
        "notes": planting.notes,
        "location_source": planting.location_source,
        "gps_accuracy_m": "",
        "user": planting.user_id,
        "observations-TOTAL_FORMS": 0,
        "observations-INITIAL_FORMS": 0,
        "audits-TOTAL_FORMS": 0,
        "audits-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_edit_after_verification_writes_audit_row(client, alice, make_planting):
    planting = make_planting(status="verified")
    client.force_login(alice)
    url = reverse("admin:tanam_planting_change", args=[planting.pk])
    response = client.post(url, _change_data(planting, tree_count=5))
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = PlantingAudit.objects.get(planting=planting)
    assert audit.user == alice
    assert audit.changes == {"tree_count": [1, 5]}


def test_edit_before_verification_is_not_audited(client, alice, make_planting):
    planting = make_planting()
    client.force_login(alice)
    client.post(reverse("admin:tanam_planting_change", args=[planting.pk]), _change_data(planting, tree_count=3))
    planting.refresh_from_db()
    assert planting.tree_count == 3
    assert not PlantingAudit.objects.exists()


def test_moving_a_pin_reassigns_desa(client, alice, make_planting):
    from blitar_portal.regions.models import Desa

    planting = make_planting(status="verified")
    other = Desa.objects.exclude(pk=planting.desa_id).order_by("-code").first()
    target = other.geom.point_on_surface
    client.force_login(alice)
    client.post(
        reverse("admin:tanam_planting_change", args=[planting.pk]),
        _change_data(planting, point=Point(target.x, target.y, srid=4326).geojson),
    )
    planting.refresh_from_db()
    assert planting.desa == other
    assert "point" in PlantingAudit.objects.get(planting=planting).changes


def test_change_form_previews_the_photo(client, alice, bob, spot, species, photo):
    from tanam import services

    lat, lon = spot
    planting = services.planting_register(
        user=bob,
        species=species,
        lat=lat,
        lon=lon,
        photo=photo(),
        planted_on=Planting._meta.get_field("planted_on").to_python("2024-01-01"),
    ).planting
    services.planting_renditions_build(planting_id=planting.pk)
    client.force_login(alice)
    html = client.get(reverse("admin:tanam_planting_change", args=[planting.pk])).content.decode()
    # A pending planting's photo is private: the preview goes through the permission-checked view.
    preview = reverse("tanam:photo", args=[planting.pk, "card", "jpg"])
    assert preview in html
    assert planting.photo.name not in html
    assert client.get(preview)["Content-Type"] == "image/jpeg"
