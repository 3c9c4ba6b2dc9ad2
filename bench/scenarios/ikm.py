"""999 IKM Online benchmarks (targets in docs/architecture.md §6), on the scale-100 data: 1,000 shops, 20,000 products.

- http: /ikm/cari/?q=… — p95 ≤ 50 ms at 10 concurrent clients, for a misspelt query (trigram
  fallback), a two-word full-text query, and a broad query with a filter and a sort; these
  repeat one URL, so after the first request they measure the page cache. The "distinct
  searches" target makes every request a different search (query × kecamatan × sort ×
  page, shuffled) after invalidating the catalogue cache: nearly every request runs the
  search itself.
- measurement: the same searches done two ways in the bench database — the portal's indexed
  search (stored tsvector + GIN, trigram GIN) against a naive unindexed `icontains` over
  name, description and shop name — each through the same `ids_page` (the count and the
  first page of 24 ids in one query; loading those 24 products costs both the same). The
  bar is a ≥ 10× speed-up (median over the queries).
"""

import json
import random
from urllib.parse import urlencode

QUERIES = ["kripik tempe", "batik tulis", "kursi jati", "sambal pecel", "abon ikan lele", "tas anyaman pandan"]
# What people type: product words, misspellings (trigram fallback) and broad words.
DISTINCT_QUERIES = QUERIES + [
    "keripik singkong",
    "keripik pisang",
    "rengginang",
    "wingko babat",
    "kue lapis",
    "bolu kukus",
    "sirup belimbing",
    "jamu kunyit",
    "kopi robusta",
    "wedang uwuh",
    "teh rosella",
    "sambal bawang",
    "bumbu rujak",
    "petis udang",
    "kerupuk ikan",
    "bandeng presto",
    "keranjang bambu",
    "tampah",
    "kap lampu rotan",
    "topeng kayu",
    "miniatur candi",
    "talenan jati",
    "gerabah hias",
    "cobek batu",
    "selendang batik",
    "batik kawung",
    "kripik pisang",
    "sambel pecel",
    "kopi robsta",
    "gerabah",
]
SORT_KEYS = ["", "terbaru", "harga-terendah", "harga-tertinggi"]
P95_BAR_MS = 50


def _p95_ok(result, baseline):
    return result["p95_ms"] <= P95_BAR_MS and result["errors"] == 0


def _kecamatan_slugs(ctx):
    code = (
        "from blitar_portal.regions.models import Kecamatan; "
        "print('SLUGS', ' '.join(Kecamatan.objects.values_list('slug', flat=True)))"
    )
    out = ctx.manage("shell", "-c", code, capture=True).stdout
    return next(line for line in out.splitlines() if line.startswith("SLUGS ")).split()[1:]


def distinct_searches(kecamatan_slugs, seed=2026):
    """Every combination of query × (no) kecamatan × sort × page 1–2, shuffled."""
    paths = [
        "/ikm/cari/?" + urlencode({k: v for k, v in params.items() if v})
        for q in DISTINCT_QUERIES
        for kecamatan in ["", *kecamatan_slugs]
        for sort in SORT_KEYS
        for page in ("", "2")
        for params in [{"q": q, "kecamatan": kecamatan, "urut": sort, "halaman": page}]
    ]
    random.Random(seed).shuffle(paths)
    return paths


def http_targets(ctx):
    paths = distinct_searches(_kecamatan_slugs(ctx))
    # Nothing a previous run cached may answer: a new catalogue version.
    ctx.manage("shell", "-c", "from ikm.services import catalogue_changed; catalogue_changed()")
    return [
        {
            "name": f"ikm: distinct searches ({len(paths) - 500} URLs, uncached)",
            "path": "/ikm/cari/",
            "paths": paths[500:],
            "warm_paths": paths[:500],
            "concurrency": 10,
            "bar": f"p95 <= {P95_BAR_MS} ms",
            "check": _p95_ok,
        },
        {
            "name": "ikm: search, misspelt (kripik tempe)",
            "path": "/ikm/cari/?q=kripik+tempe",
            "concurrency": 10,
            "bar": f"p95 <= {P95_BAR_MS} ms",
            "check": _p95_ok,
        },
        {
            "name": "ikm: search, full text (batik tulis)",
            "path": "/ikm/cari/?q=batik+tulis",
            "concurrency": 10,
            "bar": f"p95 <= {P95_BAR_MS} ms",
            "check": _p95_ok,
        },
        {
            "name": "ikm: search, filtered + sorted (keripik)",
            "path": "/ikm/cari/?q=keripik&kategori=makanan-minuman&urut=harga-terendah",
            "concurrency": 10,
            "bar": f"p95 <= {P95_BAR_MS} ms",
            "check": _p95_ok,
        },
    ]


# Runs inside `manage.py shell` against the bench database; prints one JSON line.
_MEASURE = """
import json, statistics, time
from ikm.selectors import ids_page, search_ids_page, search_products, search_products_unindexed

def best_of(fn, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)

rows = []
for q in QUERIES:
    indexed = best_of(lambda: search_ids_page(q=q, number=1, per_page=24))
    naive = best_of(lambda: ids_page(search_products_unindexed(q).order_by("-created_at", "pk"), 1, per_page=24))
    rows.append({"q": q, "indexed_ms": indexed * 1000, "icontains_ms": naive * 1000,
                 "found": search_products(q=q).count(), "found_icontains": search_products_unindexed(q).count()})
print("JSON " + json.dumps(rows))
"""


def measurements(ctx):
    code = f"QUERIES = {QUERIES!r}\n" + _MEASURE
    out = ctx.manage("shell", "-c", code, capture=True).stdout
    rows = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    speedups = sorted(r["icontains_ms"] / r["indexed_ms"] for r in rows)
    median = speedups[len(speedups) // 2]
    result = []
    for r in rows:
        result.append(
            {
                "name": f"ikm: '{r['q']}' indexed / icontains ({r['found']} / {r['found_icontains']} found)",
                "value": r["indexed_ms"],
                "unit": "ms",
                "bar": f"vs {r['icontains_ms']:.1f} ms icontains",
                "ok": None,
            }
        )
    result.append(
        {
            "name": "ikm: search speed-up over unindexed icontains (median)",
            "value": median,
            "unit": "x",
            "bar": ">= 10x",
            "ok": median >= 10,
        }
    )
    return result
