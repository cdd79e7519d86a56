import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from chibo.audit.services import audit_read
from chibo.common.collation import name_order
from chibo.common.dates import today
from chibo.common.forms import add_service_errors, submit_form
from chibo.common.paging import paginate
from chibo.common.pickers import PICK_LIMIT
from chibo.common.text import fold
from chibo.members.access import (
    can_write_member,
    get_exemption_for_user,
    get_member_for_user,
    get_position_for_user,
    members_visible_to,
)
from chibo.members.access import member as member_policy
from chibo.members.forms import (
    EndForm,
    ExemptionFilterForm,
    ExemptionForm,
    LeaveForm,
    MemberCreateForm,
    MemberForm,
    PositionForm,
    TemporaryForm,
    TrainingFilterForm,
    TrainingForm,
    TransferForm,
)
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    TrainingRecord,
)
from chibo.members.selectors import (
    current_membership,
    member_history,
    member_org_path,
    members_of,
    official_count_on,
    positions_on,
    search_members,
)
from chibo.members.services import (
    exemption_create,
    exemption_end,
    member_create,
    member_leave,
    member_transfer,
    member_update,
    membership_open,
    position_assign,
    position_end,
    training_record_create,
)
from chibo.orgs.access import (
    can_read_members_of,
    can_see_org,
    can_write_org,
    get_org_for_user,
    is_staff_of,
    visible_ancestors,
)

# --- lists ---------------------------------------------------------------------------------------


def member_search(request):
    """The picker's search: members whose records the user sees, by name (accents ignored) or card
    number; at most PICK_LIMIT, in Vietnamese name order."""
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        # The citizen id finds only members whose personal data the user sees, as on the list page.
        current = member_policy.current_qs(request.user)
        members = search_members(members_visible_to(request.user), q, identity_within=current)
        members = members.order_by(*name_order())[:PICK_LIMIT]
        found = [{"id": m.pk, "label": f"{m.full_name} ({m.card_number})"} for m in members]
    return JsonResponse({"results": found})


def member_list(request):
    q = request.GET.get("q", "").strip()
    current = member_policy.current_qs(request.user)
    members = (
        search_members(members_visible_to(request.user), q, identity_within=current)
        .annotate(is_current=Exists(current.filter(pk=OuterRef("pk"))))
        .order_by(*name_order())
    )
    return render(request, "members/list.html", {"page": paginate(request, members), "q": q})


def org_members(request, org_pk: int):
    org = get_org_for_user(request.user, org_pk, read_members=True)
    q = request.GET.get("q", "").strip()
    members = search_members(members_of(org, today()), q).order_by(*name_order())
    return render(
        request,
        "members/org_members.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "page": paginate(request, members),
            "q": q,
            "can_write": can_write_org(request.user, org),
        },
    )


def org_exemptions(request, org_pk: int):
    """Exemptions in force on a day (today by default) for the members of a subtree."""
    org = get_org_for_user(request.user, org_pk, read_members=True)
    form = ExemptionFilterForm(request.GET or None)
    day, q = today(), ""
    if form.is_valid():
        day = form.cleaned_data["on"] or day
        q = form.cleaned_data["q"].strip()
    exemptions = (
        Exemption.objects.valid_on(day).filter(member__in=members_of(org, day)).select_related("member")
    )
    if q:
        exemptions = exemptions.filter(member__search_name__contains=fold(q))
    exemptions = exemptions.order_by(*name_order("member__"))
    return render(
        request,
        "members/org_exemptions.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "day": day,
            "page": paginate(request, exemptions),
        },
    )


def org_trainings(request, org_pk: int):
    """Training records of the subtree's current members, filtered by kind, completion and year."""
    org = get_org_for_user(request.user, org_pk, read_members=True)
    form = TrainingFilterForm(request.GET or None)
    records = TrainingRecord.objects.filter(member__in=members_of(org, today())).select_related("member")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            records = records.filter(member__search_name__contains=fold(data["q"]))
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        if data["completed"]:
            records = records.filter(completed=data["completed"] == "1")
        if data["year"]:
            records = records.filter(started_on__year=data["year"])
    records = records.order_by("-started_on", *name_order("member__"))
    return render(
        request,
        "members/org_trainings.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "page": paginate(request, records),
        },
    )


# --- one member ----------------------------------------------------------------------------------


def _member_context(request, member: Member) -> dict:
    """Breadcrumb through the member's current cell, where the user may see it."""
    current = current_membership(member, today())
    cell = current.cell if current else None
    ancestors = visible_ancestors(request.user, cell) if cell and can_see_org(request.user, cell) else []
    return {"member": member, "cell": cell, "ancestors": ancestors}


def member_detail(request, pk: int):
    member = get_member_for_user(request.user, pk)
    if member_policy.shows_current(request.user, member):
        context = {**_member_context(request, member), **member_history(member), "full": True}
    else:
        # The member left the user's organisations: their history there, nothing of now (DOMAIN §3).
        orgs = member_policy.history_orgs(request.user)
        context = {"member": member, "cell": None, "ancestors": [], **member_history(member, orgs), "full": False}
    audit_read(
        user=request.user,
        model="members.member",
        object_id=str(member.pk),
        what=f"Xem hồ sơ đảng viên {member.full_name} ({member.card_number})",
        org_path=member_org_path(member),
    )
    return render(
        request, "members/detail.html", {**context, "can_write": can_write_member(request.user, member)}
    )


def _member_form_page(request, member: Member, form, title: str, submit: str = "Lưu"):
    return render(
        request,
        "members/form.html",
        {**_member_context(request, member), "form": form, "title": title, "submit": submit},
    )


def member_create_view(request):
    initial = {}
    if request.GET.get("chi_bo", "").isdigit():
        initial["cell"] = get_org_for_user(request.user, request.GET["chi_bo"], write=True)
    form = MemberCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        cell, joined_on = fields.pop("cell"), fields.pop("joined_on")
        try:
            member = member_create(cell=cell, joined_on=joined_on, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error, {"valid_from": "joined_on"})
        else:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect(member)
    cell = initial.get("cell")
    return render(
        request,
        "members/form.html",
        {
            "form": form,
            "title": "Thêm đảng viên",
            "submit": "Lưu",
            "cell": cell,
            "ancestors": visible_ancestors(request.user, cell) if cell else [],
        },
    )


def member_edit(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    # The form works on a copy: the service snapshots the stored values for the audit log.
    form = MemberForm(request.POST or None, instance=copy.copy(member))
    done = submit_form(
        request,
        form,
        lambda data: member_update(member=member, by=request.user, **data),
        success="Đã lưu thay đổi.",
        then=member,
    )
    if done:
        return done
    return _member_form_page(request, member, form, f"Sửa hồ sơ {member.full_name}")


def member_transfer_view(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = TransferForm(request.POST or None, user=request.user)
    done = submit_form(
        request,
        form,
        lambda data: member_transfer(
            member=member, to_cell=data["to_cell"], on=data["on"], note=data["note"], by=request.user
        ),
        success=lambda data: f"Đã chuyển sinh hoạt đảng của {member.full_name} đến {data['to_cell']}.",
        then=member,
        field_map={"cell": "to_cell", "valid_from": "on", "member": None},
    )
    if done:
        return done
    return _member_form_page(request, member, form, f"Chuyển sinh hoạt đảng: {member.full_name}", "Chuyển")


def member_leave_view(request, pk: int):
    """Leaving the party: a first post shows what will end that day; the second (confirmed) records it."""
    member = get_member_for_user(request.user, pk, write=True)
    if member.left_on is not None:
        messages.info(request, f"Đảng viên đã ra khỏi Đảng từ ngày {member.left_on:%d/%m/%Y}.")
        return redirect(member)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirmed") == "1":
            try:
                member_leave(member=member, by=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error, {"member": None})
            else:
                messages.success(
                    request, f"Đã ghi nhận {member.full_name} ra khỏi Đảng từ ngày {data['on']:%d/%m/%Y}."
                )
                return redirect(member)
        else:
            day = data["on"]
            return render(
                request,
                "members/leave_confirm.html",
                {
                    **_member_context(request, member),
                    "form": form,
                    "data": data,
                    "reason_label": dict(form.fields["reason"].choices)[data["reason"]],
                    "memberships": Membership.objects.filter(member=member)
                    .overlapping(day, None)
                    .select_related("cell"),
                    "positions": Position.objects.filter(member=member)
                    .overlapping(day, None)
                    .select_related("cell"),
                },
            )
    return _member_form_page(request, member, form, f"Ra khỏi Đảng: {member.full_name}", "Tiếp tục")


def member_temporary_view(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = TemporaryForm(request.POST or None, user=request.user)
    done = submit_form(
        request,
        form,
        lambda data: membership_open(member=member, kind=MembershipKind.TEMPORARY, by=request.user, **data),
        success=lambda data: f"Đã ghi nhận sinh hoạt tạm thời tại {data['cell']}.",
        then=member,
    )
    if done:
        return done
    return _member_form_page(request, member, form, f"Sinh hoạt đảng tạm thời: {member.full_name}")


def exemption_create_view(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = ExemptionForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda data: exemption_create(member=member, by=request.user, **data),
        success="Đã ghi nhận miễn công tác và sinh hoạt đảng.",
        then=member,
    )
    if done:
        return done
    return _member_form_page(request, member, form, f"Miễn công tác và sinh hoạt đảng: {member.full_name}")


def exemption_end_view(request, pk: int):
    exemption = get_exemption_for_user(request.user, pk, write=True)
    member = exemption.member
    form = EndForm(request.POST or None)
    if exemption.valid_until is not None and exemption.valid_until <= today():
        # Already over (or the form was posted twice): nothing to end.
        messages.info(request, "Đợt miễn sinh hoạt này đã kết thúc.")
        return redirect(member)
    if request.method == "POST" and form.is_valid():
        try:
            exemption_end(exemption=exemption, on=form.cleaned_data["on"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error, {"valid_until": "on", "valid_from": "on"})
        else:
            messages.success(request, "Đã ghi nhận đảng viên trở lại sinh hoạt.")
            return redirect(member)
    return _member_form_page(
        request,
        member,
        form,
        f"Kết thúc miễn sinh hoạt (từ {exemption.valid_from:%d/%m/%Y}): {member.full_name}",
    )


def training_create_view(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = TrainingForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            training_record_create(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã thêm quá trình bồi dưỡng, tập huấn.")
            return redirect(member)
    return _member_form_page(request, member, form, f"Thêm bồi dưỡng, tập huấn: {member.full_name}")


# --- the cell's leadership -----------------------------------------------------------------------


def _get_cell(request, org_pk: int, *, write: bool = False):
    cell = get_org_for_user(request.user, org_pk, write=write)
    if not cell.is_cell:
        raise Http404("Tổ chức này không phải là chi bộ.")
    return cell


# Secretary first, then the deputy, then committee members: the order a cell lists its leaders.
RANK = Case(
    When(kind=PositionKind.SECRETARY, then=Value(0)),
    When(kind=PositionKind.DEPUTY, then=Value(1)),
    default=Value(2),
)


def cell_committee(request, org_pk: int):
    """The cell's secretary, deputy and committee today, and past terms. A member of the cell may see
    who leads it; links to records appear only for those who may read them."""
    cell = _get_cell(request, org_pk)
    day = today()
    history = Position.objects.filter(cell=cell).select_related("member").order_by("-valid_from", RANK, "pk")
    return render(
        request,
        "members/cell_committee.html",
        {
            "org": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "current": positions_on(cell, day).order_by(RANK, *name_order("member__")),
            "officials": official_count_on(cell, day),
            "page": paginate(request, history),
            "can_read_members": can_read_members_of(request.user, cell),
            "can_write": can_write_org(request.user, cell),
            "is_staff": is_staff_of(request.user, cell),
            "day": day,
        },
    )


def position_assign_view(request, org_pk: int):
    cell = _get_cell(request, org_pk, write=True)
    # Anyone who has been an official member here: the service checks the dates precisely.
    # Exists, not a join + DISTINCT: PostgreSQL refuses DISTINCT with collated ORDER BY expressions.
    official_here = Membership.objects.filter(member=OuterRef("pk"), cell=cell, kind=MembershipKind.OFFICIAL)
    candidates = Member.objects.filter(Exists(official_here)).order_by(*name_order())
    form = PositionForm(request.POST or None, members=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            position = position_assign(cell=cell, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã giao chức vụ {position.get_kind_display()} cho {position.member}.")
            return redirect("members:cell_committee", org_pk=cell.pk)
    return render(
        request,
        "members/position_form.html",
        {
            "org": cell,
            "ancestors": visible_ancestors(request.user, cell),
            "form": form,
            "title": f"Giao chức vụ tại {cell.name}",
        },
    )


def position_end_view(request, pk: int):
    position = get_position_for_user(request.user, pk, write=True)
    form = EndForm(request.POST or None)
    if position.valid_until is not None and position.valid_until <= today():
        # Already over (or the form was posted twice): nothing to end.
        messages.info(request, "Nhiệm kỳ này đã kết thúc.")
        return redirect("members:cell_committee", org_pk=position.cell_id)
    if request.method == "POST" and form.is_valid():
        try:
            position_end(position=position, on=form.cleaned_data["on"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error, {"valid_until": "on"})
        else:
            messages.success(request, "Đã kết thúc nhiệm kỳ.")
            return redirect("members:cell_committee", org_pk=position.cell_id)
    return render(
        request,
        "members/position_form.html",
        {
            "org": position.cell,
            "ancestors": visible_ancestors(request.user, position.cell),
            "form": form,
            "title": f"Kết thúc nhiệm kỳ {position.get_kind_display()} của {position.member}",
        },
    )
