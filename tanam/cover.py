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
  A crown belongs to the desa of its trunk (no clipping at desa borders).
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

# Columns per planting and year: y, desa, disc radius (m), crown growth fraction.
_TREES = """
    SELECT pl.id, pl.desa_id, pl.kecamatan_id, y.y AS year, pl.tree_count, pl.point,
           s.co2_kg_per_year,
           (pl.dead_since IS NULL OR pl.dead_since > make_date(y.y, 12, 31)) AS alive,
           (pl.first_observed_on IS NOT NULL AND pl.first_observed_on <= make_date(y.y, 12, 31)) AS monitored,
           least(s.crown_diameter_m, %(d0)s)
             + greatest(s.crown_diameter_m - %(d0)s, 0)
               * (1 - exp(-3.0 * ((make_date(y.y, 12, 31) - pl.planted_on) / 365.25) / s.years_to_maturity))
             AS crown_d,
           s.crown_diameter_m AS crown_max
    FROM tanam_planting pl
    JOIN tanam_species s ON s.id = pl.species_id
    JOIN unnest(%(years)s::int[]) AS y(y) ON pl.planted_on <= make_date(y.y, 12, 31)
    WHERE pl.status = 'verified' {desa_filter}
"""

# Joined, not formatted: both parts are constants of this module.
SQL_DESA_STATS = "".join(
    (
        """
    WITH trees AS (""",
        _TREES,
        """),
    discs AS (
        SELECT desa_id, year,
               ST_Buffer(ST_Transform(point, %(srid)s),
                         least(crown_d / 2 * sqrt(tree_count), %(cap)s) * %(octagon)s, 'quad_segs=2') AS g
        FROM trees WHERE alive
    ),
    grouped AS (
        SELECT desa_id, year, g, ST_ClusterDBSCAN(g, 0, 2) OVER (PARTITION BY desa_id, year) AS cid FROM discs
    ),
    canopy AS (
        SELECT desa_id, year, sum(a) AS canopy_m2 FROM (
            SELECT desa_id, year, sum(ST_Area(g)) AS a FROM grouped WHERE cid IS NULL GROUP BY desa_id, year
            UNION ALL
            SELECT desa_id, year, ST_Area(ST_UnaryUnion(ST_Collect(g))) FROM grouped
            WHERE cid IS NOT NULL GROUP BY desa_id, year, cid
        ) parts GROUP BY desa_id, year
    ),
    figures AS (
        SELECT desa_id, year, count(*) AS plantings,
               sum(tree_count) FILTER (WHERE alive) AS trees,
               sum(tree_count) FILTER (WHERE monitored) AS monitored,
               sum(tree_count) FILTER (WHERE monitored AND alive) AS survived,
               sum(co2_kg_per_year * power(crown_d / crown_max, 2) * tree_count) FILTER (WHERE alive) AS co2
        FROM trees GROUP BY desa_id, year
    )
    SELECT f.desa_id, f.year, coalesce(c.canopy_m2, 0), f.plantings, coalesce(f.trees, 0),
           f.monitored, f.survived, coalesce(f.co2, 0)
    FROM figures f LEFT JOIN canopy c ON c.desa_id = f.desa_id AND c.year = f.year
""",
    )
)


def desa_stats_sql(*, all_desa):
    return SQL_DESA_STATS.format(desa_filter="" if all_desa else "AND pl.desa_id = ANY(%(desa_ids)s)")


def desa_stats_params(*, years, desa_ids=None):
    return {
        "years": list(years),
        "desa_ids": list(desa_ids or []),
        "d0": SEEDLING_CROWN_M,
        "srid": METRIC_SRID,
        "cap": GROUP_RADIUS_CAP_M,
        "octagon": OCTAGON_EQUAL_AREA,
    }


def survival_percent(monitored, survived):
    return round(100.0 * (survived or 0) / monitored, 1) if monitored else None


def crown_diameter(*, age_years, mature_d, years_to_maturity):
    """Python twin of the SQL growth curve (used by tests and the method page)."""
    d0 = min(SEEDLING_CROWN_M, mature_d)
    return d0 + max(mature_d - d0, 0) * (1 - math.exp(-3.0 * max(age_years, 0) / years_to_maturity))
