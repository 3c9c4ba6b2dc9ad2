"""Land cover ("ketertutupan lahan") estimated from registered trees: method and SQL.

Method (also shown on /tanam/tutupan/):

* Crown growth. A tree planted on day P has at the end of year Y an age
  t = (31 Dec Y − P) in years and a crown diameter
  D(t) = D0 + (Dmax − D0) · (1 − exp(−3 t / T)),
  with D0 = 0.5 m (a nursery seedling), Dmax the species' typical mature crown
  diameter and T its years to maturity (after T years the crown is at 95 % of Dmax).
* Group plantings (one pin, n trees): one disc whose area is n crowns,
  radius = D/2 · √n, capped at GROUP_RADIUS_CAP_M (50 m, ~0.8 ha) because a larger
  group is spread over ground we do not know.
* Living trees: verified plantings planted on or before 31 Dec Y, not observed dead
  by then (a tree counts as living until an observation says it died; unobserved
  trees count as living — the largest source of over-estimation).
* Canopy of a desa = area (EPSG:32749, metres) of the UNION of the crown discs of its
  living trees, so overlapping crowns count once. Discs are drawn as regular octagons
  of the same area as the disc (circumradius × OCTAGON_EQUAL_AREA). To stay fast,
  discs are first grouped by ST_ClusterDBSCAN(eps 0): a disc that touches no other
  counts with its own area and only touching groups are unioned.
  A crown belongs to the desa of its trunk (no clipping at desa borders). The union is
  taken per 500 m tile (by trunk) and the tiles are summed, so one change recomputes one
  tile; two crowns overlapping across a tile border count twice (rare: crowns are < 50 m).
* Kecamatan and regency canopy = sums of their desa; percentages divide by the area
  of the kecamatan/desa/regency polygon measured in EPSG:32749.
* CO₂ per year = Σ species uptake of a mature tree × (D(t)/Dmax)² × trees (uptake
  assumed proportional to crown area) over living trees.
* Survival = trees not dead / trees observed at least once by the end of the year.
"""

import math

FIRST_YEAR = 2016
SEEDLING_CROWN_M = 0.5
GROUP_RADIUS_CAP_M = 50.0
METRIC_SRID = 32749
# A regular octagon with circumradius R has area 2·√2·R²; this factor makes it equal to π r².
OCTAGON_EQUAL_AREA = (math.pi / (2 * math.sqrt(2))) ** 0.5

TILE_M = 500  # canopy is stored per desa × 500 m tile × year, so a change recomputes one tile

# One row per verified planting and year: alive/monitored flags, crown diameter at the end of that year,
# the trunk in metres and its tile. {public} is the rule of a public planting
# (`selectors.public_planting_sql`); {where} narrows to desa or tiles.
_TREES = """
    SELECT pl.desa_id, y.y AS year, pl.tree_count, pl.utm,
           floor(ST_X(pl.utm) / %(tile)s)::int AS tx, floor(ST_Y(pl.utm) / %(tile)s)::int AS ty,
           s.co2_kg_per_year,
           (pl.dead_since IS NULL OR pl.dead_since > make_date(y.y, 12, 31)) AS alive,
           (pl.first_observed_on IS NOT NULL AND pl.first_observed_on <= make_date(y.y, 12, 31)) AS monitored,
           least(s.crown_diameter_m, %(d0)s)
             + greatest(s.crown_diameter_m - %(d0)s, 0)
               * (1 - exp(-3.0 * ((make_date(y.y, 12, 31) - pl.planted_on) / 365.25) / s.years_to_maturity))
             AS crown_d,
           s.crown_diameter_m AS crown_max
    FROM (SELECT *, ST_Transform(point, %(srid)s) AS utm FROM tanam_planting
          WHERE {public} {where}) pl
    JOIN tanam_species s ON s.id = pl.species_id
    JOIN unnest(%(years)s::int[]) AS y(y) ON pl.planted_on <= make_date(y.y, 12, 31)
"""

# Canopy m² per desa, tile and year: union of the crown discs (octagons of equal area).
# Joined, not formatted: the parts are constants of this module.
SQL_TILE_CANOPY = "".join(
    (
        "WITH trees AS (",
        _TREES,
        """),
    discs AS (
        SELECT desa_id, tx, ty, year,
               ST_Buffer(utm, least(crown_d / 2 * sqrt(tree_count), %(cap)s) * %(octagon)s, 'quad_segs=2') AS g
        FROM trees WHERE alive
    ),
    grouped AS (
        SELECT desa_id, tx, ty, year, g,
               ST_ClusterDBSCAN(g, 0, 2) OVER (PARTITION BY desa_id, tx, ty, year) AS cid
        FROM discs
    )
    SELECT desa_id, tx, ty, year, sum(a) FROM (
        SELECT desa_id, tx, ty, year, sum(ST_Area(g)) AS a FROM grouped WHERE cid IS NULL
        GROUP BY desa_id, tx, ty, year
        UNION ALL
        SELECT desa_id, tx, ty, year, ST_Area(ST_UnaryUnion(ST_Collect(g))) FROM grouped WHERE cid IS NOT NULL
        GROUP BY desa_id, tx, ty, year, cid
    ) parts GROUP BY desa_id, tx, ty, year
""",
    )
)

# Trees, survival and CO₂ per desa and year (no geometry work: cheap for a whole desa).
SQL_DESA_FIGURES = "".join(
    (
        "WITH trees AS (",
        _TREES,
        """)
    SELECT desa_id, year, count(*), coalesce(sum(tree_count) FILTER (WHERE alive), 0),
           coalesce(sum(tree_count) FILTER (WHERE monitored), 0),
           coalesce(sum(tree_count) FILTER (WHERE monitored AND alive), 0),
           coalesce(sum(co2_kg_per_year * power(crown_d / crown_max, 2) * tree_count) FILTER (WHERE alive), 0)
    FROM trees GROUP BY desa_id, year
""",
    )
)

_WHERE_DESA = "AND desa_id = ANY(%(desa_ids)s)"
_WHERE_TILES = (
    "AND desa_id = ANY(%(desa_ids)s) AND (desa_id, floor(ST_X(ST_Transform(point, %(srid)s)) / %(tile)s)::int,"
    " floor(ST_Y(ST_Transform(point, %(srid)s)) / %(tile)s)::int)"
    " IN (SELECT * FROM unnest(%(tile_desa)s::bigint[], %(tile_x)s::int[], %(tile_y)s::int[]))"
)


def _of_public_plantings(sql, where):
    from .selectors import public_planting_sql

    return sql.replace("{public}", public_planting_sql()).replace("{where}", where)


def tile_canopy_sql(*, scope):
    """scope: "all" desa, "desa" (those in desa_ids) or "tiles" (those in tile_*)."""
    where = {"all": "", "desa": _WHERE_DESA, "tiles": _WHERE_TILES}[scope]
    return _of_public_plantings(SQL_TILE_CANOPY, where)


def desa_figures_sql(*, all_desa):
    return _of_public_plantings(SQL_DESA_FIGURES, "" if all_desa else _WHERE_DESA)


def sql_params(*, years, desa_ids=(), tiles=()):
    return {
        "years": list(years),
        "desa_ids": list(desa_ids),
        "tile_desa": [t[0] for t in tiles],
        "tile_x": [t[1] for t in tiles],
        "tile_y": [t[2] for t in tiles],
        "tile": TILE_M,
        "d0": SEEDLING_CROWN_M,
        "srid": METRIC_SRID,
        "cap": GROUP_RADIUS_CAP_M,
        "octagon": OCTAGON_EQUAL_AREA,
    }


def tile_of(point):
    """(tx, ty) of the 500 m tile (EPSG:32749) holding a 4326 point."""
    utm = point.transform(METRIC_SRID, clone=True)
    return math.floor(utm.x / TILE_M), math.floor(utm.y / TILE_M)


def survival_percent(monitored, survived):
    return round(100.0 * (survived or 0) / monitored, 1) if monitored else None
