import time

import pytest
from django.utils import timezone

from blitar_portal.celery import app as celery_app
from blitar_portal.core.models import WorkerHeartbeat
from blitar_portal.core.services import worker_heartbeat_record

DEAD_REDIS = "redis://127.0.0.1:6390/0"  # nothing listens there


@pytest.fixture
def broker_down():
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = DEAD_REDIS
    celery_app.pool.force_close_all()
    yield
    celery_app.conf.broker_url = original
    celery_app.pool.force_close_all()


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}


def test_healthz_is_200_when_every_part_answers(client, db):
    worker_heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert body["checks"]["worker"]["heartbeat_age_seconds"] < 5


def test_healthz_names_the_worker_when_no_heartbeat_arrived(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_healthz_names_the_worker_when_heartbeat_is_old(client, db, settings):
    WorkerHeartbeat.objects.create(
        queue=settings.CELERY_TASK_DEFAULT_QUEUE, beat_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "worker" in response.json()["failing"]
    assert "s ago" in response.json()["checks"]["worker"]["error"]


def test_healthz_names_cache_and_broker_when_redis_is_down(client, db, cache_down, broker_down):
    worker_heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache", "broker"]


def test_pages_still_render_when_redis_is_down(client, db, cache_down):
    response = client.get("/")
    assert response.status_code == 200
    assert "Layanan Kesehatan" in response.content.decode()


@pytest.mark.celery
def test_a_real_worker_consumes_the_heartbeat_task(celery_worker, settings):
    from blitar_portal.core.tasks import worker_heartbeat

    worker_heartbeat.delay()
    for _ in range(100):
        if WorkerHeartbeat.objects.filter(queue=settings.CELERY_TASK_DEFAULT_QUEUE).exists():
            break
        time.sleep(0.1)
    beat = WorkerHeartbeat.objects.get(queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    assert (timezone.now() - beat.beat_at).total_seconds() < 30


def test_the_cache_reuses_one_redis_client_per_connection_pool():
    from django.core.cache import cache

    cache.set("reuse-check", 1, 5)
    assert cache.get("reuse-check") == 1
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
