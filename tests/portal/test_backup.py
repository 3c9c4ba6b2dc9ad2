"""Backup and restore (`manage.py backup`, `manage.py restore`).

The restore drill runs the real commands as subprocesses (pg_dump, pg_restore) against a
scratch database made for the drill (a copy of the seeded test database), never the
developer's database, and scratch media directories: seed -> back up -> wipe -> restore ->
same row counts and same media checksums.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from blitar_portal.core import backups
from blitar_portal.core.models import WorkerHeartbeat
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def _test_database():
    """The test database's settings (pytest-django renamed it); never the developer's database."""
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    return db


def _execute(dbname, *statements):
    db = _test_database()
    conn = psycopg2.connect(
        dbname=dbname, user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "localhost", port=db["PORT"]
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def row_counts(dbname):
    tables = _execute(dbname, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return {table: _execute(dbname, f'SELECT count(*) FROM public."{table}"')[0][0] for (table,) in tables}  # noqa: S608 - names from pg_tables


def tree_checksums(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def seed_media(media, private):
    files = {
        media / "tanam" / "rendisi" / "17" / "large.jpg": os.urandom(40_000),
        media / "ikm" / "photos" / "3" / "card.webp": os.urandom(9_000),
        media / "empty.txt": b"",
        private / "tanam" / "foto" / "penanam-1764480000.jpg": os.urandom(120_000),
        private / "ikm" / "originals" / "nama dengan spasi.png": os.urandom(5_000),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _terminate_other_sessions(dbname):
    # The test database's own name, never user input.
    return (
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{dbname}' AND pid <> pg_backend_pid()"  # noqa: S608, E501
    )


@pytest.fixture
def scratch(transactional_db, django_db_blocker, tmp_path):
    """A scratch database: a copy of the test database seeded with users and a heartbeat (regions are there)."""
    UserFactory.create_batch(7)
    WorkerHeartbeat.objects.create(queue="drill", hostname="drill-host", beat_at=timezone.now())
    test_database = _test_database()
    name = f"{test_database['NAME']}_drill"
    credentials = test_database["USER"] + (f":{test_database['PASSWORD']}" if test_database["PASSWORD"] else "")
    url = f"postgis://{credentials}@{test_database['HOST'] or 'localhost'}:{test_database['PORT'] or 5432}/{name}"
    with django_db_blocker.unblock():
        connections.close_all()  # CREATE DATABASE ... TEMPLATE needs the template without sessions
    _execute(
        "postgres",
        # Threads of earlier tests (live servers, worker threads) may still hold idle sessions.
        _terminate_other_sessions(test_database["NAME"]),
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{test_database["NAME"]}"',
    )
    try:
        yield name, url
    finally:
        _execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_drill_brings_back_the_same_rows_and_the_same_media(scratch, tmp_path):
    dbname, url = scratch
    media, private, backup_dir = tmp_path / "media", tmp_path / "private", tmp_path / "backups"
    seed_media(media, private)
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(DATABASE_URL=url, MEDIA_ROOT=str(media), PRIVATE_MEDIA_ROOT=str(private), BACKUP_DIR=str(backup_dir))

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    counts_before = row_counts(dbname)
    media_before = tree_checksums(media), tree_checksums(private)
    assert counts_before["auth_user"] == 7
    assert counts_before["regions_desa"] == 248
    assert (len(media_before[0]), len(media_before[1])) == (3, 2)

    assert "written to" in manage("backup")
    (set_dir,) = backup_dir.iterdir()
    manifest = json.loads((set_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media-public.tar", "media-private.tar"}
    assert manifest["tables"]["public.auth_user"] == 7
    assert manifest["media"] == {"public": {"files": 3}, "private": {"files": 2}}
    for file_name, entry in manifest["files"].items():
        assert hashlib.sha256((set_dir / file_name).read_bytes()).hexdigest() == entry["sha256"]

    # Wipe: an empty database (no tables, no PostGIS) and no media at all.
    _execute("postgres", f'DROP DATABASE "{dbname}" WITH (FORCE)', f'CREATE DATABASE "{dbname}"')
    shutil.rmtree(media)
    shutil.rmtree(private)
    assert row_counts(dbname) == {}

    restored = manage("restore", "--noinput")
    assert f"Restored {set_dir.name}" in restored and "counts verified" in restored
    assert row_counts(dbname) == counts_before
    assert (tree_checksums(media), tree_checksums(private)) == media_before

    # A restore over a database and media that changed since the backup puts them back too.
    _execute(dbname, "TRUNCATE auth_user CASCADE")
    (media / "added-after-backup.jpg").write_bytes(b"x")
    assert row_counts(dbname)["auth_user"] == 0
    manage("restore", set_dir.name, "--noinput")
    assert row_counts(dbname) == counts_before
    assert (tree_checksums(media), tree_checksums(private)) == media_before


@pytest.fixture
def local_sets(tmp_path, settings):
    """Backup sets of the test database in a temp directory, media in temp directories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    seed_media(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    settings.BACKUP_DIR = tmp_path / "backups"
    return backups.LocalDirectoryTarget(settings.BACKUP_DIR)


def test_a_damaged_backup_set_is_refused_before_anything_is_touched(db, local_sets, settings):
    name = backups.create_backup()
    with (local_sets.root / name / "media-private.tar").open("r+b") as archive:
        archive.seek(600)
        archive.write(b"corrupted")
    UserFactory(username="made-after-the-backup")
    media_now = tree_checksums(settings.MEDIA_ROOT)

    with pytest.raises(CommandError) as refused:
        call_command("restore", "--noinput")
    assert str(refused.value) == (
        "media-private.tar does not match its checksum in the manifest; nothing was restored."
    )
    assert tree_checksums(settings.MEDIA_ROOT) == media_now
    assert get_user_model().objects.filter(username="made-after-the-backup").exists()


def test_retention_keeps_the_newest_sets_and_ignores_incomplete_ones(db, local_sets):
    names = [backups.create_backup(keep=2) for _ in range(3)]
    assert local_sets.names() == names[1:]
    (local_sets.root / "20000101T000000Z").mkdir()  # no manifest: an interrupted set, never listed or restored
    assert local_sets.names() == names[1:]
    assert [name for name, _manifest in backups.list_backups()] == names[1:]
    assert not [path for path in local_sets.root.iterdir() if path.name.startswith(".incomplete-")]


def test_restore_without_a_backup_says_so(db, local_sets):
    with pytest.raises(CommandError, match=f"No backup set in {local_sets.root}."):
        call_command("restore", "--noinput")


def test_retention_must_keep_at_least_one_set(db, local_sets):
    with pytest.raises(CommandError, match="at least one"):
        call_command("backup", "--keep", "0")


def test_a_restore_leaves_installed_extensions_alone(db, local_sets, tmp_path):
    """The production role cannot drop PostGIS (it belongs to `postgres`): installed extensions
    are left out of the restore, everything else stays in."""
    name = backups.create_backup()
    contents = backups._restore_contents(local_sets.root / name / "database.dump", tmp_path / "contents.list")
    kept = contents.read_text()
    assert "EXTENSION - postgis" not in kept and "EXTENSION - pg_trgm" not in kept
    assert "TABLE DATA public auth_user " in kept
    assert "TABLE DATA public regions_desa " in kept
