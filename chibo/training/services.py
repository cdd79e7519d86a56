"""Writes of training: courses, enrolment, status changes. Each runs in one transaction with an audit
entry. A completed participation is mirrored as the member's TrainingRecord through the members
services, which also tell the indicators (cells_changed) that T6 moved."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import today
from chibo.members.models import Member
from chibo.members.services import delete_with_audit, training_record_create
from chibo.orgs.models import Organisation, in_subtree_q
from chibo.training import access, rules
from chibo.training.models import Course, Participation, ParticipationStatus
from chibo.training.selectors import untrained_leaders

COURSE_FIELDS = (
    "title",
    "kind",
    "organiser",
    "organiser_name",
    "starts_on",
    "ends_on",
    "place",
    "online",
    "hours",
)
RECORD_FIELDS = ("title", "kind", "organiser", "organiser_name", "starts_on", "ends_on")


def _raise(problem) -> None:
    if problem is not None:
        field, message = problem
        raise ValidationError({field: message})


def _check_course(course: Course) -> None:
    _raise(rules.course_dates_problem(course.starts_on, course.ends_on))
    duplicate = Course.objects.filter(
        organiser=course.organiser, title=course.title, starts_on=course.starts_on
    ).exclude(pk=course.pk)
    if duplicate.exists():
        raise ValidationError({"title": "Tên lớp: cấp ủy này đã có lớp cùng tên khai giảng cùng ngày."})
    course.full_clean(validate_constraints=False)


@transaction.atomic
def course_create(*, by, **fields) -> Course:
    """`by` must be able to organise at the course's organiser (access.require_organise)."""
    course = Course(**fields)
    access.require_organise(by, course.organiser)
    _check_course(course)
    course.save()
    audit_log(user=by, action=Action.CREATE, obj=course, org_path=course.organiser.path)
    return course


@transaction.atomic
def course_update(*, course: Course, by, **fields) -> Course:
    access.course.check_edit(by, course)
    before = snapshot(course)
    old = {name: getattr(course, name) for name in RECORD_FIELDS}
    if "organiser" in fields and fields["organiser"].pk != course.organiser_id:
        access.require_organise(by, fields["organiser"])
        if course.participations.exclude(in_subtree_q(fields["organiser"], via="cell")).exists():
            raise ValidationError(
                {"organiser": "Cấp ủy tổ chức: có học viên ở ngoài phạm vi của cấp ủy mới."}
            )
    for name, value in fields.items():
        setattr(course, name, value)
    _check_course(course)
    course.save()
    audit_log(user=by, action=Action.UPDATE, obj=course, org_path=course.organiser.path, before=before)
    if any(getattr(course, name) != value for name, value in old.items()):
        # The mirrored records carry the course's title, kind, organiser and dates.
        done = course.participations.filter(status=ParticipationStatus.COMPLETED).select_related("member")
        for participation in done:
            participation.course = course
            _sync_record(participation, by, force=True)
    return course


def _cell_problem(course: Course, cell: Organisation, allow_past: bool) -> str | None:
    if not course.organiser.contains(cell):
        return f"Chi bộ «{cell.name}» không thuộc phạm vi của cấp ủy tổ chức lớp."
    if course.ends_on < today() and not allow_past:
        return "Lớp đã kết thúc, không ghi danh thêm được."
    return None


@transaction.atomic
def participations_enrol(
    *, course: Course, people: list[tuple[Member, Organisation]], by, allow_past: bool = False
) -> tuple[list[Participation], int]:
    """Enrol each (member, cell); members already on the course are skipped, so enrolling twice adds
    nobody. Returns the new rows and how many were already there. `allow_past`: the import records
    courses already held. `by` must write every cell (access.require_enrol_from)."""
    for _, cell in people:
        access.require_enrol_from(by, cell)
    for _, cell in people:
        problem = _cell_problem(course, cell, allow_past)
        if problem:
            raise ValidationError({"course": problem})
    existing = set(course.participations.values_list("member_id", flat=True))
    created = []
    for member, cell in people:
        if member.pk in existing:
            continue
        existing.add(member.pk)
        participation = Participation.objects.create(course=course, member=member, cell=cell)
        audit_log(user=by, action=Action.CREATE, obj=participation, org_path=cell.path)
        created.append(participation)
    return created, len(people) - len(created)


@transaction.atomic
def participation_set_status(
    *,
    participation: Participation,
    status: str,
    certificate_number: str | None = None,
    completed_on: dt.date | None = None,
    by,
) -> Participation:
    access.participation.check_edit(by, participation)
    course = participation.course
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": "Trạng thái: giá trị không hợp lệ."})
    _raise(rules.attendance_problem(status=status, starts_on=course.starts_on, today=today()))
    _raise(
        rules.completion_problem(
            status=status, completed_on=completed_on, starts_on=course.starts_on, today=today()
        )
    )
    before = snapshot(participation)
    participation.status = status
    if certificate_number is not None:
        participation.certificate_number = certificate_number.strip()
    if status == ParticipationStatus.COMPLETED:
        participation.completed_on = (
            completed_on or participation.completed_on or min(course.ends_on, today())
        )
    else:
        participation.completed_on = None
    participation.full_clean(validate_constraints=False)
    participation.save(update_fields=["status", "certificate_number", "completed_on"])
    audit_log(
        user=by, action=Action.UPDATE, obj=participation, org_path=participation.cell.path, before=before
    )
    _sync_record(participation, by)
    return participation


def _record_fields(course: Course) -> dict:
    return {
        "course_title": course.title,
        "kind": course.kind,
        "organiser": course.organiser_label,
        "started_on": course.starts_on,
        "ended_on": course.ends_on,
        "completed": True,
    }


def _sync_record(participation: Participation, by, *, force: bool = False) -> None:
    """Completed ⇒ exactly one TrainingRecord with the course's details; otherwise none."""
    record = participation.record if participation.record_id else None
    wanted = participation.status == ParticipationStatus.COMPLETED
    if record is not None and (not wanted or force):
        participation.record = None
        participation.save(update_fields=["record"])
        delete_with_audit(obj=record, org_path=participation.cell.path, by=by)
        record = None
    if wanted and record is None:
        record = training_record_create(
            member=participation.member, by=by, **_record_fields(participation.course)
        )
        participation.record = record
        participation.save(update_fields=["record"])


@transaction.atomic
def enrol_missing(
    *, course: Course, org: Organisation, day: dt.date, member_ids=None, by
) -> tuple[list[Participation], int, int]:
    """Enrol the untrained leaders of `org`'s subtree (or the chosen ones among them) in `course`.
    Returns (new rows, already enrolled, left out because their cell is outside the course's scope)."""
    access.require_enrol_from(by, org)
    people = untrained_leaders(org, day)
    if member_ids is not None:
        chosen = {int(pk) for pk in member_ids}
        people = [(m, c) for m, c in people if m.pk in chosen]
    seen, inside, outside = set(), [], 0
    for member, cell in people:
        if member.pk in seen:
            continue
        seen.add(member.pk)
        if course.organiser.contains(cell):
            inside.append((member, cell))
        else:
            outside += 1
    created, skipped = participations_enrol(course=course, people=inside, by=by)
    return created, skipped, outside
