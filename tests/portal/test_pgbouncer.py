"""The portal behind a real pgbouncer in transaction pooling mode (Debian's pgbouncer on loopback,
one server connection shared by every client): IKM search with its typo-tolerant trigram
fallback, the open-data export and iterator() sweeps work through it (tests/portal/pgbouncer_probe.py)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))
import engines  # noqa: E402

ROOT = Path(settings.BASE_DIR)
# "mna" is like no word of the catalogue (so neither full text nor the spelling correction
# finds the product), but the query's trigrams cover "Abon Lele Mina" (word similarity 0.86):
# only the trigram fallback, at the portal's threshold, finds it.
PRODUCT, QUERY = "Abon Lele Mina", "abon lele mna"


@pytest.fixture
def bouncer(transactional_db, tmp_path):
    if not os.path.exists(engines.PGBOUNCER):
        pytest.fail("pgbouncer is missing: run `make setup-test` (scripts/setup.sh --for-tests installs it)")
    db = connection.settings_dict
    user = db["USER"] or os.environ.get("PGUSER") or __import__("getpass").getuser()
    base = engines.workdir("blitar-pgbouncer-")
    bouncer = None
    try:
        bouncer = engines.PgBouncer(
            base, engines.free_port(), server_port=int(db["PORT"] or 5432), users=[user], pool_size=1
        )
        yield bouncer, db["NAME"], user
    finally:
        if bouncer:
            bouncer.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_search_and_open_data_export_work_through_pgbouncer_transaction_pooling(bouncer, tmp_path):
    bouncer, name, user = bouncer
    env = {
        **os.environ,
        "DATABASE_URL": bouncer.url(name, user),
        "DB_PGBOUNCER": "1",
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PROBE_BOUNCER_DSN": f"host=127.0.0.1 port={bouncer.port} dbname={name} user={user}",
        "PROBE_QUERY": QUERY,
        "PROBE_PRODUCT": PRODUCT,
    }
    env.pop("PYTEST_VERSION", None)  # the probe runs with the portal's own (non-test) settings
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "portal" / "pgbouncer_probe.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    # The neighbour's session setting really sits on the shared server connection ...
    assert seen["neighbour_threshold"] == "0.95" and seen["threshold_outside_search"] == "0.95"
    # ... and the search still finds the misspelt product with its own threshold.
    assert seen["search_page"] == [PRODUCT]
    assert seen["search_api"] == [PRODUCT]
    assert seen["search_view_status"] == 200 and seen["search_view_finds"]
    # Exports and sweeps: no server-side cursor (it would outlive its server connection).
    assert seen["server_side_cursors_disabled"] is True
    assert seen["declared_cursors"] == 0
    assert seen["open_data_rows"] == [3, 3] and seen["iterated_rows"] == 3
    assert seen["export_status"] == 200 and seen["export_lines"] == 4  # header + 3 plantings
    assert seen["server_port"] == int(connection.settings_dict["PORT"] or 5432)
