"""The building blocks of the dashboard's sections (tabs): cards, sections, the context and helpers.

A section is a module with METRICS, SNAPSHOTS and `build(ctx) -> Section`: each app's tab is
its `<app>/dashboard.py`; the cross-app "Ringkasan" is `sections/ringkasan.py`. ctx carries the
filters, the kecamatan list, the snapshots/metrics it read (a fixed number of queries) and the
IKM target (`ikm.selectors.ikm_target`).
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.l10n import PeriodLabel

if TYPE_CHECKING:  # annotations only (the selectors import the apps' models)
    from blitar_portal.dashboard.selectors import Filters, Metrics
    from ikm.models import IkmTarget


@dataclass
class Card:
    label: str
    value: object
    link: str = ""
    detail: str | StrPromise = ""
    previous: object = None
    computed_at: object = None
    suffix: str = ""

    @property
    def delta_percent(self):
        if self.previous in (None, 0) or self.value is None:
            return None
        return round(100 * (self.value - self.previous) / self.previous, 1)

    @property
    def delta(self):
        if self.previous is None or self.value is None:
            return None
        return self.value - self.previous


@dataclass
class Section:
    slug: str
    title: str
    cards: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def figure(self, key):
        return next((f for f in self.figures if f.key == key), None)


@dataclass
class Context:
    filters: "Filters"
    kecamatan: list[Any]  # [Kecamatan] (id, code, name, slug)
    now: datetime.datetime
    freshness: dict[str, Any]
    snapshots: dict[str, Any] = field(default_factory=dict)
    metrics: "Metrics" = None  # type: ignore[assignment]  # always given by pages.build_section
    target: "IkmTarget" = None  # type: ignore[assignment]  # likewise

    @property
    def by_id(self):
        return {k.id: k for k in self.kecamatan}

    @property
    def by_code(self):
        return {k.code: k for k in self.kecamatan}


def admin_list(app_label, model, *, query="", fallback="/"):
    """The admin changelist of a model (with a filter query), or a public page while it is not registered."""
    try:
        return reverse(f"admin:{app_label}_{model}_changelist") + (f"?{query}" if query else "")
    except NoReverseMatch:
        return fallback


def label_of(filters, day):
    """A bucket's label: equal to "2026-11-28" (day), "2026-W48" (ISO week), "2026-11" (month) or
    "2026" (year) in CSV/XLSX, shown in the visitor's locale on the page (`lib.l10n.PeriodLabel`)."""
    return PeriodLabel(day, filters.granularity)


def per_bucket(filters, day_text, week_text, month_text, year_text):
    return {"day": day_text, "week": week_text, "month": month_text, "year": year_text}[filters.granularity]


def map_rows(ctx, values):
    """(rows, codes) for a choropleth figure: every kecamatan, its value (0 when missing)."""
    rows, codes = [], []
    for k in ctx.kecamatan:
        rows.append([k.name, values.get(k.id, 0)])
        codes.append(k.code)
    return rows, codes


def selected_code(ctx):
    return ctx.filters.kecamatan.code if ctx.filters.kecamatan is not None else ""


def snapshot(ctx, key, default=None):
    data, _at = ctx.snapshots.get(key, (default, None))
    return data if data is not None else default


def snapshot_time(ctx, key):
    return ctx.snapshots.get(key, (None, None))[1] or ctx.freshness["computed_at"]


NOT_PER_KECAMATAN = _("Angka kabupaten: tidak dipilah per kecamatan.")
