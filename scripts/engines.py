"""Real engines on loopback for tests and `make rehearsal`: PostgreSQL clusters (a primary made
with initdb, a streaming replica made with `pg_basebackup -R`), pgbouncer and redis-server.

Everything comes from Debian packages (postgresql-15, postgresql-15-postgis-3, pgbouncer,
redis-server), runs from a temporary directory on the ports given and is stopped by `stop()`.
PostgreSQL and pgbouncer refuse to run as root: when this runs as root they run as the
`postgres` system user (the Debian package creates it), which owns the temporary directory.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
OWNER = "postgres"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, log=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened: {_tail(log)}")


def _tail(log):
    return Path(log).read_text()[-2000:] if log and Path(log).exists() else ""


def _as_owner(cmd):
    return ["runuser", "-u", OWNER, "--", *map(str, cmd)] if os.geteuid() == 0 else [str(c) for c in cmd]


def _run(cmd, **kwargs):
    result = subprocess.run(_as_owner(cmd), capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {result.stderr[-2000:]}")
    return result.stdout


def workdir(prefix):
    """A temporary directory the engines' user owns (cleaned by `shutil.rmtree`)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, OWNER, OWNER)
    return path


def _writable(path, text):
    Path(path).write_text(text)
    if os.geteuid() == 0:
        shutil.chown(path, OWNER, OWNER)


class Cluster:
    """One PostgreSQL cluster on 127.0.0.1:<port> (trust authentication, loopback only)."""

    def __init__(self, datadir, port):
        self.datadir, self.port = Path(datadir), port
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    @classmethod
    def primary(cls, base, port):
        """initdb, with streaming replication allowed from loopback; durability traded for speed
        (fsync off: a throw-away cluster)."""
        self = cls(Path(base) / "primary", port)
        _run([PG_BIN / "initdb", "-D", self.datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write(self._settings() + "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
        with open(self.datadir / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.start()
        return self

    def replica(self, base, port):
        """A streaming replica of this cluster: `pg_basebackup -R` (standby.signal and
        primary_conninfo written by pg_basebackup), then started on `port`."""
        other = Cluster(Path(base) / f"replica-{port}", port)
        _run(
            [PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
             "-D", other.datadir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"]
        )  # fmt: skip
        with open(other.datadir / "postgresql.conf", "a") as conf:
            conf.write(other._settings())
        other.start()
        return other

    def _settings(self):
        return (
            f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.datadir.parent}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
            "max_connections = 60\n"
        )

    def start(self):
        _run([PG_BIN / "pg_ctl", "-D", self.datadir, "-l", self.log, "-w", "-t", "60", "start"])

    def stop(self, mode="fast"):
        if (self.datadir / "postmaster.pid").exists():
            subprocess.run(_as_owner([PG_BIN / "pg_ctl", "-D", self.datadir, "-m", mode, "-w", "stop"]),
                           capture_output=True)  # fmt: skip

    def url(self, database, scheme="postgis"):
        return f"{scheme}://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement, database="postgres"):
        """Run one statement with psql; its output rows (unaligned, tuples only)."""
        return _run([PG_BIN / "psql", "-X", "-At", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                     "-d", database, "-v", "ON_ERROR_STOP=1", "-c", statement]).strip()  # fmt: skip

    def copy_database(self, source_url, database, dump=None):
        """A copy of another server's database (pg_dump | pg_restore), PostGIS included;
        `dump`: bytes of a `pg_dump -Fc` made beforehand instead of `source_url`."""
        self.sql(f'CREATE DATABASE "{database}"')
        if dump is None:
            dump = dump_database(source_url)
        restore = subprocess.run(
            [PG_BIN / "pg_restore", "--no-owner", "--no-acl", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-d", database],
            input=dump, capture_output=True,
        )  # fmt: skip
        if restore.returncode:
            raise RuntimeError(restore.stderr.decode()[-2000:])

    def wait_replayed(self, primary, database="postgres", timeout=30):
        """Until this replica has replayed everything the primary has written so far."""
        target = primary.sql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", database) == "t":
                return
            time.sleep(0.1)
        raise RuntimeError(f"replica on {self.port} did not replay up to {target}")


def dump_database(url):
    return subprocess.run([PG_BIN / "pg_dump", "-Fc", "-d", url], capture_output=True, check=True).stdout


class PgBouncer:
    """pgbouncer in transaction pooling mode on 127.0.0.1:<port> in front of host:server_port."""

    def __init__(self, base, port, *, server_port, users, pool_size=4, server_host="127.0.0.1"):
        self.port, self.base = port, Path(base)
        self.config, self.log = self.base / "pgbouncer.ini", self.base / "pgbouncer.log"
        _writable(self.base / "users.txt", "".join(f'"{user}" ""\n' for user in users))
        _writable(
            self.config,
            f"""[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {self.base / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = {self.log}
pidfile = {self.base / "pgbouncer.pid"}
admin_users = {users[0]}
""",
        )
        self.process = subprocess.Popen(_as_owner([PGBOUNCER, self.config]), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)  # fmt: skip
        wait_for_port(port, self.process, self.log)

    def url(self, database, user, scheme="postgis"):
        return f"{scheme}://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self):
        stop_process(self.process)


class Redis:
    """A redis-server on 127.0.0.1:<port>, no persistence unless `appendonly`."""

    def __init__(self, base, port, *, appendonly=False, maxmemory_policy="noeviction"):
        self.port = port
        self.log = Path(base) / f"redis-{port}.log"
        args = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(base),
                "--appendonly", "yes" if appendonly else "no", "--maxmemory-policy", maxmemory_policy,
                "--logfile", str(self.log), "--appendfilename", f"appendonly-{port}.aof"]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(port, self.process, self.log)

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self):
        stop_process(self.process)


def stop_process(process, sig=signal.SIGTERM, timeout=20):
    if process is not None and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
