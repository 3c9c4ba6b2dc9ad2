"""The cache is django-redis: Redis down means cache misses, rate limits that fail open (requests
allowed while counts are unknown) and one log line a minute; cache and broker Redis are
configured apart; the cache works through Redis Sentinel (real redis-server processes)."""

import json
import logging
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache

from blitar_portal.lib.cache import OncePerMinuteFilter
from blitar_portal.settings import redis_cache

DEAD_REDIS = "redis://127.0.0.1:6390/0"  # nothing listens there
# Ports of this suite's own Redis processes (the range given to this branch's tests).
MASTER_PORT, SENTINEL_PORT = 20410, 20411


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}


def _set_rate(settings, group, rate):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: rate}


def test_rate_limited_pages_and_api_allow_requests_while_the_cache_redis_is_down(client, db, settings, cache_down):
    _set_rate(settings, "signup", "2/h")
    _set_rate(settings, "api-anon", "2/m")
    _set_rate(settings, "booking-lookup", "1/h")
    assert cache.add("probe", 1) is None  # django-redis: a failed add is "unknown", not False
    assert [client.post("/akun/daftar/", {"username": ""}).status_code for _ in range(4)] == [200] * 4
    assert [client.get("/api/v1/hospitals/").status_code for _ in range(4)] == [200] * 4
    assert [client.get(f"/kesehatan/permohonan/TEBAK{n}/").status_code for n in range(3)] == [404] * 3


def test_with_redis_up_the_same_limits_apply(client, db, settings):
    _set_rate(settings, "signup", "2/h")
    assert [client.post("/akun/daftar/", {"username": ""}).status_code for _ in range(3)] == [200, 200, 429]


def test_a_cache_outage_is_logged_once_a_minute_without_a_traceback(db, cache_down, caplog):
    logger = logging.getLogger(django_settings.DJANGO_REDIS_LOGGER)
    fresh = OncePerMinuteFilter()
    original, logger.filters = logger.filters, [fresh]
    try:
        with caplog.at_level(logging.WARNING, logger=logger.name):
            for _ in range(5):
                assert cache.get("any") is None
                cache.set("any", 1)
    finally:
        logger.filters = original
    records = [r for r in caplog.records if r.name == logger.name]
    assert len(records) == 1
    assert records[0].levelname == "WARNING" and records[0].exc_info is None
    assert records[0].getMessage().startswith("Cache unavailable (ConnectionError")


def _settings_in_a_fresh_process(**environ):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "c = s.CACHES['default']; print(json.dumps([c['LOCATION'], c['OPTIONS'], s.CELERY_BROKER_URL, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "CACHE_REDIS_URL", "CELERY_BROKER_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**env, **environ, "DJANGO_SETTINGS_MODULE": "blitar_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cache_and_broker_redis_are_configured_apart_and_default_to_redis_url():
    location, options, broker, _transport = _settings_in_a_fresh_process(REDIS_URL="redis://one:6379/2")
    assert (location, broker) == ("redis://one:6379/2", "redis://one:6379/2")
    location, options, broker, transport = _settings_in_a_fresh_process(
        REDIS_URL="redis://one:6379/2",
        CACHE_REDIS_URL="redis://blitar-cache/0",
        CACHE_REDIS_SENTINELS="10.0.0.5:26379,10.0.0.6:26379",
        CELERY_BROKER_URL="sentinel://10.0.0.5:26379;sentinel://10.0.0.6:26379",
        CELERY_BROKER_SENTINEL_MASTER="blitar-broker",
    )
    assert location == "redis://blitar-cache/0"
    assert options["SENTINELS"] == [["10.0.0.5", 26379], ["10.0.0.6", 26379]]
    assert options["CLIENT_CLASS"] == "django_redis.client.SentinelClient" and options["IGNORE_EXCEPTIONS"]
    assert broker.startswith("sentinel://10.0.0.5:26379") and transport["master_name"] == "blitar-broker"


def _start(args, port, tmp_path, name):
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    for _ in range(100):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError((tmp_path / f"{name}.log").read_text())


def start_master_and_sentinel(tmp_path, name):
    """A Redis master and one Sentinel watching it as `name` (Debian's redis-server): [processes]."""
    master = _start(
        ["redis-server", "--port", str(MASTER_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        MASTER_PORT,
        tmp_path,
        "master",
    )
    config = tmp_path / "sentinel.conf"
    config.write_text(
        f"port {SENTINEL_PORT}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor {name} 127.0.0.1 {MASTER_PORT} 1\n"
        f"sentinel down-after-milliseconds {name} 5000\n"
    )
    watcher = _start(["redis-server", str(config), "--sentinel"], SENTINEL_PORT, tmp_path, "sentinel")
    return [watcher, master]


def stop(processes):
    for process in processes:
        process.terminate()
        process.wait(10)


@pytest.fixture
def sentinel(tmp_path):
    """A Redis master and one Sentinel watching it as "blitar-cache"."""
    processes = start_master_and_sentinel(tmp_path, "blitar-cache")
    yield redis.Redis(host="127.0.0.1", port=MASTER_PORT)
    stop(processes)


def test_the_cache_finds_its_master_through_sentinel(settings, sentinel):
    settings.CACHES = {"default": redis_cache("redis://blitar-cache/0", [("127.0.0.1", SENTINEL_PORT)])}
    cache.set("through-sentinel", {"ok": True}, 30)
    assert cache.get("through-sentinel") == {"ok": True}
    assert [key.decode() for key in sentinel.keys("*through-sentinel")] == [cache.make_key("through-sentinel")]
    assert cache.incr("through-sentinel-count", ignore_key_check=True) == 1
