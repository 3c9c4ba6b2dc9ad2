"""One pin may be a group planting: 1–1,000 trees, with the same Bahasa message in form, API and admin."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tanam import services
from tanam.forms import PlantingForm
from tanam.models import MAX_TREES_PER_POINT, Planting


def _form_data(spot, species, tree_count):
    lat, lon = spot
    return {
        "lat": lat,
        "lon": lon,
        "location_source": "map",
        "species": species.pk,
        "tree_count": tree_count,
        "planted_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Jumlah pohon minimal 1."),
        ("-5", "Jumlah pohon minimal 1."),
        ("1001", "Jumlah pohon maksimal 1.000 per titik."),
        ("2,5", "Jumlah pohon harus berupa bilangan bulat."),
        ("banyak", "Jumlah pohon harus berupa bilangan bulat."),
        ("", "Isi jumlah pohon"),
    ],
)
def test_form_rejects_bad_tree_count(spot, species, value, message):
    form = PlantingForm(_form_data(spot, species, value))
    assert not form.is_valid()
    assert any(message in error for error in form.errors["tree_count"])


def test_form_accepts_group_planting_at_the_bound(spot, species):
    form = PlantingForm(_form_data(spot, species, str(MAX_TREES_PER_POINT)))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tree_count"] == MAX_TREES_PER_POINT


def test_form_page_explains_group_planting(client, bob):
    client.force_login(bob)
    html = client.get(reverse("tanam:register")).content.decode()
    assert "penanaman kelompok" in html
    assert 'max="1000"' in html


def test_web_registration_above_bound_saves_nothing(client, bob, spot, species):
    client.force_login(bob)
    response = client.post(reverse("tanam:register"), _form_data(spot, species, "5000"))
    assert response.status_code == 200
    assert "Jumlah pohon maksimal 1.000 per titik" in response.content.decode()
    assert not Planting.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Jumlah pohon minimal 1."),
        (1001, "Jumlah pohon maksimal 1.000 per titik."),
        ("sepuluh", "Jumlah pohon harus berupa bilangan bulat."),
        (None, "Jumlah pohon harus berupa bilangan bulat."),
    ],
)
def test_api_rejects_bad_tree_count_in_bahasa(client, bob, spot, species, value, message):
    client.force_login(bob)
    body = _form_data(spot, species, value)
    response = client.post(reverse("api:tanam-plantings"), body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Planting.objects.exists()


def test_api_accepts_group_planting(client, bob, spot, species):
    client.force_login(bob)
    body = _form_data(spot, species, 250)
    response = client.post(reverse("api:tanam-plantings"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Planting.objects.get().tree_count == 250


def test_staff_edit_above_bound_is_rejected_by_the_model(make_planting, alice):
    planting = make_planting(status="verified")
    original = Planting.objects.get(pk=planting.pk)
    planting.tree_count = 5000
    with pytest.raises(ValidationError) as error:
        services.planting_update(planting=planting, user=alice, original=original, changed_fields=["tree_count"])
    assert "maksimal 1.000 per titik" in str(error.value)
    assert Planting.objects.get(pk=planting.pk).tree_count == 1
