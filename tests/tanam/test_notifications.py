"""Planters are told (through the notification outbox) when a planting is verified, rejected, or due a re-check."""

import datetime

import pytest
from django.utils import timezone

from blitar_portal.notifications.models import Notification
from tanam import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rows(planting, event):
    return list(Notification.objects.filter(source_model="tanam.planting", source_id=str(planting.pk), event=event))


def test_verified_planting_is_notified_to_the_planter_by_email(make_planting, alice):
    planter = UserFactory(username="tani", email="tani@contoh.id")
    planting = make_planting(user=planter, tree_count=3)
    services.planting_verify(planting=planting, user=alice)
    (row,) = rows(planting, "tanam_planting_verified")
    assert row.to == "tani@contoh.id" and "3 pohon" in row.text and f"/tanam/penanaman/{planting.pk}/" in row.text


def test_rejected_planting_carries_the_reason(make_planting, alice):
    planting = make_planting()
    services.planting_reject(planting=planting, user=alice, reason="Foto buram")
    (row,) = rows(planting, "tanam_planting_rejected")
    assert "Foto buram" in row.text


def test_a_planter_who_switched_the_topic_off_gets_nothing(make_planting, alice):
    from blitar_portal.notifications import services as notification_services

    planter = UserFactory(username="tani2", email="tani2@contoh.id")
    notification_services.contact_record(user=planter, consents=["email"], topics=["ikm"])
    planting = make_planting(user=planter)
    services.planting_verify(planting=planting, user=alice)
    assert rows(planting, "tanam_planting_verified") == []


def test_recheck_due_is_notified_once_per_date(make_planting):
    today = timezone.localdate()
    due = make_planting(status="verified", next_check_on=today - datetime.timedelta(days=1))
    make_planting(status="verified", next_check_on=today + datetime.timedelta(days=5))
    assert services.plantings_recheck_notify(today=today) == 1
    assert services.plantings_recheck_notify(today=today) == 0
    (row,) = rows(due, "tanam_recheck_due")
    assert "cek ulang" in row.text
