"""Importing supervision assignments (DOMAIN §9): the "supervision" kind.

One row = one upper-committee member assigned by a committee to follow a unit for a term. The checks
are those of supervision.services.assignment_create (the committee's staff assign; the unit lies below
the committee; the person is one of the committee's people; no two overlapping terms of one person on
one unit), read from the same rules. Assignments planned here are kept in the Context, so the meetings
sheet of the same workbook can name their supervisors in its "Cấp ủy viên dự" column.
"""

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, snapshot
from chibo.common.dates import fmt
from chibo.dataio.importer import BATCH, Checker, Context, Plan
from chibo.members.models import Membership
from chibo.orgs.models import Organisation, OrgKind, in_subtree_q
from chibo.supervision import access as supervision_access
from chibo.supervision import rules
from chibo.supervision.models import Assignment
from chibo.supervision.services import is_committee_user


def planned_assignments(ctx: Context) -> list[Assignment]:
    """Assignments created or changed by this import so far (the meetings sheet reads them)."""
    if not hasattr(ctx, "assignments"):
        ctx.assignments = []
    return ctx.assignments


def _may_manage(ctx: Context, committee: Organisation) -> bool:
    if ctx.superuser:
        return True
    if committee.pk is None:  # created by this import: the tree's write scope decides
        return ctx.can_write_org(committee)
    return supervision_access.can_manage(ctx.user, committee)


def _supervisor_problem(ctx: Context, card: str, committee: Organisation, start) -> tuple[object, str | None]:
    """(user, problem). The message never says more about a member outside the committee than that no
    such person was found in it."""
    member = ctx.members.get(card)
    user = member.user if member is not None and member.user_id else None
    if user is not None and is_committee_user(user, committee, start):
        return user, None
    in_committee = (
        member is not None
        and member.pk is not None
        and Membership.objects.valid_on(start)
        .filter(in_subtree_q(committee, via="cell"), member=member)
        .exists()
    )
    if in_committee and user is None:
        return None, (
            f"Đảng viên {member.full_name} (số thẻ {card}) chưa có tài khoản Chibo: hãy cấp tài khoản "
            "trước khi phân công theo dõi."
        )
    return None, (
        f"Không tìm thấy cấp ủy viên có số thẻ «{card}» thuộc {committee.name} vào ngày {fmt(start)}."
    )


def plan_assignments(checker: Checker, plan: Plan, rows) -> None:
    ctx = checker.ctx
    rows = list(rows)
    ctx.load_members(v["card"] for _, v in rows)
    units = {ctx.orgs[v["unit"]].pk for _, v in rows if v["unit"] in ctx.orgs and ctx.orgs[v["unit"]].pk}
    stored: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.filter(unit_id__in=units).select_related("member"):
        stored.setdefault(a.unit_id, []).append(a)
    last_visit = {}
    if stored:
        for a_id, day in (
            Assignment.objects.filter(unit_id__in=units, visits__isnull=False)
            .values_list("pk", "visits__visited_on")
            .order_by("visits__visited_on")
        ):
            last_visit[a_id] = day
    planned = planned_assignments(ctx)
    seen: dict[tuple, int] = {}
    for number, v in rows:
        card, start, end = v["card"], v["valid_from"], v["valid_until"]
        committee, unit = ctx.orgs.get(v["committee"]), ctx.orgs.get(v["unit"])
        if committee is None:
            checker._err(plan, number, "committee", f"Không tìm thấy tổ chức có mã «{v['committee']}».")
            continue
        if committee.kind == OrgKind.CELL:
            checker._err(plan, number, "committee", "Chi bộ không phân công theo dõi được.")
            continue
        if not _may_manage(ctx, committee):
            checker._err(
                plan,
                number,
                "committee",
                f"Bạn không có quyền phân công theo dõi tại «{committee.name}» (mã {committee.code}).",
            )
            continue
        if unit is None or not committee.contains(unit) or unit.pk == committee.pk:
            checker._err(
                plan,
                number,
                "unit",
                f"Không tìm thấy đơn vị có mã «{v['unit']}» trực thuộc {committee.name}.",
            )
            continue
        problem = rules.period_problem(start, end)
        if problem:
            attr, message = next(iter(problem.items()))
            checker._err(plan, number, attr, message.split(": ", 1)[-1])
            continue
        user, problem = _supervisor_problem(ctx, card, committee, start)
        if problem:
            checker._err(plan, number, "card", problem)
            continue
        key = (card, unit.code, start)
        if key in seen:
            checker._err(
                plan, number, "valid_from", f"Trùng với dòng {seen[key]} (cùng người, đơn vị, từ ngày)."
            )
            continue
        seen[key] = number
        mine = [a for a in stored.get(unit.pk, []) if a.user_id == user.pk]
        mine += [a for a in planned if a.pk is None and a.unit is unit and a.user_id == user.pk]
        existing = next((a for a in mine if a.valid_from == start), None)
        clash = next(
            (
                a
                for a in mine
                if a is not existing and rules.overlaps(start, end, a.valid_from, a.valid_until)
            ),
            None,
        )
        if clash is not None:
            until = f" đến {fmt(clash.valid_until)}" if clash.valid_until else " (chưa kết thúc)"
            checker._err(
                plan,
                number,
                "valid_from",
                f"Đồng chí này đã được phân công theo dõi {unit.name} từ {fmt(clash.valid_from)}{until}.",
            )
            continue
        values = {"committee": committee, "valid_until": end, "note": v["note"] or ""}
        if existing is not None:
            last = last_visit.get(existing.pk)
            if last is not None and end is not None and end <= last:
                checker._err(
                    plan,
                    number,
                    "valid_until",
                    f"Đã có lần dự sinh hoạt ngày {fmt(last)} theo phân công này; phải sau ngày đó.",
                )
                continue
            before = None
            for name, value in values.items():
                if name == "committee" and existing.committee_id == committee.pk:
                    continue
                if name == "note" and "note" not in checker._present:
                    continue
                if name != "committee" and getattr(existing, name) == value:
                    continue
                before = before or snapshot(existing)
                setattr(existing, name, value)
            existing.unit = unit
            planned.append(existing)
            checker._record(plan, existing, before)
            continue
        assignment = Assignment(
            user=user,
            member=ctx.members[card],
            unit=unit,
            valid_from=start,
            created_by=ctx.user if getattr(ctx.user, "pk", None) else None,
            **values,
        )
        planned.append(assignment)
        plan.creates.append(assignment)


def write_plan(plan: Plan, ctx: Context, *, audit_rows: bool) -> None:
    Assignment.objects.bulk_create(plan.creates, batch_size=BATCH)
    if plan.updates:
        Assignment.objects.bulk_update(
            [a for a, _ in plan.updates], ["committee", "valid_until", "note"], batch_size=BATCH
        )
    if audit_rows:
        entries = [(Action.CREATE, a, a.unit.path, None) for a in plan.creates]
        entries += [(Action.UPDATE, a, a.unit.path, before) for a, before in plan.updates]
        if entries:
            audit_bulk(entries, user=ctx.user)


def export_rows(org: Organisation | None):
    qs = Assignment.objects.select_related("member", "user__member", "committee", "unit")
    if org is not None:
        qs = qs.filter(in_subtree_q(org, via="unit"))
    for a in qs.order_by("unit__path", "valid_from", "pk").iterator(chunk_size=2000):
        member = a.member or getattr(a.user, "member", None)
        yield (
            member.card_number if member else "",
            a.committee.code,
            a.unit.code,
            a.valid_from,
            a.valid_until,
            a.note,
        )
