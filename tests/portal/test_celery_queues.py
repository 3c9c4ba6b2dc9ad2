"""Celery work is split by kind: one queue (and one worker in deploy/) per kind of task."""

import json
import os
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR

EXPECTED = {
    "ehealth.sync_hospital": "feeds",
    "ehealth.dispatch_due_syncs": "feeds",
    "notifications.send": "notifications",
    "notifications.send_due": "notifications",
    "ikm.product_photo_render": "images",
    "tanam.planting_renditions": "images",
    "tanam.aggregates_rebuild": "aggregates",
    "tanam.recheck_reminders": "notifications",
    "dashboard.refresh_summaries": "aggregates",
    "core.worker_heartbeat": "default",
}


@pytest.fixture(scope="module")
def production_routes():
    """Where each registered task goes under production settings (no test-run queue)."""
    code = (
        "import json, django; django.setup()\n"
        "from blitar_portal.celery import app\n"
        "app.loader.import_default_modules()\n"
        "names = sorted(n for n in app.tasks if not n.startswith('celery.'))\n"
        "print(json.dumps({n: app.amqp.router.route({}, n)['queue'].name for n in names}))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(DJANGO_SETTINGS_MODULE="blitar_portal.settings", CELERY_QUEUE="default")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_tasks_are_routed_to_the_queue_of_their_kind(production_routes):
    assert {name: production_routes[name] for name in EXPECTED} == EXPECTED


def test_every_task_lands_on_a_queue_that_has_a_worker_in_the_deploy_files(production_routes):
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    consumed = {
        arg.split("=", 1)[1]
        for service in compose["services"].values()
        for arg in service.get("command", [])
        if arg.startswith("--queues=")
    }
    assert set(production_routes.values()) <= consumed
    assert set(settings.WORKER_QUEUES) | {"default"} == consumed


def test_the_development_worker_consumes_every_queue():
    (worker,) = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:")]
    queues = worker.split("--queues=")[1].split()[0].split(",")
    assert set(settings.WORKER_QUEUES) <= set(queues)
    assert "${CELERY_QUEUE:-celery}" in queues


def test_beat_sends_a_heartbeat_to_every_work_queue(settings):
    from blitar_portal.celery import app

    targets = {
        entry.get("options", {}).get("queue")
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "core.worker_heartbeat"
    }
    assert targets == {None, *settings.WORKER_QUEUES}  # None: the default queue


def test_a_test_run_keeps_every_task_on_its_own_queue():
    from blitar_portal.celery import app

    assert app.amqp.router.route({}, "ehealth.sync_hospital")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
