"""Reads of Gerakan Bangga Menanam for views, API, exports and the Diskominfo dashboard.

Two rules live here, once:
* a citizen reaches only their own plantings: `plantings_for_user`;
* the public only ever sees verified plantings: `plantings_public`.
"""

import json
from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.accounts.roles import is_diskominfo
from blitar_portal.regions.models import Desa, Kecamatan

from . import clusters
from .models import Campaign, Community, CoverStat, Planting, Species

# --- Ownership and visibility --------------------------------------------------------------


def plantings_for_user(user):
    """The plantings a signed-in citizen may see and manage: their own, in any status."""
    if not user.is_authenticated:
        return Planting.objects.none()
    return Planting.objects.filter(user=user).select_related("species", "kecamatan", "desa", "community", "campaign")


def planting_for_user_or_404(user, pk):
    planting = plantings_for_user(user).filter(pk=pk).first()
    if planting is None:
        raise Http404(_("Penanaman tidak ditemukan."))
    return planting


def planting_for_observer_or_404(user, pk):
    """Owner or Diskominfo staff may add observations; anyone else gets 404."""
    if is_diskominfo(user):
        planting = Planting.objects.select_related("species", "kecamatan", "desa").filter(pk=pk).first()
        if planting is None:
            raise Http404(_("Penanaman tidak ditemukan."))
        return planting
    return planting_for_user_or_404(user, pk)


def plantings_public():
    """Verified plantings only: the one source of every public map, API and export."""
    return Planting.objects.filter(status=Planting.Status.VERIFIED)


def photo_url(planting, size="card"):
    entry = (planting.renditions or {}).get(size)
    if entry and entry.get("jpeg"):
        return default_storage.url(entry["jpeg"])
    return planting.photo.url if planting.photo else None


# --- Filters -------------------------------------------------------------------------------------

FILTER_FIELDS = {
    "species": "species_id",
    "kecamatan": "kecamatan_id",
    "community": "community_id",
    "campaign": "campaign_id",
}


def map_filters_parse(params):
    """Valid filters from query parameters ({name: int}); ValidationError with a Bahasa message.

    Read through MapFilterForm: the same bounds (ids, a year 1900–2100) for pages, API and exports."""
    from .forms import MapFilterForm

    form = MapFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.first_error(), code="filter")
    return form.filters()


def _apply_filters(queryset, filters):
    for name, value in filters.items():
        if name == "year":
            queryset = queryset.filter(planted_on__year=value)
        else:
            queryset = queryset.filter(**{FILTER_FIELDS[name]: value})
    return queryset


def plantings_public_filtered(filters):
    return _apply_filters(plantings_public(), filters)


def map_filter_choices():
    """Options of the public map filters (cached: they change rarely)."""

    def build():
        return {
            "species": list(Species.objects.values_list("id", "local_name")),
            "kecamatan": list(Kecamatan.objects.order_by("name").values_list("id", "name")),
            "community": list(Community.objects.values_list("id", "name")),
            "campaign": list(Campaign.objects.values_list("id", "name")),
            "year": list(range(2016, timezone.localdate().year + 1)),
        }

    return cache.get_or_set("tanam:filter-choices:v1", build, 300)


# --- Clusters --------------------------------------------------------------------------------------


def bbox_parse(raw):
    """(minx, miny, maxx, maxy) from "minLon,minLat,maxLon,maxLat", or ValidationError."""
    try:
        minx, miny, maxx, maxy = (float(v) for v in (raw or "").split(","))
    except ValueError:
        raise ValidationError(
            _("bbox harus berupa empat angka: bujur_min,lintang_min,bujur_maks,lintang_maks."), code="bbox"
        ) from None
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise ValidationError(_("bbox di luar rentang yang sah atau terbalik."), code="bbox_range")
    return minx, miny, maxx, maxy


def _cluster_feature(lon, lat, plantings, trees, band):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": {"cluster": True, "plantings": plantings, "trees": int(trees), "band": band},
    }


def _cells_precomputed(band, bbox, dim, value):
    gx0, gy0, gx1, gy1 = clusters.cells_in_bbox(band, bbox)
    sql = """
        SELECT plantings, trees, sum_x, sum_y FROM tanam_clustercell
        WHERE band = %s AND dim = %s AND value = %s AND gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [band, dim, value, gx0, gx1, gy0, gy1])
        return [_cluster_feature(sx / n, sy / n, n, t, band) for n, t, sx, sy in cursor.fetchall()]


def _filter_sql(filters):
    """WHERE conditions (constant column names, values as parameters) for the map filters."""
    conditions, params = [], []
    for name, value in sorted(filters.items()):
        if name == "year":
            conditions.append("planted_on >= %s AND planted_on < %s")
            params += [date(value, 1, 1), date(value + 1, 1, 1)]
        else:
            conditions.append(FILTER_FIELDS[name] + " = %s")
            params.append(value)
    return conditions, params


def _cells_on_the_fly(band, bbox, filters):
    """Cluster the filtered verified plantings of the viewport in SQL (bounded by _cells_for_filters)."""
    size = clusters.cell_size(band)
    conditions, params = _filter_sql(filters)
    where = " AND ".join(["status = 'verified'", "point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", *conditions])
    grouped = "".join(
        (
            "SELECT count(*), sum(tree_count), sum(ST_X(point)), sum(ST_Y(point)) FROM tanam_planting WHERE ",
            where,
            " GROUP BY floor(ST_X(point) / %s), floor(ST_Y(point) / %s)",
        )
    )
    with connection.cursor() as cursor:
        # Whole cells: the answer depends on the cell range only (cacheable, like the precomputed cells).
        gx0, gy0, gx1, gy1 = clusters.cells_in_bbox(band, bbox)
        envelope = [gx0 * size, gy0 * size, (gx1 + 1) * size, (gy1 + 1) * size]
        cursor.execute(grouped, [*envelope, *params, size, size])
        return [_cluster_feature(sx / n, sy / n, n, t, band) for n, t, sx, sy in cursor.fetchall()]


def _cells_for_filters(band, bbox, filters):
    """One filter, or a year and one other: precomputed cells (band 13 at most; pins from zoom 17).
    Other combinations: clustered in SQL, where the (filter, planting date) indexes bound the rows read."""
    key = clusters.precomputed_key(filters)
    if key is None:
        return _cells_on_the_fly(band, bbox, filters)
    return _cells_precomputed(min(band, clusters.MAX_DIM_BAND), bbox, *key)


def _envelope(bbox):
    from django.contrib.gis.geos import Polygon

    polygon = Polygon.from_bbox(bbox)
    polygon.srid = 4326
    return polygon


_PINS_SQL = """
    SELECT p.id, ST_X(p.point), ST_Y(p.point), p.tree_count, p.planted_on, s.local_name, s.scientific_name,
           c.name, p.renditions -> 'thumb' ->> 'jpeg', p.photo
    FROM tanam_planting p
    JOIN tanam_species s ON s.id = p.species_id
    LEFT JOIN tanam_community c ON c.id = p.community_id
    WHERE p.status = 'verified' AND p.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
"""


def _pins(bbox, filters, limit):
    """Individual verified pins of the viewport, or None when there are more than `limit`."""
    conditions, params = _filter_sql(filters)
    sql = "".join((_PINS_SQL, *(" AND p." + c for c in conditions), " LIMIT %s"))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bbox, *params, limit + 1])
        rows = cursor.fetchall()
    if len(rows) > limit:
        return None
    return [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
            "properties": {
                "cluster": False,
                "species": local,
                "scientific_name": scientific,
                "trees": trees,
                "planted_on": planted_on.isoformat(),
                "community": community,
                "photo": default_storage.url(thumb) if thumb else (default_storage.url(photo) if photo else None),
            },
        }
        for pk, x, y, trees, planted_on, local, scientific, community, thumb, photo in rows
    ]


def _pins_surely_too_many(bbox, filters):
    """True when the finest stored cells lying wholly inside bbox already hold more than MAX_FEATURES
    matching plantings: then the pins are not read at all (a dense street view costs a few cell rows)."""
    key = clusters.precomputed_key(filters)
    if key is None:
        return False
    dim, value = key
    band = clusters.MAX_DIM_BAND if filters else clusters.MAX_BAND
    gx0, gy0, gx1, gy1 = clusters.cells_in_bbox(band, bbox)
    if gx1 - gx0 < 2 or gy1 - gy0 < 2:
        return False  # no cell lies wholly inside
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(plantings), 0) FROM tanam_clustercell"
            " WHERE band = %s AND dim = %s AND value = %s AND gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s",
            [band, dim, value, gx0 + 1, gx1 - 1, gy0 + 1, gy1 - 1],
        )
        return cursor.fetchone()[0] > clusters.MAX_FEATURES


def clusters_geojson(*, bbox, zoom, filters):
    """At most ~MAX_FEATURES features for this viewport: pins when few enough, else grid cells."""
    return json.loads(clusters_geojson_bytes(bbox=bbox, zoom=zoom, filters=filters))


def clusters_geojson_bytes(*, bbox, zoom, filters):
    """clusters_geojson as UTF-8 JSON. Cell answers are cached already encoded: a cache hit is one
    Redis GET and no per-request encoding of up to 1,000 features."""
    zoom = int(zoom)
    if clusters.viewport_zoom(zoom, bbox) >= clusters.PIN_ZOOM and not _pins_surely_too_many(bbox, filters):
        pins = _pins(bbox, filters, clusters.MAX_FEATURES)
        if pins is not None:
            return _json_bytes({"type": "FeatureCollection", "kind": "pins", "zoom": zoom, "features": pins})
    band = clusters.band_for(zoom, bbox)
    key = f"{_clusters_cache_key(band, bbox, filters)}:z{zoom}"
    body = cache.get(key)
    if body is None:
        if filters:
            features = _cells_for_filters(band, bbox, filters)
        else:
            features = _cells_precomputed(band, bbox, clusters.DIM_ALL, 0)
        collection = {"type": "FeatureCollection", "kind": "clusters", "zoom": zoom, "band": band, "features": features}
        body = _json_bytes(collection)
        cache.set(key, body, CLUSTERS_CACHE_SECONDS)
    return body


def _json_bytes(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


CLUSTERS_CACHE_SECONDS = 600
CLUSTERS_VERSION_KEY = "tanam:clusters:version"


def _clusters_cache_key(band, bbox, filters):
    """Cells depend only on band, cell range and filters; the version changes with every cell refresh."""
    version = cache.get(CLUSTERS_VERSION_KEY) or 0
    cells = ":".join(str(v) for v in clusters.cells_in_bbox(band, bbox))
    wanted = ",".join(f"{k}={v}" for k, v in sorted(filters.items()))
    return f"tanam:clusters:{version}:{band}:{cells}:{wanted}"


# --- Exports (streamed) --------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "id",
    "lintang",
    "bujur",
    "spesies",
    "nama_ilmiah",
    "jumlah_pohon",
    "tanggal_tanam",
    "kecamatan",
    "desa",
    "komunitas",
    "kampanye",
]


def plantings_export_rows(filters):
    """Verified plantings as tuples, fetched from a server-side cursor in chunks (never all in memory)."""
    queryset = (
        plantings_public_filtered(filters)
        .order_by("id")
        .values_list(
            "id",
            "point",
            "species__local_name",
            "species__scientific_name",
            "tree_count",
            "planted_on",
            "kecamatan__name",
            "desa__name",
            "community__name",
            "campaign__name",
        )
    )
    for pk, point, local, scientific, count, planted_on, kec, desa, community, campaign in queryset.iterator(
        chunk_size=2000
    ):
        yield (
            pk,
            round(point.y, 7),
            round(point.x, 7),
            local,
            scientific,
            count,
            planted_on.isoformat(),
            kec,
            desa,
            community or "",
            campaign or "",
        )


def plantings_public_page(filters, *, after=None, before=None, size=200):
    """One page of verified plantings in id order, by keyset: no OFFSET and no COUNT(*) of a million rows.

    after=id: the page following that id; before=id: the page preceding it. Returns
    {"plantings": [...], "next_after": id | None, "previous_before": id | None}.
    """
    related = ("species", "kecamatan", "desa", "community", "campaign")
    queryset = plantings_public_filtered(filters).select_related(*related)
    if before is not None:
        rows = list(queryset.filter(id__lt=before).order_by("-id")[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = True
    else:
        if after is not None:
            queryset = queryset.filter(id__gt=after)
        rows = list(queryset.order_by("id")[: size + 1])
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after is not None
    return {
        "plantings": rows,
        "next_after": rows[-1].pk if rows and more_after else None,
        "previous_before": rows[0].pk if rows and more_before else None,
    }


def plantings_public_total_estimate(filters):
    """Verified plantings matching the filters, read from the coarsest map cells (a few rows).

    The cells follow verifications within seconds (Celery), so this is an estimate; for filter
    combinations without precomputed cells (see clusters.precomputed_key) None is returned.
    """
    key = clusters.precomputed_key(filters)
    if key is None:
        return None
    dim, value = key
    return cell_totals(dim).get(value, (0, 0))[0]


# --- Citizen pages ---------------------------------------------------------------------------------


def planting_survival(planting):
    """'hidup'/'mati'/None (not yet checked) and whether the next check is overdue."""
    today = timezone.localdate()
    return {
        "condition": planting.condition if planting.first_observed_on else None,
        "next_check_on": planting.next_check_on,
        "overdue": bool(planting.next_check_on and planting.next_check_on < today),
    }


def observations_for(planting):
    return planting.observations.select_related("observed_by").order_by("-observed_on", "-id")


def form_choices_communities(user):
    return Community.objects.all()


# --- Land cover ------------------------------------------------------------------------------------


def cover_years_available():
    return list(CoverStat.objects.filter(level="regency").order_by("year").values_list("year", flat=True))


def cover_regency(year):
    return CoverStat.objects.filter(level="regency", year=year).first()


def cover_table(*, level, year):
    queryset = CoverStat.objects.filter(level=level, year=year)
    if level == "kecamatan":
        queryset = queryset.select_related("kecamatan").order_by("kecamatan__name")
    else:
        queryset = queryset.select_related("desa", "desa__kecamatan").order_by("desa__kecamatan__name", "desa__name")
    return queryset


def _area_geometries(level):
    def build():
        model = Kecamatan if level == "kecamatan" else Desa
        return {
            area.code: {"name": area.name, "geometry": json.loads(area.geom.simplify(0.0008, True).geojson)}
            for area in model.objects.only("code", "name", "geom")
        }

    return cache.get_or_set(f"tanam:cover-geometries:{level}:v1", build, 24 * 3600)


def cover_geojson(*, level):
    """Stored figures of every year per area, with simplified outlines (choropleth with year slider)."""
    geometries = _area_geometries(level)
    by_code = {}
    for code, year, pct, canopy, trees, survival, co2 in CoverStat.objects.filter(level=level).values_list(
        "area_code", "year", "canopy_percent", "canopy_m2", "trees", "survival_percent", "co2_kg_per_year"
    ):
        by_code.setdefault(code, {})[str(year)] = {
            "canopy_percent": round(pct, 6),
            "canopy_m2": round(canopy),
            "trees": trees,
            "survival_percent": survival,
            "co2_kg_per_year": round(co2),
        }
    features = [
        {
            "type": "Feature",
            "geometry": area["geometry"],
            "properties": {"code": code, "name": area["name"], "years": by_code.get(code, {})},
        }
        for code, area in geometries.items()
    ]
    return {"type": "FeatureCollection", "level": level, "features": features}


# --- Communities, campaigns, leaderboards -----------------------------------------------------------


def cell_totals(dim):
    """{value: (plantings, trees)} of verified plantings per filter value, from the coarsest map band.

    The cells are kept current by Celery on every verification, so these counts cost a few
    rows instead of a scan of a million plantings (they lag a verification by seconds).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, sum(plantings), sum(trees) FROM tanam_clustercell"
            " WHERE band = %s AND dim = %s GROUP BY value",
            [clusters.MIN_BAND, dim],
        )
        return {value: (int(n), int(t)) for value, n, t in cursor.fetchall()}


def communities_ranked():
    """All communities with verified trees/plantings and member count, best first (a list)."""
    totals = cell_totals(clusters.DIM_COMMUNITY)
    communities = list(Community.objects.annotate(member_count=Count("members", distinct=True)))
    for community in communities:
        community.planting_count, community.trees = totals.get(community.pk, (0, 0))
    return sorted(communities, key=lambda c: (-c.trees, c.name))


def community_detail(slug):
    ranked = communities_ranked()
    community = next((c for c in ranked if c.slug == slug), None)
    if community is None:
        raise Http404(_("Komunitas tidak ditemukan."))
    rank = sum(1 for c in ranked if c.trees > community.trees) + 1
    plantings = plantings_public().filter(community=community)
    return {
        "community": community,
        "rank": rank,
        "survival": survival_summary(plantings),
        "members": community.members.order_by("first_name", "username"),
        "recent": plantings.select_related("species", "desa").order_by("-planted_on")[:20],
    }


def survival_summary(plantings):
    totals = plantings.aggregate(
        monitored=Sum("tree_count", filter=Q(first_observed_on__isnull=False), default=0),
        survived=Sum("tree_count", filter=Q(first_observed_on__isnull=False, dead_since__isnull=True), default=0),
    )
    monitored = totals["monitored"]
    return round(100.0 * totals["survived"] / monitored, 1) if monitored else None


def campaigns_with_progress():
    totals = cell_totals(clusters.DIM_CAMPAIGN)
    campaigns = list(Campaign.objects.select_related("kecamatan", "organiser").order_by("-starts_on"))
    for campaign in campaigns:
        campaign.planting_count, campaign.trees = totals.get(campaign.pk, (0, 0))
    return campaigns


def campaign_detail(slug):
    campaign = next((c for c in campaigns_with_progress() if c.slug == slug), None)
    if campaign is None:
        raise Http404(_("Kampanye tidak ditemukan."))
    plantings = plantings_public().filter(campaign=campaign)
    return {
        "campaign": campaign,
        "progress_percent": min(100, round(100 * campaign.trees / campaign.target_trees))
        if campaign.target_trees
        else 0,
        "survival": survival_summary(plantings),
        "recent": plantings.select_related("species", "desa", "community").order_by("-planted_on")[:20],
    }


def leaderboard_kecamatan():
    """Per kecamatan: verified trees, plantings (from the map cells) and its top community (cached)."""
    totals = cell_totals(clusters.DIM_KECAMATAN)
    kecamatan = {k.pk: k for k in Kecamatan.objects.only("id", "name", "slug")}
    rows = sorted(
        (
            {"kecamatan__name": kecamatan[pk].name, "kecamatan__slug": kecamatan[pk].slug, "plantings": n, "trees": t}
            for pk, (n, t) in totals.items()
            if pk in kecamatan
        ),
        key=lambda row: -row["trees"],
    )
    version = cache.get(CLUSTERS_VERSION_KEY) or 0  # changes whenever verified plantings change
    tops = cache.get_or_set(f"tanam:leaderboard-top:{version}", _top_community_per_kecamatan, 600)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["top_community"] = tops.get(row["kecamatan__slug"])
    return rows


def _top_community_per_kecamatan():
    tops = {}
    for row in (
        plantings_public()
        .exclude(community=None)
        .values("kecamatan__slug", "community__name")
        .annotate(trees=Sum("tree_count"))
        .order_by("kecamatan__slug", "-trees")
    ):
        tops.setdefault(row["kecamatan__slug"], row["community__name"])
    return tops


# --- Home page and Diskominfo dashboard --------------------------------------------------------------


def home_summary():
    """Verified trees and plantings (from the map cells, current within seconds) and this year's canopy."""
    plantings, trees = cell_totals(clusters.DIM_ALL).get(0, (0, 0))
    current = CoverStat.objects.filter(level="regency", year=timezone.localdate().year).first()
    return {
        "trees_planted": trees,
        "plantings_verified": plantings,
        "canopy_percent": round(current.canopy_percent, 2) if current else None,
    }


def dashboard_plantings_per_month(*, months=24):
    since = timezone.localdate().replace(day=1) - timedelta(days=31 * months)
    return list(
        plantings_public()
        .filter(planted_on__gte=since)
        .annotate(month=TruncMonth("planted_on"))
        .values("month")
        .annotate(plantings=Count("id"), trees=Sum("tree_count"))
        .order_by("month")
    )


def dashboard_plantings_per_species(*, limit=15):
    return list(
        plantings_public()
        .values("species__local_name")
        .annotate(plantings=Count("id"), trees=Sum("tree_count"))
        .order_by("-trees")[:limit]
    )


def dashboard_plantings_per_kecamatan():
    return list(
        plantings_public()
        .values("kecamatan__name")
        .annotate(plantings=Count("id"), trees=Sum("tree_count"))
        .order_by("-trees")
    )


def dashboard_verification_backlog():
    pending = Planting.objects.filter(status=Planting.Status.PENDING)
    totals = pending.aggregate(count=Count("id"), oldest=Min("created_at"), newest=Max("created_at"))
    oldest = totals["oldest"]
    totals["oldest_age_days"] = (timezone.now() - oldest).days if oldest else None
    totals["older_than_7_days"] = pending.filter(created_at__lt=timezone.now() - timedelta(days=7)).count()
    return totals


def dashboard_survival():
    return survival_summary(plantings_public())


def dashboard_canopy_per_kecamatan():
    """[{kecamatan, year → percent, change vs previous year}] for the last two stored years."""
    years = cover_years_available()[-2:]
    rows = {}
    for stat in CoverStat.objects.filter(level="kecamatan", year__in=years).select_related("kecamatan"):
        row = rows.setdefault(stat.kecamatan.name, {"kecamatan": stat.kecamatan.name})
        row[stat.year] = stat.canopy_percent
    result = []
    for row in rows.values():
        current = row.get(years[-1]) if years else None
        previous = row.get(years[0]) if len(years) == 2 else None
        row["canopy_percent"] = current
        row["change"] = (current - previous) if current is not None and previous is not None else None
        result.append(row)
    return sorted(result, key=lambda r: -(r["canopy_percent"] or 0))


def dashboard_top_communities(*, limit=10):
    return communities_ranked()[:limit]


# --- Diskominfo dashboard (per day, month and kecamatan for its filters) ----------------------------


def dashboard_plantings_per_day(*, since):
    """Verified plantings and trees per planting day and kecamatan id since `since`:
    [{"day", "kecamatan_id", "plantings", "trees"}]. One query."""
    rows = (
        plantings_public()
        .filter(planted_on__gte=since)
        .values("planted_on", "kecamatan_id")
        .annotate(plantings=Count("id"), trees=Sum("tree_count"))
    )
    return [
        {"day": r["planted_on"], "kecamatan_id": r["kecamatan_id"], "plantings": r["plantings"], "trees": r["trees"]}
        for r in rows
    ]


DASHBOARD_MONTHLY_LABELS = {"species": "species__local_name", "community": "community__name"}


def dashboard_trees_per_month(*, since, by):
    """Verified trees per planting month, kecamatan id and species or community (`by`) since `since`:
    [{"month", "kecamatan_id", "label", "trees"}]. Plantings without a community are left out. One query."""
    field = DASHBOARD_MONTHLY_LABELS[by]
    qs = plantings_public().filter(planted_on__gte=since)
    if by == "community":
        qs = qs.filter(community__isnull=False)
    rows = (
        qs.annotate(month=TruncMonth("planted_on"))
        .values("month", "kecamatan_id", field)
        .annotate(trees=Sum("tree_count"))
    )
    return [
        {"month": r["month"], "kecamatan_id": r["kecamatan_id"], "label": r[field] or "", "trees": r["trees"]}
        for r in rows
    ]


def dashboard_backlog_per_kecamatan(*, now=None):
    """Pending plantings per kecamatan id with their age: {kecamatan_id: {"pending", "over_7", "over_30",
    "oldest_age_days"}}. One query."""
    now = now or timezone.now()

    def older(days):
        return Q(created_at__lt=now - timedelta(days=days))

    rows = (
        Planting.objects.filter(status=Planting.Status.PENDING)
        .values("kecamatan_id")
        .annotate(
            pending=Count("id"),
            over_7=Count("id", filter=older(7)),
            over_30=Count("id", filter=older(30)),
            oldest=Min("created_at"),
        )
    )
    return {
        r["kecamatan_id"]: {
            "pending": r["pending"],
            "over_7": r["over_7"],
            "over_30": r["over_30"],
            "oldest_age_days": (now - r["oldest"]).days if r["oldest"] else None,
        }
        for r in rows
    }


def dashboard_survival_per_planting_year():
    """Trees monitored and still alive per planting year and kecamatan id (the rule of `survival_summary`:
    a planting counts once observed; alive while it has no `dead_since`):
    [{"year", "kecamatan_id", "monitored", "survived"}]. One query."""
    from django.db.models.functions import ExtractYear

    monitored = Q(first_observed_on__isnull=False)
    rows = (
        plantings_public()
        .filter(monitored)
        .annotate(year=ExtractYear("planted_on"))
        .values("year", "kecamatan_id")
        .annotate(
            monitored=Sum("tree_count", default=0),
            survived=Sum("tree_count", filter=Q(dead_since__isnull=True), default=0),
        )
        .order_by("year")
    )
    return [
        {"year": r["year"], "kecamatan_id": r["kecamatan_id"], "monitored": r["monitored"], "survived": r["survived"]}
        for r in rows
    ]


def planting_input(planting):
    """A planting's stored values as the registration form and the API take them: the
    initial values of the edit page and the base of an API PATCH."""
    return {
        "lat": f"{planting.point.y:.7f}",
        "lon": f"{planting.point.x:.7f}",
        "location_source": planting.location_source,
        "gps_accuracy_m": planting.gps_accuracy_m,
        "species": planting.species_id,
        "tree_count": planting.tree_count,
        "planted_on": planting.planted_on,
        "community": planting.community_id,
        "campaign": planting.campaign_id,
        "notes": planting.notes,
    }
