"""A hand-built month (March 2025 in ward BD) whose every indicator was counted by hand.

ward BD
├─ BD-01 (cast.cell): two regular meetings (05/03 and 20/03), a thematic one in February (same quarter)
│    roster 05/03: Bình (secretary, trained 12 months before), An (deputy, trained 31 months before),
│                  Miễn (exempted, comes anyway), Hưu (retired), Đi (moves to BD-02 on 15/03),
│                  Tạm (official in HK-09, here on temporary activity)
│    05/03: present Bình, An, Hưu, Đi, Miễn(exempt); Tạm excused → 4 / 5; materials 2 days before;
│           minutes approved 06/03 (on time); the ward's supervisor, assigned to BD-01, recorded a visit
│    20/03: present Bình, An, Tạm; Hưu unexcused; Miễn excused(exempt) → 3 / 4; materials 2 hours
│           before (late); minutes approved 25/03 (late)
│    cell: 7 / 9 = 77.8% (< 90%); every mandatory step done in both meetings
│    tasks: 05/03 to Bình, Hưu, Đi; 20/03 to Tạm → month end roster working & not exempt: Bình, An, Tạm → 2/3
├─ BD-02 (cast.cell2): C1, C2, C3, and Đi from 15/03. 10/03: all three present (3/3), materials 3 days
│    before, one mandatory step skipped, minutes never approved; a cancelled meeting on 25/03; no tasks
│    → 0 / 4; no leaders
├─ BD-03: founded 15/03/2025, no meeting yet (a cell: counts in every "cells" denominator)
└─ BD-04: dissolved 20/03/2025 after a meeting on 05/03: counts nowhere
HK-09 (other ward) holds a perfect meeting: never in BD's numbers.
"""

import datetime as dt

from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import AttendanceStatus, MeetingKind, MeetingStep, Minutes, MinutesStatus
from chibo.meetings.services.planning import meeting_cancel
from chibo.meetings.services.running import attendance_mark, meeting_close, meeting_open
from chibo.members.models import MembershipKind, PositionKind, TrainingKind, WorkStatus
from chibo.members.services import (
    exemption_create,
    member_transfer,
    membership_open,
    position_assign,
    training_record_create,
)
from chibo.orgs.models import OrgKind
from chibo.resolutions.services import task_assign
from chibo.supervision.models import ASPECTS, Rating
from chibo.supervision.services import assignment_create, visit_create
from tests.factories import make_member, make_org, make_user
from tests.meetings.conftest import make_meeting

MARCH = dt.date(2025, 3, 1)

EXPECTED_BD = {
    "regular_meeting_rate": (2, 3),
    "thematic_meeting_rate": (1, 3),
    "materials_rate": (1, 3),
    "procedure_rate": (1, 3),
    "attendance_rate": (10, 12),
    "cells_attendance_ok_rate": (1, 3),
    "task_coverage_rate": (2, 7),
    "leader_training_rate": (1, 2),
    "minutes_on_time_rate": (1, 3),
    "supervision_rate": (1, 3),
}

EXPECTED_BD01 = {
    "regular_meeting_rate": (1, 1),
    "thematic_meeting_rate": (1, 1),
    "materials_rate": (0, 1),
    "procedure_rate": (1, 1),
    "attendance_rate": (7, 9),
    "cells_attendance_ok_rate": (0, 1),
    "task_coverage_rate": (2, 3),
    "leader_training_rate": (1, 2),
    "minutes_on_time_rate": (1, 2),
    "supervision_rate": (1, 1),
}


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _hold(
    cell,
    rules,
    when,
    marks: dict,
    *,
    by,
    published=None,
    minutes_at=None,
    skip_step=False,
    kind=None,
    extra_reason="",
):
    meeting = make_meeting(
        cell, rules, when=when, kind=kind or MeetingKind.REGULAR, extra_reason=extra_reason
    )
    meeting = meeting_open(meeting=meeting, started_at=when, by=by)
    for line in meeting.attendances.select_related("member"):
        status = marks.get(line.member.full_name, AttendanceStatus.PRESENT)
        reason = "Bận công tác" if status == AttendanceStatus.EXCUSED else ""
        attendance_mark(
            attendance=line, status=status, reason=reason, accepted_by="Bí thư" if reason else "", by=by
        )
    MeetingStep.objects.filter(meeting=meeting).update(done=True)
    if skip_step:
        step = MeetingStep.objects.filter(meeting=meeting, mandatory=True).order_by("order").first()
        step.done = False
        step.save()
    meeting = meeting_close(meeting=meeting, ended_at=when + dt.timedelta(hours=2), by=by)
    if published is not None:
        meeting.materials_published_at = published
        meeting.save(update_fields=["materials_published_at"])
    if minutes_at is not None:
        Minutes.objects.create(
            meeting=meeting, body="Biên bản", status=MinutesStatus.APPROVED, approved_at=minutes_at
        )
    return meeting


def build(cast, rules):
    """Create the scenario; returns the organisations by code."""
    staff = cast.staff
    bd03 = make_org("Chi bộ Tổ dân phố số 3", parent=cast.ward, code="BD-03", founded_on=dt.date(2025, 3, 15))
    bd04 = make_org(
        "Chi bộ Tổ dân phố số 4",
        parent=cast.ward,
        code="BD-04",
        founded_on=dt.date(2020, 1, 1),
        dissolved_on=dt.date(2025, 3, 20),
    )
    assert bd03.kind == OrgKind.CELL

    mien = make_member(cast.cell, full_name="Đỗ Thị Miễn")
    exemption_create(member=mien, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    huu = make_member(cast.cell, full_name="Phạm Văn Hưu", work_status=WorkStatus.RETIRED)
    di = make_member(cast.cell, full_name="Hoàng Văn Đi")
    tam = make_member(cast.other_cell, full_name="Bùi Văn Tạm")
    membership_open(
        member=tam,
        cell=cast.cell,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 7, 1),
        kind=MembershipKind.TEMPORARY,
        by=SYSTEM,
    )
    position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2022, 1, 1), by=SYSTEM
    )
    position_assign(
        member=cast.member, cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=dt.date(2022, 1, 1), by=SYSTEM
    )
    training_record_create(
        member=cast.secretary,
        course_title="Bồi dưỡng bí thư chi bộ",
        kind=TrainingKind.PARTY_WORK,
        started_on=dt.date(2024, 3, 1),
        ended_on=dt.date(2024, 3, 31),
        completed=True,
        by=SYSTEM,
    )
    training_record_create(
        member=cast.member,
        course_title="Bồi dưỡng cấp ủy viên",
        kind=TrainingKind.PARTY_WORK,
        started_on=dt.date(2022, 8, 20),
        ended_on=dt.date(2022, 8, 31),
        completed=True,
        by=SYSTEM,
    )
    for n in ("Một", "Hai", "Ba"):
        make_member(cast.cell2, full_name=f"Cao Văn {n}")
    make_member(bd04, full_name="Kiều Văn Giải")
    make_member(bd04, full_name="Kiều Văn Thể")
    make_member(bd04, full_name="Kiều Văn Tán")
    make_member(cast.other_cell, full_name="Lý Văn Ngoài")

    _hold(
        cast.cell,
        rules,
        at(2025, 2, 20, 19, 30),
        {},
        by=staff,
        kind=MeetingKind.THEMATIC,
        minutes_at=at(2025, 2, 21, 9),
    )
    first = _hold(
        cast.cell,
        rules,
        at(2025, 3, 5, 19, 30),
        {"Bùi Văn Tạm": AttendanceStatus.EXCUSED},
        by=staff,
        published=at(2025, 3, 3, 19, 30),
        minutes_at=at(2025, 3, 6, 10),
    )
    # The ward's supervisor is assigned to BD-01 and records a visit at its first March meeting.
    assignment = assignment_create(
        committee=cast.ward, user=cast.supervisor, unit=cast.cell, valid_from=dt.date(2025, 1, 1), by=staff
    )
    visit_create(
        meeting=first,
        assignment=assignment,
        by=cast.supervisor,
        observation={code: Rating.GOOD for code, _label in ASPECTS},
    )
    task_assign(
        meeting=first,
        members=[cast.secretary, huu, di],
        text="Vận động phân loại rác",
        due_on=dt.date(2025, 3, 30),
        by=staff,
    )
    member_transfer(member=di, to_cell=cast.cell2, on=dt.date(2025, 3, 15), by=SYSTEM)
    second = _hold(
        cast.cell,
        rules,
        at(2025, 3, 20, 19, 30),
        {"Phạm Văn Hưu": AttendanceStatus.UNEXCUSED, "Đỗ Thị Miễn": AttendanceStatus.EXCUSED},
        by=staff,
        published=at(2025, 3, 20, 17, 30),
        minutes_at=at(2025, 3, 25, 8),
        extra_reason="Triển khai nhiệm vụ đột xuất",
    )
    task_assign(
        meeting=second, members=[tam], text="Nắm tình hình dư luận", due_on=dt.date(2025, 4, 15), by=staff
    )

    _hold(
        cast.cell2,
        rules,
        at(2025, 3, 10, 19, 30),
        {},
        by=staff,
        published=at(2025, 3, 7, 19, 30),
        skip_step=True,
    )
    cancelled = make_meeting(cast.cell2, rules, when=at(2025, 3, 25, 19, 30), extra_reason="Họp bổ sung")
    meeting_cancel(meeting=cancelled, reason="Mưa bão", by=staff)
    _hold(
        bd04,
        rules,
        at(2025, 3, 5, 19, 30),
        {},
        by=staff,
        published=at(2025, 3, 1, 8),
        minutes_at=at(2025, 3, 5, 22),
    )
    _hold(
        cast.other_cell,
        rules,
        at(2025, 3, 6, 19, 30),
        {},
        by=cast.outsider,
        published=at(2025, 3, 1, 8),
        minutes_at=at(2025, 3, 6, 22),
    )
    return {"BD-03": bd03, "BD-04": bd04}


def plain_member_user(cast):
    """An account of an ordinary member of `cell` (Phạm Văn Hưu). In this scenario cast.member is the
    cell's deputy, and since issue 11 a position gives its holder the cell-leader right."""
    from chibo.members.models import Member

    return make_user("dangvien_thuong", member=Member.objects.get(full_name="Phạm Văn Hưu"))


def run_facts_job() -> None:
    """What production does after writes: the background job (reporting.tasks.refresh_facts, run by the
    task worker; the tests' immediate backend runs it on the spot). Pages only read the facts."""
    from chibo.reporting.tasks import refresh_facts

    refresh_facts.enqueue()
