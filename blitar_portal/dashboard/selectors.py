"""Reads of the dashboard: only the stored summaries (DailyMetric, Snapshot, RefreshRun).

A page costs a fixed number of queries whatever the size of the apps' data:
one for the snapshots, two for the metrics of its section, one for the freshness.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from blitar_portal.regions.models import Kecamatan

from .models import REFRESH_SECONDS, DailyMetric, RefreshRun, Snapshot

DEFAULT_DAYS = 30
MAX_DAILY_BUCKETS = 31  # automatic view: up to a month per day…
MAX_WEEKLY_BUCKETS_DAYS = 183  # …up to half a year per ISO week…
MAX_MONTHLY_BUCKETS_DAYS = 3 * 366  # …up to three years per month, longer per year (pages stay under 100 KB)
# The views a visitor may choose (the form's "Tampilan"): value -> granularity.
GRANULARITIES = {"hari": "day", "minggu": "week", "bulan": "month", "tahun": "year"}
# The longest period each chosen view may show (a longer one is a form error, never a huge page).
MAX_DAYS_PER_VIEW = {"day": 92, "week": 2 * 366}


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    kecamatan: Kecamatan | None = None  # None: the whole regency
    view: str = ""  # "" (automatic from the length) or a key of GRANULARITIES

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def prev_end(self) -> datetime.date:
        return self.start - datetime.timedelta(days=1)

    @property
    def prev_start(self) -> datetime.date:
        return self.start - datetime.timedelta(days=self.days)

    @property
    def granularity(self) -> str:
        if self.view in GRANULARITIES:
            return GRANULARITIES[self.view]
        if self.days <= MAX_DAILY_BUCKETS:
            return "day"
        if self.days <= MAX_WEEKLY_BUCKETS_DAYS:
            return "week"
        return "month" if self.days <= MAX_MONTHLY_BUCKETS_DAYS else "year"

    @property
    def monthly(self) -> bool:
        """Buckets of whole months (or years): figures may read the metrics stored per month."""
        return self.granularity in ("month", "year")

    def bucket(self, day: datetime.date) -> Any:
        granularity = self.granularity
        if granularity == "week":
            return day - datetime.timedelta(days=day.weekday())  # the Monday of its ISO week
        if granularity == "year":
            return day.replace(month=1, day=1)
        return day.replace(day=1) if granularity == "month" else day

    def buckets(self) -> list[datetime.date]:
        """Every bucket of the current period, in order (so empty days show as zero)."""
        result: list[datetime.date] = []
        granularity, day = self.granularity, self.start
        while day <= self.end:
            b = self.bucket(day)
            result.append(b)
            if granularity == "year":
                day = b.replace(year=b.year + 1)
            elif granularity == "month":
                day = (b + datetime.timedelta(days=32)).replace(day=1)
            else:
                day = b + datetime.timedelta(days=7 if granularity == "week" else 1)
        return result

    def querystring(self) -> Any:
        """The validated filters as a query string: the stable link to the same view."""
        parts = f"mulai={self.start.isoformat()}&sampai={self.end.isoformat()}"
        parts += f"&kecamatan={self.kecamatan.slug}" if self.kecamatan else ""
        return parts + (f"&tampilan={self.view}" if self.view else "")


def number(value: Any) -> Any:
    """Counts stored as floats come back as ints (so 3.0 is shown and exported as 3)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 2) if isinstance(value, float) else value


def kecamatan_choices() -> list:
    return list(Kecamatan.objects.only("id", "code", "name", "slug").order_by("name"))


class Metrics:
    """The section's metrics over the current and previous period, fetched in two queries."""

    def __init__(self, metrics: Any, filters: Filters) -> None:
        self.filters = filters
        qs = DailyMetric.objects.filter(metric__in=metrics)
        if filters.kecamatan is not None:
            qs = qs.filter(Q(kecamatan=filters.kecamatan) | Q(kecamatan__isnull=True))
        # Monthly metrics are stored on the 1st: widen the lower bound to the month start.
        lower = filters.prev_start.replace(day=1)
        self._daily: defaultdict[tuple[str, str, datetime.date], float] = defaultdict(
            float
        )  # (metric, dimension, date) -> value
        self._dims: defaultdict[str, set[str]] = defaultdict(set)
        for metric, dim, day, value in (
            qs.filter(date__gte=lower, date__lte=filters.end)
            .values_list("metric", "dimension", "date")
            .annotate(v=Sum("value"))
        ):
            self._daily[(metric, dim, day)] += value
            self._dims[metric].add(dim)
        # Per kecamatan: the exact period for daily metrics, whole months for monthly ones.
        self._by_kecamatan: defaultdict[tuple[str, int], float] = defaultdict(float)
        self._by_kecamatan_months: defaultdict[tuple[str, int], float] = defaultdict(float)
        for metric, kecamatan_id, months, exact in (
            qs.filter(date__gte=filters.start.replace(day=1), date__lte=filters.end, kecamatan__isnull=False)
            .values_list("metric", "kecamatan_id")
            .annotate(v=Sum("value"), exact=Sum("value", filter=Q(date__gte=filters.start), default=0))
        ):
            self._by_kecamatan_months[(metric, kecamatan_id)] += months
            self._by_kecamatan[(metric, kecamatan_id)] += exact

    def dimensions(self, metric: str) -> Any:
        return sorted(self._dims.get(metric, ()))

    def _in(self, day: datetime.date, start: datetime.date, end: datetime.date, monthly_metric: bool) -> bool:
        if monthly_metric:
            return start.replace(day=1) <= day <= end
        return start <= day <= end

    def total(
        self, metric: str, *, previous: Any = False, dimension: str | None = None, monthly_metric: bool = False
    ) -> int:
        f = self.filters
        start, end = (f.prev_start, f.prev_end) if previous else (f.start, f.end)
        return number(
            sum(
                v
                for (m, dim, day), v in self._daily.items()
                if m == metric and (dimension is None or dim == dimension) and self._in(day, start, end, monthly_metric)
            )
        )

    def series(
        self, metric: str, *, dimension: str | None = None, average: bool = False, monthly_metric: bool = False
    ) -> list:
        """[(bucket, value)] over the current period; `average` for rates, else sums."""
        sums: defaultdict[datetime.date, float] = defaultdict(float)
        counts: defaultdict[datetime.date, int] = defaultdict(int)
        for (m, dim, day), v in self._daily.items():
            if (
                m == metric
                and (dimension is None or dim == dimension)
                and self._in(day, self.filters.start, self.filters.end, monthly_metric)
            ):
                sums[self.filters.bucket(day)] += v
                counts[self.filters.bucket(day)] += 1
        return [
            (b, (round(sums[b] / counts[b], 1) if counts[b] else None) if average else number(sums.get(b, 0)))
            for b in self.filters.buckets()
        ]

    def ratio_series(
        self,
        numerator: str,
        denominator: str,
        *,
        dimension: str | None = None,
        percent: bool = True,
        monthly_metric: bool = False,
    ) -> list:
        """[(bucket, sum(numerator) / sum(denominator))] over the current period (None where the
        denominator is 0): e.g. occupied bed-days / bed-days gives the BOR of a week."""
        top = dict(self.series(numerator, dimension=dimension, monthly_metric=monthly_metric))
        result = []
        for bucket, bottom in self.series(denominator, dimension=dimension, monthly_metric=monthly_metric):
            value = (100 if percent else 1) * top[bucket] / bottom if bottom else None
            result.append((bucket, round(value, 1) if value is not None else None))
        return result

    def monthly(self, metric: str, *, dimension: str | None = None) -> list:
        """[(month, value)] of a metric stored per month, over the months the period touches."""
        months = sorted({d.replace(day=1) for d in self.filters.buckets()})
        sums: defaultdict[datetime.date, float] = defaultdict(float)
        for (m, dim, day), v in self._daily.items():
            if m == metric and (dimension is None or dim == dimension):
                sums[day] += v
        return [(month, number(sums[month]) if month in sums else None) for month in months]

    def by_dimension(self, metric: str, *, monthly_metric: bool = False) -> dict:
        """{dimension: total over the current period}."""
        return {
            dim: self.total(metric, dimension=dim, monthly_metric=monthly_metric) for dim in self.dimensions(metric)
        }

    def by_kecamatan(self, metric: str, *, monthly_metric: bool = False) -> dict:
        """{kecamatan_id: total over the period} (months the period touches for monthly metrics)."""
        source = self._by_kecamatan_months if monthly_metric else self._by_kecamatan
        return {k: number(v) for (m, k), v in source.items() if m == metric}


def cumulative_before(metric: str, filters: Filters) -> float:
    """Sum of a metric before the period starts (the base of a cumulative line). One query."""
    qs = DailyMetric.objects.filter(metric=metric, date__lt=filters.start)
    if filters.kecamatan is not None:
        qs = qs.filter(kecamatan=filters.kecamatan)
    return qs.aggregate(v=Sum("value"))["v"] or 0


def snapshots(keys: list[str]) -> dict:
    """{key: (data, computed_at)} of the snapshots named `keys`. One query."""
    return {s.key: (s.data, s.computed_at) for s in Snapshot.objects.filter(key__in=keys)}


def freshness(now: datetime.datetime | None = None) -> dict[str, Any] | dict[str, int | None | bool | str]:
    """{"run_id", "computed_at", "stale", "age_minutes", "failed"} of the last refresh.

    Stale when older than the refresh interval; `failed` names the sources whose last
    refresh failed (their figures keep the previous numbers).
    """
    now = now or timezone.now()
    run = RefreshRun.objects.only("id", "started_at", "status", "message").first()
    if run is None:
        return {"run_id": 0, "computed_at": None, "stale": True, "age_minutes": None, "failed": ""}
    age = (now - run.started_at).total_seconds()
    return {
        "run_id": run.pk,
        "computed_at": run.started_at,
        "stale": age > REFRESH_SECONDS + 60,
        "age_minutes": int(age // 60),
        "failed": run.message if run.status == RefreshRun.Status.ERROR else "",
    }
