"""selectors.bed_states_by_day: the one bed-history replay behind the hospital trend and the dashboard's BOR."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.lib.dates import local_midnight
from ehealth import dashboard, selectors
from ehealth.models import BedClass, BedCountChange

from .conftest import make_hospital

pytestmark = pytest.mark.django_db


def _change(hospital, old, new, at):
    return BedCountChange.objects.create(
        hospital=hospital,
        code="VIP",
        source="feed",
        old_capacity=6,
        new_capacity=6,
        old_available=old,
        new_available=new,
        changed_at=at,
    )


def test_two_changes_at_the_same_moment_are_undone_in_reverse_write_order():
    hospital = make_hospital("rs-kembar")
    BedClass.objects.create(hospital=hospital, code="VIP", capacity=6, available=3)
    now = timezone.now()
    yesterday_noon = local_midnight(timezone.localdate(now) - datetime.timedelta(days=1)) + datetime.timedelta(hours=12)
    first = _change(hospital, 5, 4, yesterday_noon)  # written first (lower pk): 5 -> 4
    second = _change(hospital, 4, 3, yesterday_noon)  # then 4 -> 3, at the very same moment
    assert first.pk < second.pk

    states = [(day, dict(state)) for day, state in selectors.bed_states_by_day(days=3, now=now, hospital=hospital)]
    # Undone second then first, the day before yesterday ends with 5 (pk order forwards would leave 4).
    assert [state[(hospital.pk, "VIP", "")] for _day, state in states] == [(6, 3), (6, 3), (6, 5)]
    assert [day for day, _state in states] == [timezone.localdate(now) - datetime.timedelta(days=i) for i in range(3)]

    # The hospital page's trend and the dashboard's bed-days come from the same replay.
    assert selectors.hospital_trend(hospital, days=3, now=now)["series"][0]["values"] == [5, 3, 3]
    occupied = {day: occ for day, kec, code, _cap, occ in dashboard.bed_days(days=3, now=now) if code == "VIP"}
    assert [occupied[day] for day, _state in reversed(states)] == [1, 3, 3]


def test_replay_of_every_hospital_costs_two_queries(django_assert_num_queries):
    for slug in ("rs-a", "rs-b"):
        hospital = make_hospital(slug)
        BedClass.objects.create(hospital=hospital, code="VIP", capacity=4, available=1)
        _change(hospital, 2, 1, timezone.now())
    with django_assert_num_queries(2):
        states = [dict(state) for _day, state in selectors.bed_states_by_day(days=30)]
    assert len(states) == 30 and len(states[-1]) == 2
