"""Assembles a dashboard page: reads the stored summaries once and lets the section compose its figures."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .sections import Context, ikm, kesehatan, ringkasan, tanam

# slug -> (module, tab label); the order is the order of the tabs.
SECTIONS = {
    "ringkasan": (ringkasan, _("Ringkasan")),
    "kesehatan": (kesehatan, _("E-Health")),
    "ikm": (ikm, _("IKM")),
    "tanam": (tanam, _("Bangga Menanam")),
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
    )
    if slug == "ikm":
        ctx.target = selectors.ikm_target(timezone.localdate(now))
    return module.build(ctx)
