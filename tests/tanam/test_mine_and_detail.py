"""Tanaman saya and a planting's page: owners only (404 for others), monitoring and survival."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tanam import schedule
from tanam.models import Observation


def test_mine_lists_own_plantings_with_pending_badge(client, bob, charlie, make_planting):
    make_planting(user=bob)
    make_planting(user=charlie, notes="punya charlie")
    client.force_login(bob)
    response = client.get(reverse("tanam:mine"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert "Menunggu verifikasi" in response.content.decode()


def test_mine_empty_state(client, bob):
    client.force_login(bob)
    assert "belum mendaftarkan" in client.get(reverse("tanam:mine")).content.decode()


def test_another_users_planting_is_404(client, bob, charlie, make_planting):
    planting = make_planting(user=bob)
    client.force_login(charlie)
    assert client.get(reverse("tanam:detail", args=[planting.pk])).status_code == 404
    response = client.post(
        reverse("tanam:detail", args=[planting.pk]),
        {"observed_on": timezone.localdate().isoformat(), "condition": "dead"},
    )
    assert response.status_code == 404
    assert not Observation.objects.exists()


def test_anonymous_detail_redirects_to_login(client, make_planting):
    planting = make_planting()
    assert client.get(reverse("tanam:detail", args=[planting.pk])).status_code == 302


def test_owner_adds_observation_and_sees_survival_and_next_check(client, bob, make_planting):
    planting = make_planting(user=bob, status="verified")
    client.force_login(bob)
    today = timezone.localdate()
    response = client.post(
        reverse("tanam:detail", args=[planting.pk]),
        {"observed_on": today.isoformat(), "condition": "alive", "height_m": "1.5"},
        follow=True,
    )
    planting.refresh_from_db()
    assert planting.condition == "alive"
    # Planted 400 days ago: the 12-month check has passed, the next is the second anniversary.
    assert planting.next_check_on == schedule.add_months(planting.planted_on, 24)
    page = response.content.decode()
    assert "Hasil pemantauan tersimpan" in page
    assert "Hidup" in page


def test_dead_observation_sets_dead_since_and_stops_checks(client, bob, make_planting):
    planting = make_planting(user=bob, status="verified")
    client.force_login(bob)
    day = timezone.localdate() - timedelta(days=10)
    client.post(reverse("tanam:detail", args=[planting.pk]), {"observed_on": day.isoformat(), "condition": "dead"})
    planting.refresh_from_db()
    assert planting.dead_since == day
    assert planting.next_check_on is None


def test_staff_can_observe_any_planting(client, alice, bob, make_planting):
    planting = make_planting(user=bob)
    client.force_login(alice)
    response = client.post(
        reverse("tanam:detail", args=[planting.pk]),
        {"observed_on": timezone.localdate().isoformat(), "condition": "alive"},
    )
    assert response.status_code == 302
    assert Observation.objects.get().observed_by == alice


@pytest.mark.parametrize(
    ("days", "message"), [(-1, "masa depan"), (1000, "sebelum tanggal tanam")], ids=["future", "before-planting"]
)
def test_bad_observation_dates_save_nothing(client, bob, make_planting, days, message):
    planting = make_planting(user=bob, planted_on=timezone.localdate() - timedelta(days=30))
    client.force_login(bob)
    response = client.post(
        reverse("tanam:detail", args=[planting.pk]),
        {"observed_on": (timezone.localdate() - timedelta(days=days)).isoformat(), "condition": "alive"},
    )
    assert message in response.content.decode()
    assert not Observation.objects.exists()


def test_overdue_check_is_flagged(client, bob, make_planting):
    make_planting(user=bob, next_check_on=timezone.localdate() - timedelta(days=3))
    client.force_login(bob)
    assert "terlambat" in client.get(reverse("tanam:mine")).content.decode()


def _edit_data(planting, **overrides):
    data = {
        "lat": f"{planting.point.y:.7f}",
        "lon": f"{planting.point.x:.7f}",
        "location_source": "map",
        "species": planting.species_id,
        "tree_count": planting.tree_count,
        "planted_on": planting.planted_on.isoformat(),
    }
    data.update(overrides)
    return data


def test_owner_edits_pending_planting(client, bob, make_planting):
    planting = make_planting(user=bob)
    client.force_login(bob)
    url = reverse("tanam:edit", args=[planting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data(planting, tree_count=4), follow=True)
    assert "Perubahan tersimpan" in response.content.decode()
    planting.refresh_from_db()
    assert planting.tree_count == 4 and planting.status == "pending"


def test_another_user_editing_gets_404(client, bob, charlie, make_planting):
    planting = make_planting(user=bob)
    client.force_login(charlie)
    url = reverse("tanam:edit", args=[planting.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(planting, tree_count=9)).status_code == 404
    planting.refresh_from_db()
    assert planting.tree_count == 1


def test_verified_planting_is_locked_for_the_owner(client, bob, make_planting):
    planting = make_planting(user=bob, status="verified")
    client.force_login(bob)
    response = client.post(reverse("tanam:edit", args=[planting.pk]), _edit_data(planting, tree_count=9))
    assert "tidak dapat diubah" in response.content.decode()
    planting.refresh_from_db()
    assert planting.tree_count == 1


def test_edit_outside_regency_changes_nothing(client, bob, make_planting):
    planting = make_planting(user=bob)
    client.force_login(bob)
    response = client.post(
        reverse("tanam:edit", args=[planting.pk]), _edit_data(planting, lat="-7.2575", lon="112.7521")
    )
    assert "di luar Kabupaten Blitar" in response.content.decode()
    planting.refresh_from_db()
    assert planting.desa_id is not None and abs(planting.point.y + 7.2575) > 0.1
