"""The background worker's liveness: one beat row per process, and the sweeps that find the jobs of a
worker that stopped beating. Domain apps register their sweep in settings.CHIBO_WORKER_SWEEPS."""

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
BEAT_SECONDS = 10
# A worker silent this long is gone: six missed beats, so one slow write never looks like a death.
DEAD_AFTER = dt.timedelta(seconds=60)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(now=None) -> None:
    from chibo.common.models import WorkerBeat

    WorkerBeat.objects.update_or_create(worker=worker_id(), defaults={"seen_at": now or timezone.now()})


def alive_workers(now=None) -> set[str]:
    from chibo.common.models import WorkerBeat

    since = (now or timezone.now()) - DEAD_AFTER
    return set(WorkerBeat.objects.filter(seen_at__gte=since).values_list("worker", flat=True))


def sweep(now=None) -> int:
    """Run every registered sweep (each gets the set of live workers); returns the jobs they marked."""
    alive = alive_workers(now)
    marked = 0
    for path in getattr(settings, "CHIBO_WORKER_SWEEPS", []):
        marked += import_string(path)(alive=alive, now=now)
    return marked


class Heart(threading.Thread):
    """Beats and sweeps on its own database connection, also while the worker runs a long task."""

    def __init__(self):
        super().__init__(name="chibo-worker-beat", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat()
                sweep()
            except DatabaseError:  # a busy or unreachable database: the next beat tries again
                logger.warning("worker beat failed; retrying", exc_info=True)
            self.stopped.wait(BEAT_SECONDS)
        connections.close_all()
