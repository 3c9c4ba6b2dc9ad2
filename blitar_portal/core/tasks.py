from celery import shared_task
from celery.signals import worker_ready

from .services import drill_apply, retention_apply, worker_heartbeat_record


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


@shared_task(name="core.drill", bind=True, ignore_result=True)
def drill(self, token, work_seconds=0.0):
    """`make rehearsal`'s marker task (scripts/rehearsal.py): idempotent, acks late (settings)."""
    drill_apply(
        token=token,
        worker=self.request.hostname or "",
        redelivered=bool((self.request.delivery_info or {}).get("redelivered")),
        work_seconds=float(work_seconds),
    )


@shared_task(name="core.purge_personal_data", ignore_result=True)
def purge_personal_data():
    """Daily retention run (docs/privacy.md): the same service as `manage.py purge_personal_data`."""
    retention_apply()
