"""Listens to cell_month_changed and records stale (cell, month) pairs for facts.refresh_stale.

A mark is widened to the end of its quarter (thematic meetings and supervision count by quarter to
date, so a change in January moves February and March too) and clipped to months already built and
not in the future: months never built are made whole by `chibo facts rebuild`.
"""

import datetime as dt

from django.db import transaction
from django.dispatch import receiver

from chibo.common.dates import add_months, today
from chibo.common.signals import cell_month_changed
from chibo.reporting.models import FactMonth, StaleCellMonth

STALE_ROWS_MAX = 20000


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    month, end, out = first.replace(day=1), last.replace(day=1), []
    while month <= end:
        out.append(month)
        month = add_months(month, 1)
    return out


def quarter_end_month(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 3, 1)


@receiver(cell_month_changed)
def mark_stale(sender, *, cell_ids, first_day, last_day=None, **kwargs):
    last_day = max(last_day or first_day, first_day)
    current = today().replace(day=1)
    earliest = (
        FactMonth.objects.filter(rebuilt_at__isnull=False)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    if earliest is None or not FactMonth.objects.filter(month=current, rebuilt_at__isnull=False).exists():
        # Nothing built yet, or a new month has begun: the job builds the recent months first.
        transaction.on_commit(_enqueue_refresh)
    if earliest is None:
        return
    if quarter_end_month(last_day) < earliest:
        return
    first_day = max(first_day, earliest)
    last_day = max(last_day, first_day)
    last_month = min(quarter_end_month(last_day), current)
    if first_day.replace(day=1) > last_month:
        return
    wanted = months_between(first_day, last_month)
    built = set(
        FactMonth.objects.filter(month__in=wanted, rebuilt_at__isnull=False).values_list("month", flat=True)
    )
    if len(built) * len(cell_ids) > STALE_ROWS_MAX:
        # A mass change (a city-wide import): rebuilding whole months is cheaper than cell by cell.
        FactMonth.objects.filter(month__in=built).update(rebuilt_at=None)
        transaction.on_commit(_enqueue_refresh)
        return
    rows = [StaleCellMonth(cell_id=pk, month=m) for m in wanted if m in built for pk in cell_ids]
    if rows:
        StaleCellMonth.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh():
    """Queue one background refresh unless one is already waiting (RefreshState.pending)."""
    from chibo.reporting.models import RefreshState
    from chibo.reporting.tasks import refresh_facts

    RefreshState.objects.get_or_create(pk=1)
    if RefreshState.objects.filter(pk=1, pending=False).update(pending=True):
        refresh_facts.enqueue()
