"""999 IKM Online: verified IKM against the target and its pace, areas, sectors, buyers, growth, certificates."""

import math

from django.utils.translation import gettext as _

from ..figures import Figure
from . import NOT_PER_KECAMATAN, Card, Section, admin_list, label_of, map_rows, selected_code, snapshot, snapshot_time

METRICS = ["ikm.verified", "ikm.verified_sector", "ikm.products", "ikm.inquiries", "ikm.wa_clicks", "ikm.views"]
SNAPSHOTS = ["ikm."]


def pace_per_month(*, online, target, today, target_date):
    """IKM to verify per month from today to reach `target` by `target_date` (None when reached or past)."""
    remaining = target - online
    if remaining <= 0:
        return 0
    # Calendar months (a day counts as 1/30 of a month) so whole years give whole months.
    months = (target_date.year - today.year) * 12 + target_date.month - today.month + (target_date.day - today.day) / 30
    if months <= 0:
        return None
    return math.ceil(remaining / months)


def build(ctx):
    f = ctx.filters
    summary = snapshot(ctx, "ikm.summary", {}) or {}
    online = summary.get("ikm_online", 0)
    target = ctx.target
    pace = pace_per_month(online=online, target=target.target, today=ctx.now.date(), target_date=target.target_date)
    verified_now = ctx.metrics.total("ikm.verified")
    cards = [
        Card(
            _("IKM online"),
            online,
            link=admin_list("ikm", "shop", query="status__exact=terverifikasi", fallback="/ikm/"),
            detail=_("dari target %(t)s") % {"t": target.target},
            computed_at=snapshot_time(ctx, "ikm.summary"),
        ),
        Card(
            _("Laju yang dibutuhkan"),
            pace,
            suffix=_("IKM/bulan"),
            detail=_("untuk mencapai target pada %(d)s") % {"d": target.target_date.isoformat()},
            computed_at=snapshot_time(ctx, "ikm.summary"),
        ),
        Card(
            _("IKM baru terverifikasi dalam periode"),
            verified_now,
            previous=ctx.metrics.total("ikm.verified", previous=True),
            link=admin_list("ikm", "shop", fallback="/ikm/"),
            computed_at=ctx.freshness["computed_at"],
        ),
    ]
    figures = [
        _verified(ctx, target),
        _kecamatan(ctx),
        _sectors(ctx),
        _activity(ctx),
        _growth(ctx, online),
        _certs(ctx),
    ]
    notes = [NOT_PER_KECAMATAN] if f.kecamatan is not None else []
    return Section(slug="ikm", title=_("999 IKM Online"), cards=cards, figures=figures, notes=notes)


def _verified(ctx, target):
    from ..selectors import cumulative_before

    f = ctx.filters
    running = cumulative_before("ikm.verified", f)
    rows = []
    for bucket, n in ctx.metrics.series("ikm.verified"):
        running += n
        row = [label_of(f, bucket), running]
        if f.kecamatan is None:
            row.append(target.target)
        rows.append(row)
    columns = [_("Tanggal"), _("IKM terverifikasi (kumulatif)")] + ([_("Target")] if f.kecamatan is None else [])
    return Figure(
        key="terverifikasi",
        title=_("IKM terverifikasi terhadap target"),
        columns=columns,
        rows=rows,
        chart="line",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("ikm", "shop", query="status__exact=terverifikasi", fallback="/ikm/"),
        link_label=_("Daftar toko IKM"),
    )


def _kecamatan(ctx):
    """Verified in the period (colours the map) next to the IKM online now, per kecamatan."""
    data = snapshot(ctx, "ikm.per_kecamatan", []) or []
    by_code = {r["code"]: r["n"] for r in data}
    in_period = ctx.metrics.by_kecamatan("ikm.verified")
    rows, codes = map_rows(ctx, in_period)
    for row, code in zip(rows, codes, strict=True):
        row.append(by_code.get(code, 0))
    return Figure(
        key="kecamatan",
        title=_("IKM terverifikasi per kecamatan dalam periode"),
        columns=[_("Kecamatan"), _("Terverifikasi dalam periode"), _("IKM online (total)")],
        rows=rows,
        codes=codes,
        chart="map",
        highlight=selected_code(ctx),
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("ikm", "shop", query="status__exact=terverifikasi", fallback="/ikm/"),
        link_label=_("Daftar toko IKM"),
        note=_("Peta diwarnai menurut IKM terverifikasi dalam periode."),
    )


def _sectors(ctx):
    """Per KBLI sector: verified in the period and online now, both inside the chosen kecamatan."""
    kecamatan = ctx.filters.kecamatan
    totals, labels = {}, {}
    for r in snapshot(ctx, "ikm.sectors", []) or []:
        if kecamatan is None or r["kecamatan_id"] == kecamatan.id:
            totals[r["sector"]] = totals.get(r["sector"], 0) + r["n"]
        labels[r["sector"]] = r["label"]
    in_period = ctx.metrics.by_dimension("ikm.verified_sector")
    sectors = sorted(
        (s for s in set(totals) | set(in_period) if totals.get(s) or in_period.get(s)),
        key=lambda s: (-in_period.get(s, 0), -totals.get(s, 0), s),
    )
    return Figure(
        key="sektor",
        title=_("IKM per sektor KBLI: terverifikasi dalam periode dan total"),
        columns=[_("Sektor KBLI"), _("Terverifikasi dalam periode"), _("IKM online (total)")],
        rows=[[labels.get(s, s), in_period.get(s, 0), totals.get(s, 0)] for s in sectors],
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("ikm", "shop", query="status__exact=terverifikasi", fallback="/ikm/"),
        link_label=_("Daftar toko IKM"),
    )


def _activity(ctx):
    m, f = ctx.metrics, ctx.filters
    series = [m.series(name) for name in ("ikm.products", "ikm.inquiries", "ikm.wa_clicks", "ikm.views")]
    rows = [[label_of(f, b)] + [s[i][1] for s in series] for i, b in enumerate(f.buckets())]
    return Figure(
        key="aktivitas",
        title=_("Produk baru, permintaan pembeli, dan klik WhatsApp"),
        columns=[_("Tanggal"), _("Produk baru"), _("Permintaan pembeli"), _("Klik WhatsApp"), _("Dilihat")],
        rows=rows,
        chart="line",
        series_columns=[1, 2, 3],
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("ikm", "inquiry", fallback="/ikm/"),
        link_label=_("Daftar permintaan pembeli"),
    )


def _growth(ctx, online):
    data = snapshot(ctx, "ikm.growth", []) or []
    rows = [
        [
            str(r["period_end"])[:10],
            r["shops"],
            round(100 * r["shops"] / online, 1) if online else None,
            r["output"],
            r["capacity"],
            r["workers"],
            r["omzet"],
        ]
        for r in data
    ]
    return Figure(
        key="perkembangan",
        title=_("Laporan perkembangan IKM (jumlah)"),
        columns=[
            _("Akhir periode"),
            _("IKM melapor"),
            _("Porsi IKM online (%)"),
            _("Produksi"),
            _("Kapasitas/bulan"),
            _("Tenaga kerja"),
            _("Omzet (Rp)"),
        ],
        rows=rows,
        chart="bar",
        series_columns=[2],
        computed_at=snapshot_time(ctx, "ikm.growth"),
        link=admin_list("ikm", "growthreport", fallback="/ikm/"),
        link_label=_("Daftar laporan perkembangan"),
        note=NOT_PER_KECAMATAN,
    )


def _certs(ctx):
    data = snapshot(ctx, "ikm.certs_expiring", []) or []
    if ctx.filters.kecamatan is not None:
        data = [r for r in data if r["kecamatan"] == ctx.filters.kecamatan.id]
    return Figure(
        key="sertifikat",
        title=_("Sertifikat yang segera kedaluwarsa (60 hari)"),
        columns=[_("Toko"), _("Jenis"), _("Nomor"), _("Berlaku sampai")],
        rows=[[r["shop"], r["kind"], r["number"], str(r["expires_on"])[:10]] for r in data],
        chart="table",
        computed_at=snapshot_time(ctx, "ikm.certs_expiring"),
        link=admin_list("ikm", "expiringcertification", fallback="/ikm/"),
        link_label=_("Daftar sertifikat"),
    )
