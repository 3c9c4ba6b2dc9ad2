"""Reads of the portal shell: the health of its parts and the home page figures."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

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


def home_figures():
    """{"ehealth": {...}, "ikm": {...}, "tanam": {...}, "computed_at": datetime}

    Each app's figures come from its `dashboard.home_summary()`; the IKM target and the
    progress towards it from `ikm.selectors.ikm_target_progress` (cached apart, so a new
    target shows at once).
    """
    figures = cache.get_or_set("core:home-figures:v2", _compute_home_figures, HOME_FIGURES_CACHE_SECONDS)
    ikm = figures["ikm"]
    return {**figures, "ikm": {**ikm, **ikm_selectors.ikm_target_progress(ikm["ikm_online"])}}


def _compute_home_figures():
    return {
        "computed_at": timezone.now(),
        "ehealth": ehealth_dashboard.home_summary(),
        "ikm": ikm_dashboard.home_summary(),
        "tanam": tanam_dashboard.home_summary(),
    }


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Version()")
        return {"postgis": cursor.fetchone()[0]}


def _check_cache():
    cache.ping()
    return {}


def _check_broker():
    from blitar_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return {}


def _check_worker():
    beat = WorkerHeartbeat.objects.filter(queue=settings.CELERY_TASK_DEFAULT_QUEUE).first()
    if beat is None:
        raise RuntimeError("no heartbeat from any Celery worker yet")
    age = (timezone.now() - beat.beat_at).total_seconds()
    if age > settings.HEARTBEAT_MAX_AGE_SECONDS:
        raise RuntimeError(f"last worker heartbeat {int(age)} s ago")
    return {"heartbeat_age_seconds": round(age, 1)}


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "worker": _check_worker,
}


def health_report():
    """{"status": "ok"|"fail", "checks": {part: {"ok": bool, ...}}, "failing": [...]}"""
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            checks[name] = {"ok": True, **check()}
        except Exception as exc:  # noqa: BLE001 - any failure is a failing part
            logger.warning("Health check %s failed: %s", name, exc)
            checks[name] = {"ok": False, "error": str(exc)[:200]}
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
