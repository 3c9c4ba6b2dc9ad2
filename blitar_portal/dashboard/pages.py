"""Assembles a dashboard page: reads the stored summaries once and lets the section compose its figures.

Each app's tab is its own `<app>/dashboard.py` (METRICS, SNAPSHOTS, build), imported here by name:
a missing one fails at import, never silently.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.notifications import dashboard as notifications_dashboard
from ehealth import dashboard as ehealth_dashboard
from ikm import dashboard as ikm_dashboard
from ikm.selectors import ikm_target
from tanam import dashboard as tanam_dashboard

from . import selectors
from .sections import Context, ringkasan

# slug -> (module, tab label); the order is the order of the tabs.
SECTIONS = {
    "ringkasan": (ringkasan, _("Ringkasan")),
    "kesehatan": (ehealth_dashboard, _("E-Health")),
    "ikm": (ikm_dashboard, _("IKM")),
    "tanam": (tanam_dashboard, _("Bangga Menanam")),
    "notifikasi": (notifications_dashboard, _("Notifikasi")),
}


def build_section(slug, filters, *, kecamatan_list, now=None, freshness=None):
    """The Section for one page: a fixed number of queries whatever the data size."""
    module, _label = SECTIONS[slug]
    now = now or timezone.now()
    freshness = freshness or selectors.freshness(now)
    ctx = Context(
        filters=filters,
        kecamatan=kecamatan_list,
        now=timezone.localtime(now),
        freshness=freshness,
        snapshots=selectors.snapshots(module.SNAPSHOTS),
        metrics=selectors.Metrics(module.METRICS, filters),
        target=ikm_target(),
    )
    return module.build(ctx)
