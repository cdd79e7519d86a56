from django_tasks import task

from chibo.reporting import facts
from chibo.reporting.jobs import report_job_run
from chibo.reporting.models import RefreshState


@task()
def refresh_facts() -> int:
    """Recompute the stale facts (queued after writes; `chibo facts refresh` does the same from cron)."""
    RefreshState.objects.filter(pk=1).update(pending=False)
    return facts.refresh_all()


@task()
def report_job_task(job_id: int) -> str:
    """Build a report file in the worker (`chibo db_worker`); the job page polls its progress."""
    return report_job_run(job_id=job_id).status
