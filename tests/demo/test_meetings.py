"""The demo's meetings: what the meeting services would have written, with some imperfections."""

import datetime as dt
import hashlib
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.utils import timezone

from chibo.common.dates import add_months
from chibo.demo.generator import SeedSpec, seed
from chibo.meetings import rules
from chibo.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingStatus,
    MeetingStep,
    Minutes,
    MinutesStatus,
    RuleStep,
    Score,
    ScoringCriterion,
    Speech,
    Vote,
)
from chibo.meetings.scoring_rules import grade_for
from chibo.members.models import Membership
from chibo.members.selectors import positions_on, roster_on
from chibo.orgs.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)
# April 2025 to March 2026: across the switch from HD 12 to HD 42 on 28/10/2025.
SPEC = SeedSpec(cells=30, members_per_cell=12, months=12, seed=5, today=TODAY)
SWITCH = dt.date(2025, 10, 28)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def held():
    return Meeting.objects.filter(status=MeetingStatus.HELD).select_related("cell", "rule_set")


def lines_of(meeting) -> list[rules.Line]:
    return [rules.Line.of(a) for a in meeting.attendances.all()]


def test_every_roll_call_is_the_roster_of_the_day_with_its_facts_frozen():
    seed(SPEC)
    meetings = list(held().prefetch_related("attendances"))
    assert len(meetings) > 300
    statuses = Counter()
    cells_of_member = defaultdict(set)
    for index, meeting in enumerate(meetings):
        day = local_day(meeting.started_at)
        got = {(a.member_id, a.is_exempt, a.is_temporary, a.is_official) for a in meeting.attendances.all()}
        if index % 2 == 0:  # roster_on for half of them (every cell, every month): the test stays quick
            expected = {
                (m.pk, m.is_exempt, m.is_temporary, m.is_official_on(day))
                for m in roster_on(meeting.cell, day)
            }
            assert got == expected, (meeting.cell.code, day)
        secretary_names = {p.member.full_name for p in positions_on(meeting.cell, day)}
        for a in meeting.attendances.all():
            statuses[a.status, a.is_exempt] += 1
            cells_of_member[a.member_id].add(meeting.cell_id)
            assert a.status in AttendanceStatus.values
            assert (
                rules.attendance_problem(
                    status=a.status,
                    reason=a.reason,
                    is_exempt=a.is_exempt,
                    arrived_late_at=a.arrived_late_at,
                    left_early_at=a.left_early_at,
                    started_at=meeting.started_at,
                    ended_at=meeting.ended_at,
                )
                is None
            )
            if a.status == AttendanceStatus.EXCUSED:
                assert a.reason
                assert not a.accepted_by or a.accepted_by in secretary_names
            else:
                assert not a.reason and not a.accepted_by
    # Mostly present; some excused, a few unexcused; exempted members mostly exempt, sometimes present.
    total = sum(statuses.values())
    present = statuses[AttendanceStatus.PRESENT, False]
    assert 0.8 < present / total < 0.98
    assert statuses[AttendanceStatus.EXCUSED, False] > statuses[AttendanceStatus.UNEXCUSED, False] > 0
    assert statuses[AttendanceStatus.EXEMPT, True] > statuses[AttendanceStatus.PRESENT, True] > 0
    # Members who transferred or were hosted on temporary activity sit on two cells' roll calls.
    assert sum(1 for cells in cells_of_member.values() if len(cells) > 1) > 0
    assert Attendance.objects.filter(is_temporary=True).exists()
    assert Attendance.objects.filter(is_official=False).exists()


def test_chair_and_minute_taker_are_present_and_the_chair_leads_the_cell():
    seed(SPEC)
    led = 0
    meetings = list(held())
    for meeting in meetings:
        day = local_day(meeting.started_at)
        present = set(
            meeting.attendances.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True)
        )
        assert meeting.chair_id in present and meeting.minute_taker_id in present
        leaders = set(positions_on(meeting.cell, day).values_list("member_id", flat=True))
        led += meeting.chair_id in leaders
        assert meeting.ended_at > meeting.started_at >= meeting.scheduled_at
        assert meeting.place and meeting.topic
        assert 1 <= day.day <= 10 or meeting.kind == MeetingKind.THEMATIC
    assert led / len(meetings) > 0.97


def test_every_vote_counts_the_entitled_members_by_the_rules_and_passes_accordingly():
    seed(SPEC)
    votes = list(Vote.objects.select_related("meeting"))
    assert len(votes) > 250
    outcomes = Counter()
    for vote in votes:
        lines = lines_of(vote.meeting)
        assert vote.meeting.kind == MeetingKind.REGULAR
        assert vote.entitled == rules.vote_entitled(lines)
        assert vote.in_favour + vote.against + vote.abstain <= rules.voters_present(lines)
        assert vote.passed == rules.vote_passed(
            kind=vote.kind, in_favour=vote.in_favour, entitled=vote.entitled
        )
        outcomes[vote.passed] += 1
    assert outcomes[True] > 0.9 * len(votes)
    # Probationary and temporary members are on roll calls but never entitled.
    assert any(not line.is_official or line.is_temporary for v in votes[:100] for line in lines_of(v.meeting))


def test_steps_follow_the_rule_set_mandatory_ones_mostly_done_and_rule_sets_switch_on_28_10_2025():
    seed(SPEC)
    full = incomplete = 0
    codes = Counter()
    for meeting in held().prefetch_related("steps"):
        day = local_day(meeting.started_at)
        assert meeting.rule_set.code == ("HD12" if day < SWITCH else "HD42")
        expected = list(
            RuleStep.objects.filter(rule_set=meeting.rule_set, meeting_kind=meeting.kind)
            .order_by("order")
            .values_list("pk", "title", "mandatory")
        )
        steps = list(meeting.steps.all())
        assert [(s.rule_step_id, s.title, s.mandatory) for s in steps] == expected
        assert [s.order for s in steps] == list(range(1, len(steps) + 1))
        missing = [s for s in steps if s.mandatory and not s.done]
        if missing:
            incomplete += 1
        else:
            full += 1
        codes[meeting.rule_set.code] += 1
        for s in steps:
            assert (s.done_at is not None) == s.done
            if s.done:
                assert meeting.started_at <= s.done_at <= meeting.ended_at
    assert codes["HD12"] > 50 and codes["HD42"] > 50
    assert incomplete > 0
    assert full / (full + incomplete) > 0.85
    # Planned meetings too carry the rule set of their date.
    for meeting in Meeting.objects.exclude(status=MeetingStatus.HELD).select_related("rule_set"):
        day = local_day(meeting.scheduled_at)
        assert meeting.rule_set.code == ("HD12" if day < SWITCH else "HD42")
        assert not meeting.steps.exists() and not meeting.attendances.exists()


def test_scores_add_up_their_items_over_the_whole_sheet_and_take_the_sheet_grade():
    seed(SPEC)
    scores = list(Score.objects.select_related("sheet", "meeting").prefetch_related("items"))
    meetings = held().count()
    assert 0.8 * meetings < len(scores) < meetings
    grades = Counter()
    for score in scores:
        assert score.sheet.rule_set_id == score.meeting.rule_set_id
        items = list(score.items.all())
        criteria = list(ScoringCriterion.objects.filter(sheet=score.sheet))
        assert {i.criterion_id for i in items} == {c.pk for c in criteria}
        max_points = {c.pk: c.max_points for c in criteria}
        assert all(0 <= i.points <= max_points[i.criterion_id] for i in items)
        assert score.total == sum(i.points for i in items)
        capped = any(
            c.full_marks_for_good and next(i.points for i in items if i.criterion_id == c.pk) < c.max_points
            for c in criteria
        )
        sheet = score.sheet
        assert score.grade == grade_for(
            score.total,
            good_from=sheet.good_from,
            fair_from=sheet.fair_from,
            average_from=sheet.average_from,
            capped=capped,
        )
        grades[score.grade] += 1
    assert grades["Tốt"] > 0 and grades["Khá"] > 0


def test_the_months_have_imperfections_for_the_dashboards():
    seed(SPEC)
    months = [add_months(TODAY.replace(day=1), -i) for i in range(1, 12)]  # full months before this one
    cancelled = Meeting.objects.filter(status=MeetingStatus.CANCELLED)
    assert cancelled.exists() and all(m.cancel_reason for m in cancelled)

    # Cells active all period that held no regular meeting in some month.
    regular = defaultdict(set)
    for cell_id, moment in Meeting.objects.filter(
        status=MeetingStatus.HELD, kind=MeetingKind.REGULAR
    ).values_list("cell_id", "started_at"):
        day = local_day(moment)
        regular[cell_id].add(day.replace(day=1))
    stable = Organisation.objects.filter(
        kind=OrgKind.CELL, dissolved_on=None, founded_on__lt=months[-1]
    ).values_list("pk", flat=True)
    missing = [c for c in stable if set(months) - regular[c]]
    assert 0 < len(missing) < len(stable) / 2

    # Low attendance, short meetings, late or draft minutes, late or missing materials.
    low = short = 0
    for meeting in held().filter(kind=MeetingKind.REGULAR).prefetch_related("attendances"):
        present, required = rules.attendance_counts(lines_of(meeting))
        low += 10 * present < 9 * required
        short += (meeting.ended_at - meeting.started_at) < dt.timedelta(minutes=90)
    assert low > 0 and short > 0
    late = draft = 0
    for minutes in Minutes.objects.select_related("meeting", "meeting__rule_set"):
        day = local_day(minutes.meeting.started_at)
        deadline = rules.minutes_deadline(day, minutes.meeting.rule_set.minutes_days_after)
        if minutes.status == MinutesStatus.DRAFT:
            draft += 1
            assert minutes.approved_at is None
        elif local_day(minutes.approved_at) > deadline:
            late += 1
    assert late > 0 and draft > 0
    assert Minutes.objects.count() == held().count()
    # Numbered per cell and year in the order the meetings took place: 01-BB/CB, 02-BB/CB, ...
    numbers = defaultdict(list)
    for cell_id, start, number in Minutes.objects.order_by("meeting__started_at").values_list(
        "meeting__cell_id", "meeting__started_at", "number"
    ):
        numbers[cell_id, local_day(start).year].append(number)
    for sequence in numbers.values():
        assert sequence == [f"{n:02d}-BB/CB" for n in range(1, len(sequence) + 1)]
    on_time = late_materials = 0
    for meeting in held():
        materials = list(MeetingMaterial.objects.filter(meeting=meeting))
        if not materials:
            assert meeting.materials_published_at is None
            continue
        first = min(m.published_at for m in materials)
        assert first == meeting.materials_published_at
        if first <= meeting.started_at - dt.timedelta(hours=24):
            on_time += 1
        else:
            late_materials += 1
    assert late_materials > 0 and on_time > late_materials
    assert held().filter(materials_published_at=None).exists()
    assert Speech.objects.exists()


def test_thematic_meetings_each_quarter_for_most_cells_some_sharing_the_regular_session():
    seed(SPEC)
    quarters = defaultdict(set)
    thematic = Meeting.objects.filter(status=MeetingStatus.HELD, kind=MeetingKind.THEMATIC)
    for meeting in thematic:
        day = local_day(meeting.started_at)
        quarters[meeting.cell_id].add((day.year, (day.month - 1) // 3))
    cells = Organisation.objects.filter(
        kind=OrgKind.CELL, dissolved_on=None, founded_on__lt=dt.date(2025, 4, 1)
    )
    # Full quarters of the period: Q2, Q3, Q4 2025.
    full = {(2025, 1), (2025, 2), (2025, 3)}
    complete = sum(1 for c in cells if full <= quarters[c.pk])
    assert 0.3 * cells.count() < complete < cells.count()
    shared = thematic.exclude(shares_session_with=None).select_related("shares_session_with")
    assert shared.exists()
    for meeting in shared:
        regular = meeting.shares_session_with
        assert regular.kind == MeetingKind.REGULAR and regular.cell_id == meeting.cell_id
        assert meeting.started_at >= regular.ended_at
        assert local_day(meeting.started_at) == local_day(regular.started_at)


def test_cells_meet_only_while_active_nothing_is_held_ahead_and_next_month_is_planned():
    seed(SPEC)
    for meeting in Meeting.objects.select_related("cell"):
        day = local_day(meeting.scheduled_at)
        assert meeting.cell.is_active_on(day), (meeting.cell.code, day)
        if meeting.status == MeetingStatus.HELD:
            assert day < TODAY
        else:
            assert not meeting.attendances.exists()
    next_month = add_months(TODAY.replace(day=1), 1)
    planned = Meeting.objects.filter(
        status=MeetingStatus.PLANNED, kind=MeetingKind.REGULAR, scheduled_at__date__gte=next_month
    )
    active = Organisation.objects.filter(kind=OrgKind.CELL, dissolved_on=None).count()
    assert planned.count() == active
    # Cells founded or dissolved during the period meet too, within their lifetime.
    changed = Organisation.objects.filter(kind=OrgKind.CELL).exclude(dissolved_on=None)
    assert Meeting.objects.filter(cell__in=changed, status=MeetingStatus.HELD).exists()
    assert Membership.objects.exists()


def meetings_digest() -> str:
    h = hashlib.sha256()
    queries = [
        Meeting.objects.order_by("cell__code", "scheduled_at", "kind").values_list(
            "cell__code", "kind", "status", "rule_set__code", "scheduled_at", "started_at", "ended_at",
            "place", "topic", "cancel_reason", "chair__card_number", "minute_taker__card_number",
            "materials_published_at",
        ),
        Attendance.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind",
                                    "member__card_number").values_list(
            "member__card_number", "status", "reason", "accepted_by", "is_exempt", "spoke",
        ),
        MeetingStep.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind",
                                     "order").values_list("title", "done", "done_at"),
        Vote.objects.order_by("meeting__cell__code", "meeting__scheduled_at").values_list(
            "in_favour", "against", "abstain", "entitled", "passed",
        ),
        Minutes.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind").values_list(
            "number", "body", "status", "approved_at",
        ),
        Score.objects.order_by("meeting__cell__code", "meeting__scheduled_at", "meeting__kind").values_list(
            "total", "grade", "confirmed_at",
        ),
    ]  # fmt: skip
    for query in queries:
        for row in query:
            h.update(repr(row).encode())
    return h.hexdigest()


def test_the_same_seed_gives_the_same_meetings():
    small = SeedSpec(cells=8, members_per_cell=10, months=4, seed=9, today=TODAY)

    def digest(spec):
        with transaction.atomic():
            seed(spec)
            value = meetings_digest()
            transaction.set_rollback(True)
        return value

    first = digest(small)
    assert first == digest(small)
    assert first != digest(SeedSpec(cells=8, members_per_cell=10, months=4, seed=10, today=TODAY))
