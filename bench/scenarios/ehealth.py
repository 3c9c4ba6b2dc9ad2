"""E-Health benchmarks (targets in docs/architecture.md §6).

- http: the bed board /kesehatan/ (40 hospitals × 12 classes) must reach ≥ 30 % of the baseline's req/s.
- http (issue 15): the waiting-room TV display (page and its JSON) and a patient's tracking page (and its
  API), each polled by 200 concurrent clients: p95 and the ratio to the trivial view.
- measurement: a sync of 40 hospitals by a real Celery worker, one hospital answering after 5 s and one
  returning HTTP 500: seconds from the dispatch until the other 38 have their numbers applied (bar ≤ 10 s).
- measurement (issue 15): 10 clerks press "call next" at once through the staff API (gunicorn, HTTP basic
  auth) until a queue of 200 checked-in patients is empty: no patient is called twice, none is skipped.

The hospitals' systems are a real http.server on 127.0.0.1 in this process; the worker is a real
`celery worker` subprocess on the bench queue; the dispatch is the beat's own task.
"""

import base64
import http.server
import json
import os
import random
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SLOW_SECONDS = 5
BAR_SECONDS = 10


CALL_NEXT_PATIENTS = 200
CALL_NEXT_CLERKS = 10
CLERK_USER = "bench-clerk"

# Runs inside `manage.py shell`: a booking today at the display's hospital for the tracking page, and a
# "call next" service with CALL_NEXT_PATIENTS checked-in patients and a clerk who may call them.
_PREPARE = """
import datetime, json
from django.contrib.auth.models import Group, User
from django.utils import timezone
from blitar_portal.accounts.roles import HOSPITAL_STAFF
from ehealth import services
from ehealth.models import Hospital, HospitalMembership, Service, ServiceRequest
hospital = Hospital.objects.get(slug="rsud-ngudi-waluyo-wlingi")
today = timezone.localdate()
service, _ = Service.objects.get_or_create(hospital=hospital, name="Bench Panggil", defaults={{"daily_quota": 1000}})
Service.objects.filter(pk=service.pk).update(daily_quota=1000, is_active=True)
sessions = [(d, datetime.time(0, 0), datetime.time(23, 59), "dr. Bench") for d in range(7)]
services.service_schedule_set(service=service, sessions=sessions)
ServiceRequest.objects.filter(service=service).delete()
now = timezone.now()
made = []
for n in range({patients}):
    request, _w = services.service_request_create(service=service, visit_date=today, name=f"Pasien {{n}}",
        nik="3505014101900001", phone="081234567890", complaint="Kontrol", consent=True, now=now)
    made.append(request)
for request in made:
    services.service_request_check_in(service_request=request)
track = made[0].code
user, _ = User.objects.get_or_create(username={user!r}, defaults={{"is_staff": True}})
user.set_password({password!r}); user.is_active = True; user.save()
user.groups.add(Group.objects.get(name=HOSPITAL_STAFF))
HospitalMembership.objects.get_or_create(user=user, hospital=hospital)
print("RESULT " + json.dumps({{"service": service.pk, "code": track}}))
"""


def _prepare(ctx):
    """Once per run: the tracking code and the call-next service (cached on ctx)."""
    if getattr(ctx, "ehealth_queue", None) is None:
        password = base64.urlsafe_b64encode(os.urandom(12)).decode()
        out = ctx.manage(
            "shell",
            "-c",
            _PREPARE.format(patients=CALL_NEXT_PATIENTS, user=CLERK_USER, password=password),
            capture=True,
        ).stdout
        result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        ctx.ehealth_queue = {**result, "password": password}
    return ctx.ehealth_queue


def http_targets(ctx):
    code = _prepare(ctx)["code"]
    return [
        {
            "name": "ehealth: bed board /kesehatan/",
            "path": "/kesehatan/",
            "concurrency": 10,
            "bar": "rps >= 0.3 * B",
            "check": lambda result, baseline: result["rps"] >= 0.3 * baseline["rps"] and result["errors"] == 0,
        },
        {
            "name": "ehealth: board filtered to ICU",
            "path": "/kesehatan/?kelas=ICU",
            "concurrency": 10,
            "bar": "rps >= 0.3 * B",
            "check": lambda result, baseline: result["rps"] >= 0.3 * baseline["rps"] and result["errors"] == 0,
        },
        # Issue 15: the waiting-room TV polls its JSON; 200 screens/phones at once.
        {
            "name": "ehealth: queue display JSON, 200 clients",
            "path": "/kesehatan/antrean/rsud-ngudi-waluyo-wlingi/data/",
            "concurrency": 200,
            "timeout": "30s",
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
        {
            "name": "ehealth: queue display page, 200 clients",
            "path": "/kesehatan/antrean/rsud-ngudi-waluyo-wlingi/",
            "concurrency": 200,
            "timeout": "30s",
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
        # A patient's phone polls its tracking page (now serving, ahead, estimated time).
        {
            "name": "ehealth: tracking page, 200 clients",
            "path": f"/kesehatan/permohonan/{code}/",
            "concurrency": 200,
            "timeout": "30s",
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
        {
            "name": "ehealth: tracking API, 200 clients",
            "path": f"/api/v1/service-requests/{code}/",
            "concurrency": 200,
            "timeout": "30s",
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
    ]


def _call_next_race(ctx):
    """CALL_NEXT_CLERKS threads POST call-next until the queue is empty; returns the figures."""
    queue = _prepare(ctx)
    url = f"{ctx.base_url}/api/v1/services/{queue['service']}/call-next/"
    auth = "Basic " + base64.b64encode(f"{CLERK_USER}:{queue['password']}".encode()).decode()
    called, errors, lock = [], [], threading.Lock()

    def clerk(desk):
        while True:
            body = json.dumps({"desk": f"Loket {desk}"}).encode()
            request = urllib.request.Request(
                url, data=body, method="POST", headers={"Authorization": auth, "Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer = json.loads(response.read())
            except (urllib.error.URLError, OSError, ValueError) as exc:
                with lock:
                    errors.append(str(exc))
                return
            if answer["called"] is None:
                return
            with lock:
                called.append(answer["called"]["code"])

    threads = [threading.Thread(target=clerk, args=(n + 1,)) for n in range(CALL_NEXT_CLERKS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"called": called, "errors": errors, "elapsed": elapsed}


class _HospitalSystems:
    """Serves /h/<n>.csv with fresh numbers; /slow answers after SLOW_SECONDS; /err is HTTP 500."""

    def __init__(self):
        seed = time.time_ns()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                if self.path.startswith("/slow"):
                    time.sleep(SLOW_SECONDS)
                if self.path.startswith("/err"):
                    self.send_response(500)
                    self.end_headers()
                    return
                rng = random.Random(f"{seed}{self.path}")
                rows = ["kelas,ruang,kapasitas,terisi"]
                codes = [
                    "VVIP",
                    "VIP",
                    "KELAS_1",
                    "KELAS_2",
                    "KELAS_3",
                    "KRIS",
                    "ICU",
                    "HCU",
                    "ICCU",
                    "NICU",
                    "PICU",
                    "ISOLASI",
                ]
                for code in codes:
                    capacity = rng.randint(4, 40)
                    rows.append(f"{code},{code},{capacity},{rng.randint(0, capacity)}")
                body = ("\n".join(rows) + "\n").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _start_worker(ctx):
    """A `celery worker` subprocess; returns it once it says "ready.".

    Celery logs "ready." at INFO through the portal's logging (settings.LOGGING, root level
    LOG_LEVEL): the bench's LOG_LEVEL=WARNING hid it and this waited its whole minute for
    nothing. The worker gets LOG_LEVEL=INFO; its stderr is drained after "ready." so a full pipe
    never blocks it."""
    env = dict(ctx.env, LOG_LEVEL="INFO")
    queue = env.get("CELERY_QUEUE", "bench")
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "blitar_portal",
            "worker",
            "-Q",
            f"{queue},feeds",  # the syncs are routed to "feeds" (CELERY_TASK_ROUTES), the rest to the default
            "-l",
            "INFO",
            "--concurrency",
            str(max(4, (os.cpu_count() or 2) * 2)),
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-ehealth-{os.getpid()}@%h",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = worker.stderr.readline()
        if "ready." in line:
            threading.Thread(target=lambda: [None for _ in worker.stderr], daemon=True).start()
            return worker
        if worker.poll() is not None:
            break
    worker.terminate()
    raise RuntimeError("the Celery worker did not start")


# Runs inside `manage.py shell`: points the 40 feeds at the fake systems, dispatches, waits for 38.
_MEASURE = """
import json, time
from django.utils import timezone
from ehealth.models import Hospital
from ehealth.tasks import dispatch_due_syncs
base = {base!r}
hospitals = list(Hospital.objects.order_by("pk")[:40])
for n, h in enumerate(hospitals):
    path = "/slow" if n == 0 else "/err" if n == 1 else f"/h/{{n}}.csv"
    Hospital.objects.filter(pk=h.pk).update(feed_url=base + path, feed_format="csv", feed_token="",
        next_sync_at=None, is_active=True)
others = [h.pk for h in hospitals[2:]]
start = timezone.now()
t0 = time.monotonic()
dispatch_due_syncs.delay()
applied, elapsed = 0, None
while time.monotonic() - t0 < 30:
    applied = Hospital.objects.filter(pk__in=others, last_success_at__gte=start).count()
    if applied == len(others):
        elapsed = time.monotonic() - t0
        break
    time.sleep(0.05)
print("RESULT " + json.dumps({{"elapsed": elapsed, "applied": applied, "expected": len(others)}}))
"""


def measurements(ctx):
    systems = _HospitalSystems()
    worker = _start_worker(ctx)
    try:
        out = ctx.manage("shell", "-c", _MEASURE.format(base=systems.base), capture=True).stdout
        result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        systems.close()
    elapsed = result["elapsed"]
    race = _call_next_race(ctx)
    duplicates = len(race["called"]) - len(set(race["called"]))
    return [
        {
            "name": f"ehealth: 38 of 40 hospitals applied (1 slow {SLOW_SECONDS} s, 1 HTTP 500)",
            "value": elapsed if elapsed is not None else float("inf"),
            "unit": "s",
            "bar": f"<= {BAR_SECONDS} s ({result['applied']}/{result['expected']} applied)",
            "ok": elapsed is not None and elapsed <= BAR_SECONDS,
        },
        {
            "name": f"ehealth: call-next, {CALL_NEXT_CLERKS} clerks at once, {CALL_NEXT_PATIENTS} patients",
            "value": len(race["called"]) / race["elapsed"] if race["elapsed"] else 0.0,
            "unit": "/s",
            "bar": (
                f"every patient called once: {len(set(race['called']))}/{CALL_NEXT_PATIENTS} called, "
                f"{duplicates} called twice, {len(race['errors'])} errors"
            ),
            "ok": duplicates == 0 and len(race["called"]) == CALL_NEXT_PATIENTS and not race["errors"],
        },
    ]
