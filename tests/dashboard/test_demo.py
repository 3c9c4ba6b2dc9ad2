"""seed_demo leaves the dashboard with computed figures (no wait for the first beat tick)."""

import io

from blitar_portal.dashboard import demo
from blitar_portal.dashboard.models import RefreshRun, Snapshot

from .conftest import make_dataset


def test_demo_seed_computes_the_summaries(db):
    make_dataset()
    out = io.StringIO()
    demo.seed(scale=1, stdout=out)
    assert RefreshRun.objects.filter(trigger="seed").exists()
    assert Snapshot.objects.get(key="tanam.summary").data["trees_planted"] == 7
    assert "dashboard summaries computed" in out.getvalue()
