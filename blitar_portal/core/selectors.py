"""Reads of the portal shell: the health of its parts and the home page figures."""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from blitar_portal.lib.cache import ping as cache_ping
from blitar_portal.lib.db import replica_aliases, replica_lag_seconds
from ehealth import dashboard as ehealth_dashboard
from ikm import dashboard as ikm_dashboard
from ikm import selectors as ikm_selectors
from tanam import dashboard as tanam_dashboard

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


# The home page is the busiest page; summing a million plantings on every visit
# would make it the slowest. Its figures are recomputed at most once a minute,
# and the page says when they were computed.
HOME_FIGURES_CACHE_SECONDS = 60


def home_figures() -> dict:
    """{"ehealth": {...}, "ikm": {...}, "tanam": {...}, "computed_at": datetime}

    Each app's figures come from its `dashboard.home_summary()`; the IKM target and the
    progress towards it from `ikm.selectors.ikm_target_progress` (cached apart, so a new
    target shows at once).
    """
    figures = cast(
        "dict[str, Any]", cache.get_or_set("core:home-figures:v2", _compute_home_figures, HOME_FIGURES_CACHE_SECONDS)
    )
    ikm = figures["ikm"]
    return {**figures, "ikm": {**ikm, **ikm_selectors.ikm_target_progress(ikm["ikm_online"])}}


def _compute_home_figures() -> dict[str, datetime | dict]:
    return {
        "computed_at": timezone.now(),
        "ehealth": ehealth_dashboard.home_summary(),
        "ikm": ikm_dashboard.home_summary(),
        "tanam": tanam_dashboard.home_summary(),
    }


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Version()")
        return {"postgis": cursor.fetchone()[0]}


def _check_cache() -> dict:
    # The cache's own socket timeouts (settings.CACHES) bound this call.
    cache_ping()
    return {}


def _check_broker() -> dict:
    """One connection attempt, no retry, bounded by HEALTH_CHECK_TIMEOUT_SECONDS.

    Kombu's default retry sleeps 2 s before its second attempt: with the broker
    down that made /healthz take seconds."""
    from blitar_portal.celery import app

    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    transport_options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    with app.connection_for_write(connect_timeout=timeout, transport_options=transport_options) as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)
    return {}


def _check_worker() -> dict[str, Any]:
    beat = WorkerHeartbeat.objects.filter(queue=settings.CELERY_TASK_DEFAULT_QUEUE).first()
    if beat is None:
        raise RuntimeError("no heartbeat from any Celery worker yet")
    age = (timezone.now() - beat.beat_at).total_seconds()
    if age > settings.HEARTBEAT_MAX_AGE_SECONDS:
        raise RuntimeError(f"last worker heartbeat {int(age)} s ago")
    return {"heartbeat_age_seconds": round(age, 1)}


def _check_replica() -> dict[str, Any]:
    """Every streaming replica (only when DATABASE_REPLICA_URLS is set): reachable, in
    recovery, replay at most REPLICA_MAX_LAG_SECONDS behind."""
    lags = {}
    for alias in replica_aliases():
        lag = replica_lag_seconds(alias)
        if lag is None:
            raise RuntimeError(f"{alias} is not a replica (not in recovery)")
        if lag > settings.REPLICA_MAX_LAG_SECONDS:
            raise RuntimeError(f"{alias} replays {int(lag)} s behind the primary")
        lags[alias] = round(lag, 1)
    return {"lag_seconds": lags}


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "worker": _check_worker,
    "replica": _check_replica,
}
# /readyz: without these the node cannot serve; the other parts only degrade it
# (pages render from the database when Redis is down, tasks wait to be enqueued).
READINESS_REQUIRED = ("database",)
READINESS_OPTIONAL = ("cache", "broker")


def _run_checks(names: Iterable[str]) -> dict:
    checks = {}
    for name in names:
        try:
            checks[name] = {"ok": True, **HEALTH_CHECKS[name]()}
        except Exception as exc:  # noqa: BLE001 - any failure is a failing part
            logger.warning("Health check %s failed: %s", name, exc)
            checks[name] = {"ok": False, "error": str(exc)[:200]}
    return checks


def _failing(checks: dict[str, Any]) -> list:
    return [name for name, result in checks.items() if not result["ok"]]


def health_report(*, details: bool = False) -> dict[str, str]:
    """/healthz: every part. {"status": "ok"|"fail", "failing": [...], "checks": {part: {"ok": bool}}}.

    Versions, ages and error texts only with details=True (a monitoring token):
    anonymous callers learn which part failed, nothing about hosts or versions."""
    checks = _run_checks([name for name in HEALTH_CHECKS if name != "replica" or replica_aliases()])
    failing = _failing(checks)
    return {"status": "fail" if failing else "ok", "failing": failing, "checks": _shown(checks, details)}


def readiness_report(*, details: bool = False) -> dict[str, str]:
    """/readyz: {"status": "ok"|"degraded"|"fail", "failing": [...], "degraded": [...], "checks": {...}}.

    "fail" only when a required part (the database) fails; a cache or broker
    outage is "degraded": the node keeps serving and says what is missing."""
    checks = _run_checks(READINESS_REQUIRED + READINESS_OPTIONAL)
    failing = [name for name in _failing(checks) if name in READINESS_REQUIRED]
    degraded = [name for name in _failing(checks) if name in READINESS_OPTIONAL]
    status = "fail" if failing else "degraded" if degraded else "ok"
    return {"status": status, "failing": failing, "degraded": degraded, "checks": _shown(checks, details)}


def _shown(checks: dict[str, Any], details: bool) -> Any:
    return checks if details else {name: {"ok": result["ok"]} for name, result in checks.items()}
