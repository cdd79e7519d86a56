"""Rule sets: the list, one rule set with its steps and scoring sheets, a committee's copy, edits
(issue 3 §1). Who may see and change them is meetings.access.rule_set."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chibo.common.forms import add_service_errors
from chibo.common.paging import paginate
from chibo.meetings import access
from chibo.meetings.forms import CriterionForm, RuleSetCopyForm, RuleSetForm, RuleStepAddForm, RuleStepForm
from chibo.meetings.models import MeetingKind, RuleStep, ScoringCriterion
from chibo.meetings.services import rulesets as rs_services
from chibo.orgs.access import writable_parents


def ruleset_list(request):
    """Every rule set the user may see, in pages (the count is shown; nothing is left out)."""
    rule_sets = (
        access.rule_set.visible_qs(request.user)
        .select_related("owner")
        .order_by("owner__path", "valid_from", "code")
    )
    return render(
        request,
        "meetings/planning/rulesets.html",
        {"page": paginate(request, rule_sets), "can_copy": access.can_copy_rule_set(request.user)},
    )


def ruleset_detail(request, pk: int):
    return _detail_page(request, access.rule_set.get_for_user(request.user, pk))


def _detail_page(request, rule_set, *, add_form=None):
    """The rule set's page; `add_form` is a new step just posted and refused, shown as it was filled in."""
    can_edit = access.rule_set.can_edit(request.user, rule_set)
    steps = list(rule_set.steps.all())
    sheets = list(rule_set.sheets.prefetch_related("criteria"))
    for sheet in sheets:
        sheet.total = sum(c.max_points for c in sheet.criteria.all())
    return render(
        request,
        "meetings/planning/ruleset_detail.html",
        {
            "rule_set": rule_set,
            "regular_steps": [s for s in steps if s.meeting_kind == MeetingKind.REGULAR],
            "thematic_steps": [s for s in steps if s.meeting_kind == MeetingKind.THEMATIC],
            "sheets": sheets,
            "can_edit": can_edit,
            "can_copy": access.can_copy_rule_set(request.user),
            "add_form": add_form or RuleStepAddForm(),
        },
    )


def ruleset_copy_view(request, pk: int):
    source = access.rule_set.get_for_user(request.user, pk)
    access.require_copy_rule_set(request.user)
    owners = writable_parents(request.user)
    form = RuleSetCopyForm(
        request.POST or None, owners=owners, initial={"name": source.name, "valid_from": source.valid_from}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = rs_services.ruleset_copy(
                source=source,
                owner=data["owner"],
                code=data["code"],
                name=data["name"],
                valid_from=data["valid_from"],
                valid_until=source.valid_until,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, {"source": "owner"})
        else:
            messages.success(request, "Đã sao chép bộ quy định; hãy điều chỉnh cho cấp ủy của mình.")
            return redirect("meetings:ruleset", copy.pk)
    return render(
        request,
        "meetings/planning/ruleset_form.html",
        {"rule_set": source, "form": form, "title": f"Sao chép: {source.name}", "submit": "Sao chép"},
    )


def ruleset_edit(request, pk: int):
    rule_set = access.rule_set.get_for_user(request.user, pk, write=True)
    fields = rs_services.RULESET_FIELDS
    form = RuleSetForm(request.POST or None, initial={f: getattr(rule_set, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            rs_services.ruleset_update(rule_set=rule_set, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu bộ quy định.")
            return redirect("meetings:ruleset", rule_set.pk)
    return render(
        request,
        "meetings/planning/ruleset_form.html",
        {"rule_set": rule_set, "form": form, "title": f"Sửa: {rule_set.name}", "submit": "Lưu"},
    )


def rulestep_edit(request, pk: int):
    step = get_object_or_404(RuleStep.objects.select_related("rule_set"), pk=pk)
    rule_set = access.rule_set.get_for_user(request.user, step.rule_set_id, write=True)
    form = RuleStepForm(
        request.POST or None, initial={"order": step.order, "title": step.title, "mandatory": step.mandatory}
    )
    if request.method == "POST" and form.is_valid():
        try:
            rs_services.rulestep_update(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu bước sinh hoạt.")
            return redirect("meetings:ruleset", rule_set.pk)
    return render(
        request,
        "meetings/planning/ruleset_form.html",
        {"rule_set": rule_set, "form": form, "title": "Sửa bước sinh hoạt", "submit": "Lưu"},
    )


@require_POST
def rulestep_add_view(request, pk: int):
    rule_set = access.rule_set.get_for_user(request.user, pk, write=True)
    form = RuleStepAddForm(request.POST)
    if form.is_valid():
        try:
            rs_services.rulestep_add(rule_set=rule_set, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã thêm bước sinh hoạt.")
            return redirect("meetings:ruleset", rule_set.pk)
    return _detail_page(request, rule_set, add_form=form)


def criterion_edit(request, pk: int):
    criterion = get_object_or_404(ScoringCriterion.objects.select_related("sheet__rule_set"), pk=pk)
    rule_set = access.rule_set.get_for_user(request.user, criterion.sheet.rule_set_id, write=True)
    form = CriterionForm(
        request.POST or None,
        initial={
            "title": criterion.title,
            "max_points": criterion.max_points,
            "full_marks_for_good": criterion.full_marks_for_good,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rs_services.criterion_update(criterion=criterion, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã lưu tiêu chí chấm điểm.")
            return redirect("meetings:ruleset", rule_set.pk)
    return render(
        request,
        "meetings/planning/ruleset_form.html",
        {"rule_set": rule_set, "form": form, "title": "Sửa tiêu chí chấm điểm", "submit": "Lưu"},
    )
