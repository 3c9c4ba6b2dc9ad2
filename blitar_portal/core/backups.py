"""Backup sets of the whole portal: the database and both media trees, restorable as one.

A set is a directory named by its UTC time (20261130T013000Z) holding
- database.dump       pg_dump -Fc, taken in one snapshot with the row counts below;
- media-public.tar    MEDIA_ROOT (public renditions);
- media-private.tar   PRIVATE_MEDIA_ROOT (originals, never public);
- manifest.json       sha256 and size of each file above, row count of every table,
                      file count of each media tree. Written last: a set without it is incomplete.

Sets live in a target: LocalDirectoryTarget is a directory (BACKUP_DIR); S3Target a prefix
of an S3-compatible bucket (BACKUP_S3_BUCKET, used by default when set), with the same
retention. When media are on S3-compatible storage (MEDIA_S3_BUCKET) the media archives are
made from the buckets' objects and restored into them (with each storage's ACL).
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
from django.core.files import File
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILE = "database.dump"
MEDIA_TREES = {"public": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
MEDIA_STORAGES = {"public": "default", "private": "private"}


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


class S3Target:
    """Backup sets under `<prefix>/<name>/` in an S3-compatible bucket. The files are uploaded
    from a local staging directory, the manifest last: a set without it (an interrupted
    upload) is never listed, restored or counted by the retention."""

    def __init__(self, bucket, prefix="backups", *, endpoint_url=None, region=None, access_key=None, secret_key=None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )

    def __str__(self):
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, name, file_name=""):
        return "/".join(part for part in (self.prefix, name, file_name) if part)

    def _keys(self, prefix):
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]

    def names(self):
        start = self._key("") + "/" if self.prefix else ""
        names = set()
        for key in self._keys(start):
            name, _, file_name = key[len(start) :].partition("/")
            if file_name == MANIFEST and not name.startswith("."):
                names.add(name)
        return sorted(names)

    @contextmanager
    def new_set(self, name):
        staging = Path(tempfile.mkdtemp(prefix=f"backup-{name}-"))
        try:
            yield staging
            files = sorted(p for p in staging.iterdir() if p.name != MANIFEST) + [staging / MANIFEST]
            for path in files:
                self.client.upload_file(str(path), self.bucket, self._key(name, path.name))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @contextmanager
    def open_set(self, name):
        if name not in self.names():
            raise BackupError(f"No complete backup set {name!r} in {self}.")
        with tempfile.TemporaryDirectory(prefix=f"restore-{name}-") as scratch:
            start = self._key(name) + "/"
            for key in self._keys(start):
                self.client.download_file(self.bucket, key, str(Path(scratch) / key[len(start) :]))
            yield Path(scratch)

    def delete(self, name):
        keys = list(self._keys(self._key(name) + "/"))
        # The manifest first: a half-deleted set is an incomplete one, never a damaged complete one.
        keys.sort(key=lambda key: not key.endswith("/" + MANIFEST))
        for key in keys:
            self.client.delete_object(Bucket=self.bucket, Key=key)


def s3_target_from_settings():
    return S3Target(
        settings.BACKUP_S3_BUCKET,
        settings.BACKUP_S3_PREFIX,
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL,
        region=settings.BACKUP_S3_REGION,
        access_key=settings.BACKUP_S3_ACCESS_KEY_ID,
        secret_key=settings.BACKUP_S3_SECRET_ACCESS_KEY,
    )


def default_target():
    """The bucket when BACKUP_S3_BUCKET is set, else BACKUP_DIR."""
    if settings.BACKUP_S3_BUCKET:
        return s3_target_from_settings()
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


def _object_storage(tree):
    """The S3-compatible storage of a media tree, or None when it is a local directory."""
    storage = storages[MEDIA_STORAGES[tree]]
    return storage if hasattr(storage, "bucket") else None


def _storage_prefix(storage):
    location = (storage.location or "").strip("/")
    return f"{location}/" if location else ""


def _storage_objects(storage):
    prefix = _storage_prefix(storage)
    return sorted((obj for obj in storage.bucket.objects.filter(Prefix=prefix)), key=lambda obj: obj.key)


def _archive_storage(storage, destination):
    """Every object of the storage (under its prefix) into a tar, named relative to the prefix."""
    prefix = _storage_prefix(storage)
    files = 0
    with tarfile.open(destination, "w") as archive:
        for obj in _storage_objects(storage):
            with tempfile.TemporaryFile() as body:
                storage.bucket.download_fileobj(obj.key, body)
                info = tarfile.TarInfo(obj.key[len(prefix) :])
                info.size = body.tell()
                info.mtime = int(obj.last_modified.timestamp())
                body.seek(0)
                archive.addfile(info, body)
            files += 1
    return files


def _archive_media(tree, destination):
    storage = _object_storage(tree)
    if storage is not None:
        return _archive_storage(storage, destination)
    return _archive_tree(getattr(settings, MEDIA_TREES[tree]), destination)


def _restore_storage(archive_path, storage):
    """Replace the storage's objects with the archive's, written through the storage (its ACL,
    content types and cache headers: public copies public-read, originals private)."""
    for obj in _storage_objects(storage):
        obj.delete()
    with tarfile.open(archive_path) as archive:
        for member in archive:
            member = tarfile.data_filter(member, "/restore")  # no absolute names, no "..", no links
            if not member.isfile():
                continue
            with archive.extractfile(member) as body:
                saved = storage.save(member.name, File(body, name=member.name))
            if saved != member.name:
                raise BackupError(f"Media object {member.name} was restored as {saved}.")
    return len(_storage_objects(storage))


def _restore_media(tree, archive_path):
    storage = _object_storage(tree)
    if storage is not None:
        return _restore_storage(archive_path, storage)
    return _restore_tree(archive_path, getattr(settings, MEDIA_TREES[tree]))


def media_description():
    """Where the two media trees are, for people: directories or buckets."""
    parts = []
    for tree in MEDIA_TREES:
        storage = _object_storage(tree)
        where = (
            f"s3://{storage.bucket_name}/{_storage_prefix(storage)}"
            if storage is not None
            else str(getattr(settings, MEDIA_TREES[tree]))
        )
        parts.append(f"{tree}: {where}")
    return ", ".join(parts)


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
        for tree in MEDIA_TREES:
            manifest["media"][tree] = {"files": _archive_media(tree, staging / f"media-{tree}.tar")}
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
        for tree in MEDIA_TREES:
            files = _restore_media(tree, path / f"media-{tree}.tar")
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
