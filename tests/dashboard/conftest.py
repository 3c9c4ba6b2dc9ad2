"""Dashboard fixtures: a superuser persona and helpers to refresh the stored summaries."""

import pytest

from tests.factories import UserFactory

SECTION_URLS = ["/dasbor/", "/dasbor/kesehatan/", "/dasbor/ikm/", "/dasbor/tanam/"]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Each test's database is rolled back: summaries cached by an earlier test must not leak.
    from django.core.cache import cache

    from blitar_portal.dashboard.services import QUEUED_KEY
    from blitar_portal.dashboard.shapes import CACHE_KEY

    cache.delete_many([CACHE_KEY, QUEUED_KEY])
    try:
        from ehealth.selectors import board_cache_invalidate
    except ImportError:
        return
    board_cache_invalidate()


def refresh():
    from blitar_portal.dashboard.services import summaries_refresh

    return summaries_refresh(trigger="test")
