"""E-Health benchmarks (targets in docs/architecture.md §6).

- http: the bed board /kesehatan/ (40 hospitals × 12 classes) must reach ≥ 30 % of the baseline's req/s.
- measurement: a sync of 40 hospitals by a real Celery worker, one hospital answering after 5 s and one
  returning HTTP 500: seconds from the dispatch until the other 38 have their numbers applied (bar ≤ 10 s).

The hospitals' systems are a real http.server on 127.0.0.1 in this process; the worker is a real
`celery worker` subprocess on the bench queue; the dispatch is the beat's own task.
"""

import http.server
import json
import os
import random
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SLOW_SECONDS = 5
BAR_SECONDS = 10


def http_targets(ctx):
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
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
        {
            "name": "ehealth: queue display page, 200 clients",
            "path": "/kesehatan/antrean/rsud-ngudi-waluyo-wlingi/",
            "concurrency": 200,
            "bar": "p95 reported; rps >= 0.2 * B",
            "check": lambda result, baseline: result["rps"] >= 0.2 * baseline["rps"] and result["errors"] == 0,
        },
    ]


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
    env = dict(ctx.env)
    queue = env.get("CELERY_QUEUE", "bench")
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "blitar_portal",
            "worker",
            "-Q",
            queue,
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
    return [
        {
            "name": f"ehealth: 38 of 40 hospitals applied (1 slow {SLOW_SECONDS} s, 1 HTTP 500)",
            "value": elapsed if elapsed is not None else float("inf"),
            "unit": "s",
            "bar": f"<= {BAR_SECONDS} s ({result['applied']}/{result['expected']} applied)",
            "ok": elapsed is not None and elapsed <= BAR_SECONDS,
        }
    ]
