"""Reads about meetings that more than one module needs (the access policy and the member's pages)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chibo.common.dates import local_midnight
from chibo.meetings import rules
from chibo.meetings.models import Meeting, MeetingStatus, MeetingStep, RuleStep
from chibo.members.models import Member, Membership, MembershipKind
from chibo.members.selectors import roster_on
from chibo.notices.models import Notice
from chibo.notices.selectors import Reach, reach_of


def scheduled_day(meeting: Meeting) -> dt.date:
    """The local (Asia/Ho_Chi_Minh) date a meeting is planned for: its roster before it is held."""
    return timezone.localtime(meeting.scheduled_at).date()


def member_is_on_roster(member: Member, meeting: Meeting) -> bool:
    return roster_on(meeting.cell, scheduled_day(meeting)).filter(pk=member.pk).exists()


def member_meetings_q(member: Member) -> Q:
    """Meetings the member is expected at, following roster_on: their official cell while it is theirs,
    except while on temporary activity elsewhere, plus the host cell's meetings during that activity."""
    memberships = list(Membership.objects.filter(member=member))
    temporaries = [m for m in memberships if m.kind == MembershipKind.TEMPORARY]
    q = Q(pk__in=[])
    for ms in memberships:
        periods = [(ms.valid_from, ms.valid_until)]
        if ms.kind == MembershipKind.OFFICIAL:
            for t in temporaries:
                if t.cell_id == ms.cell_id:
                    continue
                periods = _subtract(periods, t.valid_from, t.valid_until)
        for start, end in periods:
            part = Q(cell_id=ms.cell_id, scheduled_at__gte=local_midnight(start))
            if end is not None:
                part &= Q(scheduled_at__lt=local_midnight(end))
            q |= part
    return q


def _subtract(periods, cut_start: dt.date, cut_end: dt.date | None):
    result = []
    for start, end in periods:
        # Part before the cut.
        if start < cut_start:
            result.append((start, cut_start if end is None or end > cut_start else end))
        # Part after the cut.
        if cut_end is not None and (end is None or end > cut_end):
            result.append((max(start, cut_end), end))
    return [(s, e) for s, e in result if e is None or s < e]


def member_meetings(member: Member):
    return Meeting.objects.filter(member_meetings_q(member)).select_related("cell", "rule_set")


# --- the procedure (§4, T3): the rule is meetings.rules.procedure -----------------------------------------


def procedures_of(meetings: Iterable[Meeting]) -> dict[int, rules.Procedure]:
    """meeting id → its Procedure, for a few meetings (two queries whatever their number)."""
    meetings = list(meetings)
    records = defaultdict(list)
    for meeting_id, rule_step_id, title, mandatory, done in (
        MeetingStep.objects.filter(meeting__in=[m.pk for m in meetings])
        .order_by("meeting_id", "order", "pk")
        .values_list("meeting_id", "rule_step_id", "title", "mandatory", "done")
    ):
        records[meeting_id].append(rules.StepRecord(rule_step_id, title, mandatory, done))
    rule_steps = defaultdict(list)
    for rule_set_id, kind, pk, title in (
        RuleStep.objects.filter(rule_set__in={m.rule_set_id for m in meetings}, mandatory=True)
        .order_by("rule_set_id", "meeting_kind", "order", "pk")
        .values_list("rule_set_id", "meeting_kind", "pk", "title")
    ):
        rule_steps[rule_set_id, kind].append((pk, title))
    return {
        m.pk: rules.procedure(records.get(m.pk, ()), rule_steps.get((m.rule_set_id, m.kind), ()))
        for m in meetings
    }


def full_procedure_q() -> Q:
    """Meetings whose procedure is full (rules.procedure's `full`), as one condition for a Meeting
    queryset: the set-based twin for the facts of thousands of meetings. Both forms agree:
    tests/reporting/test_procedure_twins.py."""
    records = MeetingStep.objects.filter(meeting=OuterRef("pk"))
    unrecorded = RuleStep.objects.filter(
        rule_set=OuterRef("rule_set"), meeting_kind=OuterRef("kind"), mandatory=True
    ).filter(~Exists(MeetingStep.objects.filter(meeting=OuterRef(OuterRef("pk")), rule_step=OuterRef("pk"))))
    return (
        Q(Exists(records)) & ~Q(Exists(records.filter(mandatory=True, done=False))) & ~Q(Exists(unrecorded))
    )


def notice_key_prefix(meeting: Meeting) -> str:
    return f"meeting:{meeting.pk}:notice:"


def meeting_notice(meeting: Meeting) -> Notice | None:
    """The latest notice of the meeting (a reschedule makes a new one: SEQUENCE grows)."""
    return Notice.objects.filter(key__startswith=notice_key_prefix(meeting)).order_by("-pk").first()


def notice_reach(meeting: Meeting) -> Reach:
    """Who on the meeting day's roster the latest notice reached, by any channel or on paper."""
    members = list(roster_on(meeting.cell, scheduled_day(meeting)).select_related(None))
    return reach_of(meeting_notice(meeting) if meeting.notice_sent_at else None, members)


def _notice_item(meeting: Meeting) -> tuple[str, bool, str]:
    """Done only when every member on the roster was reached by some channel or a printed slip."""
    if meeting.notice_sent_at is None:
        return ("Thông báo cho đảng viên", False, "")
    reach = notice_reach(meeting)
    when = timezone.localtime(meeting.notice_sent_at)
    return (
        "Thông báo cho đảng viên",
        reach.all_reached,
        f"đã báo {len(reach.reached)}/{reach.total} · gửi {when:%H:%M %d/%m/%Y}",
    )


def preparation_checklist(meeting: Meeting) -> list[tuple[str, bool, str]]:
    """The preparation steps of HD 42 (label, done, when/who), for the meeting page and the secretary's home."""
    local = timezone.localtime
    return [
        ("Phân công người chuẩn bị dự thảo", meeting.drafter_id is not None, str(meeting.drafter or "")),
        (
            "Họp chi ủy chuẩn bị",
            meeting.prep_meeting_on is not None,
            meeting.prep_meeting_on.strftime("%d/%m/%Y") if meeting.prep_meeting_on else "",
        ),
        _notice_item(meeting),
        (
            "Báo cấp ủy viên phụ trách",
            meeting.supervisor_notified_at is not None,
            f"{local(meeting.supervisor_notified_at):%H:%M %d/%m/%Y}"
            if meeting.supervisor_notified_at
            else "",
        ),
        (
            "Gửi tài liệu cho đảng viên",
            meeting.materials_published_at is not None,
            f"{local(meeting.materials_published_at):%H:%M %d/%m/%Y}"
            if meeting.materials_published_at
            else "",
        ),
    ]


def next_meeting_of_cell(cell, *, now: dt.datetime | None = None) -> Meeting | None:
    """The meeting the cell's leaders act on next: one being held now, else the earliest planned one from
    today on (a meeting planned earlier today and not yet opened still counts: it may start late)."""
    now = now or timezone.now()
    qs = Meeting.objects.filter(cell=cell).select_related("cell", "drafter")
    running = qs.filter(status=MeetingStatus.OPEN).order_by("-started_at", "-pk").first()
    if running is not None:
        return running
    midnight = local_midnight(timezone.localdate(now))
    return (
        qs.filter(status=MeetingStatus.PLANNED, scheduled_at__gte=midnight)
        .order_by("scheduled_at", "pk")
        .first()
    )
