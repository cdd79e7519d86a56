"""A fixed "today" for tests (no freezegun in the project: Chibo reads one today, see fix_today)."""

import datetime as dt

from django.utils import timezone


def fix_today(monkeypatch, day: dt.date) -> None:
    """Make `day` the one "today" of Chibo: chibo.common.dates.today reads django.utils.timezone.localdate
    at each call. localdate(moment) of a given moment still converts it."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
