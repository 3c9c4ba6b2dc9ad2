from celery import shared_task
from celery.signals import worker_ready

from .services import retention_apply, worker_heartbeat_record


@shared_task(name="core.worker_heartbeat", ignore_result=True)
def worker_heartbeat():
    worker_heartbeat_record()


@worker_ready.connect
def heartbeat_on_worker_start(sender=None, **kwargs):
    """Record a heartbeat as soon as a worker is up, not only at the first beat tick."""
    worker_heartbeat.delay()


@shared_task(name="core.purge_personal_data", ignore_result=True)
def purge_personal_data():
    """Daily retention run (docs/privacy.md): the same service as `manage.py purge_personal_data`."""
    retention_apply()
