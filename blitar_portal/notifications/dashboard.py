"""The dashboard's "Notifikasi" tab: delivery rate per channel and per event (CONTRIBUTING, "dashboard figures").

Delivery rate = messages the provider accepted (sent, delivered, read) out of those finished
(the same plus failed), over the last DAYS days; cancelled and waiting messages do not count.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from blitar_portal.dashboard.figures import Figure
from blitar_portal.dashboard.sections import Card, Context, Section, admin_list, snapshot, snapshot_time

from . import selectors

DAYS = 30
DELIVERY = "notifications.delivery"  # snapshot: selectors.delivery_rates() of the last DAYS days
METRICS: list[str] = []
SNAPSHOTS = [DELIVERY]


def collect(*, since: datetime.date, now: datetime.datetime) -> tuple[list, dict[str, list]]:
    """(metric rows, snapshots) for `summaries_refresh`."""
    rows = selectors.delivery_rates(since=now - datetime.timedelta(days=DAYS))
    return [], {DELIVERY: rows}


def _per_channel(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        t = totals.setdefault(row["channel"], {"total": 0, "reached": 0, "delivered": 0, "failed": 0})
        for k in t:
            t[k] += row[k]
    return totals


def _rate(reached: int, failed: int) -> float | None:
    return round(100 * reached / (reached + failed), 1) if reached + failed else None


def build(ctx: Context) -> Section:
    rows = snapshot(ctx, DELIVERY, []) or []
    at = snapshot_time(ctx, DELIVERY)
    link = admin_list("notifications", "notification", fallback="/dasbor/")
    channels = _per_channel(rows)
    cards = [
        Card(
            _("Tingkat terkirim %(channel)s") % {"channel": channel},
            _rate(t["reached"], t["failed"]),
            suffix="%",
            link=link,
            detail=_("%(n)s pesan, %(days)s hari") % {"n": t["total"], "days": DAYS},
            computed_at=at,
        )
        for channel, t in sorted(channels.items())
    ]
    columns = [_("Terkirim"), _("Diterima/dibaca"), _("Gagal"), _("Tingkat terkirim (%)")]
    figures = [
        Figure(
            key="per-kanal",
            title=_("Pengiriman per kanal (%(days)s hari)") % {"days": DAYS},
            columns=[_("Kanal"), *columns],
            rows=[
                [c, t["reached"], t["delivered"], t["failed"], _rate(t["reached"], t["failed"])]
                for c, t in sorted(channels.items())
            ],
            chart="bar",
            series_columns=[1, 3],
            computed_at=at,
            link=link,
            link_label=_("Kotak keluar notifikasi"),
        ),
        Figure(
            key="per-peristiwa",
            title=_("Pengiriman per kanal dan peristiwa (%(days)s hari)") % {"days": DAYS},
            columns=[_("Kanal / peristiwa"), *columns],
            rows=[
                [f"{r['channel']} / {r['event']}", r["reached"], r["delivered"], r["failed"], r["rate"]] for r in rows
            ],
            computed_at=at,
            link=link,
            link_label=_("Kotak keluar notifikasi"),
        ),
    ]
    return Section(slug="notifikasi", title=_("Notifikasi"), cards=cards, figures=figures)
