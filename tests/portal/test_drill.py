"""The failover drill's task (`core.drill`, run by `make rehearsal`): its side effect happens once
per token however often the task is delivered, and it acknowledges late."""

from blitar_portal.core.models import DrillEffect
from blitar_portal.core.services import drill_apply
from blitar_portal.core.tasks import drill


def test_a_redelivered_drill_task_applies_its_effect_once(db):
    assert drill_apply(token="t-1", worker="w1") is True
    assert drill_apply(token="t-1", worker="w2", redelivered=True) is False
    assert drill_apply(token="t-2", worker="w2", redelivered=True) is True
    assert list(DrillEffect.objects.order_by("token").values_list("token", "worker", "redelivered")) == [
        ("t-1", "w1", False),
        ("t-2", "w2", True),
    ]


def test_the_drill_task_is_acknowledged_only_after_it_ran():
    assert drill.name == "core.drill"
    assert drill.acks_late is True and drill.reject_on_worker_lost is True
