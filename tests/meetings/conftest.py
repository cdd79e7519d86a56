import datetime as dt

import pytest
from django.utils import timezone

from chibo.meetings.models import Meeting, MeetingKind, RuleSet


@pytest.fixture
def rule_set(db):
    """A minimal rule set for tests that do not depend on the shipped ones (those come from a data migration)."""
    return RuleSet.objects.create(
        code="TEST",
        name="Quy định thử",
        document_number="00-HD/TEST",
        document_date=dt.date(2018, 1, 1),
        valid_from=dt.date(2018, 1, 1),
    )


def make_meeting(cell, rule_set, *, when=None, kind=MeetingKind.REGULAR, **kw) -> Meeting:
    when = when or timezone.make_aware(dt.datetime(2025, 3, 5, 19, 30))
    return Meeting.objects.create(cell=cell, rule_set=rule_set, kind=kind, scheduled_at=when, **kw)
