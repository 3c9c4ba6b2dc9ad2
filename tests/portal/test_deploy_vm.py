"""The VM path for real: Debian's nginx with the repository's site template, TLS with a
self-signed certificate, in front of gunicorn on loopback with production settings (DEBUG=0).
Everything runs from a temporary directory on free ports and is torn down afterwards."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "portal.test"
CLIENT_ADDRESS = "127.0.0.2"  # the "citizen": a loopback address other than nginx's own


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, log):
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {Path(log).read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened: {Path(log).read_text()[-2000:]}")


def stop(process):
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The test database must exist for gunicorn's /metrics (it reads hospitals and heartbeats).
pytestmark = pytest.mark.django_db
MONITORING_TOKEN = "vm-monitoring-token"


def _test_database_url():
    from django.db import connection

    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgis://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def vm(django_db_setup, django_db_blocker):
    """nginx (TLS, HTTP redirect) -> gunicorn (2 workers) on loopback; yields ports and paths."""
    if not os.path.exists(NGINX):
        pytest.fail("nginx is missing: run `make setup-test` (scripts/setup.sh --for-tests installs it)")
    base = Path(tempfile.mkdtemp(prefix="blitar-vm-"))
    base.chmod(0o755)
    gunicorn = nginx = None
    try:
        cert, key = base / "tls.crt", base / "tls.key"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
             "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        static_root = base / "static"
        media_root = base / "media"
        for directory in (static_root, media_root):
            directory.mkdir()
            directory.chmod(0o755)
        (static_root / "probe.txt").write_text("served by nginx\n")
        (static_root / "probe.txt").chmod(0o644)

        app_port, http_port, https_port = free_port(), free_port(), free_port()
        environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
        environ.update(
            DJANGO_SETTINGS_MODULE="tests.portal.vm_probe_settings",
            DEBUG="0",
            SECRET_KEY="vm-test-secret-9f8e7d6c5b4a3210-not-for-production-use",
            ALLOWED_HOSTS=HOST,
            GUNICORN_BIND=f"127.0.0.1:{app_port}",
            WEB_CONCURRENCY="2",
            TRUSTED_PROXY_COUNT="1",  # this nginx
            GUNICORN_ACCESSLOG=str(base / "gunicorn-access.log"),
            PROMETHEUS_MULTIPROC_DIR=str(base / "metrics"),
            MONITORING_TOKEN=MONITORING_TOKEN,
            # Production refuses the console e-mail backend and a missing field encryption key.
            EMAIL_URL="smtp://127.0.0.1:25",
            FIELD_ENCRYPTION_KEYS="dm0tdGVzdC1vbmx5LWZpZWxkLWtleS1ibGl0YXItMDA=",
        )
        with django_db_blocker.unblock():
            environ["DATABASE_URL"] = _test_database_url()
        (base / "metrics").mkdir()
        gunicorn_log = base / "gunicorn.log"
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "blitar_portal.wsgi"],
            cwd=ROOT, env=environ, stdout=gunicorn_log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

        site = subprocess.run(
            [sys.executable, "deploy/render.py", "deploy/nginx/portal.conf.template",
             f"SERVER_NAME={HOST}", f"HTTP_LISTEN=127.0.0.1:{http_port}", f"HTTPS_LISTEN=127.0.0.1:{https_port} ssl",
             f"TLS_CERTIFICATE={cert}", f"TLS_CERTIFICATE_KEY={key}", f"UPSTREAM=127.0.0.1:{app_port}",
             f"STATIC_ROOT={static_root}", f"MEDIA_ROOT={media_root}"],
            cwd=ROOT, check=True, capture_output=True, text=True, env={"PATH": os.environ["PATH"]},
        ).stdout  # fmt: skip
        (base / "site.conf").write_text(site)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (base / temp).mkdir()
        (base / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"""
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {base}/nginx-access.log;
    client_body_temp_path {base}/body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    include {base}/site.conf;
}}
"""
        )
        nginx_command = [NGINX, "-p", str(base), "-c", str(base / "nginx.conf"), "-e", str(base / "nginx-error.log")]
        subprocess.run([*nginx_command, "-t"], check=True, capture_output=True)
        nginx = subprocess.Popen(
            [*nginx_command, "-g", "daemon off;"], stderr=subprocess.STDOUT, stdout=subprocess.PIPE
        )
        wait_for_port(app_port, gunicorn, gunicorn_log)
        wait_for_port(https_port, nginx, base / "nginx-error.log")
        yield {
            "base": base,
            "cert": cert,
            "site": site,
            "app_port": app_port,
            "http_port": http_port,
            "https_port": https_port,
            "gunicorn_access_log": base / "gunicorn-access.log",
        }
    finally:
        stop(nginx)
        stop(gunicorn)
        shutil.rmtree(base, ignore_errors=True)


def https(vm, method, path, body=None, headers=None):
    context = ssl.create_default_context(cafile=str(vm["cert"]))
    conn = http.client.HTTPSConnection(
        "127.0.0.1", vm["https_port"], context=context, source_address=(CLIENT_ADDRESS, 0), timeout=30
    )
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_request_through_https_reaches_django_with_the_client_address_and_scheme(vm):
    status, headers, body = https(vm, "GET", "/probe/")
    assert status == 200, body
    seen = json.loads(body)
    assert seen["is_secure"] is True  # X-Forwarded-Proto https, trusted by SECURE_PROXY_SSL_HEADER
    assert seen["x_forwarded_proto"] == "https"
    assert seen["remote_addr"] == "127.0.0.1"  # nginx
    assert seen["x_forwarded_for"] == CLIENT_ADDRESS  # the client, appended by nginx
    assert seen["client_ip"] == CLIENT_ADDRESS  # what rate limits and lockout use
    assert seen["host"] == HOST
    assert re.fullmatch(r"[0-9a-f]{32}", seen["x_request_id"])
    assert headers["Server"].startswith("nginx")


def test_a_spoofed_forwarded_for_keeps_the_real_client_as_last_entry(vm):
    _status, _headers, body = https(vm, "GET", "/probe/", headers={"X-Forwarded-For": "203.0.113.9"})
    seen = json.loads(body)
    assert seen["x_forwarded_for"] == f"203.0.113.9, {CLIENT_ADDRESS}"
    assert seen["client_ip"] == CLIENT_ADDRESS


def test_the_real_portal_answers_through_the_proxy(vm):
    status, _headers, body = https(vm, "GET", "/livez")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_plain_http_is_redirected_to_https(vm):
    conn = http.client.HTTPConnection("127.0.0.1", vm["http_port"], timeout=30)
    conn.request("GET", "/ikm/?q=batik", headers={"Host": HOST})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/ikm/?q=batik"
    conn.close()


def test_static_files_are_served_by_nginx_without_reaching_gunicorn(vm):
    status, headers, body = https(vm, "GET", "/static/probe.txt")
    assert (status, body) == (200, b"served by nginx\n")
    assert "immutable" in headers["Cache-Control"]
    assert "/static/probe.txt" not in vm["gunicorn_access_log"].read_text()


def test_the_proxy_body_limit_equals_the_portal_upload_limit():
    template = (ROOT / "deploy" / "nginx" / "portal.conf.template").read_text()
    (size,) = re.findall(r"^\s*client_max_body_size (\d+)m;", template, re.MULTILINE)
    assert int(size) * 1024 * 1024 == settings.MAX_REQUEST_BODY_BYTES
    assert settings.MAX_REQUEST_BODY_BYTES > 2 * settings.MAX_UPLOAD_IMAGE_BYTES


def test_a_body_of_two_of_the_largest_photos_still_reaches_django(vm):
    size = 2 * settings.MAX_UPLOAD_IMAGE_BYTES + 64 * 1024
    status, _headers, body = https(
        vm, "POST", "/probe/", body=b"\0" * size, headers={"Content-Type": "application/octet-stream"}
    )
    assert status == 200
    assert json.loads(body)["body_bytes"] == size


def test_an_oversized_body_is_refused_by_nginx_with_413(vm):
    context = ssl.create_default_context(cafile=str(vm["cert"]))
    conn = http.client.HTTPSConnection("127.0.0.1", vm["https_port"], context=context, timeout=30)
    conn.putrequest("POST", "/probe/?oversized", skip_host=True)
    conn.putheader("Host", HOST)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(settings.MAX_REQUEST_BODY_BYTES + 1))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    assert response.getheader("Server").startswith("nginx")
    conn.close()
    assert "oversized" not in vm["gunicorn_access_log"].read_text()


def test_metrics_count_the_requests_of_every_gunicorn_process(vm):
    """Two gunicorn workers share their counters through PROMETHEUS_MULTIPROC_DIR."""

    def livez_count():
        status, _headers, body = https(vm, "GET", "/metrics", headers={"Authorization": f"Bearer {MONITORING_TOKEN}"})
        assert status == 200
        sample = rb'^portal_http_requests_total\{method="GET",status="200",view="core:livez"\} (\S+)$'
        line = re.search(sample, body, re.M)
        return float(line.group(1)) if line else 0.0

    before = livez_count()
    for _ in range(12):
        assert https(vm, "GET", "/livez")[0] == 200
    assert livez_count() == before + 12
    assert list((vm["base"] / "metrics").glob("counter_*.db"))  # counted in the shared directory
