"""Ringkasan: the headline of each quick win and how it moved over the chosen period."""

from django.utils.translation import gettext as _

from ehealth import dashboard as ehealth_dashboard
from ikm import dashboard as ikm_dashboard
from tanam import dashboard as tanam_dashboard

from ..figures import Figure
from . import Card, Section, admin_list, label_of, per_bucket, snapshot, snapshot_time

REQUESTS, VERIFIED = ehealth_dashboard.REQUESTS, ikm_dashboard.VERIFIED
TREES, PLANTINGS = tanam_dashboard.TREES, tanam_dashboard.PLANTINGS
METRICS = [REQUESTS, VERIFIED, TREES, PLANTINGS]
SNAPSHOTS = [ehealth_dashboard.SUMMARY, ehealth_dashboard.HOSPITALS, ikm_dashboard.SUMMARY, tanam_dashboard.SUMMARY]


def build(ctx):
    return Section(slug="ringkasan", title=_("Ringkasan"), cards=_cards(ctx), figures=[_movement(ctx), _activity(ctx)])


def _cards(ctx):
    f = ctx.filters
    eh = snapshot(ctx, ehealth_dashboard.SUMMARY, {}) or {}
    ikm = snapshot(ctx, ikm_dashboard.SUMMARY, {}) or {}
    tanam = snapshot(ctx, tanam_dashboard.SUMMARY, {}) or {}
    hospitals = snapshot(ctx, ehealth_dashboard.HOSPITALS, []) or []
    if f.kecamatan is not None:
        hospitals = [h for h in hospitals if h["kecamatan"] == f.kecamatan.code]
    on_time = sum(1 for h in hospitals if h["on_time"])
    online = ikm.get("ikm_online", 0)
    canopy = tanam.get("canopy_percent")
    return [
        Card(
            _("Tempat tidur tersedia sekarang"),
            eh.get("beds_available", 0),
            link="/kesehatan/",
            detail=_("%(on)s dari %(all)s rumah sakit melapor tepat waktu") % {"on": on_time, "all": len(hospitals)},
            computed_at=snapshot_time(ctx, ehealth_dashboard.SUMMARY),
        ),
        Card(
            _("IKM online"),
            online,
            link=admin_list("ikm", "shop", fallback="/ikm/"),
            detail=_("dari target %(target)s (%(pct)s%%)")
            % {"target": ctx.target.target, "pct": ctx.target.progress_percent(online)},
            computed_at=snapshot_time(ctx, ikm_dashboard.SUMMARY),
        ),
        Card(
            _("Pohon tertanam (terverifikasi)"),
            tanam.get("trees_planted", 0),
            link="/tanam/",
            detail=(_("Tutupan tajuk %(pct)s%% wilayah") % {"pct": canopy})
            if canopy is not None
            else _("Tutupan lahan belum dihitung."),
            computed_at=snapshot_time(ctx, tanam_dashboard.SUMMARY),
        ),
    ]


def _movement(ctx):
    m = ctx.metrics
    movement = [
        [_("Permohonan layanan kesehatan"), m.total(REQUESTS), m.total(REQUESTS, previous=True)],
        [_("IKM baru terverifikasi"), m.total(VERIFIED), m.total(VERIFIED, previous=True)],
        [_("Pohon ditanam (terverifikasi)"), m.total(TREES), m.total(TREES, previous=True)],
        [_("Titik tanam (terverifikasi)"), m.total(PLANTINGS), m.total(PLANTINGS, previous=True)],
    ]
    for row in movement:
        row.append(row[1] - row[2])
    return Figure(
        key="pergerakan",
        title=_("Pergerakan: periode ini dibanding periode sebelumnya"),
        columns=[_("Indikator"), _("Periode ini"), _("Periode sebelumnya"), _("Selisih")],
        rows=movement,
        chart="bar",
        series_columns=[1, 2],
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("ehealth", "servicerequest", fallback="/kesehatan/"),
        link_label=_("Daftar permohonan layanan"),
    )


def _activity(ctx):
    m, f, at = ctx.metrics, ctx.filters, ctx.freshness["computed_at"]
    return Figure(
        key="harian",
        title=per_bucket(
            f, _("Aktivitas per hari"), _("Aktivitas per minggu"), _("Aktivitas per bulan"), _("Aktivitas per tahun")
        ),
        columns=[
            per_bucket(f, _("Tanggal"), _("Minggu"), _("Bulan"), _("Tahun")),
            _("Permohonan layanan"),
            _("IKM terverifikasi"),
            _("Titik tanam"),
        ],
        rows=[
            [label_of(f, b), a, b2, c]
            for (b, a), (_b, b2), (_c, c) in zip(
                m.series(REQUESTS), m.series(VERIFIED), m.series(PLANTINGS), strict=True
            )
        ],
        chart="line",
        computed_at=at,
        link="/tanam/",
        link_label=_("Peta penanaman"),
    )
