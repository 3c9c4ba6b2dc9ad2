from celery import shared_task
from celery.signals import worker_ready

from .services import retention_apply, worker_heartbeat_record


@shared_task(name="core.worker_heartbeat", bind=True, ignore_result=True)
def worker_heartbeat(self):
    """Proof that a worker consumes the queue this message was sent to (beat sends one per queue)."""
    worker_heartbeat_record(queue=(self.request.delivery_info or {}).get("routing_key") or None)


@worker_ready.connect
def heartbeat_on_worker_start(sender=None, **kwargs):
    """Record a heartbeat for each queue of a worker as soon as it is up, not only at the first beat tick."""
    consumer = getattr(sender, "task_consumer", None)
    queues = [queue.name for queue in getattr(consumer, "queues", [])] or [None]
    for queue in queues:
        worker_heartbeat.apply_async(queue=queue)


@shared_task(name="core.purge_personal_data", ignore_result=True)
def purge_personal_data():
    """Daily retention run (docs/privacy.md): the same service as `manage.py purge_personal_data`."""
    retention_apply()
