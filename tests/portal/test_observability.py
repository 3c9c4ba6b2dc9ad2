"""Request ids (X-Request-ID on every response, in every log line, carried into Celery tasks),
JSON logs, and error reports to Sentry when SENTRY_DSN is set."""

import gzip
import io
import json
import logging
import re
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from celery.signals import task_prerun
from django.conf import settings
from django_guid import clear_guid, set_guid

from .production import production_env

ROOT = Path(settings.BASE_DIR)
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/", 200), ("get", "/livez", 200), ("post", "/livez", 405), ("get", "/tidak-ada/", 404)],
)
def test_every_response_carries_a_request_id(client, db, method, path, status):
    first = getattr(client, method)(path)
    second = getattr(client, method)(path)
    assert first.status_code == status
    assert REQUEST_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxy_request_id_is_kept_and_a_bad_one_replaced(client, db):
    from_nginx = "5f0c7e3a9b2d4c1e8f6a0b3c5d7e9f1a"
    assert client.get("/livez", HTTP_X_REQUEST_ID=from_nginx)["X-Request-ID"] == from_nginx
    replaced = client.get("/livez", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert REQUEST_ID.fullmatch(replaced)


def test_log_lines_of_a_request_carry_its_id(client, db):
    (console,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters]
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get("/healthz")  # no worker heartbeat: logs "Health check worker failed"
    finally:
        console.setStream(previous)
    (line,) = [line for line in stream.getvalue().splitlines() if "Health check worker failed" in line]
    assert f"[{response['X-Request-ID']}]" in line


@pytest.mark.celery
def test_the_request_id_travels_into_the_celery_task_it_enqueues(celery_worker):
    from blitar_portal.core.tasks import worker_heartbeat

    seen = []

    def record(task=None, **kwargs):
        from django_guid import get_guid

        if task.name == worker_heartbeat.name:
            seen.append(get_guid())

    task_prerun.connect(record, weak=False)
    request_id = "0123456789abcdef0123456789abcdef"
    set_guid(request_id)  # what the middleware does for the request that enqueues
    try:
        worker_heartbeat.delay()
        for _ in range(100):
            if seen:
                break
            time.sleep(0.1)
    finally:
        clear_guid()
        task_prerun.disconnect(record)
    assert seen == [request_id]


def test_production_logs_are_one_json_object_per_line():
    code = "import logging; logging.getLogger('blitar.probe').warning('feed %s stale', 'rsud-wlingi')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    (line,) = [line for line in result.stderr.splitlines() if "blitar.probe" in line]
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["logger"] == "blitar.probe"
    assert record["message"] == "feed rsud-wlingi stale"
    assert "request_id" in record and "time" in record


class FakeSentry(BaseHTTPRequestHandler):
    """Sentry's ingest endpoint, as a real HTTP server on 127.0.0.1: keeps every envelope."""

    envelopes = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "br":  # sentry-sdk compresses with Brotli when the package is installed
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.envelopes.append((self.path, body.decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_errors_reach_sentry_with_the_request_id_and_no_personal_data(fake_sentry):
    dsn = f"http://publickey@127.0.0.1:{fake_sentry.server_port}/42"
    code = (
        "import sentry_sdk; from django_guid import set_guid; set_guid('feedfacefeedfacefeedfacefeedface')\n"
        "try:\n    raise RuntimeError('sync of rsud-wlingi failed')\n"
        "except RuntimeError as exc:\n    sentry_sdk.capture_exception(exc)\n"
        "sentry_sdk.flush(30)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(SENTRY_DSN=dsn),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (path, envelope) = FakeSentry.envelopes[0]
    assert path == "/api/42/envelope/"
    event = json.loads(envelope.splitlines()[2])
    assert event["exception"]["values"][0]["value"] == "sync of rsud-wlingi failed"
    assert event["tags"]["request_id"] == "feedfacefeedfacefeedfacefeedface"
    assert "user" not in event and "cookies" not in event.get("request", {})
