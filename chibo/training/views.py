"""Pages of training: courses (list, page, create, edit, enrol, status), the XLSX import and the leaders'
gap list. Thin: access helper → form → service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chibo.common.dates import today
from chibo.common.forms import add_service_errors
from chibo.common.paging import paginate
from chibo.common.text import fold
from chibo.members.models import Member
from chibo.members.selectors import current_membership
from chibo.orgs.access import get_org_for_user, visible_ancestors
from chibo.training import access, selectors, services
from chibo.training.forms import (
    CourseFilterForm,
    CourseForm,
    EnrolForm,
    EnrolMissingForm,
    GapDayForm,
    StatusForm,
)
from chibo.training.models import ParticipationStatus


def course_list(request):
    form = CourseFilterForm(request.GET or None)
    courses = access.course.visible_qs(request.user).select_related("organiser")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            wanted = fold(data["q"])
            ids = [pk for pk, title in courses.values_list("pk", "title") if wanted in fold(title)]
            courses = courses.filter(pk__in=ids)
        if data["kind"]:
            courses = courses.filter(kind=data["kind"])
        if data["sap_toi"]:
            courses = courses.filter(ends_on__gte=today())
    return render(
        request,
        "training/course_list.html",
        {
            "form": form,
            "page": paginate(request, courses.order_by("-starts_on", "title")),
            "can_create": access.can_organise(request.user),
        },
    )


def _course_form_page(request, form, course=None):
    return render(request, "training/course_form.html", {"form": form, "course": course})


def course_create(request):
    access.require_organise(request.user)
    form = CourseForm(request.POST or None, organisers=access.organiser_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã tạo lớp bồi dưỡng.")
            return redirect(course)
    return _course_form_page(request, form)


def course_edit(request, pk: int):
    course = access.course.get_for_user(request.user, pk, write=True)
    form = CourseForm(
        request.POST or None, instance=course, organisers=access.organiser_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        course.refresh_from_db()  # the ModelForm already assigned the values; the service compares them
        try:
            services.course_update(course=course, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu lớp bồi dưỡng.")
            return redirect(course)
    return _course_form_page(request, form, course)


def course_detail(request, pk: int):
    return _course_page(request, access.course.get_for_user(request.user, pk))


def _course_page(request, course, *, enrol_form=None, bound=None):
    """The course's page. A form just posted and refused is shown as it was filled in, with its errors:
    `enrol_form`, or `bound`, the (participation, status form) of one row."""
    rows = access.participation.in_course(request.user, course).select_related("member", "cell")
    page = paginate(request, rows.order_by("member__sort_name", "pk"))
    shown = list(page)
    if bound and all(p.pk != bound[0].pk for p in shown):
        shown.insert(0, bound[0])  # posted from another page of the list
    for p in shown:
        p.can_write = access.participation.can_edit(request.user, p)
        if bound and bound[0].pk == p.pk:
            p.form = bound[1]
            continue
        p.form = StatusForm(
            initial={
                "status": p.status,
                "certificate_number": p.certificate_number,
                "completed_on": p.completed_on,
            },
            prefix=f"p{p.pk}",
        )
    counts = {s: 0 for s in ParticipationStatus.values}
    for status in rows.values_list("status", flat=True):
        counts[status] += 1
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "page": page,
            "participations": shown,
            "counts": [(label, counts[value]) for value, label in ParticipationStatus.choices],
            "can_edit": access.course.can_edit(request.user, course),
            "can_enrol": course.ends_on >= today() and access.course.can_enrol(request.user, course),
            "enrol_form": enrol_form or EnrolForm(),
        },
    )


@require_POST
def course_enrol(request, pk: int):
    course = access.course.get_for_user(request.user, pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        return _course_page(request, course, enrol_form=form)
    members = {m.card_number: m for m in Member.objects.filter(card_number__in=form.numbers())}
    people = []
    for number in form.numbers():
        member = members.get(number)
        membership = current_membership(member, today()) if member else None
        if membership is None or not access.can_enrol_from(request.user, membership.cell):
            form.add_error(
                "card_numbers", f"Số thẻ {number}: không có đảng viên này trong chi bộ bạn quản lý."
            )
        else:
            people.append((member, membership.cell))
    if form.errors:  # nobody is enrolled until every number is right: the list is shown again to fix
        return _course_page(request, course, enrol_form=form)
    try:
        created, skipped = services.participations_enrol(course=course, people=people, by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return _course_page(request, course, enrol_form=form)
    messages.success(request, f"Đã ghi danh {len(created)} người; {skipped} người đã có trong lớp.")
    return redirect(course)


@require_POST
def participation_status(request, pk: int):
    participation = access.participation.get_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST, prefix=f"p{pk}")
    if form.is_valid():
        try:
            services.participation_set_status(
                participation=participation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã cập nhật {participation.member.full_name}.")
            return redirect(participation.course)
    # Refused: the page again with this row's form as it was filled in, and its errors.
    return _course_page(request, participation.course, bound=(participation, form))


def _gap_day(request):
    form = GapDayForm(request.GET or None)
    day = form.cleaned_data["ngay"] if form.is_valid() and form.cleaned_data["ngay"] else today()
    return form, day


def gap_list(request, org_pk: int):
    return _gap_page(request, get_org_for_user(request.user, org_pk, read_members=True))


def _gap_page(request, org, *, enrol_form=None, scope="all", chosen=()):
    """The gap list; a refused enrolment is shown as it was asked: its course, scope and ticked names."""
    form, day = _gap_day(request)
    summary = selectors.gap_summary(org, day)
    page = Paginator(summary.cell_ids, 20).get_page(request.GET.get("trang"))
    courses = selectors.courses_for_cell_of(
        selectors.upcoming_courses(access.course.visible_qs(request.user), today()), org
    )
    return render(
        request,
        "training/gaps.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "day": day,
            "summary": summary,
            "page": page,
            "cells": selectors.cell_gaps(list(page), day),
            "can_enrol": access.can_enrol_from(request.user, org),
            "enrol_form": enrol_form or EnrolMissingForm(courses=courses),
            "scope": scope,
            "chosen": set(chosen),
        },
    )


@require_POST
def gap_enrol(request, org_pk: int):
    org = get_org_for_user(request.user, org_pk, write=True)
    _, day = _gap_day(request)
    courses = selectors.courses_for_cell_of(
        selectors.upcoming_courses(access.course.visible_qs(request.user), today()), org
    )
    form = EnrolMissingForm(request.POST, courses=courses)
    back = reverse("training:gaps", args=[org.pk]) + (
        f"?ngay={day:%d/%m/%Y}" if "ngay" in request.GET else ""
    )
    scope = "selected" if request.POST.get("scope") == "selected" else "all"
    ticked = [int(x) for x in request.POST.getlist("member") if x.isdigit()]
    if scope == "selected" and not ticked:
        form.add_error(None, "Hãy đánh dấu ít nhất một người, hoặc chọn «tất cả người chưa bồi dưỡng».")
    if form.is_valid():
        try:
            created, skipped, outside = services.enrol_missing(
                course=form.cleaned_data["course"],
                org=org,
                day=day,
                member_ids=ticked if scope == "selected" else None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = f"Đã ghi danh {len(created)} người vào khóa; {skipped} người đã có trong khóa."
            if outside:
                text += f" {outside} người thuộc chi bộ ngoài phạm vi của cấp ủy tổ chức khóa, không ghi danh."
            messages.success(request, text)
            return redirect(back)
    return _gap_page(request, org, enrol_form=form, scope=scope, chosen=ticked)
