"""Opt-in read routing to a REAL streaming replica: a PostgreSQL primary made with initdb (the
shared development server allows no replication connections) holding a copy of the test
database, and a replica made from it with `pg_basebackup -R`, both on loopback
(scripts/engines.py). tests/portal/replica_probe.py runs the portal against them with the
replica's replay paused, so what each page shows tells which server it read."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from blitar_portal.lib import db as replica_routing
from ikm.models import Product
from tests.factories import UserFactory
from tests.ikm.conftest import make_product, make_shop

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))
import engines  # noqa: E402

ROOT = Path(settings.BASE_DIR)


def _test_database_url():
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def primary_and_replica(transactional_db):
    owner, staff = UserFactory(username="pemilik-replika"), UserFactory(username="staf-replika")
    make_product(make_shop(owner), name="Keripik Tempe Sagu")
    base = engines.workdir("blitar-replica-")
    primary = replica = None
    try:
        primary = engines.Cluster.primary(base, engines.free_port())
        primary.copy_database(_test_database_url(), "portal")
        replica = primary.replica(base, engines.free_port())
        yield primary, replica, owner, staff
    finally:
        for cluster in (replica, primary):
            if cluster:
                cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


def test_dashboards_exports_and_public_api_read_the_replica_owner_pages_the_primary(primary_and_replica, tmp_path):
    primary, replica, owner, staff = primary_and_replica
    env = {
        **os.environ,
        "DATABASE_URL": primary.url("portal"),
        "DATABASE_REPLICA_URL": replica.url("portal"),
        "REPLICA_MAX_LAG_SECONDS": "1",
        "ALLOWED_HOSTS": "testserver",
        "MONITORING_TOKEN": "replica-token",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PROBE_REPLICA_DSN": f"host=127.0.0.1 port={replica.port} dbname=portal user=postgres",
        "PROBE_OWNER": owner.username,
        "PROBE_STAFF": staff.username,
        "CACHE_KEY_PREFIX": f"replica-probe-{os.getpid()}",
    }
    env.pop("PYTEST_VERSION", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "portal" / "replica_probe.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    # Inside use_replica() product reads go to a server in recovery; users always to the primary.
    assert seen["routed_alias"] == "replica1" and seen["routed_in_recovery"] is True
    assert seen["users_alias"] == "default" and seen["default_alias"] == "default"
    # Replay paused: the public API (read from the replica) does not see the new product yet ...
    assert seen["api_list"]["status"] == 200 and not seen["api_list"]["has_new"]
    assert seen["api_list"]["replica_queries"] > 0
    assert seen["api_detail"] == {"status": 404, "replica_queries": seen["api_detail"]["replica_queries"]}
    assert seen["api_detail"]["replica_queries"] > 0
    assert seen["api_hospitals"]["status"] == 200 and seen["api_hospitals"]["replica_queries"] > 0
    assert seen["dashboard"]["status"] == 200 and seen["dashboard"]["replica_queries"] > 0
    # ... while the owner's pages read their own write from the primary, never the replica.
    assert seen["owner_page"] == {"status": 200, "has_new": True, "replica_queries": 0}
    assert seen["owner_product_page"]["status"] == 200 and seen["owner_product_page"]["replica_queries"] == 0
    # The lag is reported while replay is paused, and /healthz names the replica.
    assert seen["lag_paused"] > 1
    assert "replica" in seen["health_paused"]["failing"] and "behind" in seen["health_paused"]["replica"]["error"]
    # Replay resumed: the replica catches up, the API shows the product, the lag is 0.
    assert seen["api_list_resumed"] == {"status": 200, "has_new": True}
    assert seen["lag_resumed"] == 0
    assert seen["health_resumed"]["ok"] is True and seen["health_resumed"]["lag_seconds"] == {"replica1": 0.0}


def test_without_a_configured_replica_use_replica_reads_the_primary(db, settings):
    settings.REPLICA_DATABASES = []
    with replica_routing.use_replica():
        assert Product.objects.all().db == "default"


def test_inside_a_transaction_reads_stay_on_the_primary(db, settings):
    """A transaction on the primary reads its own writes, even in a replica-routed view."""
    settings.REPLICA_DATABASES = ["replica-that-does-not-exist"]
    assert connection.in_atomic_block  # the test's own transaction
    with replica_routing.use_replica():
        assert Product.objects.all().db == "default"


def test_use_replica_routes_reads_only_inside_the_block(settings, django_db_blocker):
    settings.REPLICA_DATABASES = ["replica-that-does-not-exist"]
    with django_db_blocker.unblock():
        assert Product.objects.all().db == "default"
        with replica_routing.use_replica():
            assert Product.objects.all().db == "replica-that-does-not-exist"
            assert replica_routing.reading_from_replica()
        assert Product.objects.all().db == "default"
