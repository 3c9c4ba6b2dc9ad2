"""/metrics: Prometheus text behind the monitoring token, and the alert rules that use it."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from blitar_portal.celery import app as celery_app
from blitar_portal.core.models import WorkerHeartbeat
from ehealth.models import Hospital

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scrape(client, settings, tmp_path):
    settings.MONITORING_TOKEN = TOKEN
    settings.BACKUP_DIR = tmp_path / "backups"

    def get():
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return get


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_metrics_need_the_monitoring_token(client, db, settings, authorization):
    settings.MONITORING_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 403
    assert b"portal_" not in response.content


def test_requests_are_counted_by_url_name_and_status(client, db, scrape):
    before = value(scrape(), "portal_http_requests_total", method="GET", view="core:livez", status="200") or 0
    client.get("/livez")
    client.get("/livez")
    client.post("/livez")
    client.get("/tidak-ada/sama-sekali/")
    samples = scrape()
    assert value(samples, "portal_http_requests_total", method="GET", view="core:livez", status="200") == before + 2
    assert value(samples, "portal_http_requests_total", method="POST", view="core:livez", status="405") >= 1
    assert value(samples, "portal_http_requests_total", method="GET", view="unmatched", status="404") >= 1
    assert value(samples, "portal_http_request_duration_seconds_count", method="GET", view="core:livez") >= 2
    assert not [key for key in samples if "tidak-ada" in str(key)]  # raw paths never become labels


def test_feed_age_per_hospital_and_its_stale_threshold(db, scrape):
    from blitar_portal.regions.models import Kecamatan

    kecamatan = Kecamatan.objects.first()
    feed = {"feed_url": "http://127.0.0.1:9/feed", "feed_format": "csv"}
    common = {"kecamatan": kecamatan, "address": "Jl. Uji", **feed}
    Hospital.objects.create(
        slug="rs-segar", name="RS Segar", stale_after_minutes=30,
        last_success_at=timezone.now() - timezone.timedelta(hours=2), **common,
    )  # fmt: skip
    Hospital.objects.create(slug="rs-belum", name="RS Belum Pernah", **common)
    Hospital.objects.create(slug="rs-tanpa-feed", name="RS Tanpa Feed", kecamatan=kecamatan, address="Jl. Uji")
    samples = scrape()
    assert 7200 <= value(samples, "portal_feed_age_seconds", hospital="rs-segar") < 7200 + 120
    assert value(samples, "portal_feed_stale_after_seconds", hospital="rs-segar") == 1800
    assert value(samples, "portal_feed_age_seconds", hospital="rs-belum") == float("inf")
    assert value(samples, "portal_feed_age_seconds", hospital="rs-tanpa-feed") is None


def test_feed_stale_gauge_follows_the_boards_rule(db, scrape):
    from blitar_portal.regions.models import Kecamatan

    now = timezone.now()
    common = {
        "kecamatan": Kecamatan.objects.first(), "address": "Jl. Uji", "stale_after_minutes": 60,
        "feed_url": "http://127.0.0.1:9/feed", "feed_format": "csv",
    }  # fmt: skip
    fresh = Hospital.objects.create(slug="rs-segar", name="RS Segar", beds_confirmed_at=now, **common)
    failing = Hospital.objects.create(
        slug="rs-gagal", name="RS Gagal", beds_confirmed_at=now, consecutive_failures=3, **common
    )
    old = Hospital.objects.create(
        slug="rs-lama", name="RS Lama", beds_confirmed_at=now - timezone.timedelta(hours=2), **common
    )
    samples = scrape()
    for hospital in (fresh, failing, old):
        shown = value(samples, "portal_feed_stale", hospital=hospital.slug)
        assert shown == int(hospital.is_stale()), hospital.slug
    # Freshness is the age of the last confirmed numbers (issue 15): a failing feed whose numbers were
    # confirmed just now is not stale; its failures show in portal_feed_age_seconds (last success).
    assert [value(samples, "portal_feed_stale", hospital=h.slug) for h in (fresh, failing, old)] == [0, 0, 1]


def test_queue_length_per_celery_queue(db, scrape):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # tasks that earlier tests queued and no worker took
    for _ in range(3):
        celery_app.send_task("core.worker_heartbeat", queue=queue)
    try:
        samples = scrape()
        assert value(samples, "portal_celery_queue_length", queue=queue) == 3
        for work_queue in ("feeds", "notifications", "images", "aggregates"):
            assert value(samples, "portal_celery_queue_length", queue=work_queue) is not None
    finally:
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


def test_worker_heartbeat_and_backup_age(db, scrape, settings):
    WorkerHeartbeat.objects.create(queue="feeds", beat_at=timezone.now() - timezone.timedelta(minutes=10))
    samples = scrape()
    assert 600 <= value(samples, "portal_worker_heartbeat_age_seconds", queue="feeds") < 600 + 120
    assert value(samples, "portal_backup_age_seconds") == float("inf")  # no backup yet

    backup = Path(settings.BACKUP_DIR) / "20261130T000000Z"
    backup.mkdir(parents=True)
    created = timezone.now() - timezone.timedelta(hours=3)
    (backup / "manifest.json").write_text(json.dumps({"format": 1, "created_at": created.isoformat(), "files": {}}))
    assert 10800 <= value(scrape(), "portal_backup_age_seconds") < 10800 + 120


def test_every_alert_rule_uses_metrics_that_metrics_exposes(client, db, settings):
    settings.MONITORING_TOKEN = TOKEN
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    exposed = set(re.findall(r"^# TYPE (\S+) ", text, re.MULTILINE))
    exposed |= {f"{name}_total" for name in exposed}  # counters are exposed as <name>_total
    rules = yaml.safe_load((Path(settings.BASE_DIR) / "deploy" / "prometheus" / "alerts.yml").read_text())
    alerts = {rule["alert"]: rule["expr"] for group in rules["groups"] for rule in group["rules"]}
    assert {
        "PortalFeedStale", "PortalQueueBacklog", "PortalHigh5xxRate", "PortalBackupTooOld", "PortalWorkerHeartbeatLost",
    } <= set(alerts)  # fmt: skip
    for alert, expr in alerts.items():
        for metric in re.findall(r"\b(portal_[a-z_]+)", expr):
            assert metric in exposed, f"{alert} uses {metric}, which /metrics does not expose"
