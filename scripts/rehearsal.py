"""Scale-out rehearsal (`make rehearsal`, docs/operations.md "Scale-out rehearsal").

Stands up on loopback, from a temporary directory, with Debian and PyPI software only:
nginx balancing two gunicorn nodes, pgbouncer (transaction pooling) in front of a PostgreSQL
primary, a streaming replica of it (pg_basebackup -R) for dashboards/exports/public API,
a cache Redis and a broker Redis, two Celery workers on different queues and two beats
(celery-redbeat: one holds the lock) and S3-compatible storage for media and the open-data
files (moto's server from PyPI, tests/servers/s3.py). Then it drives a mixed load for LOAD_SECONDS: HTTP
requests through nginx and idempotent drill tasks (`core.drill`, acks late) on the images
queue, while it kills (SIGKILL) one web node, the images worker in the middle of its tasks
(restarted 3 s later, as systemd would) and the active beat. It prints what clients saw, what
happened to every task, the replica lag, and one summary line. Exit status 0 when clients saw
no errors, no task was lost or applied twice and the standby beat took over.

Usage: .venv/bin/python scripts/rehearsal.py [--prepare] [--seconds 60]
  --prepare   create/migrate/seed the source database once (REHEARSAL_SOURCE_URL, default:
              DATABASE_URL's database + "_rehearsal"); the rehearsal copies it into its primary.
Ports: free ports chosen by the OS, or REHEARSAL_PORT_BASE=<n> for n..n+20.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import engines  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOKEN = "rehearsal-" + uuid.uuid4().hex[:12]
LOCK_TIMEOUT = 10  # BEAT_LOCK_TIMEOUT_SECONDS for the drill (production: 60)
VISIBILITY_TIMEOUT = 10  # CELERY_VISIBILITY_TIMEOUT_SECONDS for the drill (production: 3600)
DRILL_WORK_SECONDS = 2.0
# What an anonymous visitor and the app ask for: pages (primary) and public API/downloads (replica).
PATHS = [
    "/",
    "/kesehatan/",
    "/ikm/",
    "/ikm/cari/?q=keripik",
    "/ikm/cari/?q=kripik+tempe",
    "/tanam/",
    "/api/v1/hospitals/",
    "/api/v1/ikm/products/",
    "/api/v1/ikm/shops/",
    "/api/v1/tanam/cover/",
    "/tanam/ekspor.csv",
    "/readyz",
]


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def source_url():
    url = os.environ.get("REHEARSAL_SOURCE_URL")
    if url:
        return url
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgis://localhost/blitar_portal"))
    return urlunsplit(parts._replace(path=parts.path + "_rehearsal"))


def libpq(url):
    return re.sub(r"^postgis://", "postgresql://", url)


def prepare():
    """Once (and after new migrations): the source database, migrated, with the demo data."""
    url = source_url()
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = libpq(urlunsplit(parts._replace(path="/postgres")))
    exists = subprocess.run(["psql", "-XAt", "-d", server, "-v", f"name={name}"],
                            input="SELECT 1 FROM pg_database WHERE datname = :'name'",
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if not exists:
        say(f"creating {name}")
        subprocess.run(["psql", "-X", "-q", "-d", server, "-c", f'CREATE DATABASE "{name}"'], check=True)
        extensions = "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm"
        subprocess.run(["psql", "-X", "-q", "-d", libpq(url), "-c", extensions], check=True)
    env = {**os.environ, "DATABASE_URL": url}
    say("migrating the source database")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(["psql", "-XAt", "-d", libpq(url), "-c", "SELECT count(*) FROM ehealth_hospital"],
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if seeded == "0":
        say("loading the demo data (a few minutes, once)")
        subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True)


class Ports:
    def __init__(self):
        base = os.environ.get("REHEARSAL_PORT_BASE")
        self._next = int(base) if base else None

    def take(self):
        if self._next is None:
            return engines.free_port()
        self._next += 1
        return self._next - 1


class Stack:
    def __init__(self, base, ports):
        self.base, self.ports = base, ports
        self.processes = {}  # name -> Popen (own process group)
        self.clusters, self.services = [], []

    def spawn(self, name, args, env, log_name=None):
        log = self.base / f"{log_name or name}.log"
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        self.processes[name] = process
        return process, log

    def kill(self, name):
        process = self.processes[name]
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    def stop(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for service in self.services:
            service.stop()
        for cluster in reversed(self.clusters):
            cluster.stop("immediate")


def nginx_config(base, port, upstreams):
    temp = base / "nginx-temp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams)
    return f"""daemon off;
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log {base}/nginx-access.log;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
  upstream portal {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
      # A dead node: the request goes to the other one (GETs; a refused connection never reached Django).
      # Not http_503: the portal answers 503 on purpose (an open-data file not built yet).
      proxy_next_upstream error timeout http_502 http_504;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
    }}
  }}
}}
"""


class Load:
    """Threads of keep-alive HTTP clients against nginx, each cycling through PATHS."""

    def __init__(self, port, clients):
        self.port, self.clients = port, clients
        self.statuses, self.errors, self.lock = Counter(), Counter(), threading.Lock()
        self.stop_at = None

    def run(self, seconds):
        self.stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        return threads

    def _client(self, number):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        turn = number
        while time.monotonic() < self.stop_at:
            path = PATHS[turn % len(PATHS)]
            turn += 1
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            with self.lock:
                self.statuses[outcome] += 1
                if outcome != 200:
                    self.errors[f"{path} {outcome}"] += 1


def sql(cluster, statement):
    return cluster.sql(statement, "portal")


def rehearse(seconds):
    started = time.monotonic()
    base = engines.workdir("blitar-rehearsal-")
    base.chmod(0o755)
    ports = Ports()
    stack = Stack(base, ports)
    report = {}
    try:
        say(f"working directory {base}")
        dumped = {}
        dumper = threading.Thread(target=lambda: dumped.update(dump=engines.dump_database(libpq(source_url()))))
        dumper.start()  # while initdb runs
        primary = engines.Cluster.primary(base, ports.take())
        stack.clusters.append(primary)
        dumper.join()
        if "dump" not in dumped:
            raise RuntimeError(f"pg_dump of {source_url()} failed: run `scripts/rehearsal.py --prepare` first")
        primary.copy_database(None, "portal", dump=dumped["dump"])
        replica = primary.replica(base, ports.take())
        stack.clusters.append(replica)
        say(f"PostgreSQL primary :{primary.port}, streaming replica :{replica.port}")
        bouncer = engines.PgBouncer(base, ports.take(), server_port=primary.port, users=["postgres"], pool_size=10)
        stack.services.append(bouncer)
        cache = engines.Redis(base, ports.take(), maxmemory_policy="allkeys-lru")
        broker = engines.Redis(base, ports.take(), appendonly=True)
        stack.services += [cache, broker]
        say(f"pgbouncer :{bouncer.port}, Redis cache :{cache.port}, Redis broker :{broker.port}")
        # S3-compatible storage for media and the open-data files: moto's server (PyPI), in memory.
        s3_port = ports.take()
        s3, _log = stack.spawn("s3", [PYTHON, "-m", "tests.servers.s3", "--port", str(s3_port),
                                      "--bucket", "blitar-media", "--bucket", "blitar-private"],
                               {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"})  # fmt: skip
        engines.wait_for_port(s3_port, s3, _log)
        say(f"S3-compatible storage (moto) :{s3_port}")

        env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")}
        env.update(
            DEBUG="0",
            SECRET_KEY="rehearsal-secret-" + uuid.uuid4().hex,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            EMAIL_URL="smtp://127.0.0.1:25",
            FIELD_ENCRYPTION_KEYS="dm0tdGVzdC1vbmx5LWZpZWxkLWtleS1ibGl0YXItMDA=",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            STATIC_MANIFEST="0",
            TRUSTED_PROXY_COUNT="1",
            LOG_FORMAT="plain",
            DATABASE_URL=bouncer.url("portal", "postgres"),
            DB_PGBOUNCER="1",
            DATABASE_REPLICA_URL=replica.url("portal"),
            REDIS_URL=cache.url(),
            CELERY_BROKER_URL=broker.url(),
            CELERY_QUEUE="default",
            WORKER_QUEUES="feeds,notifications,images,aggregates",
            BEAT_LOCK_TIMEOUT_SECONDS=str(LOCK_TIMEOUT),
            BEAT_MAX_LOOP_INTERVAL_SECONDS="2",
            HEARTBEAT_INTERVAL_SECONDS="3",
            CELERY_VISIBILITY_TIMEOUT_SECONDS=str(VISIBILITY_TIMEOUT),
            MONITORING_TOKEN=TOKEN,
            RATE_LIMIT_API_ANON="1000000/m",
            MEDIA_ROOT=str(base / "media"),
            PRIVATE_MEDIA_ROOT=str(base / "private"),
            BACKUP_DIR=str(base / "backups"),
            MEDIA_S3_BUCKET="blitar-media",
            MEDIA_S3_PRIVATE_BUCKET="blitar-private",
            MEDIA_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
            MEDIA_S3_ACCESS_KEY_ID="test-access-key",
            MEDIA_S3_SECRET_ACCESS_KEY="test-secret-key",  # noqa: S106 - moto accepts any key
            MEDIA_S3_REGION="us-east-1",
            MEDIA_S3_URL_PROTOCOL="http:",
            WEB_CONCURRENCY="2",
            GUNICORN_MAX_REQUESTS="0",
        )

        web_ports = [ports.take(), ports.take()]
        for number, port in enumerate(web_ports, start=1):
            node_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                        "GUNICORN_ACCESSLOG": str(base / f"web{number}-access.log")}  # fmt: skip
            stack.spawn(f"web{number}", [BIN / "gunicorn", "-c", "gunicorn.conf.py", "blitar_portal.wsgi"], node_env)
        celery = [BIN / "celery", "-A", "blitar_portal"]
        workers = {
            "worker-default": ["default", "feeds", "notifications"],
            "worker-images": ["images", "aggregates"],
        }
        for name, queues in workers.items():
            stack.spawn(name, [*celery, "worker", "-l", "info", "-Q", ",".join(queues), "-c", "3",
                               "-n", f"{name}@rehearsal", "--without-gossip", "--without-mingle"], env)  # fmt: skip
        # The open-data files (the downloads answer 503 until the first build).
        subprocess.run([PYTHON, "manage.py", "build_open_data"], cwd=ROOT, env=env, check=True, capture_output=True)
        lb_port = ports.take()
        (base / "nginx.conf").write_text(nginx_config(base, lb_port, web_ports))
        stack.spawn("nginx", [NGINX, "-c", str(base / "nginx.conf"), "-p", str(base)], env)
        for port in web_ports:
            engines.wait_for_port(port, timeout=90)
        engines.wait_for_port(lb_port)
        # Two beats: the first takes the redbeat lock, the second waits for it.
        stack.spawn("beat-1", [*celery, "beat", "-l", "info", "-s", str(base / "beat-1")], env)
        redis_cli = ["redis-cli", "-p", str(broker.port)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            keys = subprocess.run([*redis_cli, "--scan", "--pattern", "*lock*"], capture_output=True, text=True).stdout
            if keys.strip():
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("beat-1 never took the redbeat lock")
        stack.spawn("beat-2", [*celery, "beat", "-l", "info", "-s", str(base / "beat-2")], env)
        say(f"nginx :{lb_port} -> gunicorn :{web_ports[0]} :{web_ports[1]}; workers {workers}")
        say("beat-1 holds the lock, beat-2 waits")
        report["setup_seconds"] = round(time.monotonic() - started, 1)

        from celery import Celery

        sender = Celery(broker=broker.url())
        sent, sent_lock = [], threading.Lock()

        def produce():
            stop_at = time.monotonic() + seconds
            while time.monotonic() < stop_at:
                token = uuid.uuid4().hex
                sender.send_task("core.drill", args=[token, DRILL_WORK_SECONDS], queue="images")
                with sent_lock:
                    sent.append(token)
                time.sleep(0.7)

        replica_before = int(sql(replica, "SELECT xact_commit FROM pg_stat_database WHERE datname = 'portal'"))
        load = Load(lb_port, clients=6)
        say(f"load: {load.clients} HTTP clients and a drill task every 0.7 s for {seconds} s")
        threads = load.run(seconds)
        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        t0 = time.monotonic()

        def at(offset):
            time.sleep(max(0.0, t0 + offset - time.monotonic()))

        at(seconds * 0.2)
        stack.kill("web1")
        say("killed web node 1 (SIGKILL, not restarted)")
        at(seconds * 0.35)
        log = (base / "worker-images.log").read_text(errors="replace")
        in_flight = len(re.findall(r"Task core\.drill\[[^\]]+\] received", log)) - len(
            re.findall(r"Task core\.drill\[[^\]]+\] succeeded", log)
        )
        stack.kill("worker-images")
        killed_worker_at = time.time()
        say(f"killed the images worker with {in_flight} drill task(s) received and not finished (SIGKILL)")
        time.sleep(3)
        stack.spawn("worker-images", [*celery, "worker", "-l", "info", "-Q", "images,aggregates", "-c", "3",
                                      "-n", "worker-images-2@rehearsal", "--without-gossip", "--without-mingle"],
                    env, log_name="worker-images-restarted")  # fmt: skip
        say("restarted the images worker (as systemd's Restart= would)")
        at(seconds * 0.5)
        stack.kill("beat-1")
        beat_killed_at = time.time()
        say("killed the active beat (SIGKILL)")
        takeover = {}

        def watch_beat():
            # Heartbeats after the kill can only come from beat-2 (the workers started before it).
            query = f"SELECT count(*) FROM core_workerheartbeat WHERE beat_at > to_timestamp({float(beat_killed_at)})"  # noqa: S608
            while time.time() < beat_killed_at + LOCK_TIMEOUT + 45:
                if sql(primary, query) != "0":
                    takeover["seconds"] = round(time.time() - beat_killed_at, 1)
                    return
                time.sleep(0.5)

        watcher = threading.Thread(target=watch_beat, daemon=True)
        watcher.start()
        for thread in threads:
            thread.join()
        producer.join()
        say("load finished; waiting for the drill tasks (redelivery after the visibility timeout)")

        deadline = time.monotonic() + VISIBILITY_TIMEOUT + 40
        applied = {}
        while time.monotonic() < deadline:
            rows = sql(primary, "SELECT token, count(*) FROM core_drilleffect GROUP BY token")
            applied = dict(line.split("|") for line in rows.splitlines() if line)
            if all(token in applied for token in sent):
                break
            time.sleep(1)
        counts = {token: int(n) for token, n in applied.items()}
        lost = [token for token in sent if token not in counts]
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        redelivered = int(sql(primary, "SELECT count(*) FROM core_drilleffect WHERE redelivered"))
        watcher.join()
        beat2_log = (base / "beat-2.log").read_text(errors="replace")

        replica.wait_replayed(primary)
        conn = http.client.HTTPConnection("127.0.0.1", lb_port, timeout=10)
        conn.request("GET", "/metrics", headers={"Host": "127.0.0.1", "Authorization": f"Bearer {TOKEN}"})
        metrics = conn.getresponse().read().decode()
        lag_match = re.search(r'^portal_db_replica_lag_seconds\{replica="replica1"\} (\S+)$', metrics, re.M)
        replica_after = int(sql(replica, "SELECT xact_commit FROM pg_stat_database WHERE datname = 'portal'"))
        replay_bytes = sql(
            primary, "SELECT COALESCE(max(pg_wal_lsn_diff(sent_lsn, replay_lsn)), 0) FROM pg_stat_replication"
        )

        import boto3

        bucket = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3_port}", aws_access_key_id="test-access-key",
                              aws_secret_access_key="test-secret-key", region_name="us-east-1")  # noqa: S106 # fmt: skip
        s3_objects = sum(
            bucket.list_objects_v2(Bucket=name).get("KeyCount", 0) for name in ("blitar-media", "blitar-private")
        )
        served = sum(n for status, n in load.statuses.items() if status == 200)
        client_errors = sum(n for status, n in load.statuses.items() if status != 200)
        report.update(
            requests_served=served,
            client_errors=client_errors,
            error_kinds=dict(load.errors),
            web_nodes_alive=1,
            tasks_sent=len(sent),
            tasks_applied=len(counts),
            tasks_lost=len(lost),
            duplicate_side_effects=duplicates,
            tasks_in_flight_at_worker_kill=in_flight,
            tasks_redelivered_after_kill=redelivered,
            beat_took_over="seconds" in takeover,
            beat_takeover_seconds=takeover.get("seconds"),
            standby_beat_log_says=("beat: Starting" in beat2_log),
            replica_transactions_during_load=replica_after - replica_before,
            s3_objects=s3_objects,
            replica_lag_seconds_metric=float(lag_match.group(1)) if lag_match else None,
            replica_replay_lag_bytes=int(replay_bytes or 0),
            worker_killed_at=killed_worker_at,
            total_seconds=round(time.monotonic() - started, 1),
        )
        return report, base
    finally:
        stack.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="create/migrate/seed the source database, then exit")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("REHEARSAL_SECONDS", "60")))
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs)")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    for tool in (NGINX, engines.PGBOUNCER, engines.REDIS_SERVER, engines.PG_BIN / "pg_basebackup"):
        if not os.path.exists(tool):
            sys.exit(f"{tool} is missing: run `make setup-test` (scripts/setup.sh --for-tests installs it)")
    report, base = rehearse(args.seconds)
    print(json.dumps({k: v for k, v in report.items() if k != "worker_killed_at"}, indent=2))
    ok = (
        report["client_errors"] == 0
        and report["tasks_lost"] == 0
        and report["duplicate_side_effects"] == 0
        and report["beat_took_over"]
    )
    lag = report["replica_lag_seconds_metric"]
    beat = f"in {report['beat_takeover_seconds']} s" if report["beat_took_over"] else "NO"
    print(
        f"REHEARSAL {'PASS' if ok else 'FAIL'}: {report['requests_served']} requests served, "
        f"{report['client_errors']} client errors after killing 1 of 2 web nodes; "
        f"{report['tasks_sent']} tasks sent, {report['tasks_lost']} lost, "
        f"{report['duplicate_side_effects']} duplicate side effects "
        f"({report['tasks_in_flight_at_worker_kill']} in flight at the worker kill, "
        f"{report['tasks_redelivered_after_kill']} redelivered); "
        f"standby beat took over: {beat}; "
        f"replica lag {lag if lag is not None else 'unknown'} s ({report['replica_replay_lag_bytes']} bytes), "
        f"{report['replica_transactions_during_load']} replica transactions; "
        f"{report['s3_objects']} objects on S3; {report['total_seconds']} s in all",
        flush=True,
    )
    if args.keep:
        print(f"logs kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
