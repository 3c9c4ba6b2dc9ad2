#!/usr/bin/env python
"""`make bench`: performance figures as ratios to a trivial view, measured in one run.

Targets: docs/architecture.md §6.

Usage: .venv/bin/python bench/run.py [--scale 100] [--seconds 10] [--no-seed] [--only ehealth ikm]
"""

import argparse
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LUA = str(Path(__file__).resolve().parent / "wrk_report.lua")
PORT = int(os.environ.get("BENCH_PORT", "8600"))


def bench_env():
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgis://localhost/blitar_bench"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/5"),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SERVE_MEDIA="1",
        SITE_URL=f"http://127.0.0.1:{PORT}",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_ACCESSLOG="/dev/null",
        GUNICORN_MAX_REQUESTS="0",
        CELERY_QUEUE="bench",
        LOG_LEVEL="WARNING",
        # wrk sends thousands of API requests a second from one address: measure the
        # throttle's cost, not its 429s.
        RATE_LIMIT_API_ANON="100000000/m",
        RATE_LIMIT_API_USER="100000000/m",
        RATE_LIMIT_BOOKING_LOOKUP="100000000/m",  # 200 phones polling one tracking page from one address
        # Production refuses console/locmem e-mail and a missing key; the benchmark sends no e-mail and its
        # database is throw-away, so a fixed key (not the public development one) keeps --no-seed runs readable.
        EMAIL_URL=os.environ.get("BENCH_EMAIL_URL", "smtp://127.0.0.1:25"),
        FIELD_ENCRYPTION_KEYS=os.environ.get(
            "BENCH_FIELD_ENCRYPTION_KEYS",
            "YmVuY2gtb25seS1maWVsZC1rZXktYmxpdGFyLXBvcnQ=",  # noqa: S106 - benchmark database only
        ),
    )
    env.pop("PYTEST_VERSION", None)
    return env


class Context:
    def __init__(self, env, seconds):
        self.env = env
        self.seconds = seconds
        self.base_url = f"http://127.0.0.1:{PORT}"
        self.baseline = None

    def manage(self, *args, check=True, capture=False):
        return subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=check,
            text=True,
            capture_output=capture,
        )

    def wrk(self, path, concurrency=10, seconds=None, headers=None, paths=None, timeout="2s"):
        """Load `path` with wrk (optional extra headers); returns rps, p50/p95 in ms, requests, errors.

        With `paths` (a list), the requests walk through those paths instead: each request a
        different URL, e.g. searches no cache has seen."""
        seconds = seconds or self.seconds
        threads = min(2, concurrency)
        env = dict(os.environ, WRK_PATHS="", WRK_THREADS=str(threads))
        with tempfile.NamedTemporaryFile("w", suffix=".paths") as listing:
            if paths:
                listing.write("\n".join(paths) + "\n")
                listing.flush()
                env["WRK_PATHS"] = listing.name
            out = subprocess.run(
                ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", f"--timeout={timeout}", "--latency"]
                + ["-s", LUA]
                + [self.base_url + path],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
        line = next(line for line in out.splitlines() if line.startswith("JSON "))
        raw = json.loads(line[5:])
        return {
            "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000,
            "requests": raw["requests"],
            "errors": raw["errors"] + raw["non2xx"],
        }


def load_scenarios(only):
    modules = []
    for path in sorted((Path(__file__).resolve().parent / "scenarios").glob("*.py")):
        if path.stem.startswith("_") or (only and path.stem not in only):
            continue
        spec = importlib.util.spec_from_file_location(f"bench_scenarios_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def prepare(ctx, scale, seed):
    db = ctx.env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "localhost", db], capture_output=True)
    ctx.manage("migrate", "-v0", "--noinput")
    if seed:
        print(f"Seeding the bench database at scale {scale} (idempotent; first run takes minutes)…", flush=True)
        started = time.monotonic()
        ctx.manage("seed_demo", "--scale", str(scale))
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    ctx.manage("collectstatic", "--noinput", "-v0")


def print_row(name, result, baseline, bar, ok):
    ratio = result["rps"] / baseline["rps"] if baseline and baseline["rps"] else float("nan")
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    print(
        f"{name:<44} {result['rps']:>9.1f} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} "
        f"{ratio:>7.2f} {result['errors']:>6}  {bar} {verdict}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", "100")))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk")

    ctx = Context(bench_env(), args.seconds)
    prepare(ctx, args.scale, not args.no_seed)
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "blitar_portal.wsgi"],
        env=ctx.env,
        cwd=ROOT,
    )
    results = []
    try:
        wait_for(ctx.base_url + "/bench/baseline")
        scenarios = load_scenarios(args.only)
        print(f"\ngunicorn {os.cpu_count() * 2 + 1} sync workers, DEBUG=0, wrk {args.seconds} s per target\n")
        print(f"{'target':<44} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7} {'errors':>6}  bar")
        ctx.wrk("/bench/baseline", 10, 2)  # warm-up
        ctx.baseline = ctx.wrk("/bench/baseline", 10)
        print_row("B: trivial view /bench/baseline", ctx.baseline, ctx.baseline, "baseline", None)
        home = ctx.wrk("/", 10)
        print_row("home page /", home, ctx.baseline, "(reported)", None)
        for module in scenarios:
            for target in getattr(module, "http_targets", lambda ctx: [])(ctx):
                concurrency, headers = target.get("concurrency", 10), target.get("headers")
                # Warm the workers (and, for a single path, its caches); a target with its own
                # `paths` warms on `warm_paths` so its measured URLs stay unseen.
                # A target may allow a longer wait than wrk's 2 s (200 clients queue behind 2 × cores + 1
                # workers: past 2 s wrk drops the request and reports no latency at all).
                timeout = target.get("timeout", "2s")
                ctx.wrk(target["path"], concurrency, 2, headers, target.get("warm_paths"), timeout=timeout)
                result = ctx.wrk(
                    target["path"], concurrency, headers=headers, paths=target.get("paths"), timeout=timeout
                )
                ok = target["check"](result, ctx.baseline) if "check" in target else None
                results.append(ok)
                print_row(target["name"], result, ctx.baseline, target.get("bar", ""), ok)
        print()
        for module in scenarios:
            for measurement in getattr(module, "measurements", lambda ctx: [])(ctx):
                results.append(measurement.get("ok"))
                verdict = {True: "PASS", False: "FAIL", None: ""}[measurement.get("ok")]
                print(
                    f"{measurement['name']:<60} {measurement['value']:>10.3f} {measurement['unit']:<4} "
                    f"{measurement.get('bar', '')} {verdict}",
                    flush=True,
                )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    failed = sum(1 for ok in results if ok is False)
    print(f"\n{len(results) - failed} bars met, {failed} missed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
