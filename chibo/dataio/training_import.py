"""Importing courses and their participants (docs/training.md §3): the "courses" kind.

Plugged into the engine of importer.py like tasks_import.py: one row per participant, the course's
columns repeated on each row. Every row is checked against dicts read in bulk (the organisers, the
members and their memberships, the stored courses of the file's organisers and days with their
participants) with the same rules as chibo.training.services, and nothing is written unless every row
is good. A course is identified by (organiser, title without regard to case and diacritics, first day):
importing the same file again changes nothing.

Writing goes through the training services (course_create, participations_enrol,
participation_set_status), so a completed participant gets their training record exactly as on the
course page; a training file is small (MAX_ROWS), so one service call per row is cheap enough.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from chibo.common.access import SYSTEM
from chibo.common.text import fold
from chibo.dataio.importer import Checker, Context, ImportRejected, Plan, RowError, fetch_in
from chibo.members.models import Member, TrainingKind
from chibo.orgs.models import Organisation
from chibo.training import rules, services
from chibo.training.models import Course, Participation

MAX_ROWS = 5000


@dataclass
class CourseRow:
    """One checked row: the course it names (stored, or to be created from `fields`) and the participant."""

    number: int
    key: tuple
    fields: dict
    course: Course | None
    member: Member
    cell: Organisation
    status: str | None
    certificate_number: str
    completed_on: dt.date | None
    participation: Participation | None = None

    # Read by chibo.dataio.changes.notify_import, like the models of the other kinds.
    @property
    def cell_id(self) -> int:
        return self.cell.pk

    @property
    def member_id(self) -> int:
        return self.member.pk


def _key(organiser: Organisation, title: str, starts_on: dt.date) -> tuple:
    return (organiser.pk, fold(title), starts_on)


def _stored_courses(ctx: Context, rows) -> dict[tuple, Course]:
    organisers = {ctx.orgs[v["organiser"]].pk for _, v in rows if v["organiser"] in ctx.orgs}
    days = {v["starts_on"] for _, v in rows}
    qs = Course.objects.filter(starts_on__in=days).select_related("organiser")
    return {
        _key(c.organiser, c.title, c.starts_on): c for c in fetch_in(qs, "organiser_id", list(organisers))
    }


def _stored_participations(courses) -> dict[tuple, Participation]:
    qs = Participation.objects.select_related("course__organiser", "member", "cell")
    return {(p.course_id, p.member_id): p for p in fetch_in(qs, "course_id", [c.pk for c in courses])}


def _differs(row: CourseRow, p: Participation) -> bool:
    return bool(row.status) and (
        row.status != p.status
        or row.certificate_number != p.certificate_number
        or (row.completed_on is not None and row.completed_on != p.completed_on)
    )


def plan_courses(checker: Checker, plan: Plan, rows) -> None:
    ctx = checker.ctx
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        checker._err(plan, 0, "", f"Tệp có quá {MAX_ROWS} dòng lớp bồi dưỡng; hãy chia thành nhiều tệp.")
        return
    cards = [v["card"] for _, v in rows]
    ctx.load_members(cards)
    ctx.load_memberships(cards=cards)
    stored = _stored_courses(ctx, rows)
    participations = _stored_participations(stored.values())
    seen: set[tuple] = set()
    for number, v in rows:
        row = _check_row(checker, plan, number, v, stored)
        if row is None:
            continue
        if (row.key, row.member.pk) in seen:
            checker._err(plan, number, "card", "Đảng viên đã có ở một dòng trước của cùng lớp.")
            continue
        seen.add((row.key, row.member.pk))
        existing = participations.get((row.course.pk, row.member.pk)) if row.course else None
        if existing is None:
            plan.creates.append(row)
        elif _differs(row, existing):
            row.participation = existing
            plan.updates.append((row, None))
        else:
            plan.unchanged += 1


def _check_row(checker: Checker, plan: Plan, number: int, v: dict, stored) -> CourseRow | None:
    ctx, errors_before = checker.ctx, len(plan.errors)
    code, card = v["organiser"], v["card"]
    organiser = ctx.orgs.get(code)
    if organiser is None or not ctx.can_write_org(organiser):
        checker._err(
            plan, number, "organiser", f"Không có cấp ủy mã «{code}» trong phạm vi bạn được tổ chức lớp."
        )
        organiser = None
    problem = rules.course_dates_problem(v["starts_on"], v["ends_on"])
    if problem:
        checker._err(plan, number, "ends_on", problem[1].split(": ", 1)[-1])
    if v["hours"] is not None and not 0 < v["hours"] <= 2000:
        checker._err(plan, number, "hours", "Số giờ phải từ 1 đến 2000.")
    member = ctx.members.get(card)
    cell = None
    if member is None:
        checker._err(plan, number, "card", f"Không có đảng viên số thẻ «{card}».")
    else:
        home = ctx.home_on(card, ctx.today)
        cell = home.cell if home else None
        if cell is None or not ctx.can_write_org(cell):
            checker._err(
                plan, number, "card", f"Đảng viên số thẻ «{card}» không thuộc chi bộ nào bạn quản lý."
            )
            cell = None
        elif organiser is not None and not organiser.contains(cell):
            checker._err(
                plan,
                number,
                "card",
                f"Chi bộ «{cell.name}» của đảng viên không thuộc phạm vi của cấp ủy tổ chức lớp.",
            )
        if v["full_name"] and fold(v["full_name"]) != fold(member.full_name):
            checker._err(
                plan,
                number,
                "full_name",
                f"Họ tên «{v['full_name']}» không khớp với số thẻ (trong hồ sơ: {member.full_name}).",
            )
    status = v["status"]
    if status:
        problem = rules.attendance_problem(
            status=status, starts_on=v["starts_on"], today=ctx.today
        ) or rules.completion_problem(
            status=status, completed_on=v["completed_on"], starts_on=v["starts_on"], today=ctx.today
        )
        if problem:
            checker._err(plan, number, problem[0], problem[1].split(": ", 1)[-1])
    if len(plan.errors) > errors_before or organiser is None or member is None or cell is None:
        return None
    key = _key(organiser, v["title"], v["starts_on"])
    fields = {
        "organiser": organiser,
        "title": v["title"],
        "kind": v["kind"] or TrainingKind.PARTY_WORK,
        "starts_on": v["starts_on"],
        "ends_on": v["ends_on"],
        "place": v["place"] or "",
        "online": bool(v["online"]),
        "hours": v["hours"],
    }
    return CourseRow(
        number,
        key,
        fields,
        stored.get(key),
        member,
        cell,
        status,
        v["certificate_number"] or "",
        v["completed_on"],
    )


# -- writing ----------------------------------------------------------------------------------------


def _rejected(plan: Plan, checker_headers: dict, row: CourseRow, exc: ValidationError) -> ImportRejected:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        message = errors[0].messages[0]
    else:
        name, message = "", exc.messages[0]
    return ImportRejected([RowError(row.number, checker_headers.get(name, ""), message, plan.sheet)])


def write_plan(plan: Plan, ctx: Context, *, audit_rows: bool) -> None:
    """Write the planned rows (inside write_plans' transaction) through the training services; they
    audit every row themselves. The scope was checked row by row above: the services check it again
    for the importing user (the command line, with no user, acts as SYSTEM)."""
    from chibo.dataio.formats import FORMATS

    by = ctx.user if ctx.user is not None else SYSTEM
    headers = {c.attr: c.header for c in FORMATS["courses"].columns} | {"course": "Số thẻ đảng viên"}
    courses: dict[tuple, Course] = {}
    rows = sorted([*plan.creates, *(r for r, _ in plan.updates)], key=lambda r: r.number)
    for row in rows:
        try:
            course = courses.get(row.key) or row.course
            if course is None:
                course = services.course_create(by=by, **row.fields)
            courses[row.key] = course
            participation = row.participation
            if participation is None:
                created, _ = services.participations_enrol(
                    course=course, people=[(row.member, row.cell)], by=by, allow_past=True
                )
                participation = created[0]
            if _differs(row, participation):
                services.participation_set_status(
                    participation=participation,
                    status=row.status or "",
                    certificate_number=row.certificate_number,
                    completed_on=row.completed_on,
                    by=by,
                )
        except ValidationError as exc:
            raise _rejected(plan, headers, row, exc) from exc


# -- export -----------------------------------------------------------------------------------------


def export_rows(org: Organisation | None):
    """Participants with their course, in the import format (the inverse of the above)."""
    qs = Participation.objects.all()
    if org is not None:
        qs = qs.filter(course__organiser__in=Organisation.objects.subtree_of(org).values("pk"))
    qs = qs.select_related("course__organiser", "member").order_by(
        "course__organiser__code", "course__starts_on", "course__title", "member__card_number", "pk"
    )
    for p in qs.iterator(chunk_size=2000):
        c = p.course
        yield (
            c.organiser.code,
            c.title,
            c.kind,
            c.starts_on,
            c.ends_on,
            c.place,
            c.online,
            c.hours,
            p.member.card_number,
            p.member.full_name,
            p.status,
            p.certificate_number,
            p.completed_on,
        )
