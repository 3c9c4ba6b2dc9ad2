"""One place where apps add their periodic tasks to the Celery beat.

Call `register_periodic_task` from an AppConfig.ready(); the schedule lives in
Celery's configuration; celery-redbeat lets one beat at a time send them.
"""

from blitar_portal.celery import app


def register_periodic_task(name, *, task, schedule, kwargs=None):
    """schedule: seconds (float) or a celery.schedules.crontab."""
    entry = {"task": task, "schedule": schedule}
    if kwargs:
        entry["kwargs"] = kwargs
    app.conf.beat_schedule = {**(app.conf.beat_schedule or {}), name: entry}
