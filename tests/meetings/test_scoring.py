"""Proposing and confirming a meeting's quality score (issue 3 §6, DOMAIN §7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingKind, MeetingStatus, Score, ScoreItem
from chibo.meetings.scoring_rules import Mark, grade_for, score_outcome
from chibo.meetings.services.scoring import field_name, score_confirm, score_propose, sheet_for
from chibo.orgs.models import RoleKind
from tests.factories import make_user
from tests.meetings.conftest import make_meeting
from tests.meetings.scoring_data import held_meeting, make_sheet

pytestmark = pytest.mark.django_db


def points_for(sheet, values):
    return {c.pk: v for c, v in zip(sheet.criteria.order_by("order"), values, strict=True)}


FULL = [5, 5, 10, 40, 5, 30, 5]  # 100


@pytest.fixture
def sheet(rule_set):
    return make_sheet(rule_set)


# --- the grade ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "Tốt"),
        (90, "Tốt"),
        (89, "Khá"),
        (70, "Khá"),
        (69, "Trung bình"),
        (50, "Trung bình"),
        (49, "Kém"),
    ],
)
def test_the_grade_follows_the_sheet_thresholds(total, grade):
    assert grade_for(total, good_from=90, fair_from=70, average_from=50) == grade


def test_thresholds_come_from_the_sheet_not_from_code():
    assert grade_for(80, good_from=80, fair_from=60, average_from=40) == "Tốt"
    assert grade_for(59, good_from=80, fair_from=60, average_from=40) == "Trung bình"


def test_a_criterion_needing_full_marks_caps_a_good_total_at_fair():
    marks = [
        Mark("a", "Tỷ lệ đảng viên dự họp", 10, True, 9),
        Mark("b", "Nội dung", 90, False, 90),
    ]
    outcome = score_outcome(marks, good_from=90, fair_from=70, average_from=50)
    assert (outcome.total, outcome.grade) == (99, "Khá")
    assert outcome.capped_by == ("Tỷ lệ đảng viên dự họp",)


def test_the_cap_does_not_lower_a_grade_below_fair_and_full_marks_keep_good():
    marks = [Mark("a", "Dự họp", 10, True, 0), Mark("b", "Nội dung", 90, False, 60)]
    assert score_outcome(marks, good_from=90, fair_from=70, average_from=50).grade == "Trung bình"
    marks = [Mark("a", "Dự họp", 10, True, 10), Mark("b", "Nội dung", 90, False, 80)]
    assert score_outcome(marks, good_from=90, fair_from=70, average_from=50).grade == "Tốt"


# --- proposing -----------------------------------------------------------------------------------------


def test_the_leader_proposes_a_score_with_its_items_total_grade_and_audit(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    score = score_propose(meeting=meeting, points=points_for(sheet, FULL), by=cast.leader_user)
    assert (score.total, score.grade, score.sheet, score.proposed_by) == (100, "Tốt", sheet, cast.leader_user)
    assert ScoreItem.objects.filter(score=score).count() == 7
    entry = AuditEntry.objects.get(model="meetings.score", action="create")
    assert entry.org_path == cast.cell.path and entry.user == cast.leader_user
    assert AuditEntry.objects.filter(model="meetings.scoreitem").count() == 7


def test_missing_full_marks_on_time_keeps_a_95_at_fair(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    score = score_propose(meeting=meeting, points=points_for(sheet, [0, 5, 10, 40, 5, 30, 5]), by=SYSTEM)
    assert (score.total, score.grade) == (95, "Khá")


def test_points_out_of_range_are_refused_naming_the_criterion(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    points = points_for(sheet, [6, 5, 10, 40, 5, 30, 5])
    with pytest.raises(ValidationError) as error:
        score_propose(meeting=meeting, points=points, by=cast.leader_user)
    time = sheet.criteria.get(code="time")
    assert error.value.message_dict[field_name(time.pk)] == ["Thời gian, thời lượng: điểm phải từ 0 đến 5."]
    assert not Score.objects.exists()


def test_negative_or_missing_points_are_refused(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    points = points_for(sheet, [5, -1, 10, 40, 5, 30, 5])
    results = sheet.criteria.get(code="results")
    del points[results.pk]
    with pytest.raises(ValidationError) as error:
        score_propose(meeting=meeting, points=points, by=cast.leader_user)
    messages = error.value.message_dict
    assert (
        "Tỷ lệ đảng viên dự họp: điểm phải từ 0 đến 5."
        in messages[field_name(sheet.criteria.get(code="attendance").pk)]
    )
    assert "Kết quả thực hiện nghị quyết tháng trước: chưa nhập điểm." in messages[field_name(results.pk)]


@pytest.mark.parametrize("status", [MeetingStatus.PLANNED, MeetingStatus.OPEN, MeetingStatus.CANCELLED])
def test_only_a_held_meeting_is_scored(cast, rule_set, sheet, status):
    meeting = make_meeting(cast.cell, rule_set, status=status)
    with pytest.raises(ValidationError, match="Chỉ chấm điểm buổi sinh hoạt đã họp xong"):
        score_propose(meeting=meeting, points=points_for(sheet, FULL), by=cast.leader_user)


@pytest.mark.parametrize("who", ["member_user", "sibling_leader", "outsider", "supervisor"])
def test_only_those_who_write_the_cell_propose(cast, rule_set, sheet, who):
    meeting = held_meeting(cast.cell, rule_set)
    with pytest.raises(PermissionDenied):
        score_propose(meeting=meeting, points=points_for(sheet, FULL), by=getattr(cast, who))


def test_ward_staff_may_propose_too(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    assert score_propose(meeting=meeting, points=points_for(sheet, FULL), by=cast.staff).total == 100


def test_proposing_again_replaces_the_points(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    score_propose(meeting=meeting, points=points_for(sheet, FULL), by=cast.leader_user)
    again = score_propose(
        meeting=meeting, points=points_for(sheet, [5, 5, 10, 30, 5, 20, 5]), by=cast.leader_user
    )
    assert (again.total, again.grade) == (80, "Khá")
    assert Score.objects.count() == 1 and ScoreItem.objects.count() == 7
    assert AuditEntry.objects.filter(model="meetings.scoreitem", action="update").count() == 2


def test_the_sheet_for_the_meeting_kind_wins_over_the_common_one(cast, rule_set, sheet):
    thematic_sheet = make_sheet(
        rule_set, kind=MeetingKind.THEMATIC, criteria=[("content", "Nội dung", 100, False)]
    )
    regular = held_meeting(cast.cell, rule_set)
    thematic = held_meeting(cast.cell, rule_set, kind=MeetingKind.THEMATIC)
    assert sheet_for(regular) == sheet
    assert sheet_for(thematic) == thematic_sheet


def test_a_rule_set_without_a_sheet_cannot_score(cast, rule_set):
    meeting = held_meeting(cast.cell, rule_set)
    with pytest.raises(ValidationError, match="chưa có phiếu chấm điểm"):
        score_propose(meeting=meeting, points={}, by=cast.leader_user)


# --- confirming ----------------------------------------------------------------------------------------


@pytest.fixture
def proposed(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set)
    return score_propose(meeting=meeting, points=points_for(sheet, FULL), by=cast.leader_user)


@pytest.mark.parametrize("who", ["staff", "supervisor"])
def test_the_upper_level_confirms(cast, proposed, who):
    user = getattr(cast, who)
    score = score_confirm(score=proposed, by=user)
    assert score.confirmed_by == user and score.confirmed_at is not None
    assert AuditEntry.objects.filter(model="meetings.score", action="update", user=user).exists()


def test_a_city_admin_confirms_too(cast, proposed):
    admin = make_user("quantri", role=RoleKind.ADMIN, org=cast.city)
    assert score_confirm(score=proposed, by=admin).confirmed_by == admin


def test_the_cells_own_leader_does_not_confirm(cast, proposed):
    with pytest.raises(PermissionDenied):
        score_confirm(score=proposed, by=cast.leader_user)
    proposed.refresh_from_db()
    assert proposed.confirmed_at is None


def test_staff_role_on_the_cell_itself_is_not_upper_level(cast, proposed):
    cell_staff = make_user("canbo_chibo", role=RoleKind.STAFF, org=cast.cell)
    with pytest.raises(PermissionDenied):
        score_confirm(score=proposed, by=cell_staff)


@pytest.mark.parametrize("who", ["outsider", "sibling_leader", "member_user"])
def test_strangers_and_members_do_not_confirm(cast, proposed, who):
    with pytest.raises(PermissionDenied):
        score_confirm(score=proposed, by=getattr(cast, who))


def test_a_confirmed_score_is_locked(cast, proposed, sheet):
    score_confirm(score=proposed, by=cast.staff)
    with pytest.raises(ValidationError, match="đã được cấp trên xác nhận; không thể chấm lại"):
        score_propose(meeting=proposed.meeting, points=points_for(sheet, [0] * 7), by=cast.leader_user)
    with pytest.raises(ValidationError, match="đã được xác nhận"):
        score_confirm(score=proposed, by=cast.supervisor)
    proposed.refresh_from_db()
    assert (proposed.total, proposed.confirmed_by) == (100, cast.staff)
