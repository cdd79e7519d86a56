from django_tasks import task

from chibo.dataio.services import import_job_run


@task()
def import_job_task(job_id: int) -> str:
    """Check or write a large import in the worker (`chibo db_worker`); the page polls the job's progress."""
    return import_job_run(job_id=job_id).status
