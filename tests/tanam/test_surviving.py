"""Surviving trees (last check alive, within 12 months) next to trees planted: leaderboard,
communities and campaigns equal a hand count."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blitar_portal.regions.models import Desa
from tanam import selectors, services
from tanam.models import Campaign, Community

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def world(make_planting, alice):
    """Plantings of two kecamatan with checks of every kind; returns (kecamatan A, B, community, campaign)."""
    desas = list(Desa.objects.select_related("kecamatan").order_by("code"))
    desa_a = desas[0]
    desa_b = next(d for d in desas if d.kecamatan_id != desa_a.kecamatan_id)
    community = Community.objects.create(name="Komunitas Hidup", slug="komunitas-hidup")
    campaign = Campaign.objects.create(
        name="Kampanye Hidup",
        slug="kampanye-hidup",
        target_trees=100,
        starts_on=date(2020, 1, 1),
        ends_on=date(2030, 1, 1),
    )

    def plant(desa, trees, checks, status="verified", **extra):
        planting = make_planting(
            status=status,
            desa=desa,
            kecamatan=desa.kecamatan,
            point=desa.geom.point_on_surface,
            tree_count=trees,
            planted_on=days_ago(900),
            **extra,
        )
        for age, condition in checks:
            services.observation_add(planting=planting, user=alice, condition=condition, observed_on=days_ago(age))
        return planting

    # Kecamatan A: surviving 10 + 7 = 17 of 10 + 20 + 7 + 5 + 3 + 100 (pending: not counted at all).
    plant(desa_a, 10, [(30, "alive")], community=community, campaign=campaign)  # surviving
    plant(desa_a, 20, [(400, "alive")], community=community)  # alive, but checked 400 days ago
    plant(desa_a, 7, [(200, "dead"), (20, "alive")], campaign=campaign)  # found alive again: surviving
    plant(desa_a, 5, [(100, "alive"), (10, "dead")], community=community)  # latest check: dead
    plant(desa_a, 3, [])  # never checked
    plant(desa_a, 100, [(5, "alive")], status="pending", community=community)  # not public
    # Kecamatan B: surviving 40 of 40 + 2.
    plant(desa_b, 40, [(300, "alive")])
    plant(desa_b, 2, [(10, "unknown")])
    services.cluster_cells_rebuild()
    return desa_a.kecamatan, desa_b.kecamatan, community, campaign


def test_leaderboard_by_surviving_trees_equals_a_hand_count(client, world):
    kecamatan_a, kecamatan_b, community, _campaign = world
    rows = client.get(reverse("tanam:leaderboard")).context["rows"]
    by_name = {r["kecamatan__name"]: r for r in rows}
    assert (by_name[kecamatan_a.name]["surviving"], by_name[kecamatan_a.name]["trees"]) == (17, 45)
    assert (by_name[kecamatan_b.name]["surviving"], by_name[kecamatan_b.name]["trees"]) == (40, 42)
    # Ranked by surviving trees: B first although A planted more.
    assert [r["kecamatan__name"] for r in rows[:2]] == [kecamatan_b.name, kecamatan_a.name]
    assert rows[0]["rank"] == 1


def test_communities_and_campaigns_count_surviving_trees(client, world):
    _a, _b, community, campaign = world
    listing = client.get(reverse("tanam:communities")).context["page"].object_list
    (row,) = [c for c in listing if c.pk == community.pk]
    assert (row.surviving, row.trees) == (10, 35)
    page = client.get(reverse("tanam:campaign", args=[campaign.slug]))
    assert (page.context["campaign"].surviving, page.context["campaign"].trees) == (17, 17)
    assert page.context["surviving_percent"] == 17
    assert "17 pohon hidup" in client.get(reverse("tanam:campaigns")).content.decode()


def test_the_sql_condition_and_the_q_agree(world):
    from django.db import connection

    with connection.cursor() as cursor:
        condition = selectors.surviving_planting_sql()  # constant text, no input
        sql = "SELECT coalesce(sum(tree_count), 0) FROM tanam_planting WHERE " + condition  # noqa: S608
        cursor.execute(sql)
        in_sql = cursor.fetchone()[0]
    in_orm = sum(selectors.plantings_public().filter(selectors.surviving_q()).values_list("tree_count", flat=True))
    assert in_sql == in_orm == 57


def test_a_new_check_changes_the_surviving_totals_at_once(
    client, world, make_planting, alice, django_capture_on_commit_callbacks
):
    kecamatan_a, *_rest = world
    assert selectors.surviving_totals()["kecamatan"][kecamatan_a.pk] == 17
    planting = selectors.plantings_public().filter(kecamatan=kecamatan_a, tree_count=3).get()
    with django_capture_on_commit_callbacks(execute=True):
        services.observation_add(planting=planting, user=alice, condition="alive", observed_on=days_ago(1))
    assert selectors.surviving_totals()["kecamatan"][kecamatan_a.pk] == 20
