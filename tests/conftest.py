"""Shared fixtures: personas and a real Celery worker.

Regions are loaded by post_migrate (also after a transactional test's flush).

Personas (in the spirit of healthchecks' alice/bob/charlie):
- alice: Diskominfo staff (programme staff, moderation, dashboards)
- bob: an ordinary signed-in citizen
- charlie: a signed-in user who must see nothing that isn't public
Apps add their own personas in tests/<app>/conftest.py (hospital clerk, IKM owner…).
"""

import os

import pytest

from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop.

PASSWORD = "kata-sandi-uji-123"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: delete this run's keys (never FLUSHDB a shared Redis)."""
    yield
    from django.core.cache import cache

    from blitar_portal.lib.cache import page_cache_forget_local
    from ikm.selectors import catalogue_local_forget

    catalogue_local_forget()  # the in-process copies of cached catalogue data and pages go with the shared cache
    page_cache_forget_local()

    prefix = cache.key_prefix
    try:
        client = cache.client.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception:  # noqa: BLE001, S110 - Redis down is a state some tests create on purpose
        pass


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    from blitar_portal.accounts.roles import DISKOMINFO

    return UserFactory(username="alice", first_name="Alice Diskominfo", groups=[DISKOMINFO], is_staff=True)


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", first_name="Bob Warga")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie Tanpa Akses")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming this run's queue from the real Redis broker.

    Tests that use it must commit their data (transactional_db): the worker has its
    own database connection.
    """
    from celery.contrib.testing.worker import start_worker

    from blitar_portal.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING") as worker:
        yield worker


DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there


@pytest.fixture
def broker_down():
    """Celery's broker is unreachable for this test: every publish goes to a closed loopback port."""
    from blitar_portal.celery import app

    def point_at(url):
        app.conf.broker_url = url
        # Producers are pooled per broker URL (kombu.pools): dropping the app's handles makes the
        # next publish use the URL now configured, and leaves the real pool intact for later.
        app._pool = None
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    point_at(DEAD_BROKER)
    yield
    point_at(original)
