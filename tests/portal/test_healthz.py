import socket
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from blitar_portal.celery import app as celery_app
from blitar_portal.core.models import WorkerHeartbeat
from blitar_portal.core.services import worker_heartbeat_record

DEAD_REDIS = "redis://127.0.0.1:6390/0"  # nothing listens there
TOKEN = "monitoring-token-for-tests"


def _point_broker_at(url):
    """The health checks open a fresh connection from the configuration; the producer pool,
    which other tests use to publish, keeps its connections to the real broker."""
    celery_app.conf.broker_url = url


def _point_cache_at(settings, url):
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}


@pytest.fixture
def broker_down():
    original = celery_app.conf.broker_url
    _point_broker_at(DEAD_REDIS)
    yield
    _point_broker_at(original)


@pytest.fixture
def cache_down(settings):
    _point_cache_at(settings, DEAD_REDIS)


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection points at a closed port (no test transaction holds it)."""
    with django_db_blocker.unblock():
        original = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="6391")
        yield
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.fixture
def monitoring_token(settings):
    settings.MONITORING_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


class RedisImpostor:
    """A TCP server on 127.0.0.1 that counts connections; it closes them at once, or never answers."""

    def __init__(self, silent=False):
        self.silent = silent
        self.connections = 0
        self.held = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            self.connections += 1
            if self.silent:
                self.held.append(conn)
            else:
                conn.close()

    def close(self):
        for conn in self.held:
            conn.close()
        self.server.close()


@pytest.fixture
def impostor_factory():
    servers = []

    def make(silent=False):
        servers.append(RedisImpostor(silent=silent))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


# --- /livez ------------------------------------------------------------------------------------------


def test_livez_answers_without_touching_any_dependency(client, cache_down, broker_down, database_down):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


# --- /readyz -----------------------------------------------------------------------------------------


def test_readyz_is_ok_when_every_part_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "degraded": [],
        "checks": {"database": {"ok": True}, "cache": {"ok": True}, "broker": {"ok": True}},
    }


def test_readyz_keeps_the_node_in_when_redis_is_down_and_names_what_is_degraded(client, db, cache_down, broker_down):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["cache", "broker"]
    assert body["failing"] == []


def test_readyz_takes_the_node_out_when_the_database_is_unreachable(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["database"]
    assert "6391" not in response.content.decode()


def test_readyz_does_not_need_a_worker(client, db):
    assert not WorkerHeartbeat.objects.exists()
    assert client.get("/readyz").status_code == 200


# --- /healthz ----------------------------------------------------------------------------------------


def test_healthz_is_200_when_every_part_answers(client, db, monitoring_token):
    worker_heartbeat_record()
    response = client.get("/healthz", **monitoring_token)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert body["checks"]["worker"]["heartbeat_age_seconds"] < 5


def test_healthz_names_the_worker_when_no_heartbeat_arrived(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_healthz_names_the_worker_when_heartbeat_is_old(client, db, settings, monitoring_token):
    WorkerHeartbeat.objects.create(
        queue=settings.CELERY_TASK_DEFAULT_QUEUE, beat_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    response = client.get("/healthz", **monitoring_token)
    assert response.status_code == 503
    assert "worker" in response.json()["failing"]
    assert "s ago" in response.json()["checks"]["worker"]["error"]


def test_healthz_names_cache_and_broker_when_redis_is_down(client, db, cache_down, broker_down):
    worker_heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache", "broker"]


def test_anonymous_healthz_says_which_part_failed_and_nothing_more(client, db, cache_down, broker_down):
    worker_heartbeat_record()
    response = client.get("/healthz")
    body = response.json()
    assert body == {
        "status": "fail",
        "failing": ["cache", "broker"],
        "checks": {name: {"ok": name in ("database", "worker")} for name in ("database", "cache", "broker", "worker")},
    }
    text = response.content.decode()
    for leak in ("6390", "127.0.0.1", "localhost", "error", "postgis", "Connection", "heartbeat_age"):
        assert leak not in text


def test_the_monitoring_token_shows_versions_and_error_texts(client, db, cache_down, broker_down, monitoring_token):
    worker_heartbeat_record()
    body = client.get("/healthz", **monitoring_token).json()
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["database"]["postgis"]
    assert "6390" in body["checks"]["cache"]["error"]
    assert body["checks"]["broker"]["error"]
    assert "postgis" in client.get("/readyz", **monitoring_token).json()["checks"]["database"]


@pytest.mark.parametrize(
    "authorization", ["Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", TOKEN]
)
def test_a_wrong_or_malformed_token_sees_no_details(client, db, cache_down, monitoring_token, authorization):
    body = client.get("/healthz", HTTP_AUTHORIZATION=authorization).json()
    assert body["checks"]["cache"] == {"ok": False}
    assert body["checks"]["database"] == {"ok": True}


def test_without_a_configured_token_nobody_sees_details(client, db, settings):
    settings.MONITORING_TOKEN = ""
    body = client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json()
    assert body["checks"]["database"] == {"ok": True}


# --- bounded: a dead or hanging Redis costs one attempt, never a retry loop ---------------------------


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_refusing_redis_is_tried_once_per_check(client, db, settings, impostor_factory, path):
    cache_redis, broker_redis = impostor_factory(), impostor_factory()
    _point_cache_at(settings, cache_redis.url)
    original = celery_app.conf.broker_url
    _point_broker_at(broker_redis.url)
    try:
        body = client.get(path).json()
    finally:
        _point_broker_at(original)
    assert {"cache", "broker"} <= set(body["failing"] + body.get("degraded", []))
    assert cache_redis.connections == 1
    assert broker_redis.connections == 1


def test_a_redis_that_accepts_and_never_answers_fails_the_check_instead_of_hanging(
    client, db, settings, impostor_factory
):
    """Socket timeouts bound both checks (HEALTH_CHECK_TIMEOUT_SECONDS for the broker, the cache's own)."""
    cache_redis, broker_redis = impostor_factory(silent=True), impostor_factory(silent=True)
    _point_cache_at(settings, cache_redis.url)
    original = celery_app.conf.broker_url
    _point_broker_at(broker_redis.url)
    try:
        response = client.get("/readyz")
    finally:
        _point_broker_at(original)
    assert response.status_code == 200
    assert response.json()["degraded"] == ["cache", "broker"]
    assert (cache_redis.connections, broker_redis.connections) == (1, 1)


# --- unchanged behaviour -------------------------------------------------------------------------------


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
    client = cache.client.get_client(write=True)
    assert cache.client.get_client(write=False) is client
