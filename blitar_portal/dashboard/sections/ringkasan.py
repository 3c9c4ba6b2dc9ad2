"""Ringkasan: the headline of each quick win and how it moved over the chosen period."""

from django.utils.translation import gettext as _

from ..figures import Figure
from . import Card, Section, admin_list, label_of, per_bucket, snapshot, snapshot_time

METRICS = ["ehealth.requests", "ikm.verified", "tanam.trees", "tanam.plantings"]
SNAPSHOTS = ["ehealth.summary", "ehealth.hospitals", "ikm.summary", "tanam.summary"]


def build(ctx):
    return Section(slug="ringkasan", title=_("Ringkasan"), cards=_cards(ctx), figures=[_movement(ctx), _activity(ctx)])


def _cards(ctx):
    f = ctx.filters
    eh = snapshot(ctx, "ehealth.summary", {}) or {}
    ikm = snapshot(ctx, "ikm.summary", {}) or {}
    tanam = snapshot(ctx, "tanam.summary", {}) or {}
    hospitals = snapshot(ctx, "ehealth.hospitals", []) or []
    if f.kecamatan is not None:
        hospitals = [h for h in hospitals if h["kecamatan"] == f.kecamatan.code]
    on_time = sum(1 for h in hospitals if h["on_time"])
    target = ikm.get("ikm_target") or 1000
    canopy = tanam.get("canopy_percent")
    return [
        Card(
            _("Tempat tidur tersedia sekarang"),
            eh.get("beds_available", 0),
            link="/kesehatan/",
            detail=_("%(on)s dari %(all)s rumah sakit melapor tepat waktu") % {"on": on_time, "all": len(hospitals)},
            computed_at=snapshot_time(ctx, "ehealth.summary"),
        ),
        Card(
            _("IKM online"),
            ikm.get("ikm_online", 0),
            link=admin_list("ikm", "shop", fallback="/ikm/"),
            detail=_("dari target %(target)s (%(pct)s%%)")
            % {"target": target, "pct": round(100 * ikm.get("ikm_online", 0) / target) if target else 0},
            computed_at=snapshot_time(ctx, "ikm.summary"),
        ),
        Card(
            _("Pohon tertanam (terverifikasi)"),
            tanam.get("trees_planted", 0),
            link="/tanam/",
            detail=(_("Tutupan tajuk %(pct)s%% wilayah") % {"pct": canopy})
            if canopy is not None
            else _("Tutupan lahan belum dihitung."),
            computed_at=snapshot_time(ctx, "tanam.summary"),
        ),
    ]


def _movement(ctx):
    m = ctx.metrics
    movement = [
        [_("Permohonan layanan kesehatan"), m.total("ehealth.requests"), m.total("ehealth.requests", previous=True)],
        [_("IKM baru terverifikasi"), m.total("ikm.verified"), m.total("ikm.verified", previous=True)],
        [_("Pohon ditanam (terverifikasi)"), m.total("tanam.trees"), m.total("tanam.trees", previous=True)],
        [_("Titik tanam (terverifikasi)"), m.total("tanam.plantings"), m.total("tanam.plantings", previous=True)],
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
        title=per_bucket(f, _("Aktivitas per hari"), _("Aktivitas per minggu"), _("Aktivitas per bulan")),
        columns=[_("Tanggal"), _("Permohonan layanan"), _("IKM terverifikasi"), _("Titik tanam")],
        rows=[
            [label_of(f, b), a, b2, c]
            for (b, a), (_b, b2), (_c, c) in zip(
                m.series("ehealth.requests"), m.series("ikm.verified"), m.series("tanam.plantings"), strict=True
            )
        ],
        chart="line",
        computed_at=at,
        link="/tanam/",
        link_label=_("Peta penanaman"),
    )
