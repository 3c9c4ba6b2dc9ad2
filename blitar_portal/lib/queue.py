"""The one way to hand work to Celery from a write (CONTRIBUTING.md, "background work").

`enqueue_on_commit(task, *args, **kwargs)` sends the task once the caller's transaction has
committed (at once when there is none), so a worker never reads rows that are not there yet and
a rolled-back write queues nothing.

When the broker is down: ONE behaviour everywhere. The message is tried once (no publish retry, so
the request is not slowed down), a warning is logged, and nothing is raised: the write is already
saved and the user's request never fails because of the broker. The work is left to the periodic
safety net of that task (the beat entry listed for it in CONTRIBUTING.md), which catches up once
the broker is back.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, countdown=None, **kwargs):
    """Send `task(*args, **kwargs)` now (after `countdown` seconds); False when the broker is down.

    For code that already runs after commit (or in a task) and must react to a lost message.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the periodic safety net catches up
        logger.warning("Broker unavailable, %s left to its periodic safety net: %s", task.name, exc)
        return False
    return True


def enqueue_on_commit(task, *args, countdown=None, **kwargs):
    """Send `task(*args, **kwargs)` after the current transaction commits (see the module docstring)."""
    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown, **kwargs))
