"""E-Health: reporting hospitals, sync success, BOR per class, service requests and their outcomes."""

from django.utils.translation import gettext as _

from ..figures import Figure
from . import NOT_PER_KECAMATAN, Card, Section, admin_list, label_of, per_bucket, snapshot, snapshot_time

METRICS = [
    "ehealth.bed_capacity",
    "ehealth.bed_occupied",
    "ehealth.bed_capacity_month",
    "ehealth.bed_occupied_month",
    "ehealth.requests",
    "ehealth.requests_hospital",
    "ehealth.outcome",
    "ehealth.median_to_accepted",
    "ehealth.median_to_completed",
]
SNAPSHOTS = ["ehealth."]
STATUSES = ["diajukan", "diterima", "dilayani", "selesai", "ditolak", "dibatalkan", "tidak_hadir"]


def _status_label(code):
    from ehealth.models import ServiceRequest

    return str(dict(ServiceRequest.Status.choices).get(code, code))


def _class_label(code):
    from ehealth.feeds import CLASS_LABELS

    return str(CLASS_LABELS.get(code, code))


def _hospitals(ctx):
    hospitals = snapshot(ctx, "ehealth.hospitals", []) or []
    if ctx.filters.kecamatan is not None:
        hospitals = [h for h in hospitals if h["kecamatan"] == ctx.filters.kecamatan.code]
    return hospitals


def build(ctx):
    m, f = ctx.metrics, ctx.filters
    hospitals = _hospitals(ctx)
    at = snapshot_time(ctx, "ehealth.hospitals")
    on_time = sum(1 for h in hospitals if h["on_time"])
    summary = snapshot(ctx, "ehealth.summary", {}) or {}
    requests_list = admin_list("ehealth", "servicerequest", fallback="/kesehatan/")
    cards = [
        Card(
            _("RS melapor tepat waktu"),
            on_time,
            detail=_("dari %(n)s rumah sakit") % {"n": len(hospitals)},
            link=admin_list("ehealth", "hospital", fallback="/kesehatan/"),
            computed_at=at,
        ),
        Card(
            _("Tempat tidur tersedia sekarang"),
            summary.get("beds_available", 0),
            link="/kesehatan/",
            detail=NOT_PER_KECAMATAN if f.kecamatan else "",
            computed_at=snapshot_time(ctx, "ehealth.summary"),
        ),
        Card(
            _("Permohonan layanan dalam periode"),
            m.total("ehealth.requests"),
            previous=m.total("ehealth.requests", previous=True),
            link=requests_list,
            computed_at=ctx.freshness["computed_at"],
        ),
    ]
    figures = [
        _reporting(hospitals, at),
        _sync(hospitals, at),
        _bor(ctx),
        _requests(ctx, requests_list),
        _per_hospital(ctx, requests_list),
        _outcomes(ctx, requests_list),
        _medians(ctx, requests_list),
    ]
    return Section(slug="kesehatan", title=_("E-Health"), cards=cards, figures=figures)


def _reporting(hospitals, at):
    on_time = sum(1 for h in hospitals if h["on_time"])
    return Figure(
        key="pelaporan",
        title=_("Rumah sakit melapor tepat waktu vs usang"),
        columns=[_("Status"), _("Rumah sakit")],
        rows=[[_("Tepat waktu"), on_time], [_("Usang"), len(hospitals) - on_time]] if hospitals else [],
        chart="bar",
        computed_at=at,
        link="/kesehatan/",
        link_label=_("Papan ketersediaan kamar"),
    )


def _sync(hospitals, at):
    rows = [
        [
            h["name"],
            _("Tepat waktu") if h["on_time"] else _("Usang"),
            h["runs"],
            h["ok"],
            h["success_percent"],
            h["last_error"],
        ]
        for h in hospitals
    ]
    return Figure(
        key="sinkronisasi",
        title=_("Keberhasilan sinkronisasi per rumah sakit (7 hari)"),
        columns=[
            _("Rumah sakit"),
            _("Status data"),
            _("Sinkronisasi"),
            _("Berhasil"),
            _("Berhasil (%)"),
            _("Galat terakhir"),
        ],
        rows=rows,
        chart="bar",
        series_columns=[4],
        computed_at=at,
        link=admin_list("ehealth", "syncrun", fallback="/kesehatan/"),
        link_label=_("Log sinkronisasi"),
    )


def _bor(ctx):
    """BOR per class and bucket = occupied bed-days / bed-days (a week's BOR weighs each day's beds)."""
    m, f = ctx.metrics, ctx.filters
    suffix = "_month" if f.monthly else ""  # a month's bed-days are stored summed (daily rows: recent only)
    codes = sorted(m.dimensions(f"ehealth.bed_capacity{suffix}"), key=_class_label)
    columns = [per_bucket(f, _("Tanggal"), _("Minggu"), _("Bulan"))] + [_class_label(c) for c in codes]
    per_code = [
        m.ratio_series(
            f"ehealth.bed_occupied{suffix}", f"ehealth.bed_capacity{suffix}", dimension=c, monthly_metric=f.monthly
        )
        for c in codes
    ]
    rows = (
        [[label_of(f, b)] + [series[i][1] for series in per_code] for i, b in enumerate(f.buckets())] if codes else []
    )
    return Figure(
        key="bor",
        title=per_bucket(
            f,
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per hari"),
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per minggu"),
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per bulan"),
        ),
        columns=columns,
        rows=rows,
        chart="line",
        computed_at=ctx.freshness["computed_at"],
        note=_(
            "Dari riwayat jumlah tempat tidur: tempat tidur terisi dibagi kapasitas pada akhir tiap hari; "
            "per minggu/bulan = hari-tempat tidur terisi dibagi hari-tempat tidur tersedia. Per hari dan per minggu "
            "untuk 183 hari terakhir, per bulan (bulan penuh) untuk 400 hari terakhir."
        ),
        link=admin_list("ehealth", "bedcountchange", fallback="/kesehatan/"),
        link_label=_("Riwayat jumlah tempat tidur"),
    )


def _requests(ctx, link):
    m, f = ctx.metrics, ctx.filters
    per_status = {s: m.series("ehealth.requests", dimension=s) for s in STATUSES}
    rows = [[label_of(f, b)] + [per_status[s][i][1] for s in STATUSES] for i, b in enumerate(f.buckets())]
    return Figure(
        key="permohonan",
        title=_("Permohonan layanan menurut status"),
        columns=[_("Tanggal")] + [_status_label(s) for s in STATUSES],
        rows=rows,
        chart="stacked",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
    )


def _per_hospital(ctx, link):
    totals = ctx.metrics.by_dimension("ehealth.requests_hospital")
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))
    return Figure(
        key="permohonan-rs",
        title=_("Permohonan layanan per rumah sakit dalam periode"),
        columns=[_("Rumah sakit"), _("Permohonan")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
    )


def _outcomes(ctx, link):
    m, f = ctx.metrics, ctx.filters
    statuses = ["dibatalkan", "ditolak", "tidak_hadir"]
    series = [m.series("ehealth.outcome", dimension=s) for s in statuses]
    rows = [[label_of(f, b)] + [s[i][1] for s in series] for i, b in enumerate(f.buckets())]
    return Figure(
        key="batal",
        title=_("Pembatalan, penolakan, dan tidak hadir"),
        columns=[_("Tanggal")] + [_status_label(s) for s in statuses],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link.split("?")[0] + "?status__in=" + ",".join(statuses),
        link_label=_("Daftar permohonan layanan"),
        note=_("Menurut tanggal status ditetapkan (dibatalkan, ditolak, atau ditandai tidak hadir)."),
    )


def _medians(ctx, link):
    m = ctx.metrics
    to_accept = m.monthly("ehealth.median_to_accepted")
    to_done = m.monthly("ehealth.median_to_completed")
    rows = [[month.strftime("%Y-%m"), a, d] for (month, a), (_mo, d) in zip(to_accept, to_done, strict=True)]
    return Figure(
        key="median",
        title=_("Median waktu dari permohonan (jam)"),
        columns=[_("Bulan"), _("Sampai diterima"), _("Sampai selesai")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
        note=_(
            "Median tepat per bulan permohonan dibuat, seluruh kabupaten, dari waktu tiap status. "
            "Permohonan lama yang waktu langkahnya tidak tercatat tidak dihitung."
        ),
    )
