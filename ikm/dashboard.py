"""999 IKM Online's contribution to the home page and the Diskominfo dashboard (as admin.py is to the admin).

* reads: `home_summary()` and the dashboard's aggregates (with `shops_per_kecamatan`, `daily_activity`,
  `growth_report_totals` and `certifications_expiring` of selectors.py);
* `collect()`: those rows reshaped into stored metrics and snapshots (`summaries_refresh`, every 5 min);
* `build(ctx)`: the "IKM" tab's cards and figures from the stored rows and the target (`selectors.ikm_target`);
* the metric and snapshot names, defined once here and imported wherever they are read.
"""

import bisect
import datetime
import math
from operator import itemgetter
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.dashboard.figures import Figure, record_figure
from blitar_portal.dashboard.sections import (
    NOT_PER_KECAMATAN,
    Card,
    Context,
    Section,
    admin_list,
    label_of,
    map_rows,
    selected_code,
    snapshot,
    snapshot_time,
)
from blitar_portal.dashboard.selectors import cumulative_before

from .models import Certification, GrowthReport, IkmTarget, Programme, ProgrammeRegistration, Shop
from .selectors import (
    certifications_expiring,
    daily_activity,
    growth_report_totals,
    public_product_rows,
    public_shops,
    shops_per_kecamatan,
)

# --- Metric and snapshot names (stored rows are prefixed with the app label) --------------------

VERIFIED = "ikm.verified"  # IKM online now, per day verified and kecamatan
VERIFIED_SECTOR = "ikm.verified_sector"  # … and KBLI sector
PRODUCTS = "ikm.products"  # new products per day and kecamatan
INQUIRIES = "ikm.inquiries"
WA_CLICKS = "ikm.wa_clicks"
VIEWS = "ikm.views"
SUMMARY = "ikm.summary"  # snapshot: home_summary()
PER_KECAMATAN = "ikm.per_kecamatan"  # snapshot: IKM online per kecamatan
SECTORS = "ikm.sectors"  # snapshot: IKM online per sector and kecamatan
GROWTH = "ikm.growth"  # snapshot: growth report totals per period
CERTS_EXPIRING = "ikm.certs_expiring"  # snapshot: certificates expiring soon
PROGRAMMES = "ikm.programmes"  # snapshot: programme participants against non-participants

METRICS = [VERIFIED, VERIFIED_SECTOR, PRODUCTS, INQUIRIES, WA_CLICKS, VIEWS]
SNAPSHOTS = [SUMMARY, PER_KECAMATAN, SECTORS, GROWTH, CERTS_EXPIRING, PROGRAMMES]
ACTIVITY = {"products": PRODUCTS, "inquiries": INQUIRIES, "wa_clicks": WA_CLICKS, "views": VIEWS}


# --- Reads -----------------------------------------------------------------------------------


def home_summary() -> dict[str, Any]:
    """IKM online (verified shops) and their active products; the target is `selectors.ikm_target()`."""
    return {
        "ikm_online": public_shops().count(),
        "products": public_product_rows().count(),
    }


def verified_per_day() -> list:
    """IKM online now, counted on the local day they were verified, per kecamatan id and KBLI sector:
    [{"day", "kecamatan_id", "sector", "n"}] (all time: the dashboard draws a cumulative line). One query."""
    rows = (
        public_shops()
        .filter(verified_at__isnull=False)
        .annotate(day=TruncDate("verified_at"))
        .values("day", "kecamatan_id", "kbli_sector")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [{"day": r["day"], "kecamatan_id": r["kecamatan_id"], "sector": r["kbli_sector"], "n": r["n"]} for r in rows]


def online_per_sector_and_kecamatan() -> list:
    """IKM online now per KBLI sector and kecamatan id: [{"sector", "label", "kecamatan_id", "n"}]. One query."""
    labels = dict(Shop.Sector.choices)
    rows = public_shops().values("kbli_sector", "kecamatan_id").annotate(n=Count("id")).order_by("kbli_sector")
    return [
        {
            "sector": r["kbli_sector"],
            "label": str(labels.get(r["kbli_sector"], r["kbli_sector"])),
            "kecamatan_id": r["kecamatan_id"],
            "n": r["n"],
        }
        for r in rows
    ]


# --- Programmes: participants against non-participants ---------------------------------------
#
# The one home of the rule (owner pages and the staff page only list a shop's own history):
# * participants of a programme: shops whose registration was not cancelled and was marked "hadir";
# * non-participants: every other shop of the programme's target sectors (all sectors when it names none),
#   including shops that registered but did not attend;
# * "before": a shop's last growth report whose period ends on or before the programme's first day;
#   "after": its first growth report whose period ends at least one semester (AFTER_GAP, 182 days) after
#   the programme's last day. A shop counts in its group only when it has both reports;
# * capacity change of a shop: (after − before) / before × 100 of the monthly capacity (shops whose
#   "before" capacity is 0 are left out of this figure only); a group's figure is the mean of its
#   shops' changes, rounded to one decimal (a mean of percentages, since shops report in their own units);
# * certificates gained: certificates whose issue date is after the "before" report's period end and on
#   or before the "after" report's; a group's figure is the share (%) of its shops with at least one.
# Only published programmes that have ended are compared.

AFTER_GAP = datetime.timedelta(days=182)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _share(hits: int, total: int) -> float | None:
    return round(100 * hits / total, 1) if total else None


def programme_comparison(*, today: datetime.date) -> list[dict[str, Any]]:
    """Per published programme ended before `today` (oldest first): {"programme", "title", "kind", "sectors",
    "starts_on", "attended", and per group ("participants", "others"): "n" shops with both reports,
    "capacity_change" (mean %), "cert_share" (% with a new certificate)}. A fixed number of queries."""
    programmes = list(
        Programme.objects.filter(status=Programme.Status.PUBLISHED, ends_on__lt=today).order_by("starts_on", "pk")
    )
    if not programmes:
        return []
    attended: dict[int, set[int]] = {p.pk: set() for p in programmes}
    for programme_id, shop_id in ProgrammeRegistration.objects.filter(
        programme__in=programmes,
        status=ProgrammeRegistration.Status.REGISTERED,
        attendance=ProgrammeRegistration.Attendance.ATTENDED,
    ).values_list("programme_id", "shop_id"):
        attended[programme_id].add(shop_id)
    reports: dict[int, list[tuple[datetime.date, int]]] = {}
    for shop_id, period_end, capacity in GrowthReport.objects.order_by("shop_id", "period_end").values_list(
        "shop_id", "period_end", "capacity"
    ):
        reports.setdefault(shop_id, []).append((period_end, capacity))
    sectors = dict(Shop.objects.filter(pk__in=list(reports)).values_list("pk", "kbli_sector"))
    issued: dict[int, list[datetime.date]] = {}
    for shop_id, day in Certification.objects.filter(issued_on__isnull=False).values_list("shop_id", "issued_on"):
        if day is not None:  # excluded by the filter; narrows the type
            issued.setdefault(shop_id, []).append(day)
    return [_programme_row(p, attended[p.pk], reports, sectors, issued) for p in programmes]


def _programme_row(
    programme: Programme,
    participants: set[int],
    reports: dict[int, list[tuple[datetime.date, int]]],
    sectors: dict[int, str],
    issued: dict[int, list[datetime.date]],
) -> dict[str, Any]:
    groups: dict[str, dict[str, list]] = {
        "participants": {"changes": [], "certs": [], "shops": []},
        "others": {"changes": [], "certs": [], "shops": []},
    }
    for shop_id, rows in reports.items():
        if shop_id not in participants and not programme.is_for_sector(sectors.get(shop_id)):
            continue
        pair = _before_after(rows, programme)
        if pair is None:
            continue
        (before_end, before), (after_end, after) = pair
        group = groups["participants" if shop_id in participants else "others"]
        group["shops"].append(shop_id)
        if before:
            group["changes"].append(100 * (after - before) / before)
        group["certs"].append(any(before_end < day <= after_end for day in issued.get(shop_id, [])))
    row: dict[str, Any] = {
        "programme": programme.pk,
        "title": programme.title,
        "kind": programme.kind,
        "sectors": list(programme.sectors),
        "starts_on": programme.starts_on,
        "attended": len(participants),
    }
    for name, group in groups.items():
        row[name] = {
            "n": len(group["shops"]),
            "capacity_change": _mean(group["changes"]),
            "cert_share": _share(sum(group["certs"]), len(group["shops"])),
        }
    return row


def _before_after(
    rows: list[tuple[datetime.date, int]], programme: Programme
) -> tuple[tuple[datetime.date, int], tuple[datetime.date, int]] | None:
    """(last report ending on/before the start, first report ending ≥ one semester after the end), or None."""
    ends = [end for end, _capacity in rows]
    before_at = bisect.bisect_right(ends, programme.starts_on) - 1
    after_at = bisect.bisect_left(ends, programme.ends_on + AFTER_GAP)
    if before_at < 0 or after_at >= len(rows):
        return None
    return rows[before_at], rows[after_at]


# --- Stored summaries ------------------------------------------------------------------------


def collect(*, since: datetime.date, now: datetime.datetime) -> tuple[list, dict]:
    """(metric rows, snapshots) for `summaries_refresh` (see ehealth.dashboard.collect)."""
    return _daily_rows(since=since), _snapshots()


def _snapshots() -> dict[str, dict | list]:
    return {
        SUMMARY: home_summary(),
        PER_KECAMATAN: [{"code": r["code"], "name": r["name"], "n": r["n"]} for r in shops_per_kecamatan()],
        SECTORS: online_per_sector_and_kecamatan(),
        GROWTH: growth_report_totals(),
        CERTS_EXPIRING: [
            {
                "shop": c.shop.name,
                "kecamatan": c.shop.kecamatan_id,
                "kind": c.get_kind_display(),
                "number": c.number,
                "expires_on": c.expires_on,
            }
            for c in certifications_expiring().select_related("shop")
        ],
        PROGRAMMES: programme_comparison(today=timezone.localdate()),
    }


def _daily_rows(*, since: datetime.date) -> list:
    """Verified IKM (per day and kecamatan, and per sector) and the buyer activity."""
    rows = []
    for r in verified_per_day():
        rows.append((r["day"], VERIFIED, r["kecamatan_id"], "", r["n"]))
        rows.append((r["day"], VERIFIED_SECTOR, r["kecamatan_id"], r["sector"], r["n"]))
    activity = daily_activity(since=since)
    for name, metric in ACTIVITY.items():
        rows += [(r["day"], metric, r["kecamatan_id"], "", r["n"]) for r in activity[name]]
    return rows


# --- The "IKM" tab ---------------------------------------------------------------------------


def pace_per_month(*, online: bool, target: int, today: datetime.date, target_date: datetime.date) -> int | None:
    """IKM to verify per month from today to reach `target` by `target_date` (None when reached or past)."""
    remaining = target - online
    if remaining <= 0:
        return 0
    # Calendar months (a day counts as 1/30 of a month) so whole years give whole months.
    months = (target_date.year - today.year) * 12 + target_date.month - today.month + (target_date.day - today.day) / 30
    if months <= 0:
        return None
    return math.ceil(remaining / months)


def build(ctx: Context) -> Section:
    f = ctx.filters
    summary = snapshot(ctx, SUMMARY, {}) or {}
    online = summary.get("ikm_online", 0)
    target = ctx.target
    pace = pace_per_month(online=online, target=target.target, today=ctx.now.date(), target_date=target.target_date)
    verified_now = ctx.metrics.total(VERIFIED)
    cards = [
        Card(
            _("IKM online"),
            online,
            link=admin_list("ikm", "shop", query="status__exact=terverifikasi", fallback="/ikm/"),
            detail=_("dari target %(t)s") % {"t": target.target},
            computed_at=snapshot_time(ctx, SUMMARY),
        ),
        Card(
            _("Laju yang dibutuhkan"),
            pace,
            suffix=_("IKM/bulan"),
            detail=_("untuk mencapai target pada %(d)s") % {"d": target.target_date.isoformat()},
            computed_at=snapshot_time(ctx, SUMMARY),
        ),
        Card(
            _("IKM baru terverifikasi dalam periode"),
            verified_now,
            previous=ctx.metrics.total(VERIFIED, previous=True),
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
        _programmes(ctx),
    ]
    notes = [NOT_PER_KECAMATAN] if f.kecamatan is not None else []
    return Section(slug="ikm", title=_("999 IKM Online"), cards=cards, figures=figures, notes=notes)


def _verified(ctx: Context, target: IkmTarget) -> Figure:
    f = ctx.filters
    running = cumulative_before(VERIFIED, f)
    rows = []
    for bucket, n in ctx.metrics.series(VERIFIED):
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


def _kecamatan(ctx: Context) -> Figure:
    """Verified in the period (colours the map) next to the IKM online now, per kecamatan."""
    data = snapshot(ctx, PER_KECAMATAN, []) or []
    by_code = {r["code"]: r["n"] for r in data}
    in_period = ctx.metrics.by_kecamatan(VERIFIED)
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


def _sectors(ctx: Context) -> Figure:
    """Per KBLI sector: verified in the period and online now, both inside the chosen kecamatan."""
    kecamatan = ctx.filters.kecamatan
    totals: dict[str, int] = {}
    labels: dict[str, str] = {}
    for r in snapshot(ctx, SECTORS, []) or []:
        if kecamatan is None or r["kecamatan_id"] == kecamatan.id:
            totals[r["sector"]] = totals.get(r["sector"], 0) + r["n"]
        labels[r["sector"]] = r["label"]
    in_period = ctx.metrics.by_dimension(VERIFIED_SECTOR)
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


def _activity(ctx: Context) -> Figure:
    m, f = ctx.metrics, ctx.filters
    series = [m.series(name) for name in (PRODUCTS, INQUIRIES, WA_CLICKS, VIEWS)]
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


def _growth(ctx: Context, online: bool) -> Figure:
    return record_figure(
        key="perkembangan",
        title=_("Laporan perkembangan IKM (jumlah)"),
        fields=[
            (_("Akhir periode"), lambda r: str(r["period_end"])[:10]),
            (_("IKM melapor"), itemgetter("shops")),
            (_("Porsi IKM online (%)"), lambda r: round(100 * r["shops"] / online, 1) if online else None),
            (_("Produksi"), itemgetter("output")),
            (_("Kapasitas/bulan"), itemgetter("capacity")),
            (_("Tenaga kerja"), itemgetter("workers")),
            (_("Omzet (Rp)"), itemgetter("omzet")),
        ],
        records=snapshot(ctx, GROWTH, []) or [],
        chart="bar",
        series_columns=[2],
        computed_at=snapshot_time(ctx, GROWTH),
        link=admin_list("ikm", "growthreport", fallback="/ikm/"),
        link_label=_("Daftar laporan perkembangan"),
        note=NOT_PER_KECAMATAN,
    )


def _certs(ctx: Context) -> Figure:
    data = snapshot(ctx, CERTS_EXPIRING, []) or []
    if ctx.filters.kecamatan is not None:
        data = [r for r in data if r["kecamatan"] == ctx.filters.kecamatan.id]
    return Figure(
        key="sertifikat",
        title=_("Sertifikat yang segera kedaluwarsa (60 hari)"),
        columns=[_("Toko"), _("Jenis"), _("Nomor"), _("Berlaku sampai")],
        rows=[[r["shop"], r["kind"], r["number"], str(r["expires_on"])[:10]] for r in data],
        chart="table",
        computed_at=snapshot_time(ctx, CERTS_EXPIRING),
        link=admin_list("ikm", "expiringcertification", fallback="/ikm/"),
        link_label=_("Daftar sertifikat"),
    )


def _programmes(ctx: Context) -> Figure:
    """Per programme: its participants' capacity and certificate changes against the non-participants of its
    sectors (the rule: `programme_comparison`)."""
    labels = dict(Programme.Kind.choices)

    def group(name: str, value: str) -> Any:
        return lambda r: r[name][value]

    return record_figure(
        key="program",
        title=_("Program peningkatan kapasitas: peserta dibanding bukan peserta"),
        fields=[
            (_("Program"), itemgetter("title")),
            (_("Mulai"), lambda r: str(r["starts_on"])[:10]),
            (_("Jenis"), lambda r: str(labels.get(r["kind"], r["kind"]))),
            (_("Hadir"), itemgetter("attended")),
            (_("Peserta dengan laporan sebelum dan sesudah"), group("participants", "n")),
            (_("Perubahan kapasitas peserta (%)"), group("participants", "capacity_change")),
            (_("Bukan peserta sektor sama dengan laporan"), group("others", "n")),
            (_("Perubahan kapasitas bukan peserta (%)"), group("others", "capacity_change")),
            (_("Peserta dengan sertifikat baru (%)"), group("participants", "cert_share")),
            (_("Bukan peserta dengan sertifikat baru (%)"), group("others", "cert_share")),
        ],
        records=snapshot(ctx, PROGRAMMES, []) or [],
        chart="bar",
        series_columns=[5, 7],
        computed_at=snapshot_time(ctx, PROGRAMMES),
        link=admin_list("ikm", "programme", fallback="/ikm/"),
        link_label=_("Daftar program"),
        note=_(
            "Sebelum: laporan terakhir yang berakhir paling lambat hari pertama program. Sesudah: laporan pertama "
            "yang berakhir paling cepat satu semester (182 hari) setelah program selesai. Hanya toko dengan kedua "
            "laporan yang dihitung; angka kabupaten, tidak dipilah per kecamatan."
        ),
    )
