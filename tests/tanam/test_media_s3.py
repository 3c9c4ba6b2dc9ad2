"""Media on S3-compatible storage (django-storages) against a real S3 server on loopback (moto).

A photo uploaded through the registration page lands in the private bucket only; its public
renditions appear in the public bucket when the planting is verified and disappear when it is
rejected; a private object cannot be read anonymously by its URL, while the owner still sees it
through the permission-checked view.
"""

import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from blitar_portal.settings import s3_media_storages
from tanam import selectors, services
from tanam.models import Planting
from tests.servers.s3 import s3_server

PUBLIC_BUCKET, PRIVATE_BUCKET = "blitar-media", "blitar-private"


@pytest.fixture(scope="module")
def s3():
    with s3_server() as server:
        yield server


@pytest.fixture
def s3_media(s3, settings):
    """STORAGES switched to the S3 server the way MEDIA_S3_* configure production."""
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        client = s3.client()
        if bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]:
            for obj in client.list_objects_v2(Bucket=bucket).get("Contents", []):
                client.delete_object(Bucket=bucket, Key=obj["Key"])
        else:
            s3.create_bucket(bucket)
    values = {
        **s3.environ("MEDIA_S3"),
        "MEDIA_S3_BUCKET": PUBLIC_BUCKET,
        "MEDIA_S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
        "MEDIA_S3_URL_PROTOCOL": "http:",
    }
    settings.STORAGES = {
        **django_settings.STORAGES,
        **s3_media_storages(lambda name, default="": values.get(name, default)),
    }
    return s3


def keys(s3, bucket):
    return sorted(obj["Key"] for obj in s3.client().list_objects_v2(Bucket=bucket).get("Contents", []))


def anonymous_get(url):
    """(status, body) of a GET without credentials, as a browser would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_a_planting_photo_goes_private_then_public_on_verification_and_back_on_rejection(
    client, s3_media, bob, alice, spot, species, photo, django_capture_on_commit_callbacks
):
    s3 = s3_media
    client.force_login(bob)
    response = client.post(
        reverse("tanam:register"),
        {
            "lat": spot[0],
            "lon": spot[1],
            "location_source": "map",
            "species": species.pk,
            "tree_count": 1,
            "planted_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "photo": photo(),
        },
    )
    assert response.status_code == 302
    planting = Planting.objects.get(user=bob)
    services.planting_renditions_build(planting_id=planting.pk)  # what the images worker does
    planting.refresh_from_db()

    # The original and every rendition are objects in the private bucket; nothing is public.
    private_keys = keys(s3, PRIVATE_BUCKET)
    assert f"private/{planting.photo.name}" in private_keys
    assert {f"private/{entry[fmt]}" for entry in planting.renditions.values() for fmt in ("jpeg", "webp")} <= set(
        private_keys
    )
    assert keys(s3, PUBLIC_BUCKET) == []

    # Nobody reads a private object by its URL: neither unsigned nor by guessing.
    original_url = f"{s3.endpoint_url}/{PRIVATE_BUCKET}/private/{planting.photo.name}"
    assert anonymous_get(original_url)[0] == 403
    card = planting.renditions["card"]["jpeg"]
    assert anonymous_get(f"{s3.endpoint_url}/{PRIVATE_BUCKET}/private/{card}")[0] == 403
    signed = storages["private"].url(card)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    # The owner sees it through the permission-checked view, streamed from the bucket.
    view_url = selectors.photo_url(planting, "card")
    assert view_url == f"/tanam/penanaman/{planting.pk}/foto/card.jpg"
    served = client.get(view_url)
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    with storages["private"].open(card, "rb") as handle:
        card_bytes = handle.read()
    assert b"".join(served.streaming_content) == card_bytes
    client.logout()
    assert client.get(view_url).status_code == 404

    # Verified: public copies in the public bucket, readable by anyone at the URL pages show.
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_verify(planting=planting, user=alice)
    planting.refresh_from_db()
    public_keys = keys(s3, PUBLIC_BUCKET)
    assert len(public_keys) == 6 and all(
        re.fullmatch(r"public/tanam/publik/[\w-]{24}/\w+\.(jpg|webp)", k) for k in public_keys
    )
    public_url = selectors.photo_url(planting, "card")
    assert public_url.startswith(f"{s3.endpoint_url}/{PUBLIC_BUCKET}/public/tanam/publik/")
    assert anonymous_get(public_url) == (200, card_bytes)
    client.force_login(bob)
    page = client.get(reverse("tanam:detail", args=[planting.pk]))
    assert f'src="{selectors.photo_url(planting, "large")}"' in page.content.decode()
    assert public_url.replace("/card.jpg", "/large.jpg") == selectors.photo_url(planting, "large")
    client.logout()
    assert f"private/{planting.photo.name}" in keys(s3, PRIVATE_BUCKET)  # the original stays private
    assert anonymous_get(original_url)[0] == 403

    # Rejected: the public copies are deleted from the bucket; links fall back to the view.
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_reject(planting=planting, user=alice, reason="Foto bukan pohon.")
    planting.refresh_from_db()
    assert keys(s3, PUBLIC_BUCKET) == []
    assert anonymous_get(public_url)[0] in (403, 404)
    assert selectors.photo_url(planting, "card") == view_url
    assert client.get(view_url).status_code == 404


def test_the_content_security_policy_allows_images_from_the_media_host(s3):
    """With MEDIA_S3_* set, img-src names the storage's origin (checked in a fresh process)."""
    import json
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION",)}
    environ.update(s3.environ("MEDIA_S3"), MEDIA_S3_BUCKET=PUBLIC_BUCKET)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
        "s.STORAGES['default']['BACKEND'], s.STORAGES['private']['OPTIONS']['bucket_name'], "
        "s.STORAGES['private']['OPTIONS']['location']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**environ, "DJANGO_SETTINGS_MODULE": "blitar_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    img_src, backend, private_bucket, private_prefix = json.loads(result.stdout.strip().splitlines()[-1])
    assert s3.endpoint_url in img_src
    assert backend == "storages.backends.s3.S3Storage"
    assert (private_bucket, private_prefix) == (PUBLIC_BUCKET, "private")  # one bucket, two prefixes
