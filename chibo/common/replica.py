"""Reporting reads on a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), everything else on the primary.

A reporting page (dashboard, "what to fix") runs its view inside `reading_replica()`: every read of the
view and of its template goes to the `replica` alias, in one transaction whose snapshot is REPEATABLE READ
(settings), so the figures and the "Số liệu tính lúc …" line that dates them come from the same moment of
the same database, and a replica's lag shows as an older time. Writes always go to the primary, whatever
the context; reads inside a transaction on the primary stay there (they may depend on its own writes).
Without a `replica` alias (the default, the demo, the tests) everything uses `default`.

Replicas trail by what replay has not applied yet (usually under a second): a role granted or a fact
recomputed a moment ago reaches reporting pages that much later. Pages that write, or read what the
same user just wrote (forms, job progress), are not decorated and stay on the primary."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import connections, transaction

REPLICA = "replica"
PRIMARY = "default"

_reading_replica: ContextVar[bool] = ContextVar("chibo_reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_replica() -> Iterator[str]:
    """Reads inside go to the replica when one is configured; yields the alias they use."""
    if not replica_configured():
        yield PRIMARY
        return
    token = _reading_replica.set(True)
    try:
        with transaction.atomic(using=REPLICA):
            yield REPLICA
    finally:
        _reading_replica.reset(token)


def reporting_read(view: Callable) -> Callable:
    """Decorate a read-only reporting view: its GET (and HEAD) read the replica, rendering included."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_replica():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse renders after the view: still on the replica
            return response

    return wrapped


class ReplicaRouter:
    """DATABASE_ROUTERS: `replica` for reads inside `reading_replica()`, `default` for every write."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _reading_replica.get() or not replica_configured():
            return None
        if connections[PRIMARY].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Rows read from the replica are rows of the primary: relating them is relating primary rows.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # A standby replays the primary's schema; it is never migrated on its own.
        return False if db == REPLICA else None
