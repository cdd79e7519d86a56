from django.db import models


class WorkerBeat(models.Model):
    """A background worker process (`chibo db_worker`) says it is alive every few seconds; a job whose
    worker stopped beating was interrupted (killed, out of memory, a machine gone)."""

    worker = models.CharField(max_length=120, unique=True)  # host:pid
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "tiến trình nền"

    def __str__(self) -> str:
        return f"{self.worker} ({self.seen_at:%d/%m/%Y %H:%M:%S})"
