from django_tasks import task

from chibo.common.dates import today
from chibo.resolutions.reminders import send_task_reminders


@task()
def task_reminders_task() -> dict:
    """The daily task reminders, for deployments that enqueue work to `chibo db_worker` instead of cron."""
    return send_task_reminders(today()).as_dict()
