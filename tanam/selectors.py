"""Reads of Gerakan Bangga Menanam for views, API, exports and the Diskominfo dashboard.

Four rules live here, once:
* a citizen reaches only their own plantings: `plantings_for_user`;
* the public only ever sees verified plantings: `plantings_public`;
* what counts as surviving trees (last check alive, within 12 months): `surviving_q`/`surviving_planting_sql`;
* who may see a planting's photos: `plantings_photos_visible_to` (public, own, or Diskominfo staff).
"""

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.accounts.roles import is_diskominfo
from blitar_portal.lib import media
from blitar_portal.lib.cache import single_flight
from blitar_portal.lib.masking import mask_name
from blitar_portal.regions.models import Desa, Kecamatan

from . import clusters
from .models import (
    Campaign,
    Community,
    CoverStat,
    Membership,
    Observation,
    OpenDataFile,
    Planting,
    PlantingAudit,
    Species,
)

# --- Ownership and visibility --------------------------------------------------------------


def plantings_for_user(user: User) -> QuerySet[Planting]:
    """The plantings a signed-in citizen may see and manage: their own, in any status."""
    if not user.is_authenticated:
        return Planting.objects.none()
    return Planting.objects.filter(user=user).select_related("species", "kecamatan", "desa", "community", "campaign")


def planting_for_user_or_404(user: User, pk: int) -> Planting:
    planting = plantings_for_user(user).filter(pk=pk).first()
    if planting is None:
        raise Http404(_("Penanaman tidak ditemukan."))
    return planting


def planting_for_observer_or_404(user: User, pk: int) -> Planting:
    """Owner or Diskominfo staff may add observations; anyone else gets 404."""
    if is_diskominfo(user):
        planting = Planting.objects.select_related("species", "kecamatan", "desa").filter(pk=pk).first()
        if planting is None:
            raise Http404(_("Penanaman tidak ditemukan."))
        return planting
    return planting_for_user_or_404(user, pk)


# What counts as public, once: a verified planting. The ORM reads `PUBLIC_PLANTING`
# (`plantings_public()`); every raw SQL over tanam_planting (pins, map cells in clusters.py,
# land cover in cover.py) takes its condition from `public_planting_sql()`. The text is the
# predicate of the partial indexes on tanam_planting, so the planner can use them.
PUBLIC_PLANTING = Q(status=Planting.Status.VERIFIED)


def public_planting_sql(table: str = "tanam_planting") -> str:
    """`PUBLIC_PLANTING` as a raw-SQL condition on `table` (tanam_planting's name or alias there).
    Constant text, no parameters: it fits both %s and %(name)s queries."""
    return f"{table}.status = '{Planting.Status.VERIFIED.value}'"


def plantings_public() -> QuerySet[Planting]:
    """Verified plantings only: the one source of every public page, map, API, export and count."""
    return Planting.objects.filter(PUBLIC_PLANTING)


# What counts as surviving, once: a public planting whose latest check found it alive, that check
# made within the last SURVIVING_DAYS (12 months). An older "alive" says nothing about today.
SURVIVING_DAYS = 365


def surviving_since(today: date | None = None) -> date:
    """The oldest check date that still counts (today minus 12 months)."""
    return (today or timezone.localdate()) - timedelta(days=SURVIVING_DAYS)


def surviving_q(today: date | None = None, prefix: str = "") -> Q:
    """Surviving plantings as a Q (`prefix`: "planting__" through a relation); with PUBLIC_PLANTING."""
    conditions = {
        f"{prefix}status": Planting.Status.VERIFIED,
        f"{prefix}condition": Observation.Condition.ALIVE,
        f"{prefix}last_observed_on__gte": surviving_since(today),
    }
    return Q(**conditions)


def surviving_planting_sql(table: str = "tanam_planting", today: date | None = None) -> str:
    """`surviving_q` as a raw-SQL condition on `table`; constant text (a date literal), no parameters."""
    since = surviving_since(today).isoformat()
    alive = Observation.Condition.ALIVE.value
    return f"{public_planting_sql(table)} AND {table}.condition = '{alive}' AND {table}.last_observed_on >= '{since}'"


def planting_is_public(planting: Planting) -> bool:
    """Whether the planting has a public page (PUBLIC_PLANTING, read from the database)."""
    return plantings_public().filter(pk=planting.pk).exists()


def planting_public_or_404(pk: int) -> Planting:
    """A verified planting for its public page (anyone); a pending or rejected one is 404 for everyone."""
    planting = (
        plantings_public().select_related("species", "kecamatan", "desa", "community", "campaign").filter(pk=pk).first()
    )
    if planting is None:
        raise Http404(_("Penanaman tidak ditemukan."))
    return planting


def planting_photo_timeline(planting: Planting) -> list[dict[str, Any]]:
    """The planting's photos over time, oldest first: the photo taken at planting, then each
    monitoring visit's photo ({"date", "url", "condition", "height_m"}). For a public planting."""
    timeline: list[dict[str, Any]] = []
    first = photo_url(planting, "card")
    if first:
        timeline.append({"date": planting.planted_on, "url": first, "condition": "", "height_m": None})
    for observation in planting.observations.exclude(photo="").order_by("observed_on", "id"):
        timeline.append(
            {
                "date": observation.observed_on,
                "url": reverse("tanam:public-observation-photo", args=[planting.pk, observation.pk]),
                "condition": observation.get_condition_display(),
                "height_m": observation.height_m,
            }
        )
    return timeline


def observation_photo_public_or_404(pk: int, observation_id: int) -> Any:
    """The (sanitized) photo file of a monitoring visit of a public planting; 404 otherwise."""
    observation = (
        Observation.objects.filter(planting__in=plantings_public(), planting_id=pk, pk=observation_id)
        .exclude(photo="")
        .first()
    )
    if observation is None:
        raise Http404(_("Foto tidak ditemukan."))
    return observation.photo


def plantings_photos_visible_to(user: User) -> QuerySet[Planting]:
    """The plantings whose photos `user` may load: every public one, their own, all for Diskominfo staff."""
    if is_diskominfo(user):
        return Planting.objects.all()
    if not user.is_authenticated:
        return plantings_public()
    return plantings_public() | Planting.objects.filter(user=user)


def planting_photo_or_404(user: User, pk: int) -> Any:
    """(renditions) of a planting whose photos `user` may see; 404 for anyone else."""
    renditions = plantings_photos_visible_to(user).filter(pk=pk).values_list("renditions", flat=True).first()
    if renditions is None:
        raise Http404(_("Foto tidak ditemukan."))
    return renditions


def _private_photo_url(pk: int) -> Any:
    return lambda size, ext: reverse("tanam:photo", args=[pk, size, ext])


def photo_url(planting: Planting, size: str = "card", fmt: str = "jpeg") -> str | None:
    """The URL of a planting's rendition for whoever may see the planting: its public copy once
    verified and published, else the permission-checked view; None without a rendition."""
    return (
        media.image_url(
            renditions=planting.renditions,
            published=planting.published,
            size=size,
            fmt=fmt,
            private_url=_private_photo_url(planting.pk),
        )
        or None
    )


# --- Filters -------------------------------------------------------------------------------------

FILTER_FIELDS = {
    "species": "species_id",
    "kecamatan": "kecamatan_id",
    "community": "community_id",
    "campaign": "campaign_id",
}


def map_filters_parse(params: Any) -> dict[str, int]:
    """Valid filters from query parameters ({name: int}); ValidationError with a Bahasa message.

    Read through MapFilterForm: the same bounds (ids, a year 1900–2100) for pages, API and exports."""
    from .forms import MapFilterForm

    form = MapFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.first_error(), code="filter")
    return form.filters()


def _apply_filters(queryset: QuerySet[Any], filters: dict[str, Any]) -> Any:
    for name, value in filters.items():
        if name == "year":
            queryset = queryset.filter(planted_on__year=value)
        else:
            queryset = queryset.filter(**{FILTER_FIELDS[name]: value})
    return queryset


def plantings_public_filtered(filters: dict[str, Any]) -> QuerySet[Planting]:
    return _apply_filters(plantings_public(), filters)


FILTER_CHOICES_KEY = "tanam:filter-choices:v1"


def map_filter_choices() -> dict[str, list[Any]]:
    """Options of the public map filters (cached: they change rarely)."""

    def build() -> Any:
        return {
            "species": list(Species.objects.values_list("id", "local_name")),
            "kecamatan": list(Kecamatan.objects.order_by("name").values_list("id", "name")),
            "community": list(Community.objects.values_list("id", "name")),
            "campaign": list(Campaign.objects.values_list("id", "name")),
            "year": list(range(2016, timezone.localdate().year + 1)),
        }

    return cast("dict[str, list[Any]]", cache.get_or_set(FILTER_CHOICES_KEY, build, 300))


# --- Clusters --------------------------------------------------------------------------------------


# (min lon, min lat, max lon, max lat) in degrees, as bbox_parse returns it.
Bbox = tuple[float, float, float, float]


def bbox_parse(raw: str) -> Bbox:
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


def _cluster_feature(lon: float, lat: float, plantings: int, trees: Any, band: int) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": {"cluster": True, "plantings": plantings, "trees": int(trees), "band": band},
    }


def _cells_precomputed(band: int, bbox: Bbox, dim: int, value: Any) -> list:
    gx0, gy0, gx1, gy1 = clusters.cells_in_bbox(band, bbox)
    sql = """
        SELECT plantings, trees, sum_x, sum_y FROM tanam_clustercell
        WHERE band = %s AND dim = %s AND value = %s AND gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [band, dim, value, gx0, gx1, gy0, gy1])
        return [_cluster_feature(sx / n, sy / n, n, t, band) for n, t, sx, sy in cursor.fetchall()]


def _filter_sql(filters: dict[str, Any]) -> tuple[list, list]:
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


def _cells_on_the_fly(band: int, bbox: Bbox, filters: dict[str, Any]) -> list:
    """Cluster the filtered verified plantings of the viewport in SQL (bounded by _cells_for_filters)."""
    size = clusters.cell_size(band)
    conditions, params = _filter_sql(filters)
    where = " AND ".join([public_planting_sql(), "point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", *conditions])
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


def _cells_for_filters(band: int, bbox: Bbox, filters: dict[str, Any]) -> Any:
    """One filter, or a year and one other: precomputed cells (band 13 at most; pins from zoom 17).
    Other combinations: clustered in SQL, where the (filter, planting date) indexes bound the rows read."""
    key = clusters.precomputed_key(filters)
    if key is None:
        return _cells_on_the_fly(band, bbox, filters)
    return _cells_precomputed(min(band, clusters.MAX_DIM_BAND), bbox, *key)


_PINS_SQL = """
    SELECT p.id, ST_X(p.point), ST_Y(p.point), p.tree_count, p.planted_on, s.local_name, s.scientific_name,
           c.name, p.renditions -> 'thumb' ->> 'jpeg', p.published -> 'thumb' ->> 'jpeg'
    FROM tanam_planting p
    JOIN tanam_species s ON s.id = p.species_id
    LEFT JOIN tanam_community c ON c.id = p.community_id
    WHERE {public} AND p.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
"""


def _pins(bbox: Bbox, filters: dict[str, Any], limit: int) -> list | None:
    """Individual verified pins of the viewport, or None when there are more than `limit`."""
    conditions, params = _filter_sql(filters)
    sql = "".join(
        (_PINS_SQL.format(public=public_planting_sql("p")), *(" AND p." + c for c in conditions), " LIMIT %s")
    )
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
                "photo": media.image_url(
                    renditions={"thumb": {"jpeg": thumb}},
                    published={"thumb": {"jpeg": published}},
                    size="thumb",
                    private_url=_private_photo_url(pk),
                )
                or None,
            },
        }
        for pk, x, y, trees, planted_on, local, scientific, community, thumb, published in rows
    ]


def _pins_surely_too_many(bbox: Bbox, filters: dict[str, Any]) -> bool:
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


def clusters_geojson(*, bbox: Bbox, zoom: int, filters: dict[str, Any]) -> dict[str, Any]:
    """At most ~MAX_FEATURES features for this viewport: pins when few enough, else grid cells."""
    return json.loads(clusters_geojson_bytes(bbox=bbox, zoom=zoom, filters=filters))


def clusters_geojson_bytes(*, bbox: Bbox, zoom: int, filters: dict[str, Any]) -> bytes:
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


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


CLUSTERS_CACHE_SECONDS = 600
CLUSTERS_VERSION_KEY = "tanam:clusters:version"


def _clusters_cache_key(band: int, bbox: Bbox, filters: dict[str, Any]) -> str:
    """Cells depend only on band, cell range and filters; the version changes with every cell refresh."""
    version = cache.get(CLUSTERS_VERSION_KEY) or 0
    cells = ":".join(str(v) for v in clusters.cells_in_bbox(band, bbox))
    wanted = ",".join(f"{k}={v}" for k, v in sorted(filters.items()))
    return f"tanam:clusters:{version}:{band}:{cells}:{wanted}"


# --- Open-data files --------------------------------------------------------------------------

EXPORT_BATCH = 5000


def plantings_export_rows(*, batch_size: int = EXPORT_BATCH) -> Iterator:
    """Every verified planting as a tuple in `exports.COLUMNS` order, in id order.

    Keyset iteration (`id > last` … LIMIT n, one short query per batch) rather than a
    server-side cursor: it holds no cursor or transaction open across batches, so it works
    behind pgbouncer in transaction pooling and never keeps a snapshot open for minutes.
    """
    queryset = (
        plantings_public()
        .order_by("id")
        .annotate(
            lat=Func(F("point"), function="ST_Y", output_field=FloatField()),
            lon=Func(F("point"), function="ST_X", output_field=FloatField()),
        )
        .values_list(
            "id",
            "lat",
            "lon",
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
    last_id = 0
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        for pk, lat, lon, local, scientific, count, planted_on, kec, desa, community, campaign in batch:
            yield (
                pk,
                round(lat, 7),
                round(lon, 7),
                local,
                scientific,
                count,
                planted_on.isoformat(),
                kec,
                desa,
                community or "",
                campaign or "",
            )
        if len(batch) < batch_size:
            return
        last_id = batch[-1][0]


def open_data_file(kind: str) -> OpenDataFile | None:
    """The current complete open-data file of this kind ("csv"/"geojson"), or None before the first build."""
    return OpenDataFile.objects.filter(kind=kind).first()


def plantings_public_page(
    filters: dict[str, Any], *, after: int | None = None, before: int | None = None, size: int = 200
) -> dict[str, Any]:
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


def plantings_public_total_estimate(filters: dict[str, Any]) -> int | None:
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


def check_overdue_q(today: date | None = None) -> Q:
    """A re-check is overdue from the day after it was due (tanam/schedule.py says when that is)."""
    return Q(next_check_on__lt=today or timezone.localdate())


def planting_survival(planting: Planting) -> dict[str, Any]:
    """'hidup'/'mati'/None (not yet checked) and whether the next check is overdue (`check_overdue_q`)."""
    today = timezone.localdate()
    return {
        "condition": planting.condition if planting.first_observed_on else None,
        "next_check_on": planting.next_check_on,
        "overdue": bool(planting.next_check_on and planting.next_check_on < today),
    }


def observations_for(planting: Planting) -> QuerySet[Observation]:
    return planting.observations.select_related("observed_by").order_by("-observed_on", "-id")


# --- Land cover ------------------------------------------------------------------------------------


def cover_years_available() -> list:
    return list(CoverStat.objects.filter(level="regency").order_by("year").values_list("year", flat=True))


def cover_regency(year: int) -> CoverStat | None:
    return CoverStat.objects.filter(level="regency", year=year).first()


def cover_table(*, level: str, year: int) -> QuerySet[CoverStat]:
    queryset = CoverStat.objects.filter(level=level, year=year)
    if level == "kecamatan":
        queryset = queryset.select_related("kecamatan").order_by("kecamatan__name")
    else:
        queryset = queryset.select_related("desa", "desa__kecamatan").order_by("desa__kecamatan__name", "desa__name")
    return queryset


def _area_geometries(level: str) -> Any:
    def build() -> Any:
        model = Kecamatan if level == "kecamatan" else Desa
        return {
            area.code: {"name": area.name, "geometry": json.loads(area.geom.simplify(0.0008, True).geojson)}
            for area in model.objects.only("code", "name", "geom")
        }

    return cache.get_or_set(f"tanam:cover-geometries:{level}:v1", build, 24 * 3600)


def cover_geojson(*, level: str) -> dict[str, Any]:
    """Stored figures of every year per area, with simplified outlines (choropleth with year slider)."""
    geometries = _area_geometries(level)
    by_code: dict[str, dict[str, dict[str, Any]]] = {}
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


def cell_totals(dim: int) -> dict:
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


SURVIVING_TOTALS_KEY = "tanam:surviving-totals"
SURVIVING_VERSION_KEY = "tanam:surviving:version"  # bumped on commit of a check of a verified planting

_SURVIVING_TOTALS_SQL = """
    SELECT GROUPING(kecamatan_id, community_id, campaign_id), kecamatan_id, community_id, campaign_id,
           sum(tree_count)
    FROM tanam_planting WHERE {surviving}
    GROUP BY GROUPING SETS ((kecamatan_id), (community_id), (campaign_id))
"""
# GROUPING() sets a bit for each column left out of the row's grouping set (first column = 4).
_SURVIVING_SETS = {3: ("kecamatan", 1), 5: ("community", 2), 6: ("campaign", 3)}


def surviving_totals() -> dict[str, dict[int, int]]:
    """{"kecamatan"|"community"|"campaign": {id: surviving trees}}: one pass over the plantings,
    recomputed once (single_flight) after a change of verified plantings or of their checks, and
    each day (the 12-month window moves)."""
    version = ":".join(
        (
            str(cache.get(CLUSTERS_VERSION_KEY) or 0),
            str(cache.get(SURVIVING_VERSION_KEY) or 0),
            timezone.localdate().isoformat(),
        )
    )
    return cast(
        "dict[str, dict[int, int]]",
        single_flight(
            SURVIVING_TOTALS_KEY,
            _surviving_totals_compute,
            version=version,
            timeout=24 * 3600,
            wait_seconds=LEADERBOARD_WAIT_SECONDS,
        ),
    )


def _surviving_totals_compute() -> dict[str, dict[int, int]]:
    totals: dict[str, dict[int, int]] = {"kecamatan": {}, "community": {}, "campaign": {}}
    with connection.cursor() as cursor:
        cursor.execute(_SURVIVING_TOTALS_SQL.format(surviving=surviving_planting_sql()))
        for row in cursor.fetchall():
            name, column = _SURVIVING_SETS[row[0]]
            if row[column] is not None:
                totals[name][row[column]] = int(row[4])
    return totals


def communities_ranked() -> list[Community]:
    """All communities with verified trees/plantings, surviving trees and member count, best first."""
    totals = cell_totals(clusters.DIM_COMMUNITY)
    surviving = surviving_totals()["community"]
    communities = list(Community.objects.annotate(member_count=Count("memberships", distinct=True)))
    for community in communities:
        community.planting_count, community.trees = totals.get(community.pk, (0, 0))  # type: ignore[attr-defined]
        community.surviving = surviving.get(community.pk, 0)  # type: ignore[attr-defined]
    return sorted(communities, key=lambda c: (-c.trees, c.name))  # type: ignore[attr-defined]


def community_detail(slug: str) -> dict[str, Any]:
    ranked = communities_ranked()
    community = next((c for c in ranked if c.slug == slug), None)
    if community is None:
        raise Http404(_("Komunitas tidak ditemukan."))
    rank = sum(1 for c in ranked if c.trees > community.trees) + 1  # type: ignore[attr-defined, misc]
    plantings = plantings_public().filter(community=community)
    listed = community_members_listed(community)
    return {
        "community": community,
        "rank": rank,
        "survival": survival_summary(plantings),
        "members": listed,
        "members_unlisted": community.member_count - len(listed),  # type: ignore[attr-defined]
        "recent": plantings.select_related("species", "desa").order_by("-planted_on")[:20],
    }


def member_display_name(user: User, *, listed: bool) -> str:
    """A member's name on public pages: their name (or username) when they agreed to be listed,
    else masked (`S*** A*****`); the page itself only lists those who agreed."""
    name = user.get_full_name() or user.username
    return name if listed else mask_name(name)


def community_members_listed(community: Community) -> list[dict[str, Any]]:
    """The members who agreed to be listed, with their verified trees in this community and how many
    of them survive; most trees first. Members who did not agree are only counted."""
    memberships = list(community.memberships.filter(listed=True).select_related("user").order_by("joined_at"))
    figures = {
        row["user"]: row
        for row in plantings_public()
        .filter(community=community, user__in=[m.user_id for m in memberships])
        .values("user")
        .annotate(
            plantings=Count("id"),
            trees=Sum("tree_count"),
            surviving=Sum("tree_count", filter=surviving_q(), default=0),
        )
    }
    rows = []
    for membership in memberships:
        row = figures.get(membership.user_id, {})
        rows.append(
            {
                "name": member_display_name(membership.user, listed=True),
                "joined_at": membership.joined_at,
                "plantings": row.get("plantings", 0),
                "trees": row.get("trees", 0),
                "surviving": row.get("surviving", 0),
            }
        )
    return sorted(rows, key=lambda r: -r["trees"])


def membership_of(user: User, community: Community) -> Membership | None:
    """The signed-in person's membership of this community (None: not a member, or anonymous)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(community=community, user=user).first()


def community_by_slug_or_404(slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404(_("Komunitas tidak ditemukan."))
    return community


def survival_summary(plantings: QuerySet[Planting]) -> float | None:
    totals = plantings.aggregate(
        monitored=Sum("tree_count", filter=Q(first_observed_on__isnull=False), default=0),
        survived=Sum("tree_count", filter=Q(first_observed_on__isnull=False, dead_since__isnull=True), default=0),
    )
    monitored = totals["monitored"]
    return round(100.0 * totals["survived"] / monitored, 1) if monitored else None


def campaigns_with_progress() -> list[Campaign]:
    totals = cell_totals(clusters.DIM_CAMPAIGN)
    surviving = surviving_totals()["campaign"]
    campaigns = list(Campaign.objects.select_related("kecamatan", "organiser").order_by("-starts_on"))
    for campaign in campaigns:
        campaign.planting_count, campaign.trees = totals.get(campaign.pk, (0, 0))  # type: ignore[attr-defined]
        campaign.surviving = surviving.get(campaign.pk, 0)  # type: ignore[attr-defined]
    return campaigns


def campaign_detail(slug: str) -> dict[str, Any]:
    campaign = next((c for c in campaigns_with_progress() if c.slug == slug), None)
    if campaign is None:
        raise Http404(_("Kampanye tidak ditemukan."))
    plantings = plantings_public().filter(campaign=campaign)
    return {
        "campaign": campaign,
        "progress_percent": min(100, round(100 * campaign.trees / campaign.target_trees))  # type: ignore[attr-defined]
        if campaign.target_trees
        else 0,
        "surviving_percent": min(100, round(100 * campaign.surviving / campaign.target_trees))  # type: ignore[attr-defined]
        if campaign.target_trees
        else 0,
        "survival": survival_summary(plantings),
        "recent": plantings.select_related("species", "desa", "community").order_by("-planted_on")[:20],
    }


def leaderboard_kecamatan() -> list[dict[str, Any]]:
    """Per kecamatan: verified trees, plantings (from the map cells), surviving trees and its top
    community (both cached, single_flight); ranked by surviving trees, then trees planted."""
    totals = cell_totals(clusters.DIM_KECAMATAN)
    surviving = surviving_totals()["kecamatan"]
    kecamatan = {k.pk: k for k in Kecamatan.objects.only("id", "name", "slug")}
    rows = sorted(
        (
            {
                "kecamatan__name": kecamatan[pk].name,
                "kecamatan__slug": kecamatan[pk].slug,
                "plantings": n,
                "trees": t,
                "surviving": surviving.get(pk, 0),
            }
            for pk, (n, t) in totals.items()
            if pk in kecamatan
        ),
        key=lambda row: (-row["surviving"], -row["trees"], row["kecamatan__name"]),
    )
    tops = leaderboard_tops()
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["top_community"] = tops.get(row["kecamatan__slug"])
    return rows


LEADERBOARD_TOPS_KEY = "tanam:leaderboard-top"
# How long a reader with nothing cached yet waits for the one request computing the ranking.
LEADERBOARD_WAIT_SECONDS = 5.0


def leaderboard_tops() -> dict[str, str]:
    """{kecamatan slug: its top community}: an aggregate over every verified planting (~1.7 s at
    1 M plantings), recomputed after each change of verified plantings (the clusters version).
    One request recomputes it; the others meanwhile read the previous ranking (no stampede)."""
    version = cache.get(CLUSTERS_VERSION_KEY) or 0  # changes whenever verified plantings change
    return single_flight(
        LEADERBOARD_TOPS_KEY,
        _top_community_per_kecamatan,
        version=version,
        timeout=24 * 3600,
        wait_seconds=LEADERBOARD_WAIT_SECONDS,
    )


def _top_community_per_kecamatan() -> dict[str, str]:
    tops: dict[str, str] = {}
    for row in (
        plantings_public()
        .exclude(community=None)
        .values("kecamatan__slug", "community__name")
        .annotate(trees=Sum("tree_count"))
        .order_by("kecamatan__slug", "-trees")
    ):
        tops.setdefault(row["kecamatan__slug"], row["community__name"])
    return tops


def planting_input(planting: Planting) -> dict[str, Any]:
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


# --- Diskominfo's review queue (blitar_portal/dashboard/views_review.py) ---------------------

NEARBY_METRES = 10


def plantings_review_queue() -> QuerySet[Planting]:
    """Plantings waiting for verification, the oldest registration first."""
    return (
        Planting.objects.filter(status=Planting.Status.PENDING)
        .select_related("species", "desa", "kecamatan", "user")
        .defer("desa__geom", "kecamatan__geom")
        .order_by("created_at", "id")
    )


def planting_for_review(pk: int) -> Planting | None:
    return (
        Planting.objects.select_related("species", "desa", "kecamatan", "user", "community", "campaign", "verified_by")
        .defer("desa__geom", "kecamatan__geom")
        .filter(pk=pk)
        .first()
    )


def plantings_nearby(planting: Planting, *, metres: float = NEARBY_METRES) -> QuerySet[Planting]:
    """Other plantings (any status, any planter) within `metres` of this one: distance on the geography
    (metres on the ground), nearest first, with `distance_m`."""
    ewkt = planting.point.ewkt
    return (
        Planting.objects.exclude(pk=planting.pk)
        .alias(
            near=RawSQL(
                "ST_DWithin(tanam_planting.point::geography, ST_GeomFromEWKT(%s)::geography, %s)",
                (ewkt, metres),
                output_field=BooleanField(),
            )
        )
        .filter(near=True)
        .annotate(
            distance_m=RawSQL(
                "ST_Distance(tanam_planting.point::geography, ST_GeomFromEWKT(%s)::geography)",
                (ewkt,),
                output_field=FloatField(),
            )
        )
        .select_related("species", "user")
        .order_by("distance_m", "id")[:20]
    )


def planting_audits(planting: Planting) -> QuerySet[PlantingAudit]:
    return PlantingAudit.objects.filter(planting=planting).select_related("user")


def review_counts() -> dict[str, int]:
    return {"penanaman": plantings_review_queue().count()}
