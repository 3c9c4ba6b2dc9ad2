"""Grid clustering of verified plantings: the zoom bands, the cell maths and the SQL.

Why: clustering 1,000,000 points on request takes ~0.9 s; reading precomputed cells
takes milliseconds. Each zoom band b (8..16) is a grid of square cells of
CELL(b) = 360 / 2**(b + 2) degrees (about 64 screen pixels at zoom b), anchored at
(0, 0), so every cell of band b is exactly four cells of band b + 1 and a coarse
band is the sum of the next finer one.

Bands 8..13 also hold one row per filter value (species, year, kecamatan, community,
campaign: `DIM_*`) and per (year, other filter value) pair (`PAIR_DIM_OFFSET`), so a map
filtered by one value, or by a year and one value, is as cheap as an unfiltered one; bands 14..16
only hold the unfiltered counts (a map with one filter shows band 13 cells there; with
several filters the matching plantings are clustered on request). At zoom >= PIN_ZOOM the individual pins are served
when there are at most MAX_FEATURES of them in the viewport. The zoom used is never finer than what a
screen of VIEWPORT_PX would need for the bbox (`viewport_zoom`), so a huge bbox at a high zoom is
answered from coarse cells, not from pins.

This module holds no state: services.py writes the cells, selectors.py reads them.
"""

import math

MIN_BAND, MAX_BAND, MAX_DIM_BAND = 8, 16, 13
PIN_ZOOM = 17
MAX_FEATURES = 1000
# The largest screen (CSS px, either side) a bbox is assumed to be drawn on; Leaflet tiles are 256 px.
VIEWPORT_PX, TILE_PX = 2048, 256
DIM_ALL, DIM_SPECIES, DIM_YEAR, DIM_KECAMATAN, DIM_COMMUNITY, DIM_CAMPAIGN = range(6)
DIM_COLUMNS = {
    DIM_SPECIES: "species_id",
    DIM_YEAR: "yr",
    DIM_KECAMATAN: "kecamatan_id",
    DIM_COMMUNITY: "community_id",
    DIM_CAMPAIGN: "campaign_id",
}
FILTER_DIMS = {
    "species": DIM_SPECIES,
    "year": DIM_YEAR,
    "kecamatan": DIM_KECAMATAN,
    "community": DIM_COMMUNITY,
    "campaign": DIM_CAMPAIGN,
}
# A year with one other filter (the map's usual "this species planted in 2024") is precomputed too:
# dim = PAIR_DIM_OFFSET + the other filter's dim, value = other id * YEAR_SLOTS + year.
PAIR_DIM_OFFSET, YEAR_SLOTS = 10, 10000
PAIR_COLUMNS = {PAIR_DIM_OFFSET + dim: col for dim, col in DIM_COLUMNS.items() if dim != DIM_YEAR}


def precomputed_key(filters):
    """(dim, value) of the stored cells answering these filters, or None (clustered on request)."""
    if not filters:
        return DIM_ALL, 0
    if len(filters) == 1:
        ((name, value),) = filters.items()
        return FILTER_DIMS[name], value
    if len(filters) == 2 and "year" in filters and 0 <= filters["year"] < YEAR_SLOTS:
        ((name, value),) = ((k, v) for k, v in filters.items() if k != "year")
        if 0 <= value < 2**31 // YEAR_SLOTS - 1:
            return PAIR_DIM_OFFSET + FILTER_DIMS[name], value * YEAR_SLOTS + filters["year"]
    return None


def cell_size(band):
    return 360.0 / 2 ** (band + 2)


def cell_of(band, lon, lat):
    size = cell_size(band)
    return math.floor(lon / size), math.floor(lat / size)


def cells_in_bbox(band, bbox):
    """(gx0, gy0, gx1, gy1) inclusive cell range covering bbox (minx, miny, maxx, maxy)."""
    size = cell_size(band)
    minx, miny, maxx, maxy = bbox
    return math.floor(minx / size), math.floor(miny / size), math.floor(maxx / size), math.floor(maxy / size)


def viewport_zoom(zoom, bbox):
    """The zoom to cluster at: the requested one, or coarser when the bbox is wider than a screen.

    A client may ask for a large bbox at a high zoom (the whole regency at zoom 16). A real
    map of VIEWPORT_PX pixels showing that bbox would be at the zoom returned here, so the
    answer never depends on trusting the zoom parameter: never pins and never fine cells
    for a bbox that no screen shows at that zoom.
    """
    minx, miny, maxx, maxy = bbox
    extent = max(maxx - minx, maxy - miny, 1e-9)
    fits = math.floor(math.log2(VIEWPORT_PX * 360.0 / (TILE_PX * extent)))
    return max(0, min(int(zoom), fits))


def band_for(zoom, bbox):
    """The band for this viewport: the bbox's viewport zoom, coarsened until its cells stay within MAX_FEATURES."""
    band = max(MIN_BAND, min(MAX_BAND, viewport_zoom(zoom, bbox)))
    while band > MIN_BAND:
        gx0, gy0, gx1, gy1 = cells_in_bbox(band, bbox)
        if (gx1 - gx0 + 1) * (gy1 - gy0 + 1) <= MAX_FEATURES:
            break
        band -= 1
    return band


# --- SQL ------------------------------------------------------------------------------
# %(size)s is the band's cell size; {public} is the rule of a public planting
# (`selectors.public_planting_sql`); {cell} narrows to one cell (incremental refresh) or to
# nothing (bulk rebuild).

_PLANTING_ROWS = """
    SELECT floor(ST_X(point) / %(size)s)::int AS gx, floor(ST_Y(point) / %(size)s)::int AS gy,
           ST_X(point) AS x, ST_Y(point) AS y, tree_count, species_id,
           extract(year FROM planted_on)::int AS yr, kecamatan_id, community_id, campaign_id
    FROM tanam_planting
    WHERE {public} {cell}
"""
_ONE_CELL = (
    "AND point && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)"
    " AND floor(ST_X(point) / %(size)s)::int = %(gx)s AND floor(ST_Y(point) / %(size)s)::int = %(gy)s"
)

# Joined, not formatted: every part is a constant of this module.
SQL_INSERT_ALL_BAND = "".join(
    (
        """
    INSERT INTO tanam_clustercell (band, dim, value, gx, gy, plantings, trees, sum_x, sum_y)
    SELECT %(band)s, 0, 0, gx, gy, count(*), sum(tree_count), sum(x), sum(y)
    FROM (""",
        _PLANTING_ROWS,
        """) p GROUP BY gx, gy
""",
    )
)

# Pairs (column, yr) first: their rows also have GROUPING(yr) = 0.
_DIM_CASE = " ".join(
    [f"WHEN GROUPING({col}) = 0 AND GROUPING(yr) = 0 THEN {dim}" for dim, col in PAIR_COLUMNS.items()]
    + [f"WHEN GROUPING({col}) = 0 THEN {dim}" for dim, col in DIM_COLUMNS.items()]
)
_VALUE_CASE = " ".join(
    [f"WHEN GROUPING({col}) = 0 AND GROUPING(yr) = 0 THEN {col} * {YEAR_SLOTS} + yr" for col in PAIR_COLUMNS.values()]
    + [f"WHEN GROUPING({col}) = 0 THEN {col}" for col in DIM_COLUMNS.values()]
)
_SETS = ", ".join(
    ["(gx, gy)"]
    + [f"(gx, gy, {col})" for col in DIM_COLUMNS.values()]
    + [f"(gx, gy, {col}, yr)" for col in PAIR_COLUMNS.values()]
)

SQL_INSERT_DIM_BAND = "".join(
    (
        """
    INSERT INTO tanam_clustercell (band, dim, value, gx, gy, plantings, trees, sum_x, sum_y)
    SELECT %(band)s, dim, value, gx, gy, n, t, sx, sy FROM (
        SELECT gx, gy, CASE """,
        _DIM_CASE,
        " ELSE 0 END AS dim, CASE ",
        _VALUE_CASE,
        """ ELSE 0 END AS value,
               count(*) AS n, sum(tree_count) AS t, sum(x) AS sx, sum(y) AS sy
        FROM (""",
        _PLANTING_ROWS,
        ") p GROUP BY GROUPING SETS (",
        _SETS,
        """)
    ) q WHERE value IS NOT NULL
""",
    )
)

SQL_INSERT_FROM_CHILDREN = """
    INSERT INTO tanam_clustercell (band, dim, value, gx, gy, plantings, trees, sum_x, sum_y)
    SELECT %(band)s, dim, value, floor(gx / 2.0)::int, floor(gy / 2.0)::int,
           sum(plantings), sum(trees), sum(sum_x), sum(sum_y)
    FROM tanam_clustercell
    WHERE band = %(child)s {cell}
    GROUP BY dim, value, floor(gx / 2.0)::int, floor(gy / 2.0)::int
"""
_CHILD_CELL = "AND gx BETWEEN %(gx)s * 2 AND %(gx)s * 2 + 1 AND gy BETWEEN %(gy)s * 2 AND %(gy)s * 2 + 1"

SQL_DELETE_CELL = "DELETE FROM tanam_clustercell WHERE band = %(band)s AND gx = %(gx)s AND gy = %(gy)s"


def cell_params(band, gx, gy):
    size = cell_size(band)
    return {
        "band": band,
        "child": band + 1,
        "size": size,
        "gx": gx,
        "gy": gy,
        "x0": gx * size,
        "y0": gy * size,
        "x1": (gx + 1) * size,
        "y1": (gy + 1) * size,
    }


def band_insert_sql(band, *, one_cell):
    """The INSERT that fills band `band` (one cell of it, or all of it) from the public plantings."""
    from .selectors import public_planting_sql  # selectors imports this module

    if band > MAX_DIM_BAND:
        return SQL_INSERT_ALL_BAND.format(public=public_planting_sql(), cell=_ONE_CELL if one_cell else "")
    if band == MAX_DIM_BAND:
        return SQL_INSERT_DIM_BAND.format(public=public_planting_sql(), cell=_ONE_CELL if one_cell else "")
    return SQL_INSERT_FROM_CHILDREN.format(cell=_CHILD_CELL if one_cell else "")


def bands_fine_to_coarse():
    return range(MAX_BAND, MIN_BAND - 1, -1)
