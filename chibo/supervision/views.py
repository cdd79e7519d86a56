"""Supervision pages: assignments, my units, the visit form and page, answering and closing
recommendations, the quarterly view. Thin: access helper → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.forms import add_service_errors, submit_form
from chibo.common.paging import paginate
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Membership
from chibo.orgs.access import users_holding, visible_ancestors
from chibo.orgs.models import Organisation, in_subtree_q
from chibo.supervision import access, rules, selectors, services
from chibo.supervision.forms import (
    AnswerForm,
    AssignmentForm,
    CloseForm,
    EndAssignmentForm,
    ObservationForm,
    RecommendationForm,
    VisitForm,
)
from chibo.supervision.models import ASPECTS, PENDING_STATUSES, Assignment, RecommendationStatus

EXTRA_HEAD = "supervision/_head.html"


def _flag_overdue(recs, day):
    for rec in recs:
        rec.overdue = rules.is_overdue(status=rec.status, due_on=rec.due_on, today=day)
    return recs


def _crumbs(request, org):
    return list(visible_ancestors(request.user, org))


# --- home and my units --------------------------------------------------------------------------------


def index(request):
    user = request.user
    return render(
        request,
        "supervision/index.html",
        {
            "committees": list(access.committees_managed_by(user).order_by("path")[:50]),
            "readable": list(access.role_orgs(user)[:50]),
            "has_assignments": access.active_assignments(user).exists(),
        },
    )


def my_units(request):
    user, day = request.user, today()
    quarter = rules.parse_quarter(request.GET.get("quy"), day)
    rows = selectors.quarter_rows(quarter, selectors.quarter_assignments(quarter, user=user))
    active = list(access.active_assignments(user).select_related("unit").order_by("unit__path"))
    units = [a.unit for a in active]
    meetings = selectors.meetings_for_units(units, around=day)
    for a in active:
        a.meetings = meetings.get(a.unit.pk, [])
        for m in a.meetings:
            m.can_visit = m.status in rules.VISITABLE_STATUSES
    recs = _flag_overdue(
        list(
            access.recommendations_visible_to(user)
            .filter(visit__supervisor=user, status__in=PENDING_STATUSES)
            .select_related("cell")
            .order_by("due_on", "pk")[:50]
        ),
        day,
    )
    return render(
        request,
        "supervision/my_units.html",
        {"quarter": quarter, "row": rows[0] if rows else None, "active": active, "recs": recs},
    )


# --- assignments --------------------------------------------------------------------------------------


def _committee_users(committee: Organisation):
    """People who may be assigned: roles on the committee or above, or members of its subtree today."""
    day = today()
    by_role = users_holding(committee, services.COMMITTEE_ROLES, day=day).values("pk")
    by_membership = (
        Membership.objects.valid_on(day)
        .filter(in_subtree_q(committee, via="cell"), member__user__isnull=False)
        .values("member__user_id")
    )
    return (
        get_user_model()
        .objects.filter(Q(pk__in=by_role) | Q(pk__in=by_membership))
        .select_related("member")
        .order_by("username")
    )


def assignments(request, pk: int):
    org = access.unit.get_for_user(request.user, pk)
    can_manage = access.can_assign_at(request.user, org)
    qs = (
        Assignment.objects.filter(in_subtree_q(org, via="unit"))
        .select_related("user", "user__member", "unit", "committee")
        .order_by("unit__path", "user__username", "-valid_from", "pk")
    )
    if request.GET.get("tat_ca") != "1":
        day = today()
        qs = qs.current_or_future(day)
    form = None
    if can_manage:
        units = Organisation.objects.subtree_of(org, include_self=False).order_by("path")
        form = AssignmentForm(
            request.POST or None, users=_committee_users(org), units=units, initial={"valid_from": today()}
        )

        def create(data):
            services.assignment_create(committee=org, by=request.user, **data)

        done = submit_form(request, form, create, success="Đã phân công theo dõi.", then=request.path)
        if done:
            return done
    elif request.method == "POST":
        access.require_assign_at(request.user, org)
    day = today()
    page = paginate(request, qs)
    for a in page:
        a.active = a.is_active_on(day)
    return render(
        request,
        "supervision/assignments.html",
        {
            "org": org,
            "ancestors": _crumbs(request, org),
            "page": page,
            "form": form,
            "can_manage": can_manage,
        },
    )


def assignment_end(request, pk: int):
    assignment = access.assignment.get_for_user(request.user, pk, write=True)
    form = EndAssignmentForm(request.POST or None, initial={"valid_until": today()})
    done = submit_form(
        request,
        form,
        lambda data: services.assignment_end(assignment=assignment, by=request.user, **data),
        success="Đã kết thúc phân công theo dõi.",
        then=f"{_url('assignments', assignment.committee_id)}",
    )
    return done or render(
        request, "supervision/assignment_end.html", {"assignment": assignment, "form": form}
    )


def _url(name, *args):
    from django.urls import reverse

    return reverse(f"supervision:{name}", args=args)


# --- the quarterly view -------------------------------------------------------------------------------


def quarter(request, pk: int):
    org = access.unit.get_for_user(request.user, pk)
    q = rules.parse_quarter(request.GET.get("quy"), today())
    supervisors = list(
        dict.fromkeys(selectors.quarter_assignments(q, org=org).values_list("user_id", flat=True))
    )
    page = Paginator(supervisors, 20).get_page(request.GET.get("trang"))
    rows = selectors.quarter_rows(
        q, selectors.quarter_assignments(q, org=org).filter(user_id__in=list(page.object_list))
    )
    totals = {
        "assigned": sum(r.assigned for r in rows),
        "visited": sum(r.visited for r in rows),
        "not_visited": sum(r.not_visited for r in rows),
        "visits": sum(r.visits for r in rows),
    }
    return render(
        request,
        "supervision/quarter.html",
        {
            "org": org,
            "ancestors": _crumbs(request, org),
            "quarter": q,
            "rows": rows,
            "page": page,
            "totals": totals,
        },
    )


# --- recording a visit --------------------------------------------------------------------------------


def visit_create(request, meeting_pk: int):
    meeting, assignment = access.get_meeting_for_visit(request.user, meeting_pk)
    day = meeting_date(meeting)
    existing = meeting.supervision_visits.filter(supervisor=request.user).first()
    if existing is not None:
        messages.info(request, "Đồng chí đã ghi nhận dự buổi sinh hoạt này.")
        return redirect(existing)
    form = VisitForm(request.POST or None, initial={"rec_due_on": services.default_due_on(day)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recs = [{"text": data.pop("rec_text"), "due_on": data.pop("rec_due_on")}]
        try:
            visit = services.visit_create(
                meeting=meeting,
                assignment=assignment,
                by=request.user,
                observation=data,
                recommendations=recs,
            )
        except ValidationError as error:
            add_service_errors(form, error, {"text": "rec_text", "due_on": "rec_due_on"})
        else:
            messages.success(request, "Đã ghi nhận dự sinh hoạt.")
            return redirect(visit)
    return render(
        request,
        "supervision/visit_form.html",
        {"meeting": meeting, "day": day, "assignment": assignment, "form": form, "extra_head": EXTRA_HEAD},
    )


def visit_edit(request, pk: int):
    visit = access.visit.get_for_user(request.user, pk, write=True)
    initial = {name: getattr(visit, name) for name in services.OBSERVATION_FIELDS}
    form = ObservationForm(request.POST or None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda data: services.visit_update(visit=visit, by=request.user, observation=data),
        success="Đã sửa nội dung ghi nhận.",
        then=visit.get_absolute_url(),
    )
    return done or render(
        request,
        "supervision/visit_form.html",
        {"visit": visit, "meeting": visit.meeting, "day": visit.visited_on, "form": form, "edit": True},
    )


@require_POST
def visit_delete(request, pk: int):
    visit = access.visit.get_for_user(request.user, pk, write=True)
    meeting = visit.meeting
    try:
        services.visit_delete(visit=visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(visit)
    messages.success(request, "Đã xóa lần dự sinh hoạt.")
    return redirect(meeting)


def _visit_page(request, visit, rec_form=None, status=200):
    user, day = request.user, today()
    recs = _flag_overdue(list(visit.recommendations.select_related("answered_by", "closed_by")), day)
    is_supervisor = visit.supervisor_id == user.pk
    return render(
        request,
        "supervision/visit_detail.html",
        {
            "visit": visit,
            "cell": visit.cell,
            "ancestors": _crumbs(request, visit.cell),
            "recs": recs,
            "is_supervisor": is_supervisor,
            "is_leader": access.is_cell_leader(user, visit.cell),
            "can_close": is_supervisor or access.covering_assignment(user, visit.cell, day) is not None,
            "rec_form": rec_form
            or RecommendationForm(initial={"due_on": services.default_due_on(visit.visited_on)}),
            "answer_form": AnswerForm(),
            "close_form": CloseForm(),
        },
        status=status,
    )


def visit_detail(request, pk: int):
    return _visit_page(request, access.visit.get_for_user(request.user, pk))


@require_POST
def recommendation_add(request, pk: int):
    visit = access.visit.get_for_user(request.user, pk, write=True)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_add(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã thêm kiến nghị.")
            return redirect(visit)
    return _visit_page(request, visit, rec_form=form, status=422)


# --- recommendations ----------------------------------------------------------------------------------


def _rec_page(request, rec, answer_form=None, close_form=None, status=200):
    user, day = request.user, today()
    _flag_overdue([rec], day)
    return render(
        request,
        "supervision/recommendation.html",
        {
            "rec": rec,
            "visit": rec.visit,
            "cell": rec.cell,
            "ancestors": _crumbs(request, rec.cell),
            "can_answer": rules.may_answer(rec.status) and access.is_cell_leader(user, rec.cell),
            "can_close": rules.may_close(rec.status) and access.recommendation.can_close(user, rec),
            "answer_form": answer_form or AnswerForm(initial={"answer": rec.answer}),
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


def recommendation_detail(request, pk: int):
    return _rec_page(request, access.recommendation.get_for_user(request.user, pk))


def _rec_write(request, rec, form, action, *, success: str, form_name: str):
    """Answer or close: a state problem (already closed) is said above the page, field problems on the form."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(rec)
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(rec)
    return _rec_page(request, rec, status=422, **{form_name: form})


@require_POST
def recommendation_answer(request, pk: int):
    rec = access.recommendation.get_for_user(request.user, pk)
    access.recommendation.check_answer(request.user, rec)
    return _rec_write(
        request,
        rec,
        AnswerForm(request.POST),
        lambda data: services.recommendation_answer(recommendation=rec, by=request.user, **data),
        success="Đã gửi trả lời kiến nghị.",
        form_name="answer_form",
    )


@require_POST
def recommendation_close(request, pk: int):
    rec = access.recommendation.get_for_user(request.user, pk)
    access.recommendation.check_close(request.user, rec)
    return _rec_write(
        request,
        rec,
        CloseForm(request.POST),
        lambda data: services.recommendation_close(recommendation=rec, by=request.user, **data),
        success="Đã kết thúc kiến nghị.",
        form_name="close_form",
    )


def org_recommendations(request, pk: int):
    org = access.unit.get_for_user(request.user, pk)
    status = request.GET.get("trang_thai", "cho")
    qs = (
        selectors.pending_recommendations(org)
        if status == "cho"
        else (
            access.recommendations_visible_to(request.user)
            .filter(in_subtree_q(org, via="cell"))
            .select_related("cell", "visit")
            .order_by("-due_on", "-pk")
        )
    )
    if status in RecommendationStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs)
    _flag_overdue(page, today())
    return render(
        request,
        "supervision/org_recommendations.html",
        {
            "org": org,
            "ancestors": _crumbs(request, org),
            "page": page,
            "status": status,
            "statuses": RecommendationStatus.choices,
            "aspects": ASPECTS,
        },
    )
