"""Helpers of the outbox tests: a broker outage for a block of code."""

import contextlib

from tests.conftest import DEAD_BROKER


@contextlib.contextmanager
def broker_unreachable():
    """Every publish inside the block goes to a closed loopback port (see tests/conftest.py broker_down)."""
    from blitar_portal.celery import app

    def point_at(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    point_at(DEAD_BROKER)
    try:
        yield
    finally:
        point_at(original)
