"""Rule sets (DOMAIN §4, §7): which one is in force for a cell on a day, copies for a subtree, edits.

A rule set owned by an organisation applies to its subtree; the nearest owner above a cell (or the
cell itself) that has a rule set valid on the day decides. Rule sets without an owner are the shipped
defaults (HD 12, HD 42) and apply where no committee has its own.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_log, snapshot
from chibo.common.dates import fmt
from chibo.meetings import access
from chibo.meetings.models import Meeting, MeetingStatus, RuleSet, RuleStep, ScoringCriterion, ScoringSheet
from chibo.orgs.models import Organisation, in_ancestors_q, top_path

# The shipped defaults (data migration 0002): HD 12 until the switch date, HD 42 from it.
DEFAULT_OLD_CODE = "HD12"
DEFAULT_NEW_CODE = "HD42"


def pick_rule_set(candidates, *, paths: list[str], day: dt.date) -> RuleSet | None:
    """Pure choice among loaded rule sets (each with `owner` selected): valid on `day`, owned by one of
    `paths` (the cell and its ancestors) or by nobody; the deepest owner wins, then the latest start."""
    best, best_key = None, None
    for rs in candidates:
        if not rs.is_valid_on(day):
            continue
        if rs.owner_id is not None and rs.owner.path not in paths:
            continue
        key = (rs.owner.depth if rs.owner_id else 0, rs.valid_from, rs.pk)
        if best_key is None or key > best_key:
            best, best_key = rs, key
    return best


def rule_set_for(*, cell: Organisation, day: dt.date) -> RuleSet:
    """The rule set in force for `cell` on `day`: the nearest owner (the cell or an ancestor) with a
    rule set valid that day wins; without one, the defaults. Among rule sets of the same owner the
    one that started last wins. Raises ValidationError when nothing applies (no defaults installed)."""
    candidates = (
        RuleSet.objects.valid_on(day)
        .filter(Q(owner__isnull=True) | in_ancestors_q(cell, via="owner"))
        .select_related("owner")
    )
    chosen = pick_rule_set(candidates, paths=cell.ancestor_paths(), day=day)
    if chosen is None:
        raise ValidationError(
            {"scheduled_at": f"Chưa có bộ quy định sinh hoạt nào áp dụng cho ngày {fmt(day)}."}
        )
    return chosen


def rule_sets_between(start: dt.date, end: dt.date) -> list[RuleSet]:
    """Every rule set valid at some point of [start, end] (one query; the table is small: a few per
    committee), for pick_rule_set in bulk work such as a year's plan."""
    return list(RuleSet.objects.overlapping(start, end + dt.timedelta(days=1)).select_related("owner"))


@transaction.atomic
def ruleset_copy(
    *,
    source: RuleSet,
    owner: Organisation,
    code: str,
    name: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    by,
) -> RuleSet:
    """A committee's own copy of `source` (steps, durations, deadlines, sheets) for its subtree."""
    access.require_copy_rule_set_to(by, source, owner)
    code = (code or "").strip()
    if RuleSet.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã bộ quy định “{code}” đã được dùng."})
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc phải sau ngày bắt đầu áp dụng."})
    if RuleSet.objects.filter(
        owner=owner, document_number=source.document_number, document_date=source.document_date
    ).exists():
        raise ValidationError(
            {"source": f"{owner.name} đã có một bản sao của {source.document_number}; hãy sửa bản đó."}
        )
    copy = RuleSet(
        code=code,
        name=(name or "").strip() or source.name,
        document_number=source.document_number,
        document_date=source.document_date,
        owner=owner,
        copied_from=source,
        valid_from=valid_from,
        valid_until=valid_until,
        min_minutes_regular=source.min_minutes_regular,
        min_minutes_thematic=source.min_minutes_thematic,
        min_minutes_combined=source.min_minutes_combined,
        materials_days_before=source.materials_days_before,
        minutes_days_after=source.minutes_days_after,
    )
    copy.full_clean()
    copy.save()
    RuleStep.objects.bulk_create(
        [
            RuleStep(
                rule_set=copy,
                meeting_kind=s.meeting_kind,
                order=s.order,
                code=s.code,
                phase=s.phase,
                title=s.title,
                mandatory=s.mandatory,
            )
            for s in source.steps.all()
        ]
    )
    for sheet in source.sheets.prefetch_related("criteria"):
        new_sheet = ScoringSheet.objects.create(
            rule_set=copy,
            meeting_kind=sheet.meeting_kind,
            title=sheet.title,
            good_from=sheet.good_from,
            fair_from=sheet.fair_from,
            average_from=sheet.average_from,
        )
        ScoringCriterion.objects.bulk_create(
            [
                ScoringCriterion(
                    sheet=new_sheet,
                    order=c.order,
                    code=c.code,
                    title=c.title,
                    max_points=c.max_points,
                    full_marks_for_good=c.full_marks_for_good,
                )
                for c in sheet.criteria.all()
            ]
        )
    audit_log(user=by, action=Action.CREATE, obj=copy, org_path=owner.path)
    return copy


def _org_path(rule_set: RuleSet) -> str:
    return rule_set.owner.path if rule_set.owner is not None else top_path()


def _check_editable(rule_set: RuleSet) -> None:
    if rule_set.owner_id is None:
        raise ValidationError(
            "Bộ quy định mặc định không sửa trực tiếp được; hãy sao chép cho cấp ủy của mình rồi sửa bản sao."
        )


RULESET_FIELDS = (
    "name",
    "valid_from",
    "valid_until",
    "min_minutes_regular",
    "min_minutes_thematic",
    "min_minutes_combined",
    "materials_days_before",
    "minutes_days_after",
)


@transaction.atomic
def ruleset_update(*, rule_set: RuleSet, by, **fields) -> RuleSet:
    """Name, validity, durations and deadlines of a committee's own rule set."""
    _check_editable(rule_set)
    access.rule_set.check_edit(by, rule_set)
    unknown = set(fields) - set(RULESET_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before = snapshot(rule_set)
    for name, value in fields.items():
        setattr(rule_set, name, value)
    if rule_set.valid_until is not None and rule_set.valid_until <= rule_set.valid_from:
        raise ValidationError({"valid_until": "Ngày kết thúc phải sau ngày bắt đầu áp dụng."})
    for name in ("min_minutes_regular", "min_minutes_thematic", "min_minutes_combined"):
        if getattr(rule_set, name) < 15:
            raise ValidationError({name: "Thời lượng tối thiểu phải từ 15 phút trở lên."})
    rule_set.full_clean()
    rule_set.save()
    audit_log(user=by, action=Action.UPDATE, obj=rule_set, org_path=_org_path(rule_set), before=before)
    return rule_set


@transaction.atomic
def rulestep_update(*, step: RuleStep, order: int, title: str, mandatory: bool, by) -> RuleStep:
    _check_editable(step.rule_set)
    access.rule_set.check_edit(by, step.rule_set)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Nội dung bước: không được để trống."})
    before = snapshot(step)
    step.order, step.title, step.mandatory = order, title, mandatory
    step.save(update_fields=["order", "title", "mandatory"])
    audit_log(user=by, action=Action.UPDATE, obj=step, org_path=_org_path(step.rule_set), before=before)
    return step


@transaction.atomic
def rulestep_add(
    *, rule_set: RuleSet, meeting_kind: str, title: str, mandatory: bool, phase: str = "content", by
) -> RuleStep:
    _check_editable(rule_set)
    access.rule_set.check_edit(by, rule_set)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Nội dung bước: không được để trống."})
    siblings = RuleStep.objects.filter(rule_set=rule_set, meeting_kind=meeting_kind)
    last = siblings.order_by("-order").values_list("order", flat=True).first() or 0
    n = siblings.count() + 1
    code = f"local-{n}"
    while siblings.filter(code=code).exists():
        n += 1
        code = f"local-{n}"
    step = RuleStep.objects.create(
        rule_set=rule_set,
        meeting_kind=meeting_kind,
        order=last + 1,
        code=code,
        phase=phase,
        title=title,
        mandatory=mandatory,
    )
    audit_log(user=by, action=Action.CREATE, obj=step, org_path=_org_path(rule_set))
    return step


@transaction.atomic
def criterion_update(
    *, criterion: ScoringCriterion, title: str, max_points: int, full_marks_for_good: bool, by
) -> ScoringCriterion:
    _check_editable(criterion.sheet.rule_set)
    access.rule_set.check_edit(by, criterion.sheet.rule_set)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Tiêu chí: không được để trống."})
    if max_points < 0 or max_points > 100:
        raise ValidationError({"max_points": "Điểm tối đa: phải từ 0 đến 100."})
    before = snapshot(criterion)
    criterion.title, criterion.max_points, criterion.full_marks_for_good = (
        title,
        max_points,
        full_marks_for_good,
    )
    criterion.save(update_fields=["title", "max_points", "full_marks_for_good"])
    audit_log(
        user=by,
        action=Action.UPDATE,
        obj=criterion,
        org_path=_org_path(criterion.sheet.rule_set),
        before=before,
    )
    return criterion


def sheet_total(sheet: ScoringSheet) -> int:
    return sum(c.max_points for c in sheet.criteria.all())


@transaction.atomic
def rulesets_switch(*, on: dt.date, by) -> tuple[RuleSet, RuleSet]:
    """Move the boundary between the shipped defaults: HD 12 until `on` (exclusive), HD 42 from `on`."""
    access.require_switch_default_rule_sets(by)
    old = RuleSet.objects.select_for_update().filter(code=DEFAULT_OLD_CODE, owner__isnull=True).first()
    new = RuleSet.objects.select_for_update().filter(code=DEFAULT_NEW_CODE, owner__isnull=True).first()
    if old is None or new is None:
        raise ValidationError("Không tìm thấy hai bộ quy định mặc định HD12 và HD42.")
    if on <= old.valid_from:
        raise ValidationError({"date": f"Ngày chuyển phải sau ngày {fmt(old.valid_from)}."})
    if new.valid_until is not None and on >= new.valid_until:
        raise ValidationError({"date": f"Ngày chuyển phải trước ngày {fmt(new.valid_until)}."})
    before_old, before_new = snapshot(old), snapshot(new)
    old.valid_until = on
    new.valid_from = on
    old.save(update_fields=["valid_until"])
    new.save(update_fields=["valid_from"])
    audit_log(user=by, action=Action.UPDATE, obj=old, before=before_old, org_path=_org_path(old))
    audit_log(user=by, action=Action.UPDATE, obj=new, before=before_new, org_path=_org_path(new))
    # Planned meetings that used a default follow the new boundary (opened ones keep theirs).
    boundary = timezone.make_aware(dt.datetime.combine(on, dt.time()))
    planned = Meeting.objects.filter(status=MeetingStatus.PLANNED)
    planned.filter(rule_set=old, scheduled_at__gte=boundary).update(rule_set=new)
    planned.filter(rule_set=new, scheduled_at__lt=boundary).update(rule_set=old)
    return old, new
