"""Thin Celery tasks: take ids, call a service (JSON arguments only)."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import services

MAX_SYNC_RETRIES = 4
RETRY_BASE_SECONDS = 15
RETRY_MAX_SECONDS = 600


def retry_countdown(retries):
    """Seconds before retry number `retries + 1`: 15, 30, 60, 120 … at most RETRY_MAX_SECONDS."""
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)


@shared_task(name="ehealth.dispatch_due_syncs", ignore_result=True)
def dispatch_due_syncs():
    """The one beat entry: fan out one task per hospital that is due (one slow hospital delays no other)."""
    for hospital_id, claimed_at in services.hospitals_claim_due():
        sync_hospital.delay(hospital_id, claimed_at.isoformat())


@shared_task(name="ehealth.sync_hospital", bind=True, ignore_result=True, max_retries=MAX_SYNC_RETRIES)
def sync_hospital(self, hospital_id, claimed_at=None, trigger="beat"):
    """Sync one hospital; transient faults retry with bounded exponential backoff.

    Idempotent under late acks: a redelivered task skips when a successful sync
    already happened after the claim, and re-applying identical numbers writes nothing.
    """
    run = services.hospital_sync(
        hospital_id=hospital_id,
        trigger=trigger,
        attempt=self.request.retries + 1,
        claimed_at=parse_datetime(claimed_at) if claimed_at else None,
    )
    if getattr(run, "retryable", False) and self.request.retries < self.max_retries:
        raise self.retry(countdown=retry_countdown(self.request.retries))
