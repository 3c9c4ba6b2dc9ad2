"""Opt-in read routing to streaming replicas (docs/operations.md "Read replicas").

Every query goes to the primary ("default") unless the code runs inside `use_replica()`:
the views that only show data anyone may see a few seconds late — dashboards, the open-data
exports, the public read API — are decorated with it. Owner and clerk pages, every write,
every query inside a transaction on the primary, and sessions/users (so a fresh sign-in is
never lost to replication lag) always read from the primary. With no replica configured
(`DATABASE_REPLICA_URLS` empty, the default) `use_replica()` changes nothing.
"""

import contextvars
import itertools
from contextlib import ContextDecorator

from django.conf import settings
from django.db import connections

_replica_reads = contextvars.ContextVar("replica_reads", default=False)
_turns = itertools.count()

# Identity and sessions: a user who has just signed in must be found on the next request.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "accounts", "axes", "contenttypes", "admin"})


def replica_aliases():
    return list(settings.REPLICA_DATABASES)


class use_replica(ContextDecorator):  # noqa: N801 - used like a function: @use_replica / with use_replica():
    """Reads of ORM queries in this block (or view) may go to a replica."""

    def _recreate_cm(self):
        return type(self)()  # one per call: a decorated view runs in many threads at once

    def __enter__(self):
        self._token = _replica_reads.set(True)
        return self

    def __exit__(self, *exc):
        _replica_reads.reset(self._token)
        return False


def reading_from_replica():
    return _replica_reads.get()


class ReplicaRouter:
    """Primary by default; a replica (round robin) for reads inside `use_replica()`."""

    def db_for_read(self, model, **hints):
        aliases = replica_aliases()
        if not aliases or not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        if connections["default"].in_atomic_block:
            return "default"  # a transaction reads its own writes
        return aliases[next(_turns) % len(aliases)]

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def replica_lag_seconds(alias):
    """Seconds the replica's replay is behind: 0 when it has replayed everything it received,
    else the age of the last replayed transaction. None when `alias` is not in recovery."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        in_recovery, lag = cursor.fetchone()
    return float(lag) if in_recovery else None
