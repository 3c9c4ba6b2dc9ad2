"""E-Health fixtures: hospitals, a hospital clerk persona, and a real HTTP feed server on 127.0.0.1."""

import http.server
import threading
import time
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from tests.factories import UserFactory
from tests.notifications.conftest import whatsapp_api  # noqa: F401 - the shared Cloud API fixture (turn near, Kabari saya)

SAMPLES = Path(__file__).parent / "samples"


def sample(name):
    return (SAMPLES / name).read_bytes()


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    # Tests post many forms from 127.0.0.1; the rate-limit test lowers it again.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service-request": "10000/m"}
    settings.EHEALTH_FEED_TIMEOUT = 2


@pytest.fixture(autouse=True)
def _fresh_board_cache():
    # Each test's database is rolled back, so a board cached by an earlier test must not be served.
    from ehealth.selectors import board_cache_invalidate

    board_cache_invalidate()


@pytest.fixture
def kecamatan(db):
    from blitar_portal.regions.models import Kecamatan

    return Kecamatan.objects.get(slug="wlingi")


def make_hospital(slug="rs-uji", name=None, kecamatan_slug="wlingi", **fields):
    from blitar_portal.regions.models import Kecamatan
    from ehealth.models import Hospital

    kecamatan = Kecamatan.objects.get(slug=kecamatan_slug)
    defaults = {
        "name": name or f"RS {slug}",
        "type": "RSUD",
        "kecamatan": kecamatan,
        "address": f"Jl. Uji, {kecamatan.name}",
        "phone": "62342801234",
        "igd_phone": "62342809999",
        "location": kecamatan.geom.point_on_surface,
    }
    defaults.update(fields)
    return Hospital.objects.create(slug=slug, **defaults)


def set_beds(hospital, classes, **kwargs):
    from ehealth.services import hospital_beds_apply

    return hospital_beds_apply(hospital=hospital, classes=classes, source="user", **kwargs)


@pytest.fixture
def hospital(db):
    h = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    set_beds(h, {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)})
    h.refresh_from_db()
    return h


@pytest.fixture
def other_hospital(db):
    h = make_hospital("rsud-srengat", "RSUD Srengat", kecamatan_slug="srengat", type="RSUD")
    set_beds(h, {("KELAS_1", ""): (10, 4)})
    h.refresh_from_db()
    return h


def open_all_week(service, *, doctor="dr. Uji"):
    """Give a service a doctor session every day from 08:00 to 23:59, so a test may book any day
    at any time of day (before 08:00 too: the day has not ended); tests about opening hours set their own."""
    import datetime

    from ehealth.services import service_schedule_set

    service_schedule_set(
        service=service,
        sessions=[(day, datetime.time(8, 0), datetime.time(23, 59), doctor) for day in range(7)],
    )
    return service


@pytest.fixture
def service(hospital):
    from ehealth.models import Service

    return open_all_week(
        Service.objects.create(hospital=hospital, name="Poli Anak", daily_quota=3, avg_service_minutes=15)
    )


@pytest.fixture
def other_service(other_hospital):
    from ehealth.models import Service

    return open_all_week(Service.objects.create(hospital=other_hospital, name="Poli Umum", daily_quota=30))


@pytest.fixture
def clerk(hospital):
    """dina: a `Petugas RS` of RSUD Wlingi only."""
    from blitar_portal.accounts.roles import HOSPITAL_STAFF
    from ehealth.models import HospitalMembership

    user = UserFactory(username="dina", first_name="Dina Petugas", groups=[HOSPITAL_STAFF], is_staff=True)
    HospitalMembership.objects.create(user=user, hospital=hospital)
    return user


def blitar_point():
    return Point(112.33, -8.08, srid=4326)


# --- A real hospital server -------------------------------------------------------------------


class FeedServer:
    """http.server on 127.0.0.1 in a thread; routes[path] = dict(status, body, delay, token, content_type)."""

    def __init__(self):
        self.routes = {}
        self.hits = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                server.hits.append((self.path, self.headers.get("Authorization")))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                if route.get("delay"):
                    time.sleep(route["delay"])
                if route.get("token") and self.headers.get("Authorization") != f"Bearer {route['token']}":
                    self.send_response(401)
                    self.end_headers()
                    return
                body = route.get("body", b"")
                body = body() if callable(body) else body
                body = body.encode() if isinstance(body, str) else body
                self.send_response(route.get("status", 200))
                self.send_header("Content-Type", route.get("content_type", "application/json"))
                if not route.get("no_length"):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path):
        return self.base + path

    def serve(self, path, body=b"", **route):
        self.routes[path] = {"body": body, **route}
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()
