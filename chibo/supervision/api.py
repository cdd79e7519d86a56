"""/api/v1/supervision: assignments, visits and recommendations (issue 6 §3, §5).

Same rules as the web pages, through the same access path (supervision.access) and services:
- assignments are read by those who read the unit in full and by the assigned user; committee staff
  create and end them for the committee's own people;
- a visit is recorded only by a supervisor whose assignment covers the meeting's cell on the meeting's
  day (403 for others who see the meeting, 404 for those who do not);
- the cell's leaders answer a recommendation; the visit's supervisor (or whoever follows the cell now)
  closes it.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chibo.common.api.errors import renamed_fields
from chibo.common.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    Id,
    InputSchema,
    Pagination,
    PathId,
    Text,
)
from chibo.common.dates import today
from chibo.meetings.api import LocalTime
from chibo.orgs.models import Organisation, in_subtree_q
from chibo.supervision import access, rules, services
from chibo.supervision.models import (
    PENDING_STATUSES,
    Assignment,
    Rating,
    Recommendation,
    RecommendationStatus,
    Visit,
)

router = Router()

# ---------------------------------------------------------------- schemas


class AssignmentOut(Schema):
    id: int
    committee_id: int
    user_id: int
    username: str = Field(alias="user.username")
    member_id: int | None
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    valid_from: dt.date
    valid_until: dt.date | None = Field(
        description="Ngày đầu tiên không còn phụ trách; trống = còn hiệu lực."
    )
    note: str
    active: bool

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active_on(today())


class AssignmentIn(InputSchema):
    committee_id: Id = Field(
        description="Cấp ủy phân công (không phải chi bộ); bạn phải là cán bộ của cấp ủy này."
    )
    user_id: Id = Field(
        description="Người được phân công: người của cấp ủy (vai trò hoặc đảng viên trực thuộc)."
    )
    unit_id: Id = Field(description="Đơn vị theo dõi, trực thuộc cấp ủy phân công.")
    valid_from: Day
    valid_until: Day | None = None
    note: Text = Field("", max_length=255)


class AssignmentEndIn(InputSchema):
    valid_until: Day


class RecommendationOut(Schema):
    id: int
    visit_id: int
    cell_id: int
    text: str
    due_on: dt.date
    status: RecommendationStatus
    is_overdue: bool
    answer: str
    answered_at: LocalTime | None
    close_note: str
    closed_at: LocalTime | None

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return rules.is_overdue(status=obj.status, due_on=obj.due_on, today=today())


class VisitOut(Schema):
    id: int
    meeting_id: int
    cell_id: int
    assignment_id: int
    supervisor_id: int
    visited_on: dt.date
    preparation: Rating
    preparation_comment: str
    procedure: Rating
    procedure_comment: str
    attendance: Rating
    attendance_comment: str
    content: Rating
    content_comment: str
    chairing: Rating
    chairing_comment: str
    went_well: str
    to_fix: str
    created_at: LocalTime


class VisitDetailOut(VisitOut):
    recommendations: list[RecommendationOut]

    @staticmethod
    def resolve_recommendations(obj) -> list:
        return list(obj.recommendations.order_by("due_on", "pk"))


class RecommendationIn(InputSchema):
    text: Text = Field(min_length=1)
    due_on: Day


class VisitIn(InputSchema):
    meeting_id: Id
    preparation: Rating
    preparation_comment: Text = Field("", max_length=500)
    procedure: Rating
    procedure_comment: Text = Field("", max_length=500)
    attendance: Rating
    attendance_comment: Text = Field("", max_length=500)
    content: Rating
    content_comment: Text = Field("", max_length=500)
    chairing: Rating
    chairing_comment: Text = Field("", max_length=500)
    went_well: Text = ""
    to_fix: Text = ""
    recommendations: list[RecommendationIn] = Field([], max_length=20)


class AnswerIn(InputSchema):
    answer: Text = Field(min_length=1)


class RecommendationCloseIn(InputSchema):
    note: Text = Field("", max_length=500)


# ---------------------------------------------------------------- assignments


@router.get("/assignments", response={200: list[AssignmentOut], **READ_ERRORS})
@paginate(Pagination)
def assignment_list(
    request,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="Id đơn vị (cả các đơn vị trực thuộc)."),
    mine: bool = Query(False, description="Chỉ phân công của chính bạn."),
    active: bool = Query(False, description="Chỉ phân công còn hiệu lực hôm nay."),
):
    """Assignments on units the caller reads in full, and the caller's own."""
    qs = access.assignments_visible_to(request.user).select_related("user", "unit")
    if unit is not None:
        org = Organisation.objects.filter(pk=unit).first()
        qs = qs.filter(in_subtree_q(org, via="unit")) if org else qs.none()
    if mine:
        qs = qs.filter(user=request.user)
    if active:
        day = today()
        qs = qs.valid_on(day)
    return qs.order_by("unit__path", "valid_from", "pk")


@router.post("/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def assignment_create(request, payload: AssignmentIn):
    """Committee staff assign one of the committee's people to follow a unit below it for a term."""
    committee = access.get_committee_for_staff(request.user, payload.committee_id)
    unit = Organisation.objects.filter(pk=payload.unit_id).first()
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if unit is None:
        raise ValidationError({"unit_id": f"Không tìm thấy đơn vị id {payload.unit_id}."})
    if user is None:
        raise ValidationError({"user_id": f"Không tìm thấy người dùng id {payload.user_id}."})
    with renamed_fields(user="user_id", unit="unit_id", committee="committee_id"):
        assignment = services.assignment_create(
            committee=committee,
            user=user,
            unit=unit,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            note=payload.note,
            by=request.user,
        )
    return Status(201, Assignment.objects.select_related("user", "unit").get(pk=assignment.pk))


@router.post("/assignments/{assignment_id}/end", response={200: AssignmentOut, **WRITE_ERRORS})
def assignment_end(request, assignment_id: PathId, payload: AssignmentEndIn):
    """End a term: `valid_until` is the first day the user no longer follows the unit."""
    assignment = access.assignment.get_for_user(request.user, assignment_id, write=True)
    assignment = services.assignment_end(
        assignment=assignment, valid_until=payload.valid_until, by=request.user
    )
    return Assignment.objects.select_related("user", "unit").get(pk=assignment.pk)


# ---------------------------------------------------------------- visits


@router.get("/visits", response={200: list[VisitOut], **READ_ERRORS})
@paginate(Pagination)
def visit_list(
    request,
    cell: int | None = Query(None, ge=1, le=MAX_ID, description="Id chi bộ."),
    meeting: int | None = Query(None, ge=1, le=MAX_ID, description="Id buổi sinh hoạt."),
    mine: bool = Query(False, description="Chỉ lần dự của chính bạn."),
    date_from: Day | None = None,
    date_to: Day | None = None,
):
    """Visits the caller may read, newest first."""
    qs = access.visits_visible_to(request.user)
    if cell is not None:
        qs = qs.filter(cell_id=cell)
    if meeting is not None:
        qs = qs.filter(meeting_id=meeting)
    if mine:
        qs = qs.filter(supervisor=request.user)
    if date_from is not None:
        qs = qs.filter(visited_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(visited_on__lte=date_to)
    return qs.order_by("-visited_on", "-pk")


@router.post("/visits", response={201: VisitDetailOut, **WRITE_ERRORS})
def visit_create(request, payload: VisitIn):
    """Record a visit at an open or held meeting, with its recommendations. Only a supervisor whose
    assignment covers the meeting's cell on the meeting's day (403 otherwise; 404 if the meeting is not
    visible)."""
    meeting, assignment = access.get_meeting_for_visit(request.user, payload.meeting_id)
    data = payload.dict()
    data.pop("meeting_id")
    recs = data.pop("recommendations")
    visit = services.visit_create(
        meeting=meeting, assignment=assignment, by=request.user, observation=data, recommendations=recs
    )
    return Status(201, visit)


@router.get("/visits/{visit_id}", response={200: VisitDetailOut, **READ_ERRORS})
def visit_detail(request, visit_id: PathId):
    """One visit with its recommendations."""
    return access.visit.get_for_user(request.user, visit_id)


@router.delete("/visits/{visit_id}", response={204: None, **WRITE_ERRORS})
def visit_delete(request, visit_id: PathId):
    """Delete a visit recorded by mistake (its supervisor), while none of its recommendations is answered."""
    visit = access.visit.get_for_user(request.user, visit_id, write=True)
    services.visit_delete(visit=visit, by=request.user)
    return Status(204, None)


@router.post("/visits/{visit_id}/recommendations", response={201: RecommendationOut, **WRITE_ERRORS})
def recommendation_add(request, visit_id: PathId, payload: RecommendationIn):
    """Add a recommendation to a visit (its supervisor)."""
    visit = access.visit.get_for_user(request.user, visit_id, write=True)
    rec = services.recommendation_add(visit=visit, text=payload.text, due_on=payload.due_on, by=request.user)
    return Status(201, rec)


# ---------------------------------------------------------------- recommendations


@router.get("/recommendations", response={200: list[RecommendationOut], **READ_ERRORS})
@paginate(Pagination)
def recommendation_list(
    request,
    org: int | None = Query(None, ge=1, le=MAX_ID, description="Id tổ chức (cả các chi bộ trực thuộc)."),
    status: RecommendationStatus | None = None,
    pending: bool = Query(False, description="Chỉ kiến nghị chưa kết thúc."),
    overdue: bool = Query(False, description="Chỉ kiến nghị quá hạn mà chi bộ chưa trả lời."),
):
    """Recommendations the caller may read, by deadline."""
    qs = access.recommendations_visible_to(request.user)
    if org is not None:
        unit = Organisation.objects.filter(pk=org).first()
        qs = qs.filter(in_subtree_q(unit, via="cell")) if unit else qs.none()
    if status is not None:
        qs = qs.filter(status=status)
    if pending:
        qs = qs.filter(status__in=PENDING_STATUSES)
    if overdue:
        qs = qs.filter(status=RecommendationStatus.OPEN, due_on__lt=today())
    return qs.order_by("due_on", "pk")


@router.get("/recommendations/{recommendation_id}", response={200: RecommendationOut, **READ_ERRORS})
def recommendation_detail(request, recommendation_id: PathId):
    return access.recommendation.get_for_user(request.user, recommendation_id)


@router.post("/recommendations/{recommendation_id}/answer", response={200: RecommendationOut, **WRITE_ERRORS})
def recommendation_answer(request, recommendation_id: PathId, payload: AnswerIn):
    """The cell's leaders answer (again, until it is closed)."""
    rec = access.recommendation.get_for_user(request.user, recommendation_id)
    access.recommendation.check_answer(request.user, rec)
    return services.recommendation_answer(recommendation=rec, answer=payload.answer, by=request.user)


@router.post("/recommendations/{recommendation_id}/close", response={200: RecommendationOut, **WRITE_ERRORS})
def recommendation_close(request, recommendation_id: PathId, payload: RecommendationCloseIn = None):
    """The supervisor closes the recommendation (answered or not), with an optional note."""
    rec = access.recommendation.get_for_user(request.user, recommendation_id)
    access.recommendation.check_close(request.user, rec)
    return services.recommendation_close(
        recommendation=rec, note=payload.note if payload else "", by=request.user
    )


__all__ = ["router", "Visit", "Recommendation"]
