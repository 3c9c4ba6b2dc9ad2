"""Run by tests/portal/test_replica.py in a separate process whose DATABASE_URL is a real
PostgreSQL primary and DATABASE_REPLICA_URL its streaming replica (pg_basebackup -R).
With the replica's replay paused, an owner adds a product on the primary: which pages see it
tells which server they read from. Prints one JSON object with what it saw."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blitar_portal.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from blitar_portal.accounts.roles import DISKOMINFO, IKM_OWNER  # noqa: E402
from blitar_portal.lib.db import use_replica  # noqa: E402
from ikm.models import Product, Shop  # noqa: E402
from tests.ikm.conftest import make_product  # noqa: E402

TOKEN = os.environ["MONITORING_TOKEN"]
seen = {}
replica = psycopg2.connect(os.environ["PROBE_REPLICA_DSN"])
replica.autocommit = True


def on_replica(sql):
    with replica.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0] if cursor.description else None


def replica_queries(method, path, client, **extra):
    """(status, body, queries the request ran on the replica, queries on the primary)."""
    with CaptureQueriesContext(connections["replica1"]) as on_r, CaptureQueriesContext(connections["default"]) as on_p:
        response = getattr(client, method)(path, **extra)
    return response.status_code, response.content.decode(), len(on_r), len(on_p)


with use_replica():
    seen["routed_alias"] = Product.objects.all().db
    seen["users_alias"] = User.objects.all().db
    with connections[seen["routed_alias"]].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["routed_in_recovery"] = cursor.fetchone()[0]
seen["default_alias"] = Product.objects.all().db

owner = User.objects.get(username=os.environ["PROBE_OWNER"])
staff = User.objects.get(username=os.environ["PROBE_STAFF"])
staff.groups.add(Group.objects.get(name=DISKOMINFO))
owner.groups.add(Group.objects.get(name=IKM_OWNER))
shop = Shop.objects.get(owner=owner)
owner_client, staff_client, anonymous = Client(), Client(), Client()
owner_client.force_login(owner)
staff_client.force_login(staff)
# Let the replica catch up with the logins, then freeze its replay.
time.sleep(0.5)
on_replica("SELECT pg_wal_replay_pause()")
new = make_product(shop, name="Kopi Robusta Replika", description="Kopi bubuk.")

status, body, r, p = replica_queries("get", "/api/v1/ikm/products/", anonymous)
seen["api_list"] = {"status": status, "has_new": new.slug in body, "replica_queries": r, "primary_queries": p}
status, body, r, p = replica_queries("get", f"/api/v1/ikm/products/{new.slug}/", anonymous)
seen["api_detail"] = {"status": status, "replica_queries": r}
status, body, r, p = replica_queries("get", "/api/v1/hospitals/", anonymous)
seen["api_hospitals"] = {"status": status, "replica_queries": r}
status, body, r, p = replica_queries("get", "/dasbor/ikm/", staff_client)
seen["dashboard"] = {"status": status, "replica_queries": r}
status, body, r, p = replica_queries("get", "/ikm/toko-saya/", owner_client)
seen["owner_page"] = {"status": status, "has_new": "Kopi Robusta Replika" in body, "replica_queries": r}
status, body, r, p = replica_queries("get", f"/ikm/toko-saya/produk/{new.pk}/", owner_client)
seen["owner_product_page"] = {"status": status, "replica_queries": r, "primary_queries": p}

time.sleep(1.2)  # the replica is now more than REPLICA_MAX_LAG_SECONDS (1) behind
auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
metrics = anonymous.get("/metrics", **auth).content.decode()
lag_line = next(line for line in metrics.splitlines() if line.startswith("portal_db_replica_lag_seconds{"))
seen["lag_paused"] = float(lag_line.rsplit(" ", 1)[1])
health = anonymous.get("/healthz", **auth)
seen["health_paused"] = {"failing": health.json()["failing"], "replica": health.json()["checks"]["replica"]}

on_replica("SELECT pg_wal_replay_resume()")
deadline = time.monotonic() + 30
while time.monotonic() < deadline and not on_replica(f"SELECT count(*) FROM ikm_product WHERE id = {int(new.pk)}"):  # noqa: S608
    time.sleep(0.1)
while time.monotonic() < deadline and on_replica("SELECT pg_last_wal_receive_lsn() <> pg_last_wal_replay_lsn()"):
    time.sleep(0.1)
status, body, r, p = replica_queries("get", "/api/v1/ikm/products/", anonymous)
seen["api_list_resumed"] = {"status": status, "has_new": new.slug in body}
metrics = anonymous.get("/metrics", **auth).content.decode()
lag_line = next(line for line in metrics.splitlines() if line.startswith("portal_db_replica_lag_seconds{"))
seen["lag_resumed"] = float(lag_line.rsplit(" ", 1)[1])
health = anonymous.get("/healthz", **auth)
seen["health_resumed"] = health.json()["checks"]["replica"]
print(json.dumps(seen))
