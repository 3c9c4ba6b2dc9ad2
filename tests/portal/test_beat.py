"""Two beats started at once (two hosts, or a mistake): one sends the schedule, the other waits
and takes over when the first dies. Real `celery beat` processes against the real Redis."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


class Beat:
    def __init__(self, name, environ, tmp_path):
        self.log = tmp_path / f"{name}.log"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "blitar_portal", "beat", "--loglevel=DEBUG"],
            cwd=ROOT,
            env=environ,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def text(self):
        return self.log.read_text()

    def wait_for(self, needle, *, count=1):
        for _ in range(600):
            if self.text().count(needle) >= count:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"beat exited:\n{self.text()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"never logged {needle!r}:\n{self.text()[-3000:]}")

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


@pytest.fixture
def beats(tmp_path):
    prefix = f"test-beat-{uuid.uuid4().hex[:8]}:redbeat:"
    queue = f"test-beat-{uuid.uuid4().hex[:8]}"
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ.update(
        REDBEAT_KEY_PREFIX=prefix,
        BEAT_LOCK_TIMEOUT_SECONDS="3",
        BEAT_MAX_LOOP_INTERVAL_SECONDS="1",
        LOG_LEVEL="DEBUG",  # the lock messages are debug lines (settings.LOGGING decides, not --loglevel)
        WORKER_QUEUES=queue,
        CELERY_QUEUE=queue,
    )
    started = []

    def start(name):
        started.append(Beat(name, environ, tmp_path))
        return started[-1]

    yield start
    for beat in started:
        beat.stop(signal.SIGKILL)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    stale = list(client.scan_iter(match=f"{prefix}*")) + [queue.encode()]
    stale += [f"test-{beat.process.pid}".encode() for beat in started]  # a test process's default queue
    client.delete(*stale)


def test_a_second_beat_waits_for_the_lock_and_takes_over_when_the_first_dies(beats):
    first = beats("first")
    first.wait_for("beat: Acquired lock")
    second = beats("second")
    second.wait_for("beat: Acquiring lock...")
    # While the first keeps extending its lock (twice more, one tick each), the second only waits.
    extended = first.text().count("beat: Extending lock...")
    first.wait_for("beat: Extending lock...", count=extended + 2)
    assert "beat: Acquired lock" not in second.text()
    assert "Sending due task" not in second.text()

    first.stop(signal.SIGKILL)  # dies without releasing the lock
    second.wait_for("beat: Acquired lock")
    second.wait_for("beat: Extending lock...")


def test_a_beat_that_stops_cleanly_hands_over_at_once(beats):
    first = beats("first")
    first.wait_for("beat: Acquired lock")
    second = beats("second")
    second.wait_for("beat: Acquiring lock...")
    first.stop(signal.SIGTERM)
    assert "beat: Releasing lock" in first.text()
    second.wait_for("beat: Acquired lock")


def test_beat_takes_its_lock_on_the_master_that_sentinel_names(tmp_path):
    """REDBEAT_SENTINELS: a real beat asks a real Sentinel for the master and keeps its lock there."""
    from tests.portal.test_cache_redis import MASTER_PORT, SENTINEL_PORT, start_master_and_sentinel, stop

    processes = start_master_and_sentinel(tmp_path, "blitar-beat")
    prefix = f"test-beat-{uuid.uuid4().hex[:8]}:redbeat:"
    queue = f"test-beat-{uuid.uuid4().hex[:8]}"
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ.update(
        REDBEAT_KEY_PREFIX=prefix,
        REDBEAT_SENTINELS=f"127.0.0.1:{SENTINEL_PORT}",
        REDBEAT_SENTINEL_MASTER="blitar-beat",
        LOG_LEVEL="DEBUG",
        WORKER_QUEUES=queue,
        CELERY_QUEUE=queue,
    )
    beat = Beat("sentinel-beat", environ, tmp_path)
    try:
        beat.wait_for("beat: Acquired lock")
        on_master = redis.Redis(host="127.0.0.1", port=MASTER_PORT)
        lock = f"{prefix}:lock"  # redbeat's lock key: the prefix, then ":lock"
        assert on_master.exists(lock) == 1  # the lock lives on the Sentinel's master
        assert redis.Redis.from_url(settings.CELERY_BROKER_URL).exists(lock) == 0  # not on the broker
    finally:
        beat.stop(signal.SIGKILL)
        stop(processes)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue, f"test-{beat.process.pid}")
