"""The one signal of the layering (ARCHITECTURE.md): lower layers say that what a cell's indicators are
computed from has changed, without knowing who listens (reporting marks the facts stale)."""

import datetime as dt

from django.dispatch import Signal

# kwargs: cell_ids (iterable of int), first_day (date), last_day (date or None = same month as first_day)
cell_month_changed = Signal()


def cells_changed(cell_ids, first_day: dt.date | None, last_day: dt.date | None = None) -> None:
    """Mark the months from `first_day` to `last_day` of these cells as changed. Cheap: callers send it
    after every write that can move an indicator; the listener deduplicates."""
    ids = {int(pk) for pk in cell_ids if pk is not None}
    if ids and first_day is not None:
        cell_month_changed.send(sender=None, cell_ids=ids, first_day=first_day, last_day=last_day)
