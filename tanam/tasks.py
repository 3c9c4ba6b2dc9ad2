"""Thin Celery tasks: take ids/points, call a service. Enqueued on commit by services.py."""

from celery import shared_task

from . import services


@shared_task(name="tanam.planting_renditions")
def planting_renditions(planting_id):
    services.planting_renditions_build(planting_id=planting_id)


@shared_task(name="tanam.render_pending_plantings", ignore_result=True)
def render_pending_plantings():
    """Beat: the safety net of planting_renditions (a task lost while the broker was down)."""
    services.plantings_render_pending()


@shared_task(name="tanam.clusters_refresh")
def clusters_refresh(points):
    services.cluster_cells_refresh(points=points)


@shared_task(name="tanam.cover_refresh")
def cover_refresh(desa_ids, first_year, tiles=None):
    services.cover_refresh(desa_ids=desa_ids, first_year=first_year, tiles=tiles)


@shared_task(name="tanam.aggregates_rebuild")
def aggregates_rebuild():
    services.cluster_cells_rebuild()
    services.cover_refresh()


@shared_task(name="tanam.cover_refresh_current_year")
def cover_refresh_current_year():
    services.cover_refresh_current_year()


@shared_task(name="tanam.open_data_build", soft_time_limit=1500, time_limit=1800)
def open_data_build():
    # A full build reads every verified planting (about a minute at 1,000,000): longer limits.
    services.open_data_build()


@shared_task(name="tanam.recheck_reminders", ignore_result=True)
def recheck_reminders():
    """Beat: tell planters whose re-check fell due (once per due check; see services.plantings_recheck_notify)."""
    services.plantings_recheck_notify()
