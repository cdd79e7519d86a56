"""/api/v1/training: courses, participations and the leaders' gap list (issue 6 §2).

Same access path and services as the web pages (chibo/training/access.py): a course is seen from its
organiser's subtree and from above it, never from a sibling branch (404); participants only where their
cell is visible; the organiser's writers edit a course; a cell's writers enrol its members and record
their status.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chibo.common.api.errors import renamed_fields
from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Count,
    Day,
    Flag,
    Id,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.common.dates import today
from chibo.members.models import Member, TrainingKind
from chibo.members.selectors import current_membership
from chibo.orgs.access import get_org_for_user
from chibo.training import access, selectors, services
from chibo.training.models import ParticipationStatus

router = Router()


class CourseOut(Schema):
    id: int
    title: str
    kind: TrainingKind
    organiser_id: int
    organiser_code: str = Field(alias="organiser.code")
    organiser_name: str = Field(description="Tên đơn vị tổ chức như ghi trên chứng chỉ.")
    starts_on: dt.date
    ends_on: dt.date
    place: str
    online: bool
    hours: int | None

    @staticmethod
    def resolve_organiser_name(obj) -> str:
        return obj.organiser_label


class CourseIn(InputSchema):
    title: Text = Field(min_length=1, max_length=255)
    kind: TrainingKind = TrainingKind.PARTY_WORK
    organiser_id: Id
    organiser_name: Text = Field("", max_length=255)
    starts_on: Day
    ends_on: Day
    place: Text = Field("", max_length=255)
    online: Flag = False
    hours: Count | None = Field(None, ge=1, le=2000)


class CoursePatch(InputSchema):
    title: Text | None = Field(None, min_length=1, max_length=255)
    kind: TrainingKind | None = None
    organiser_id: Id | None = None
    organiser_name: Text | None = Field(None, max_length=255)
    starts_on: Day | None = None
    ends_on: Day | None = None
    place: Text | None = Field(None, max_length=255)
    online: Flag | None = None
    hours: Count | None = Field(None, ge=1, le=2000)


class ParticipationOut(Schema):
    id: int
    course_id: int
    member_id: int
    full_name: str = Field(alias="member.full_name")
    cell_id: int
    cell_code: str = Field(alias="cell.code")
    status: ParticipationStatus
    certificate_number: str
    completed_on: dt.date | None
    training_record_id: int | None = Field(alias="record_id", description="Bản ghi bồi dưỡng (T6).")


class EnrolIn(InputSchema):
    member_ids: list[Id] = Field(min_length=1, max_length=500)


class EnrolOut(Schema):
    created: list[ParticipationOut]
    already_enrolled: int
    outside_scope: int = 0


class StatusIn(InputSchema):
    status: ParticipationStatus
    certificate_number: Text | None = Field(None, max_length=60)
    completed_on: Day | None = Field(None, description="Mặc định: ngày kết thúc lớp (hoặc hôm nay).")


class LeaderOut(Schema):
    member_id: int
    full_name: str
    positions: list[str]
    last_training_on: dt.date | None
    trained: bool


class CellGapsOut(Schema):
    cell_id: int
    cell_code: str
    cell_name: str
    trained: int
    untrained: int
    leaders: list[LeaderOut]


class GapsOut(Schema):
    org_id: int
    day: dt.date
    valid_months: int
    leaders: int = Field(description="Người giữ chức vụ, mỗi chi bộ một lần (mẫu số T6).")
    trained: int = Field(description="Tử số T6.")
    untrained: int
    count: int = Field(description="Số chi bộ có cấp ủy.")
    cells: list[CellGapsOut]


class EnrolMissingIn(InputSchema):
    course_id: Id
    member_ids: list[Id] | None = Field(None, max_length=5000, description="Bỏ trống: tất cả người chưa.")
    day: Day | None = None


# ---------------------------------------------------------------- courses


@router.get("/courses", response={200: list[CourseOut], **READ_ERRORS})
@paginate(Pagination)
def course_list(
    request,
    organiser: int | None = Query(None, ge=1, le=MAX_ID, description="Id cấp ủy tổ chức."),
    kind: TrainingKind | None = None,
    upcoming: bool = Query(False, description="Chỉ lớp chưa kết thúc."),
):
    """Courses the caller may see: organised in their subtree or above it. Newest first."""
    qs = access.course.visible_qs(request.user).select_related("organiser")
    if organiser is not None:
        qs = qs.filter(organiser_id=organiser)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if upcoming:
        qs = qs.filter(ends_on__gte=today())
    return qs.order_by("-starts_on", "pk")


@router.post("/courses", response={201: CourseOut, **WRITE_ERRORS})
def course_create(request, payload: CourseIn):
    """Create a course organised by an organisation the caller writes."""
    fields = payload.dict()
    fields["organiser"] = access.get_organiser_for_user(request.user, fields.pop("organiser_id"))
    with renamed_fields(organiser="organiser_id"):
        course = services.course_create(by=request.user, **fields)
    return Status(201, course)


@router.get("/courses/{course_id}", response={200: CourseOut, **READ_ERRORS})
def course_detail(request, course_id: PathId):
    return access.course.get_for_user(request.user, course_id)


@router.patch("/courses/{course_id}", response={200: CourseOut, **WRITE_ERRORS})
def course_update(request, course_id: PathId, payload: CoursePatch):
    """Change the fields sent; completed participants' training records follow the course."""
    course = access.course.get_for_user(request.user, course_id, write=True)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "hours"}
    if "organiser_id" in fields:
        fields["organiser"] = access.get_organiser_for_user(request.user, fields.pop("organiser_id"))
    with renamed_fields(organiser="organiser_id"):
        return services.course_update(course=course, by=request.user, **fields)


# ---------------------------------------------------------------- participations


@router.get("/courses/{course_id}/participations", response={200: list[ParticipationOut], **READ_ERRORS})
@paginate(Pagination)
def participation_list(request, course_id: PathId, status: ParticipationStatus | None = None):
    """The course's participants in cells the caller sees."""
    course = access.course.get_for_user(request.user, course_id)
    qs = access.participation.in_course(request.user, course).select_related("member", "cell")
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("member__sort_name", "pk")


@router.post("/courses/{course_id}/participations", response={201: EnrolOut, **WRITE_ERRORS})
def participation_create(request, course_id: PathId, payload: EnrolIn):
    """Enrol members of cells the caller writes (from their current cell). Members already on the course
    are counted in `already_enrolled`, never duplicated."""
    course = access.course.get_for_user(request.user, course_id)
    found = {m.pk: m for m in Member.objects.filter(pk__in=payload.member_ids)}
    people, missing = [], []
    for pk in dict.fromkeys(payload.member_ids):
        member = found.get(pk)
        membership = current_membership(member, today()) if member else None
        if membership is None or not access.can_enrol_from(request.user, membership.cell):
            missing.append(str(pk))
        else:
            people.append((member, membership.cell))
    if missing:
        raise ValidationError(
            {"member_ids": f"Không có đảng viên id {', '.join(missing)} trong chi bộ bạn quản lý."}
        )
    with renamed_fields(course="member_ids"):
        created, skipped = services.participations_enrol(course=course, people=people, by=request.user)
    return Status(201, {"created": created, "already_enrolled": skipped})


@router.patch("/participations/{participation_id}", response={200: ParticipationOut, **WRITE_ERRORS})
def participation_update(request, participation_id: PathId, payload: StatusIn):
    """Record attended or completed (with a certificate number). Completed creates the member's training
    record that T6 counts; going back removes it."""
    participation = access.participation.get_for_user(request.user, participation_id, write=True)
    return services.participation_set_status(
        participation=participation,
        by=request.user,
        status=payload.status,
        certificate_number=payload.certificate_number,
        completed_on=payload.completed_on,
    )


# ---------------------------------------------------------------- gap list


@router.get("/orgs/{org_id}/gaps", response={200: GapsOut, **READ_ERRORS, 403: WRITE_ERRORS[403]})
def gap_list(
    request,
    org_id: PathId,
    day: Day | None = None,
    limit: int = Query(50, ge=1, le=500, description="Số chi bộ mỗi trang."),
    offset: int = Query(0, ge=0, le=MAX_ID - 500),
):
    """Secretaries, deputies and committee members of the subtree's cells on `day`, trained (a completed
    party-work training within the validity window) or not, grouped by cell: the T6 rule per person."""
    org = get_org_for_user(request.user, org_id, read_members=True)
    day = day or today()
    summary = selectors.gap_summary(org, day)
    page_ids = summary.cell_ids[offset : offset + limit]
    cells = [
        {
            "cell_id": g.cell.pk,
            "cell_code": g.cell.code,
            "cell_name": g.cell.name,
            "trained": len(g.trained),
            "untrained": len(g.untrained),
            "leaders": [
                {
                    "member_id": x.member.pk,
                    "full_name": x.member.full_name,
                    "positions": x.kinds,
                    "last_training_on": x.last_done_on,
                    "trained": x.trained,
                }
                for x in g.leaders
            ],
        }
        for g in selectors.cell_gaps(page_ids, day)
    ]
    return {
        "org_id": org.pk,
        "day": day,
        "valid_months": selectors.rules.valid_months(),
        "leaders": summary.leaders,
        "trained": summary.trained,
        "untrained": summary.untrained,
        "count": len(summary.cell_ids),
        "cells": cells,
    }


@router.post("/orgs/{org_id}/gaps/enrol", response={201: EnrolOut, **WRITE_ERRORS})
def gap_enrol(request, org_id: PathId, payload: EnrolMissingIn):
    """Enrol the untrained leaders of the subtree (or those of `member_ids` among them) in a course not
    yet ended; idempotent. People of cells outside the course organiser's subtree are left out."""
    org = get_org_for_user(request.user, org_id, write=True)
    course = access.course.fetch_qs().filter(pk=payload.course_id).first()
    if course is None or not access.course.can_view(request.user, course):
        raise ValidationError({"course_id": f"Không tìm thấy khóa id {payload.course_id}."})
    if course.ends_on < today():
        raise ValidationError({"course_id": "Khóa đã kết thúc, không ghi danh thêm được."})
    created, skipped, outside = services.enrol_missing(
        course=course, org=org, day=payload.day or today(), member_ids=payload.member_ids, by=request.user
    )
    return Status(201, {"created": created, "already_enrolled": skipped, "outside_scope": outside})
