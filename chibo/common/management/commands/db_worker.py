"""`chibo db_worker`: django-tasks-db's worker that survives database errors and says it is alive.

The library's worker exits on an error outside its claim (a locked SQLite file while it records a
result, a restarted PostgreSQL): imports, reports and reminders would silently stop. This one logs the
error, waits (1 s, doubling up to a minute) and goes on; a thread beats so that the jobs of a worker that
died are shown as interrupted (chibo.common.workers)."""

import logging
import time

from django.db import DatabaseError, InterfaceError, close_old_connections
from django_tasks_db.management.commands import db_worker as library

from chibo.common.workers import Heart

logger = logging.getLogger("chibo.worker")
MAX_PAUSE = 60


class SurvivingWorker(library.Worker):
    def run(self) -> None:
        pause = 1
        while self.running:
            try:
                return super().run()
            except (DatabaseError, InterfaceError) as error:
                logger.warning("Lỗi cơ sở dữ liệu ở tiến trình nền, thử lại sau %s giây: %s", pause, error)
                close_old_connections()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
        return None


class Command(library.Command):
    help = library.Command.help

    def handle(self, *args, **options):
        heart = Heart()
        heart.start()
        # The library's handle builds its Worker by name: give it ours (no copy of its option handling).
        original = library.Worker
        library.Worker = SurvivingWorker  # type: ignore[misc]
        try:
            return super().handle(*args, **options)
        finally:
            library.Worker = original  # type: ignore[misc]
            heart.stopped.set()
