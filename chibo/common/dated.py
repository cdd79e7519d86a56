"""Dated history, one vocabulary for every model that changes over time (ARCHITECTURE "Dated history").

A row is true from `valid_from` up to, not including, `valid_until` (half-open); an empty end means
"still true". A few models also allow an empty start, meaning "since ever" (rights granted before
grants had dates, the first parent of a unit). Every "valid on day D" and "overlaps [start, end)"
in the code is written here, once, as a Q object for any path to a dated model (`via="member__memberships"`)
and as queryset methods on the models themselves.
"""

import datetime as dt

from django.db import models
from django.db.models import Q


def _f(via: str, name: str) -> str:
    return f"{via}__{name}" if via else name


def valid_on_q(day: dt.date, *, via: str = "", open_start: bool = False) -> Q:
    """Rows true on `day`: valid_from <= day < valid_until. With `open_start`, an empty start counts
    as "since ever" (only for models whose valid_from may be empty)."""
    start = Q(**{_f(via, "valid_from__lte"): day})
    if open_start:
        start |= Q(**{_f(via, "valid_from__isnull"): True})
    return start & (Q(**{_f(via, "valid_until__isnull"): True}) | Q(**{_f(via, "valid_until__gt"): day}))


def ends_after_q(day: dt.date, *, via: str = "") -> Q:
    """Rows still true after `day` begins: no end, or an end later than `day` (current or future)."""
    return Q(**{_f(via, "valid_until__isnull"): True}) | Q(**{_f(via, "valid_until__gt"): day})


def ended_by_q(day: dt.date, *, via: str = "") -> Q:
    """Rows no longer true on `day`: an end on or before it (history)."""
    return Q(**{_f(via, "valid_until__lte"): day})


def overlapping_q(start: dt.date, end: dt.date | None, *, via: str = "", open_start: bool = False) -> Q:
    """Rows that share at least one day with [start, end) (end empty: open-ended)."""
    q = ends_after_q(start, via=via)
    if end is not None:
        before = Q(**{_f(via, "valid_from__lt"): end})
        if open_start:
            before |= Q(**{_f(via, "valid_from__isnull"): True})
        q &= before
    return q


def periods_overlap(a_start, a_end, b_start, b_end) -> bool:
    """The same rule on values in memory: do [a_start, a_end) and [b_start, b_end) share a day?
    Empty starts are "since ever", empty ends "still true"."""
    return (a_end is None or b_start is None or b_start < a_end) and (
        b_end is None or a_start is None or a_start < b_end
    )


def is_valid_on(valid_from, valid_until, day: dt.date) -> bool:
    """The same rule as `valid_on_q`, on values in memory (an empty start: since ever)."""
    return (valid_from is None or valid_from <= day) and (valid_until is None or valid_until > day)


def ends_after_start(name: str) -> models.CheckConstraint:
    """The database check every dated table carries: an end, when set, comes after the start."""
    return models.CheckConstraint(
        condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")), name=name
    )


def current_q(*, via: str = "") -> Q:
    """Rows with no end yet (the open period, e.g. a unit's current parent)."""
    return Q(**{_f(via, "valid_until__isnull"): True})


class DatedQuerySet(models.QuerySet):
    def _open_start(self) -> bool:
        return self.model._meta.get_field("valid_from").null

    def valid_on(self, day: dt.date):
        """Rows true on `day`."""
        return self.filter(valid_on_q(day, open_start=self._open_start()))

    def overlapping(self, start: dt.date, end: dt.date | None):
        """Rows sharing at least one day with [start, end)."""
        return self.filter(overlapping_q(start, end, open_start=self._open_start()))

    def current_or_future(self, day: dt.date):
        """Rows not yet ended on `day` (true that day or starting later)."""
        return self.filter(ends_after_q(day))


class Dated(models.Model):
    """Abstract base of every dated model. A model may redeclare a field to change its label or to
    allow an empty start (the queryset reads that from the field)."""

    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến ngày", null=True, blank=True, help_text="Để trống nếu còn hiệu lực.")

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: dt.date) -> bool:
        return is_valid_on(self.valid_from, self.valid_until, day)
