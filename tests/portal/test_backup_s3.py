"""Backups in an S3-compatible bucket, with the media on S3-compatible storage too (a real S3
server on loopback, moto): seed -> back up to the bucket -> wipe database and media buckets ->
restore from the bucket -> same row counts, same objects with the same checksums, and the same
public/private access. Retention applies in the bucket as in a directory."""

import hashlib
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from blitar_portal.core import backups
from tests.portal.test_backup import _execute, row_counts, scratch  # noqa: F401 - the scratch database fixture
from tests.servers.s3 import s3_server

ROOT = Path(settings.BASE_DIR)
MEDIA_BUCKET, PRIVATE_BUCKET, BACKUP_BUCKET = "drill-media", "drill-private", "drill-backups"


@pytest.fixture(scope="module")
def s3():
    with s3_server() as server:
        for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET, BACKUP_BUCKET):
            server.create_bucket(bucket)
        yield server


def objects(s3, bucket, prefix=""):
    """{key: sha256} of the bucket's objects under `prefix`."""
    client = s3.client()
    found = {}
    for obj in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
        found[obj["Key"]] = hashlib.sha256(body).hexdigest()
    return found


def anonymous_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_restore_drill_from_a_bucket_with_media_in_buckets(scratch, s3):  # noqa: F811
    dbname, url = scratch
    client = s3.client()
    seeded = {
        (MEDIA_BUCKET, "public/tanam/publik/tok3n/card.jpg", "public-read"): os.urandom(30_000),
        (MEDIA_BUCKET, "public/open-data/penanaman.csv", "public-read"): b"id,pohon\n1,7\n",
        (PRIVATE_BUCKET, "private/tanam/foto/penanam-1764480000.jpg", "private"): os.urandom(90_000),
        (PRIVATE_BUCKET, "private/ikm/originals/nama dengan spasi.png", "private"): os.urandom(5_000),
    }
    for (bucket, key, acl), body in seeded.items():
        client.put_object(Bucket=bucket, Key=key, Body=body, ACL=acl)
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(
        DATABASE_URL=url,
        **s3.environ("MEDIA_S3"),
        MEDIA_S3_BUCKET=MEDIA_BUCKET,
        MEDIA_S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
        **s3.environ("BACKUP_S3"),
        BACKUP_S3_BUCKET=BACKUP_BUCKET,
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    counts_before = row_counts(dbname)
    media_before = objects(s3, MEDIA_BUCKET), objects(s3, PRIVATE_BUCKET)
    assert (len(media_before[0]), len(media_before[1])) == (2, 2)

    assert f"written to s3://{BACKUP_BUCKET}/backups" in manage("backup")
    stored = objects(s3, BACKUP_BUCKET, "backups/")
    (name,) = {key.split("/")[1] for key in stored}
    assert {key.split("/")[2] for key in stored} == {
        "database.dump",
        "media-public.tar",
        "media-private.tar",
        "manifest.json",
    }
    assert name in manage("backup", "--list")

    # Wipe: an empty database and empty media buckets.
    _execute("postgres", f'DROP DATABASE "{dbname}" WITH (FORCE)', f'CREATE DATABASE "{dbname}"')
    for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET):
        for key in objects(s3, bucket):
            client.delete_object(Bucket=bucket, Key=key)
    assert row_counts(dbname) == {} and objects(s3, MEDIA_BUCKET) == {} == objects(s3, PRIVATE_BUCKET)

    restored = manage("restore", "--noinput")
    assert f"Restored {name}" in restored and "counts verified" in restored
    assert row_counts(dbname) == counts_before
    assert (objects(s3, MEDIA_BUCKET), objects(s3, PRIVATE_BUCKET)) == media_before
    # Restored through the storages: public copies public again, originals still private.
    assert anonymous_status(f"{s3.endpoint_url}/{MEDIA_BUCKET}/public/tanam/publik/tok3n/card.jpg") == 200
    assert anonymous_status(f"{s3.endpoint_url}/{PRIVATE_BUCKET}/private/tanam/foto/penanam-1764480000.jpg") == 403


def test_retention_in_the_bucket_keeps_the_newest_sets_and_ignores_incomplete_ones(db, s3, settings, tmp_path):
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_bytes(b"a")
    target = backups.S3Target(
        BACKUP_BUCKET,
        "retention",
        endpoint_url=s3.endpoint_url,
        region="us-east-1",
        access_key="test-access-key",
        secret_key="test-secret-key",  # noqa: S106 - the loopback server's
    )
    names = [backups.create_backup(target=target, keep=2) for _ in range(3)]
    assert target.names() == names[1:]
    assert not objects(s3, BACKUP_BUCKET, f"retention/{names[0]}/")
    # An interrupted upload (no manifest) is neither listed nor restorable.
    s3.client().put_object(Bucket=BACKUP_BUCKET, Key="retention/20000101T000000Z/database.dump", Body=b"partial")
    assert target.names() == names[1:]
    with pytest.raises(backups.BackupError, match="No complete backup set '20000101T000000Z'"):
        backups.restore_backup("20000101T000000Z", target=target)
