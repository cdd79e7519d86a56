from django_tasks import task

from chibo.reporting import facts
from chibo.reporting.models import RefreshState


@task()
def refresh_facts() -> int:
    """Recompute the stale facts (queued after writes; `chibo facts refresh` does the same from cron)."""
    RefreshState.objects.filter(pk=1).update(pending=False)
    return facts.refresh_stale()
