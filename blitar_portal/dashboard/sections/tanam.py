"""Gerakan Bangga Menanam: plantings over time, species, areas, verification backlog, survival, canopy."""

from django.utils.translation import gettext as _

from ..figures import Figure
from . import (
    Card,
    Section,
    admin_list,
    label_of,
    map_rows,
    per_bucket,
    selected_code,
    snapshot,
    snapshot_time,
)

METRICS = ["tanam.trees", "tanam.plantings", "tanam.species", "tanam.community"]
SNAPSHOTS = ["tanam."]
TOP = 15


def build(ctx):
    backlog = _backlog_rows(ctx)
    pending_list = admin_list("tanam", "planting", query="status__exact=pending", fallback="/tanam/")
    figures = [
        _per_period(ctx),
        _species(ctx),
        _kecamatan(ctx),
        Figure(
            key="antrean",
            title=_("Antrean verifikasi per kecamatan dan umurnya"),
            columns=[_("Kecamatan"), _("Menunggu"), _("> 7 hari"), _("> 30 hari"), _("Tertua (hari)")],
            rows=backlog,
            chart="bar",
            series_columns=[1, 2, 3],
            computed_at=snapshot_time(ctx, "tanam.backlog_kecamatan"),
            link=pending_list,
            link_label=_("Penanaman menunggu verifikasi"),
        ),
        _survival(ctx),
        _canopy(ctx),
        _communities(ctx),
    ]
    cards = _cards(ctx, backlog, pending_list)
    return Section(slug="tanam", title=_("Bangga Menanam"), cards=cards, figures=figures)


def _cards(ctx, backlog, pending_list):
    m, f = ctx.metrics, ctx.filters
    summary = snapshot(ctx, "tanam.summary", {}) or {}
    survival = (snapshot(ctx, "tanam.survival", {}) or {}).get("percent")
    if f.kecamatan is not None:
        monitored, survived = _survival_totals(ctx).get(None, (0, 0))
        survival = round(100 * survived / monitored, 1) if monitored else None
    return [
        Card(
            _("Pohon ditanam dalam periode"),
            m.total("tanam.trees"),
            previous=m.total("tanam.trees", previous=True),
            link="/tanam/",
            computed_at=ctx.freshness["computed_at"],
        ),
        Card(
            _("Menunggu verifikasi"),
            sum(r[1] for r in backlog),
            link=pending_list,
            detail=_("%(n)s lebih dari 30 hari") % {"n": sum(r[3] for r in backlog)},
            computed_at=snapshot_time(ctx, "tanam.backlog_kecamatan"),
        ),
        Card(
            _("Tingkat hidup"),
            survival,
            suffix="%",
            link=admin_list("tanam", "observation", fallback="/tanam/"),
            detail=_("pohon hidup dari pohon yang pernah dipantau"),
            computed_at=snapshot_time(ctx, "tanam.survival"),
        ),
        Card(
            _("Tutupan tajuk kabupaten"),
            summary.get("canopy_percent"),
            suffix="%",
            link="/tanam/tutupan/",
            computed_at=snapshot_time(ctx, "tanam.summary"),
        ),
    ]


def _backlog_rows(ctx):
    data = snapshot(ctx, "tanam.backlog_kecamatan", {}) or {}
    rows = []
    for k in ctx.kecamatan:
        if ctx.filters.kecamatan is not None and k.id != ctx.filters.kecamatan.id:
            continue
        r = data.get(str(k.id))
        if r:
            rows.append([k.name, r["pending"], r["over_7"], r["over_30"], r["oldest_age_days"]])
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _per_period(ctx):
    m, f = ctx.metrics, ctx.filters
    trees, plantings = m.series("tanam.trees"), m.series("tanam.plantings")
    rows = [[label_of(f, b), trees[i][1], plantings[i][1]] for i, b in enumerate(f.buckets())]
    return Figure(
        key="penanaman",
        title=per_bucket(
            f,
            _("Penanaman terverifikasi per hari"),
            _("Penanaman terverifikasi per minggu"),
            _("Penanaman terverifikasi per bulan"),
        ),
        columns=[_("Tanggal"), _("Pohon"), _("Titik tanam")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link="/tanam/",
        link_label=_("Peta penanaman"),
        note=_("Menurut tanggal tanam."),
    )


def _species(ctx):
    totals = ctx.metrics.by_dimension("tanam.species", monthly_metric=True)
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))[:TOP]
    return Figure(
        key="spesies",
        title=_("Pohon per spesies (15 teratas)"),
        columns=[_("Spesies"), _("Pohon")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "species", fallback="/tanam/"),
        link_label=_("Daftar spesies"),
        note=_("Per bulan tanam: bulan yang tersentuh periode dihitung penuh."),
    )


def _kecamatan(ctx):
    rows, codes = map_rows(ctx, ctx.metrics.by_kecamatan("tanam.trees"))
    return Figure(
        key="kecamatan",
        title=_("Pohon ditanam per kecamatan dalam periode"),
        columns=[_("Kecamatan"), _("Pohon")],
        rows=rows,
        codes=codes,
        chart="map",
        highlight=selected_code(ctx),
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "planting", query="status__exact=verified", fallback="/tanam/"),
        link_label=_("Daftar penanaman"),
    )


def _survival_totals(ctx):
    """{planting year: (monitored, survived)} inside the chosen kecamatan, plus None: the sums."""
    kecamatan = ctx.filters.kecamatan
    totals = {}
    for r in snapshot(ctx, "tanam.survival_years", []) or []:
        if kecamatan is not None and r["kecamatan_id"] != kecamatan.id:
            continue
        for key in (r["year"], None):
            monitored, survived = totals.get(key, (0, 0))
            totals[key] = (monitored + r["monitored"], survived + r["survived"])
    return totals


def _survival(ctx):
    totals = _survival_totals(ctx)
    rows = [
        [str(year), monitored, survived, round(100 * survived / monitored, 1) if monitored else None]
        for year, (monitored, survived) in sorted((k, v) for k, v in totals.items() if k is not None)
    ]
    return Figure(
        key="hidup",
        title=_("Tingkat hidup pohon per tahun tanam (%)"),
        columns=[_("Tahun tanam"), _("Pohon dipantau"), _("Pohon hidup"), _("Tingkat hidup (%)")],
        rows=rows,
        chart="bar",
        series_columns=[3],
        computed_at=snapshot_time(ctx, "tanam.survival_years"),
        link=admin_list("tanam", "observation", fallback="/tanam/"),
        link_label=_("Daftar pemantauan"),
        note=_(
            "Semua tahun tanam (tidak mengikuti periode); pohon yang pernah dipantau, hidup bila belum tercatat mati."
        ),
    )


def _canopy(ctx):
    data = snapshot(ctx, "tanam.canopy", []) or []
    by_code = {r["code"]: r for r in data}
    rows, codes = [], []
    for k in ctx.kecamatan:
        r = by_code.get(k.code, {})
        pct, change = r.get("canopy_percent"), r.get("change")
        rows.append([k.name, round(pct, 3) if pct is not None else 0, round(change, 3) if change is not None else None])
        codes.append(k.code)
    return Figure(
        key="tutupan",
        title=_("Tutupan tajuk per kecamatan (%) dan perubahan tahunan"),
        columns=[_("Kecamatan"), _("Tutupan (%)"), _("Perubahan (poin %)")],
        rows=rows if data else [],
        codes=codes,
        chart="map",
        highlight=selected_code(ctx),
        computed_at=snapshot_time(ctx, "tanam.canopy"),
        link="/tanam/tutupan/",
        link_label=_("Tutupan lahan"),
    )


def _communities(ctx):
    totals = ctx.metrics.by_dimension("tanam.community", monthly_metric=True)
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))[:10]
    return Figure(
        key="komunitas",
        title=_("Komunitas teratas (pohon dalam periode)"),
        columns=[_("Komunitas"), _("Pohon")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "community", fallback="/tanam/"),
        link_label=_("Daftar komunitas"),
    )
