"""blitar_portal.lib.queue: the one way to queue work after commit, and its one behaviour when the
broker is down (a warning, nothing raised, the write kept; the task's periodic safety net catches up)."""

import logging

import pytest
from django.db import transaction

from blitar_portal.core.tasks import worker_heartbeat
from blitar_portal.lib.queue import enqueue, enqueue_on_commit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_broker_down_enqueue_warns_and_returns_false(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="blitar_portal.lib.queue"):
        assert enqueue(worker_heartbeat) is False
    assert "core.worker_heartbeat left to its periodic safety net" in caplog.text


def test_broker_down_after_commit_raises_nothing_and_the_write_is_kept(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="blitar_portal.lib.queue"), transaction.atomic():
        user = UserFactory(username="tetap-tersimpan")
        enqueue_on_commit(worker_heartbeat)
        assert caplog.text == ""  # nothing is sent before the commit
    assert type(user).objects.filter(username="tetap-tersimpan").exists()
    assert "core.worker_heartbeat left to its periodic safety net" in caplog.text


def test_a_rolled_back_write_queues_nothing(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="blitar_portal.lib.queue"):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(worker_heartbeat)
            raise RuntimeError("rollback")
    assert caplog.text == ""  # no publish was even tried


def test_broker_down_the_staff_dashboard_refresh_is_no_500(client, alice, broker_down, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.WARNING, logger="blitar_portal.lib.queue"):
        response = client.post("/dasbor/segarkan/", follow=True)
    assert response.status_code == 200
    assert "dashboard.refresh_summaries left to its periodic safety net" in caplog.text
