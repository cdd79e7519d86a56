"""After an import is written, tell the indicators which cells changed and since when
(chibo.common.signals.cell_month_changed). Imports write in bulk, so the services' own notices do not
run; this reads what the plans wrote instead. Tasks notify themselves (tasks_import)."""

import datetime as dt

from django.utils import timezone

from chibo.common.dates import today
from chibo.common.signals import cells_changed
from chibo.meetings.models import Attendance, Meeting
from chibo.members.models import Membership
from chibo.orgs.models import Organisation, OrgKind

EVER = dt.date(1930, 2, 3)
MEMBERS_IN_MAX = 5000


def _days(obj) -> list[dt.date]:
    out = []
    for name in ("valid_from", "valid_until", "ended_on", "started_on", "admitted_on"):
        value = getattr(obj, name, None)
        if isinstance(value, dt.datetime):
            out.append(timezone.localdate(value))
        elif isinstance(value, dt.date):
            out.append(value)
    return out


def notify_import(plans) -> None:
    cells: set[int] = set()
    members: set[int] = set()
    first: dt.date | None = None
    for plan in plans:
        if plan.kind == "tasks":
            continue
        if plan.kind == "supervision":
            # An assignment decides whether the visits under it count (supervision_rate).
            for obj in list(plan.creates) + [o for o, _ in plan.updates]:
                cells |= set(Organisation.objects.subtree_of(obj.unit).cells().values_list("pk", flat=True))
                first = obj.valid_from if first is None else min(first, obj.valid_from)
            continue
        for obj in list(plan.creates) + [o for o, _ in plan.updates]:
            days = _days(obj)
            if isinstance(obj, Organisation):
                if obj.kind == OrgKind.CELL:
                    cells.add(obj.pk)
                days = [obj.founded_on or EVER]
            elif isinstance(obj, Meeting):
                cells.add(obj.cell_id)
                days = [timezone.localdate(obj.started_at or obj.scheduled_at)]
            elif isinstance(obj, Attendance):
                meeting = obj.meeting
                cells.add(meeting.cell_id)
                days = [timezone.localdate(meeting.started_at or meeting.scheduled_at)]
            elif getattr(obj, "cell_id", None):
                cells.add(obj.cell_id)
            if getattr(obj, "member_id", None):
                members.add(obj.member_id)
            elif plan.kind == "members" and obj.pk:
                members.add(obj.pk)
            for day in days or [today()]:
                first = day if first is None else min(first, day)
    if len(members) > MEMBERS_IN_MAX:  # a city-size file: every cell, rather than a huge IN list
        cells |= set(Organisation.objects.cells().values_list("pk", flat=True))
    elif members:
        cells |= set(
            Membership.objects.filter(member_id__in=members).values_list("cell_id", flat=True).distinct()
        )
    if cells and first is not None:
        cells_changed(cells, first, today())
