"""Deployment artefacts (deploy/), checked statically because these machines run no containers,
plus the production start path: secrets from *_FILE, `make serve`, migrations under a lock."""

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.db import connection

from blitar_portal.core.management.commands.migrate_with_lock import MIGRATION_LOCK_KEY

from .production import production_env

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
QUEUES = {"feeds", "notifications", "images", "aggregates", "default"}
PORTAL_IMAGE = "blitar-portal:latest"


def assert_portal_command_exists(argv, where):
    """A command run in the portal's image or .venv: a console script of requirements.txt,
    python with manage.py and a real management command, or sh with a script of the repo."""
    program, *args = argv
    assert program in ("gunicorn", "celery", "python", "sh"), f"{where}: unknown program {program}"
    if program in ("gunicorn", "celery", "python"):
        assert (VENV_BIN / program).exists(), f"{where}: {program} is not installed by requirements.txt"
    if program == "sh":
        script = ROOT / args[0]
        assert script.is_file(), f"{where}: {args[0]} is not in the repository"
        for line in script.read_text().splitlines():
            words = shlex.split(line, comments=True)
            if words[:2] == ["python", "manage.py"]:
                assert_portal_command_exists(words, f"{where} ({args[0]})")
    if program == "python":
        assert args[0] == "manage.py", f"{where}: python runs manage.py only"
        assert args[1] in get_commands(), f"{where}: no management command {args[1]}"
    if program == "gunicorn":
        config = args[args.index("-c") + 1]
        assert (ROOT / config).is_file(), f"{where}: {config} missing"
        assert args[-1] == "blitar_portal.wsgi"
    if program == "celery":
        assert args[:2] == ["-A", "blitar_portal"], where
        assert args[2] in ("worker", "beat"), where


# --- compose ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_every_part_of_the_installation(compose):
    services = compose["services"]
    assert {"db", "redis-cache", "redis-broker", "storage", "migrate", "web", "beat", "proxy"} <= set(services)
    assert services["db"]["image"].startswith("postgis/postgis:")
    assert services["storage"]["command"][0] == "server"  # MinIO: S3-compatible
    env = services["web"]["environment"]
    assert env["REDIS_URL"].startswith("redis://redis-cache:")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis-broker:")
    assert env["SECRET_KEY_FILE"].startswith("/run/secrets/")
    assert env["DATABASE_URL_FILE"].startswith("/run/secrets/")
    assert "SECRET_KEY" not in env and "DATABASE_URL" not in env


def test_compose_runs_one_worker_per_queue_and_exactly_one_beat(compose):
    services = compose["services"]
    queues = []
    beats = 0
    for service in services.values():
        command = service.get("command", [])
        if command[:4] == ["celery", "-A", "blitar_portal", "worker"]:
            queues += [arg.split("=", 1)[1] for arg in command if arg.startswith("--queues=")]
        beats += command[:4] == ["celery", "-A", "blitar_portal", "beat"]
    assert sorted(queues) == sorted(QUEUES)
    assert beats == 1


def test_compose_migrates_once_before_web_and_workers_start(compose):
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    for name, service in services.items():
        if service.get("image") == PORTAL_IMAGE and name != "migrate":
            assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_every_compose_command_exists_in_the_repository(compose):
    checked = 0
    for name, service in compose["services"].items():
        if service.get("image") == PORTAL_IMAGE:
            assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
            assert "entrypoint" not in service
            assert_portal_command_exists(service["command"], f"compose service {name}")
            checked += 1
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"compose service {name} mounts missing {source}"
    assert checked == 8  # migrate, web, five workers, beat
    # the proxy fills the same site template as the VM path
    assert any("portal.conf.template" in v for v in compose["services"]["proxy"]["volumes"])


# --- Dockerfile ---------------------------------------------------------------------------------------


def dockerfile_instructions():
    text = (DEPLOY / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_is_multi_stage_and_copies_only_files_that_exist():
    instructions = dockerfile_instructions()
    stages = [args for op, args in instructions if op == "FROM"]
    assert len(stages) >= 2
    ignored = (ROOT / ".dockerignore").read_text().split()
    for op, args in instructions:
        if op == "COPY" and "--from=" not in args:
            *sources, _target = [word for word in shlex.split(args) if not word.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
                assert source not in ignored, f"COPY {source}: excluded by .dockerignore"


def test_dockerfile_runs_as_a_non_root_user_with_geodjango_libraries_and_collected_static():
    instructions = dockerfile_instructions()
    users = [args for op, args in instructions if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    runs = " ".join(args for op, args in instructions if op == "RUN")
    for package in ("gdal-bin", "libgeos-c1v5", "libproj25", "postgresql-client"):
        assert package in runs
    assert "manage.py collectstatic" in runs
    assert "manage.py compilemessages" in runs
    cmd = [args for op, args in instructions if op == "CMD"][-1]
    assert_portal_command_exists(json.loads(cmd), "Dockerfile CMD")


# --- systemd units ----------------------------------------------------------------------------------


def unit_values(path, key):
    return [line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith(f"{key}=")]


@pytest.mark.parametrize(
    "unit", ["blitar-web.service", "blitar-worker@.service", "blitar-beat.service", "blitar-migrate.service"]
)
def test_systemd_units_start_portal_commands_as_a_service_user(unit):
    path = DEPLOY / "systemd" / unit
    assert unit_values(path, "User") == ["blitar"]
    (exec_start,) = unit_values(path, "ExecStart")
    argv = shlex.split(exec_start)
    assert argv[0].startswith("/srv/blitar/app/.venv/bin/")
    argv[0] = Path(argv[0]).name
    assert_portal_command_exists(argv, unit)
    assert "EnvironmentFile=/etc/blitar/portal.env" in path.read_text()
    assert "SECRET_KEY_FILE=%d/secret_key" in path.read_text()


def test_the_migrate_unit_is_a_oneshot_and_workers_are_per_queue():
    assert unit_values(DEPLOY / "systemd" / "blitar-migrate.service", "Type") == ["oneshot"]
    (exec_start,) = unit_values(DEPLOY / "systemd" / "blitar-worker@.service", "ExecStart")
    assert "--queues=%i" in exec_start


# --- production start path ---------------------------------------------------------------------------


def test_make_serve_never_installs_packages_or_migrates():
    result = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True)
    planned = result.stdout
    assert "gunicorn -c gunicorn.conf.py blitar_portal.wsgi" in planned
    for forbidden in ("setup.sh", "apt-get", "pip install", "migrate", "createdb"):
        assert forbidden not in planned


def test_secrets_are_read_from_name_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG\n")
    url = tmp_path / "database_url"
    url.write_text("postgis://filed-user@db.internal:5433/from_file\n")
    environ = production_env(
        DEBUG="0", ALLOWED_HOSTS="portal.blitarkab.go.id", SECRET_KEY_FILE=str(secret), DATABASE_URL_FILE=str(url)
    )
    environ.pop("SECRET_KEY", None)
    environ.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(s.SECRET_KEY, d['NAME'], d['HOST'], d['PORT'], d['USER'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "from_file",
        "db.internal",
        "5433",
        "filed-user",
    ]


def test_an_unreadable_secret_file_stops_the_start_with_its_name(tmp_path):
    environ = production_env(SECRET_KEY_FILE=str(tmp_path / "missing"))
    environ.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert f"SECRET_KEY_FILE={tmp_path / 'missing'} cannot be read" in result.stderr


def _test_database():
    """The test database's settings (pytest-django renamed it); never the developer's database."""
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    return db


def _test_database_url():
    db = _test_database()
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgis://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_two_hosts_migrating_at_once_take_turns_through_the_advisory_lock(transactional_db):
    db = _test_database()
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "localhost", port=db["PORT"]
    )
    holder.autocommit = True
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        second_host = subprocess.Popen(
            [sys.executable, "manage.py", "migrate_with_lock", "--noinput"],
            cwd=ROOT,
            env=production_env(DATABASE_URL=_test_database_url()),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The second host queues on the lock (pg_locks shows its ungranted advisory lock)...
        waiting = 0
        for _ in range(300):
            with holder.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
                waiting = cursor.fetchone()[0]
            if waiting or second_host.poll() is not None:
                break
            time.sleep(0.1)
        assert waiting == 1
        assert second_host.poll() is None
        # ...and migrates once the first host is done.
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        stdout, stderr = second_host.communicate(timeout=120)
    finally:
        holder.close()
    assert second_host.returncode == 0, stderr
    assert "Another host is migrating this database; waiting" in stdout
    assert "No migrations to apply." in stdout
