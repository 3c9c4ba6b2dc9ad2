"""Thin Celery tasks of the dashboard (JSON arguments only)."""

from celery import shared_task


@shared_task(name="dashboard.refresh_summaries")
def refresh_summaries(trigger="beat"):
    from .services import summaries_refresh

    run = summaries_refresh(trigger=trigger)
    return run.pk if run else None
