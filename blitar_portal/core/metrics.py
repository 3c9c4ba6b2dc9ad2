"""Prometheus metrics of the portal, served on /metrics behind the monitoring token.

- portal_http_requests_total{method,view,status} and portal_http_request_duration_seconds{method,view}:
  counted by MetricsMiddleware in each process. Under gunicorn (several processes) set
  PROMETHEUS_MULTIPROC_DIR to an empty directory per start (the systemd unit does); the
  processes then share their counts through files there.
- Gauges read when scraped: Celery queue length per queue, age of each hospital feed's last
  good sync (and its stale threshold), whether the board marks it stale, worker heartbeat age
  per queue, age of the newest backup.
Alert rules on these: deploy/prometheus/alerts.yml.
"""

import logging
import math
import os
import time

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from blitar_portal.lib.db import replica_aliases, replica_lag_seconds

from . import backups
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

REQUESTS = Counter("portal_http_requests", "HTTP requests answered.", ["method", "view", "status"])
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class MetricsMiddleware:
    """Counts every response and its duration, labelled by URL name (bounded), never by raw path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "OTHER"
        LATENCY.labels(method, view).observe(time.perf_counter() - started)
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        return response


def queue_names():
    """The default queue first, then the work queues of the deploy files."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE]
    return names + [name for name in settings.WORKER_QUEUES if name not in names]


def _queue_lengths():
    from blitar_portal.celery import app

    lengths = {}
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    transport_options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    try:
        with app.connection_for_read(connect_timeout=timeout, transport_options=transport_options) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
            channel = conn.default_channel
            for name in queue_names():
                try:
                    lengths[name] = channel.queue_declare(queue=name, passive=True).message_count
                except Exception:  # noqa: BLE001 - a queue nobody declared yet holds nothing
                    lengths[name] = 0
    except Exception as exc:  # noqa: BLE001 - broker down: no figure rather than a wrong one
        logger.warning("Queue lengths unavailable: %s", exc)
    return lengths


def _age(moment, now):
    return (now - moment).total_seconds() if moment else math.inf


class PortalCollector:
    """Gauges computed at scrape time from the database, the broker and the backup directory."""

    def collect(self):
        from ehealth.selectors import feed_freshness

        now = timezone.now()
        queue = GaugeMetricFamily("portal_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
        for name, length in _queue_lengths().items():
            queue.add_metric([name], length)
        yield queue

        feed_age = GaugeMetricFamily(
            "portal_feed_age_seconds", "Seconds since the hospital feed's last good sync.", labels=["hospital"]
        )
        feed_limit = GaugeMetricFamily(
            "portal_feed_stale_after_seconds", "Age at which the board marks the feed stale.", labels=["hospital"]
        )
        feed_stale = GaugeMetricFamily(
            "portal_feed_stale", "1 when the board marks the hospital's numbers stale, else 0.", labels=["hospital"]
        )
        for feed in feed_freshness(now=now):
            feed_age.add_metric([feed["slug"]], _age(feed["last_success_at"], now))
            feed_limit.add_metric([feed["slug"]], feed["stale_after_minutes"] * 60)
            feed_stale.add_metric([feed["slug"]], int(feed["stale"]))
        yield feed_age
        yield feed_limit
        yield feed_stale

        heartbeat = GaugeMetricFamily(
            "portal_worker_heartbeat_age_seconds",
            "Seconds since a worker of the queue ran the heartbeat.",
            labels=["queue"],
        )
        for beat in WorkerHeartbeat.objects.order_by("queue"):
            heartbeat.add_metric([beat.queue], _age(beat.beat_at, now))
        yield heartbeat

        lag = GaugeMetricFamily(
            "portal_db_replica_lag_seconds",
            "Seconds the streaming replica's replay is behind the primary (NaN: unreachable).",
            labels=["replica"],
        )
        for alias in replica_aliases():
            try:
                value = replica_lag_seconds(alias)
            except DatabaseError:
                value = None
            lag.add_metric([alias], math.nan if value is None else value)
        yield lag

        sets = backups.list_backups()
        newest = parse_datetime(sets[-1][1]["created_at"]) if sets else None
        yield GaugeMetricFamily(
            "portal_backup_age_seconds", "Seconds since the newest complete backup set.", value=_age(newest, now)
        )


def render():
    """The exposition text: this process's (or all gunicorn processes') counters plus the gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCounters())
    registry.register(PortalCollector())
    return generate_latest(registry)


class _ProcessCounters:
    def collect(self):
        yield from REQUESTS.collect()
        yield from LATENCY.collect()
