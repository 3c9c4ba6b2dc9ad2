"""Gerakan Bangga Menanam aggregates for the dashboard (see sources/__init__.py)."""

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth

from . import selector


def collect(*, since, now):
    from tanam.models import Planting

    rows, snapshots = [], {}
    for key, name, kwargs in [
        ("tanam.summary", "home_summary", {}),
        ("tanam.backlog", "dashboard_verification_backlog", {}),
        ("tanam.canopy", "dashboard_canopy_per_kecamatan", {}),
    ]:
        function = selector("tanam", name)
        if function:
            snapshots[key] = function(**kwargs)
    survival = selector("tanam", "dashboard_survival")
    if survival:
        snapshots["tanam.survival"] = {"percent": survival()}
    if "tanam.canopy" in snapshots:
        snapshots["tanam.canopy"] = _with_codes(snapshots["tanam.canopy"])
    snapshots["tanam.backlog_kecamatan"] = backlog_per_kecamatan(Planting, now=now)
    verified = Planting.objects.filter(status="verified", planted_on__gte=since)
    for r in verified.values("planted_on", "kecamatan_id").annotate(n=Count("id"), trees=Sum("tree_count")):
        rows.append((r["planted_on"], "tanam.plantings", r["kecamatan_id"], "", r["n"]))
        rows.append((r["planted_on"], "tanam.trees", r["kecamatan_id"], "", r["trees"]))
    rows += _monthly(verified, "species__local_name", "tanam.species")
    rows += _monthly(verified.filter(community__isnull=False), "community__name", "tanam.community")
    return rows, snapshots


def _monthly(queryset, label_field, metric):
    """Trees per month, kecamatan and label (species or community).

    CANDIDATE for tanam/selectors.py: the app's `dashboard_plantings_per_species` and
    `dashboard_top_communities` are all-time and regency-wide; the dashboard filters need
    month and kecamatan.
    """
    qs = (
        queryset.annotate(month=TruncMonth("planted_on"))
        .values("month", "kecamatan_id", label_field)
        .annotate(trees=Sum("tree_count"))
    )
    return [(r["month"], metric, r["kecamatan_id"], r[label_field] or "", r["trees"]) for r in qs]


def backlog_per_kecamatan(model, *, now):
    """Pending plantings per kecamatan with their age buckets.

    CANDIDATE for tanam/selectors.py: `dashboard_verification_backlog` is regency-wide.
    """
    import datetime

    def older(days):
        return Q(created_at__lt=now - datetime.timedelta(days=days))

    qs = (
        model.objects.filter(status="pending")
        .values("kecamatan_id")
        .annotate(
            pending=Count("id"),
            over_7=Count("id", filter=older(7)),
            over_30=Count("id", filter=older(30)),
            oldest=Min("created_at"),
        )
    )
    return {
        str(r["kecamatan_id"]): {
            "pending": r["pending"],
            "over_7": r["over_7"],
            "over_30": r["over_30"],
            "oldest_age_days": (now - r["oldest"]).days if r["oldest"] else None,
        }
        for r in qs
    }


def _with_codes(rows):
    from blitar_portal.regions.models import Kecamatan

    codes = dict(Kecamatan.objects.values_list("name", "code"))
    return [{**{str(k): v for k, v in r.items()}, "code": codes.get(r["kecamatan"], "")} for r in rows]
