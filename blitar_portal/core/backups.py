"""Backup sets of the whole portal: the database and both media trees, restorable as one.

A set is a directory named by its UTC time (20261130T013000Z) holding
- database.dump       pg_dump -Fc, taken in one snapshot with the row counts below;
- media-public.tar    MEDIA_ROOT (public renditions);
- media-private.tar   PRIVATE_MEDIA_ROOT (originals, never public);
- manifest.json       sha256 and size of each file above, row count of every table,
                      file count of each media tree. Written last: a set without it is incomplete.

Sets live in a target. LocalDirectoryTarget is a directory (BACKUP_DIR); another target
(an S3-compatible bucket) only has to provide the same five methods.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILE = "database.dump"
MEDIA_TREES = {"public": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


class LocalDirectoryTarget:
    """Backup sets as subdirectories of one local directory."""

    def __init__(self, root):
        self.root = Path(root)

    def __str__(self):
        return str(self.root)

    def names(self):
        """Complete sets (with a manifest), oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if not p.name.startswith(".") and (p / MANIFEST).is_file())

    @contextmanager
    def new_set(self, name):
        """A staging directory; on success it becomes the set `name` in one rename."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".incomplete-{name}-", dir=self.root))
        try:
            yield staging
            staging.rename(self.root / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @contextmanager
    def open_set(self, name):
        """A local directory with the set's files (for a remote target: downloaded to a temp dir)."""
        path = self.root / name
        if not (path / MANIFEST).is_file():
            raise BackupError(f"No complete backup set {name!r} in {self.root}.")
        yield path

    def delete(self, name):
        shutil.rmtree(self.root / name)


def default_target():
    return LocalDirectoryTarget(settings.BACKUP_DIR)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment():
    """libpq variables for pg_dump/pg_restore: the credentials never appear on a command line."""
    db = connections["default"].settings_dict
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command, what):
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _table_row_counts(cursor):
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names from pg_tables, quoted
        counts[table] = cursor.fetchone()[0]
    return counts


def _dump_database(destination):
    """pg_dump -Fc of the snapshot in which the rows are counted: the counts describe the dump exactly."""
    connection = connections.create_connection("default")
    try:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _table_row_counts(cursor)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(destination)], "pg_dump")
        connection.rollback()
    finally:
        connection.close()
    return counts


def _archive_tree(root, destination):
    root = Path(root)
    files = 0
    with tarfile.open(destination, "w") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    files += 1
    return files


def create_backup(*, target=None, keep=None):
    """Write one backup set and apply retention (keep the newest `keep`). Returns the set's name."""
    target = target or default_target()
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError("Retention must keep at least one backup set.")
    name = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    existing = set(target.names())
    suffix = 1
    while name in existing:
        suffix += 1
        name = f"{name.split('-')[0]}-{suffix}"
    with target.new_set(name) as staging:
        manifest = {"format": FORMAT, "name": name, "created_at": timezone.now().isoformat(), "files": {}}
        manifest["tables"] = _dump_database(staging / DATABASE_FILE)
        manifest["media"] = {}
        for tree, setting in MEDIA_TREES.items():
            manifest["media"][tree] = {
                "files": _archive_tree(getattr(settings, setting), staging / f"media-{tree}.tar")
            }
        for path in sorted(staging.iterdir()):
            manifest["files"][path.name] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    for old in target.names()[:-keep]:
        target.delete(old)
    return name


def list_backups(*, target=None):
    """[(name, manifest)] of the complete sets, oldest first."""
    target = target or default_target()
    result = []
    for name in target.names():
        with target.open_set(name) as path:
            result.append((name, json.loads((path / MANIFEST).read_text())))
    return result


def _verify(path, manifest):
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup set format {manifest.get('format')!r} is not {FORMAT}.")
    for file_name, expected in manifest["files"].items():
        if not (path / file_name).is_file() or _sha256(path / file_name) != expected["sha256"]:
            raise BackupError(f"{file_name} does not match its checksum in the manifest; nothing was restored.")


def _restore_tree(archive_path, root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    with tarfile.open(archive_path) as archive:
        archive.extractall(root, filter="data")
    return sum(1 for path in root.rglob("*") if path.is_file())


def _restore_contents(dump, list_file):
    """The dump's table of contents without the extensions the database already has.

    In production the portal's role is not a superuser and PostGIS belongs to `postgres`:
    `--clean` must not try to drop and re-create it. A new, empty database gets them from
    the dump (as a superuser) or from the administrator beforehand (docs/operations.md)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
    toc = _run(["pg_restore", "--list", str(dump)], "pg_restore --list").stdout.splitlines()
    keep = [
        line
        for line in toc
        if not any(
            f"EXTENSION - {name} " in f"{line} " or f"COMMENT - EXTENSION {name} " in f"{line} " for name in installed
        )
    ]
    list_file.write_text("\n".join(keep) + "\n")
    return list_file


def restore_backup(name=None, *, target=None, jobs=2):
    """Replace the database and both media trees with the set `name` (default: the newest).

    The checksums are verified before anything is touched; afterwards the row counts and
    media file counts must equal the manifest's. Returns the manifest."""
    target = target or default_target()
    names = target.names()
    if not names:
        raise BackupError(f"No backup set in {target}.")
    name = name or names[-1]
    with target.open_set(name) as path:
        manifest = json.loads((path / MANIFEST).read_text())
        _verify(path, manifest)
        with tempfile.TemporaryDirectory() as scratch:
            contents = _restore_contents(path / DATABASE_FILE, Path(scratch) / "contents.list")
            connections["default"].close()
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", f"--jobs={jobs}",
                 f"--use-list={contents}", "--dbname", connections["default"].settings_dict["NAME"],
                 str(path / DATABASE_FILE)],
                "pg_restore",
            )  # fmt: skip
        for tree, setting in MEDIA_TREES.items():
            files = _restore_tree(path / f"media-{tree}.tar", getattr(settings, setting))
            if files != manifest["media"][tree]["files"]:
                raise BackupError(
                    f"Media {tree}: {files} files restored, the manifest lists {manifest['media'][tree]}."
                )
    with connections["default"].cursor() as cursor:
        counts = _table_row_counts(cursor)
    differing = sorted(table for table in manifest["tables"] if counts.get(table) != manifest["tables"][table])
    if differing:
        raise BackupError(f"Row counts differ from the manifest after the restore: {', '.join(differing)}.")
    return manifest
