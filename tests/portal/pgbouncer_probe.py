"""Run by tests/portal/test_pgbouncer.py in a separate process whose DATABASE_URL points at
pgbouncer (transaction pooling, ONE server connection): the portal's own database work —
writes, the IKM search with its trigram fallback, the open-data export and a
QuerySet.iterator() sweep — goes through it. Prints one JSON object with what it saw.

Before searching, a neighbour client of the same pgbouncer leaves a session setting
`pg_trgm.word_similarity_threshold = 0.95` on the shared server connection (any client can:
under transaction pooling a session SET stays on the server connection for the next client).
A per-connection SET made by the portal at connect time (the old ikm/apps.py) is overwritten
the same way; the search's own SET LOCAL is not.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blitar_portal.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from blitar_portal.regions.models import Desa, Kecamatan  # noqa: E402
from ikm import selectors as ikm_selectors  # noqa: E402
from tanam import services as tanam_services  # noqa: E402
from tanam.models import Planting, Species  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.ikm.conftest import make_product, make_shop  # noqa: E402

QUERY = os.environ["PROBE_QUERY"]
seen = {"server_side_cursors_disabled": connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]}

# --- writes through pgbouncer ------------------------------------------------------------------
if not Kecamatan.objects.exists():
    call_command("load_regions", verbosity=0)
tanam_services.species_load_csv()
shop = make_shop(UserFactory(), name="Toko Abon Lele")
make_product(shop, name=os.environ["PROBE_PRODUCT"], description="Olahan ikan.")
desa = Desa.objects.select_related("kecamatan").order_by("code").first()
species = Species.objects.get(slug="mahoni")
for n in range(1, 4):
    Planting.objects.create(
        user=UserFactory(), point=desa.geom.point_on_surface, kecamatan=desa.kecamatan, desa=desa,
        species=species, tree_count=n, planted_on="2024-01-01", status="verified",
    )  # fmt: skip

# --- a neighbour leaves a hostile session setting on the (only) server connection -------------
neighbour = psycopg2.connect(os.environ["PROBE_BOUNCER_DSN"])
neighbour.autocommit = True
with neighbour.cursor() as cursor:
    cursor.execute("SET pg_trgm.word_similarity_threshold = 0.95")
    cursor.execute("SHOW pg_trgm.word_similarity_threshold")
    seen["neighbour_threshold"] = cursor.fetchone()[0]
with connection.cursor() as cursor:  # the portal's next statement lands on that server connection
    cursor.execute("SHOW pg_trgm.word_similarity_threshold")
    seen["threshold_outside_search"] = cursor.fetchone()[0]

# --- the IKM search (trigram fallback) --------------------------------------------------------
page = ikm_selectors.search_page(q=QUERY, number=1, per_page=24)
seen["search_page"] = [product.name for product in page.object_list]
seen["search_api"] = [p.name for p in ikm_selectors.search_products(q=QUERY)]
client = Client()
seen["search_view_status"] = client.get("/ikm/cari/", {"q": QUERY}).status_code
seen["search_view_finds"] = os.environ["PROBE_PRODUCT"] in client.get("/ikm/cari/", {"q": QUERY}).content.decode()
neighbour.close()

# --- the open-data export and an iterator() sweep ----------------------------------------------
with CaptureQueriesContext(connection) as queries:
    built = tanam_services.open_data_build()
    ids = list(Planting.objects.values_list("pk", flat=True).iterator(chunk_size=2))
seen["declared_cursors"] = sum("DECLARE" in q["sql"].upper() for q in queries.captured_queries)
seen["open_data_rows"] = [getattr(f, "rows", None) for f in built]
seen["iterated_rows"] = len(ids)
response = client.get("/tanam/ekspor.csv")
seen["export_status"] = response.status_code
body = b"".join(response.streaming_content) if response.streaming else response.content
seen["export_lines"] = len(body.splitlines())
with connection.cursor() as cursor:
    cursor.execute("SELECT inet_server_port()")
    seen["server_port"] = cursor.fetchone()[0]
print(json.dumps(seen))
