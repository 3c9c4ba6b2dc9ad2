"""999 IKM Online aggregates for the dashboard (see sources/__init__.py)."""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import selector


def collect(*, since, now):
    return _daily_rows(since=since), _snapshots()


def _snapshots():
    """Figures the app's selectors already offer."""
    snapshots = {}
    home_summary = selector("ikm", "home_summary")
    if home_summary:
        snapshots["ikm.summary"] = home_summary()
    per_kecamatan = selector("ikm", "shops_per_kecamatan")
    if per_kecamatan:
        snapshots["ikm.per_kecamatan"] = _with_codes(per_kecamatan())
    sectors = selector("ikm", "shops_per_sector")
    if sectors:
        snapshots["ikm.sectors"] = [{"label": str(r["label"]), "n": r["n"]} for r in sectors()]
    growth = selector("ikm", "growth_report_totals")
    if growth:
        snapshots["ikm.growth"] = growth()
    expiring = selector("ikm", "certifications_expiring")
    if expiring:
        snapshots["ikm.certs_expiring"] = [
            {
                "shop": c.shop.name,
                "kecamatan": c.shop.kecamatan_id,
                "kind": c.get_kind_display(),
                "number": c.number,
                "expires_on": c.expires_on,
            }
            for c in expiring().select_related("shop")
        ]
    return snapshots


def _daily_rows(*, since):
    from ikm.models import Inquiry, Product, ProductStat, Shop

    rows = []
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    rows += _daily(
        Shop.objects.filter(status="terverifikasi", verified_at__isnull=False),
        "verified_at",
        "kecamatan_id",
        "ikm.verified",
    )
    rows += _daily(Product.objects.filter(created_at__gte=start), "created_at", "shop__kecamatan_id", "ikm.products")
    rows += _daily(
        Inquiry.objects.filter(created_at__gte=start), "created_at", "product__shop__kecamatan_id", "ikm.inquiries"
    )
    stats = (
        ProductStat.objects.filter(date__gte=since)
        .values("date", "product__shop__kecamatan_id")
        .annotate(wa=Sum("wa_clicks"), views=Sum("views"))
    )
    for r in stats:
        rows.append((r["date"], "ikm.wa_clicks", r["product__shop__kecamatan_id"], "", r["wa"]))
        rows.append((r["date"], "ikm.views", r["product__shop__kecamatan_id"], "", r["views"]))
    return rows


def _daily(queryset, date_field, kecamatan_field, metric):
    """Rows counted per local day and kecamatan.

    CANDIDATE for ikm/selectors.py: the app's monthly selectors have no kecamatan split,
    and the dashboard's date filter needs days.
    """
    qs = queryset.annotate(day=TruncDate(date_field)).values("day", kecamatan_field).annotate(n=Count("id"))
    return [(r["day"], metric, r[kecamatan_field], "", r["n"]) for r in qs]


def _with_codes(rows):
    from blitar_portal.regions.models import Kecamatan

    codes = dict(Kecamatan.objects.values_list("slug", "code"))
    return [{"code": codes.get(r["slug"], ""), "name": r["name"], "n": r["n"]} for r in rows]
