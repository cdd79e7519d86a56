"""Writes of supervision. Each runs in one transaction, leaves an audit entry and raises ValidationError
with Vietnamese messages keyed by field; the web pages, the API and the demo call these functions."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import today
from chibo.common.people import person_name
from chibo.common.signals import cells_changed
from chibo.meetings.models import Meeting
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Member, Membership, PositionKind
from chibo.members.selectors import positions_on
from chibo.notices.models import NoticeKind
from chibo.notices.services import notify
from chibo.orgs.access import holds_role_on
from chibo.orgs.models import Organisation, OrgKind, RoleKind, in_subtree_q
from chibo.supervision import access, rules
from chibo.supervision.models import (
    ASPECTS,
    Assignment,
    Rating,
    Recommendation,
    RecommendationStatus,
    Visit,
)

# Roles that make a user one of a committee's own people (besides being a member of its subtree).
COMMITTEE_ROLES = (RoleKind.SUPERVISOR, RoleKind.STAFF, RoleKind.ADMIN)
CLOSED = "Kiến nghị đã kết thúc; không sửa được nữa."


def _user(by):
    return by if getattr(by, "pk", None) else None


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def is_committee_user(user, committee: Organisation, day: dt.date) -> bool:
    """One of the committee's people: a supervisor, staff or administrator role on the committee or
    above, or a member whose membership on `day` is in the committee's subtree."""
    if holds_role_on(user, committee, COMMITTEE_ROLES, day=day):
        return True
    member = Member.objects.filter(user=user).first()
    return (
        member is not None
        and Membership.objects.valid_on(day)
        .filter(in_subtree_q(committee, via="cell"), member=member)
        .exists()
    )


# --- assignments --------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    committee: Organisation,
    user,
    unit: Organisation | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
    note: str = "",
    by,
) -> Assignment:
    """Assign one of the committee's people to follow a unit below it for a term (by its staff)."""
    access.require_manage(by, committee)
    errors = rules.period_problem(valid_from, valid_until) or {}
    if committee.kind == OrgKind.CELL:
        errors["committee"] = "Cấp ủy phân công: chi bộ không phân công theo dõi được."
    if user is None:
        errors["user"] = "Cấp ủy viên phụ trách: hãy chọn người được phân công."
    if unit is None:
        errors["unit"] = "Đơn vị theo dõi: hãy chọn đơn vị."
    elif not (committee.contains(unit) and unit.pk != committee.pk):
        errors["unit"] = f"Đơn vị theo dõi: {unit.name} không trực thuộc {committee.name}."
    if errors or unit is None or valid_from is None:
        raise ValidationError(errors)
    if not is_committee_user(user, committee, valid_from):
        raise ValidationError(
            {"user": f"Cấp ủy viên phụ trách: {person_name(user)} không thuộc {committee.name}."}
        )
    # Serialise overlapping checks for one user.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    for other in Assignment.objects.filter(user=user, unit=unit):
        if rules.overlaps(valid_from, valid_until, other.valid_from, other.valid_until):
            raise ValidationError(
                {
                    "valid_from": f"Từ ngày: {person_name(user)} đã được phân công theo dõi {unit.name} "
                    f"từ {other.valid_from:%d/%m/%Y}"
                    + (f" đến {other.valid_until:%d/%m/%Y}." if other.valid_until else " (chưa kết thúc).")
                }
            )
    assignment = Assignment.objects.create(
        committee=committee,
        user=user,
        member=Member.objects.filter(user=user).first(),
        unit=unit,
        valid_from=valid_from,
        valid_until=valid_until,
        note=_clean(note)[:255],
        created_by=_user(by),
    )
    audit_log(user=_user(by), action=Action.CREATE, obj=assignment, org_path=unit.path)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, valid_until: dt.date | None, by) -> Assignment:
    """End a term on `valid_until` (the first day it no longer holds). Visits already recorded under it
    must stay inside the term."""
    access.assignment.check_edit(by, assignment)
    assignment = (
        Assignment.objects.select_for_update().select_related("unit", "committee").get(pk=assignment.pk)
    )
    problem = rules.period_problem(assignment.valid_from, valid_until)
    if valid_until is None:
        problem = {"valid_until": "Đến ngày: hãy nhập ngày (dd/mm/yyyy)."}
    if problem or valid_until is None:
        raise ValidationError(problem or {"valid_until": "Đến ngày: hãy nhập ngày (dd/mm/yyyy)."})
    last = assignment.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if last is not None and valid_until <= last:
        raise ValidationError(
            {"valid_until": f"Đến ngày: đã có lần dự sinh hoạt ngày {last:%d/%m/%Y}; phải sau ngày đó."}
        )
    before = snapshot(assignment)
    assignment.valid_until = valid_until
    assignment.save(update_fields=["valid_until"])
    audit_log(
        user=_user(by), action=Action.UPDATE, obj=assignment, org_path=assignment.unit.path, before=before
    )
    return assignment


# --- visits -------------------------------------------------------------------------------------------

OBSERVATION_FIELDS = [name for code, _ in ASPECTS for name in (code, f"{code}_comment")] + [
    "went_well",
    "to_fix",
]


def _observation_problem(observation: dict) -> dict | None:
    errors = {}
    valid = set(Rating.values)
    for code, label in ASPECTS:
        if observation.get(code) not in valid:
            errors[code] = f"{label}: hãy chọn Tốt, Khá, Trung bình hoặc Yếu."
    return errors or None


def _apply_observation(visit: Visit, observation: dict) -> None:
    for name in OBSERVATION_FIELDS:
        if name in observation and observation[name] is not None:
            value = observation[name]
            setattr(
                visit, name, _clean(value) if name.endswith(("_comment", "went_well", "to_fix")) else value
            )


@transaction.atomic
def visit_create(
    *, meeting: Meeting, assignment: Assignment, by, observation: dict, recommendations=()
) -> Visit:
    """Record what the assigned supervisor saw at a meeting, with recommendations (text, due date)."""
    meeting = Meeting.objects.select_related("cell").get(pk=meeting.pk)
    day = meeting_date(meeting)
    if meeting.status not in rules.VISITABLE_STATUSES:
        raise ValidationError("Chỉ ghi nhận dự sinh hoạt ở buổi sinh hoạt đang họp hoặc đã họp.")
    if not access.can_record_visit(by, meeting, assignment, day):
        raise ValidationError(access.VISIT_NOT_COVERED)
    if Visit.objects.filter(meeting=meeting, supervisor=by).exists():
        raise ValidationError("Đồng chí đã ghi nhận dự buổi sinh hoạt này; hãy mở lại để xem.")
    errors = _observation_problem(observation) or {}
    recommendations = [r for r in recommendations if _clean(r.get("text")) or r.get("due_on")]
    for index, item in enumerate(recommendations):
        problem = rules.recommendation_problem(
            text=item.get("text"), due_on=item.get("due_on"), visit_day=day
        )
        for field, message in (problem or {}).items():
            key = field if len(recommendations) == 1 else f"recommendations.{index}.{field}"
            errors[key] = message
    if errors:
        raise ValidationError(errors)
    visit = Visit(meeting=meeting, cell=meeting.cell, assignment=assignment, supervisor=by, visited_on=day)
    _apply_observation(visit, observation)
    visit.save()
    audit_log(user=_user(by), action=Action.CREATE, obj=visit, org_path=meeting.cell.path)
    for item in recommendations:
        _recommendation_save(visit, item["text"], item["due_on"], by)
    cells_changed([meeting.cell_id], day)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, by, observation: dict) -> Visit:
    access.visit.check_edit(by, visit)
    visit = Visit.objects.select_for_update().select_related("cell").get(pk=visit.pk)
    merged = {code: getattr(visit, code) for code, _ in ASPECTS} | observation
    problem = _observation_problem(merged)
    if problem:
        raise ValidationError(problem)
    before = snapshot(visit)
    _apply_observation(visit, observation)
    visit.save()
    audit_log(user=_user(by), action=Action.UPDATE, obj=visit, org_path=visit.cell.path, before=before)
    return visit


@transaction.atomic
def visit_delete(*, visit: Visit, by) -> None:
    """A visit recorded by mistake; refused once the cell has answered one of its recommendations."""
    access.visit.check_edit(by, visit)
    visit = Visit.objects.select_for_update().select_related("cell", "meeting").get(pk=visit.pk)
    if visit.recommendations.exclude(status=RecommendationStatus.OPEN).exists():
        raise ValidationError("Chi bộ đã trả lời kiến nghị của lần dự này; không xóa được nữa.")
    path, cell_id, day = visit.cell.path, visit.cell_id, meeting_date(visit.meeting)
    for rec in list(visit.recommendations.all()):
        before = snapshot(rec)
        rec.delete()
        audit_log(user=_user(by), action=Action.DELETE, obj=rec, org_path=path, before=before)
    before = snapshot(visit)
    visit.delete()
    audit_log(user=_user(by), action=Action.DELETE, obj=visit, org_path=path, before=before)
    cells_changed([cell_id], day)


# --- recommendations ----------------------------------------------------------------------------------


def _recommendation_save(visit: Visit, text: str, due_on: dt.date, by) -> Recommendation:
    rec = Recommendation.objects.create(visit=visit, cell_id=visit.cell_id, text=_clean(text), due_on=due_on)
    audit_log(user=_user(by), action=Action.CREATE, obj=rec, org_path=visit.cell.path)
    # The cell's leaders of the day answer it: they hear of it by every channel they have.
    leaders = Member.objects.filter(
        pk__in=positions_on(visit.cell, today())
        .filter(kind__in=[PositionKind.SECRETARY, PositionKind.DEPUTY])
        .values("member_id")
    )
    notify(
        key=f"recommendation:{rec.pk}",
        kind=NoticeKind.RECOMMENDATION,
        subject=f"Kiến nghị sau giám sát, trả lời trước {due_on:%d/%m/%Y}",
        body=f"Cấp ủy viên phụ trách kiến nghị {visit.cell.name}: {rec.text}\n"
        f"Chi bộ trả lời trước ngày {due_on:%d/%m/%Y} trên Chibo.",
        sms_text=f"{visit.cell.name} có kiến nghị sau giám sát, trả lời trước {due_on:%d/%m/%Y}. Xem trên Chibo.",
        link=reverse("supervision:visit", args=[visit.pk]),
        cell=visit.cell,
        members=leaders,
        by=by,
    )
    return rec


@transaction.atomic
def recommendation_add(*, visit: Visit, text: str, due_on: dt.date | None, by) -> Recommendation:
    access.visit.check_edit(by, visit)
    problem = rules.recommendation_problem(text=text, due_on=due_on, visit_day=visit.visited_on)
    if problem or due_on is None:  # recommendation_problem refuses an empty deadline
        raise ValidationError(problem or {"due_on": "Hạn trả lời: không được để trống."})
    return _recommendation_save(visit, text, due_on, by)


@transaction.atomic
def recommendation_answer(*, recommendation: Recommendation, answer: str, by) -> Recommendation:
    rec = Recommendation.objects.select_for_update().select_related("cell").get(pk=recommendation.pk)
    access.recommendation.check_answer(by, rec)
    if not rules.may_answer(rec.status):
        raise ValidationError(CLOSED)
    if not _clean(answer):
        raise ValidationError({"answer": "Trả lời của chi bộ: không được để trống."})
    before = snapshot(rec)
    rec.answer = _clean(answer)
    rec.status = RecommendationStatus.ANSWERED
    rec.answered_at = timezone.now()
    rec.answered_by = _user(by)
    rec.save(update_fields=["answer", "status", "answered_at", "answered_by"])
    audit_log(user=_user(by), action=Action.UPDATE, obj=rec, org_path=rec.cell.path, before=before)
    return rec


@transaction.atomic
def recommendation_close(*, recommendation: Recommendation, by, note: str = "") -> Recommendation:
    rec = Recommendation.objects.select_for_update().select_related("cell", "visit").get(pk=recommendation.pk)
    access.recommendation.check_close(by, rec)
    if not rules.may_close(rec.status):
        raise ValidationError(CLOSED)
    before = snapshot(rec)
    rec.status = RecommendationStatus.CLOSED
    rec.close_note = _clean(note)[:500]
    rec.closed_at = timezone.now()
    rec.closed_by = _user(by)
    rec.save(update_fields=["status", "close_note", "closed_at", "closed_by"])
    audit_log(user=_user(by), action=Action.UPDATE, obj=rec, org_path=rec.cell.path, before=before)
    return rec


def default_due_on(visit_day: dt.date) -> dt.date:
    """A month to answer, by default."""
    return max(visit_day, today()) + dt.timedelta(days=30)
