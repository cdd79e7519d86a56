"""Planning meetings (issue 3 §2): create, edit, reschedule, cancel, and a year's plan for a subtree.

Months are calendar months in Asia/Ho_Chi_Minh (settings.TIME_ZONE). A cell holds one regular meeting
a month; a second one needs a reason (`extra_reason`) and is flagged in the lists.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, audit_log, snapshot
from chibo.common.dates import add_months, fmt, month_end
from chibo.meetings import access
from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus
from chibo.meetings.selectors import scheduled_day
from chibo.meetings.services.rulesets import pick_rule_set, rule_set_for, rule_sets_between
from chibo.members.selectors import roster_on
from chibo.notices.models import NoticeKind
from chibo.notices.services import notify
from chibo.orgs import access as org_access
from chibo.orgs.models import Organisation

DEFAULT_TIME = dt.time(19, 30)
WEEKDAYS = (0, 1, 2, 3, 4)  # Monday..Friday evenings
ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def local_moment(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def month_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant of the month, first instant of the next) in local time, as aware datetimes."""
    first = day.replace(day=1)
    return local_moment(first, dt.time()), local_moment(add_months(first, 1), dt.time())


def _aware(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def other_regular_in_month(cell: Organisation, moment: dt.datetime, *, exclude_pk=None):
    """Regular meetings of `cell` (not cancelled) in the local calendar month of `moment`."""
    start, end = month_range(local_day(moment))
    qs = Meeting.objects.filter(
        cell=cell, kind=MeetingKind.REGULAR, scheduled_at__gte=start, scheduled_at__lt=end
    ).exclude(status=MeetingStatus.CANCELLED)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def _check_extra(cell, kind, moment, extra_reason: str, exclude_pk=None) -> None:
    if kind != MeetingKind.REGULAR or extra_reason:
        return
    other = other_regular_in_month(cell, moment, exclude_pk=exclude_pk).first()
    if other is not None:
        day = local_day(moment)
        raise ValidationError(
            {
                "extra_reason": (
                    f"Lý do họp thêm: chi bộ đã có buổi sinh hoạt thường kỳ ngày "
                    f"{fmt(local_day(other.scheduled_at))} trong tháng {day.month:02d}/{day.year}; "
                    "buổi thứ hai trong tháng phải ghi lý do."
                )
            }
        )


def check_extra_regular(meeting: Meeting) -> None:
    """A meeting moved to another day (running: started before its day) follows the same rule."""
    _check_extra(
        meeting.cell, meeting.kind, meeting.scheduled_at, meeting.extra_reason, exclude_pk=meeting.pk
    )


def _check_cell(cell: Organisation, day: dt.date) -> None:
    if not cell.is_cell:
        raise ValidationError(
            {"cell": f"{cell.name} không phải là chi bộ; chỉ chi bộ mới tổ chức sinh hoạt."}
        )
    if not cell.is_active_on(day):
        raise ValidationError({"scheduled_at": f"{cell.name} không hoạt động vào ngày {fmt(day)}."})


def _check_planned(meeting: Meeting, what: str) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            f"Chỉ {what} được buổi sinh hoạt đang dự kiến; buổi này {meeting.get_status_display().lower()}."
        )


@transaction.atomic
def meeting_create(
    *,
    cell: Organisation,
    kind: str,
    scheduled_at: dt.datetime,
    place: str = "",
    topic: str = "",
    extra_reason: str = "",
    by,
) -> Meeting:
    """A planned meeting with the rule set in force for the cell on its date."""
    access.require_create_meeting(by, cell)
    scheduled_at = _aware(scheduled_at)
    day = local_day(scheduled_at)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": "Loại sinh hoạt: lựa chọn không hợp lệ."})
    _check_cell(cell, day)
    extra_reason = (extra_reason or "").strip()
    # The same form posted twice must not plan the same meeting twice.
    if (
        Meeting.objects.filter(cell=cell, kind=kind, scheduled_at=scheduled_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            {
                "scheduled_at": f"Chi bộ đã có buổi sinh hoạt này lúc {timezone.localtime(scheduled_at):%H:%M %d/%m/%Y}."
            }
        )
    _check_extra(cell, kind, scheduled_at, extra_reason)
    meeting = Meeting(
        cell=cell,
        kind=kind,
        scheduled_at=scheduled_at,
        place=(place or "").strip(),
        topic=(topic or "").strip(),
        extra_reason=extra_reason,
        rule_set=rule_set_for(cell=cell, day=day),
    )
    meeting.full_clean()
    meeting.save()
    audit_log(user=by, action=Action.CREATE, obj=meeting, org_path=cell.path)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    scheduled_at: dt.datetime | None = None,
    place: str | None = None,
    topic: str | None = None,
    extra_reason: str | None = None,
    by,
) -> Meeting:
    """Leaders edit a planned meeting. The date moves freely until members have been told; after the
    notice, moving it is a reschedule (with a reason, and a new notice)."""
    access.meeting.check_edit(by, meeting)
    _check_planned(meeting, "sửa")
    before = snapshot(meeting)
    if place is not None:
        meeting.place = place.strip()
    if topic is not None:
        meeting.topic = topic.strip()
    if extra_reason is not None:
        meeting.extra_reason = extra_reason.strip()
    if scheduled_at is not None:
        scheduled_at = _aware(scheduled_at)
        if scheduled_at != meeting.scheduled_at:
            if meeting.notice_sent_at is not None:
                raise ValidationError(
                    {
                        "scheduled_at": "Thời gian: đã thông báo cho đảng viên; hãy dùng “Đổi lịch” và ghi lý do."
                    }
                )
            _move(meeting, scheduled_at)
    _check_extra(
        meeting.cell, meeting.kind, meeting.scheduled_at, meeting.extra_reason, exclude_pk=meeting.pk
    )
    meeting.full_clean()
    meeting.save()
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    return meeting


def _move(meeting: Meeting, scheduled_at: dt.datetime) -> None:
    day = local_day(scheduled_at)
    _check_cell(meeting.cell, day)
    meeting.scheduled_at = scheduled_at
    # A planned meeting follows the rule set of its (new) date; it is fixed when the meeting opens.
    meeting.rule_set = rule_set_for(cell=meeting.cell, day=day)


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, scheduled_at: dt.datetime, reason: str, extra_reason: str = "", by
) -> Meeting:
    """Move a planned meeting, with a reason. Members must be told again: the notice is cleared so the
    checklist asks for it and `meeting_send_notice` sends the new time."""
    access.meeting.check_edit(by, meeting)
    _check_planned(meeting, "đổi lịch")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Lý do đổi lịch: không được để trống."})
    scheduled_at = _aware(scheduled_at)
    if scheduled_at == meeting.scheduled_at:
        raise ValidationError({"scheduled_at": "Thời gian mới trùng với thời gian đã định."})
    before = snapshot(meeting)
    _move(meeting, scheduled_at)
    if extra_reason:
        meeting.extra_reason = extra_reason.strip()
    _check_extra(
        meeting.cell, meeting.kind, meeting.scheduled_at, meeting.extra_reason, exclude_pk=meeting.pk
    )
    meeting.reschedule_note = reason
    meeting.notice_sent_at = None
    meeting.supervisor_notified_at = None
    meeting.full_clean()
    meeting.save()
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, by) -> Meeting:
    access.meeting.check_edit(by, meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Lý do hủy: không được để trống."})
    if meeting.status == MeetingStatus.CANCELLED:
        # Posted twice: already done.
        return meeting
    _check_planned(meeting, "hủy")
    before = snapshot(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason"])
    audit_log(user=by, action=Action.UPDATE, obj=meeting, org_path=meeting.cell.path, before=before)
    if meeting.notice_sent_at is not None:  # the members were told it would happen: tell them it will not
        local = timezone.localtime(meeting.scheduled_at)
        what = f"{meeting.get_kind_display().lower()} {local:%H:%M} ngày {local:%d/%m/%Y}"
        notify(
            key=f"meeting:{meeting.pk}:cancelled",
            kind=NoticeKind.MEETING_CHANGE,
            subject=f"Hủy buổi {what} của {meeting.cell.name}",
            body=f"{meeting.cell.name} hủy buổi {what}. Lý do: {reason}",
            sms_text=f"{meeting.cell.name} hủy buổi {what}. Lý do: {reason[:60]}",
            link=reverse("meetings:my_schedule"),
            cell=meeting.cell,
            members=roster_on(meeting.cell, scheduled_day(meeting)),
            by=by,
        )
    return meeting


# --- a year's plan ----------------------------------------------------------------------------------


def suggested_day(year: int, month: int, window: tuple[int, int], weekdays=WEEKDAYS) -> dt.date:
    """The first day of the window that falls on an allowed weekday (else the window's first day)."""
    last = month_end(year, month).day
    first_day, last_day = max(1, min(window[0], last)), max(1, min(window[1], last))
    for d in range(first_day, last_day + 1):
        day = dt.date(year, month, d)
        if day.weekday() in weekdays:
            return day
    return dt.date(year, month, first_day)


def _check_window(window: tuple[int, int]) -> None:
    start, end = window
    if not (1 <= start <= end <= 31):
        raise ValidationError(
            {"regular_day_window": "Khoảng ngày: phải từ ngày 1 đến ngày 31, ngày đầu không sau ngày cuối."}
        )


@transaction.atomic
def plan_year(
    *,
    org: Organisation,
    year: int,
    regular_day_window: tuple[int, int] = (1, 10),
    thematic_months: tuple[int, ...] = (3, 6, 9, 12),
    weekdays: tuple[int, ...] = WEEKDAYS,
    at: dt.time = DEFAULT_TIME,
    place: str = "",
    by,
) -> list[Meeting]:
    """Plan a year for every cell of `org`'s subtree (org itself if a cell) active that month: one regular
    meeting a month on a suggested day of the committee's window, and a thematic meeting in each of
    `thematic_months` (at least one per quarter) sharing the session right after the regular one.

    Months that already have a regular meeting (and quarters with a thematic one) are skipped, so
    running it twice creates nothing new. A few queries whatever the number of cells."""
    org_access.organisations.check_edit(by, org)
    _check_window(regular_day_window)
    thematic_months = tuple(sorted(set(thematic_months)))
    if any(m < 1 or m > 12 for m in thematic_months):
        raise ValidationError({"thematic_months": "Tháng sinh hoạt chuyên đề: phải từ 1 đến 12."})
    quarters = {(m - 1) // 3 for m in thematic_months}
    if quarters != {0, 1, 2, 3}:
        raise ValidationError(
            {"thematic_months": "Tháng sinh hoạt chuyên đề: mỗi quý phải có ít nhất một buổi chuyên đề."}
        )
    if not weekdays:
        weekdays = ALL_DAYS
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Cells alive at some point of the year; each month below checks the day itself.
    cells = list(
        Organisation.objects.subtree_of(org)
        .cells()
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=year_end))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=year_start))
    )
    if not cells:
        return []
    rule_sets = rule_sets_between(year_start, year_end)
    # What exists already: (cell, month) with a regular meeting, (cell, quarter) with a thematic one.
    start, end = local_moment(year_start, dt.time()), local_moment(dt.date(year + 1, 1, 1), dt.time())
    has_regular, has_thematic = set(), set()
    existing = (
        Meeting.objects.filter(cell__in=[c.pk for c in cells], scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("cell_id", "kind", "scheduled_at")
    )
    for cell_id, kind, moment in existing:
        month = local_day(moment).month
        if kind == MeetingKind.REGULAR:
            has_regular.add((cell_id, month))
        else:
            has_thematic.add((cell_id, (month - 1) // 3))

    regulars: list[Meeting] = []
    thematic_after: dict[int, list] = defaultdict(list)  # index in regulars -> thematic to attach
    thematics_alone: list[Meeting] = []
    for cell in cells:
        paths = cell.ancestor_paths()
        for month in range(1, 13):
            day = suggested_day(year, month, regular_day_window, weekdays)
            if not cell.is_active_on(day):
                continue
            rule_set = pick_rule_set(rule_sets, paths=paths, day=day)
            if rule_set is None:
                continue
            regular = None
            if (cell.pk, month) not in has_regular:
                regular = Meeting(
                    cell=cell,
                    kind=MeetingKind.REGULAR,
                    scheduled_at=local_moment(day, at),
                    place=place,
                    rule_set=rule_set,
                )
                regulars.append(regular)
                has_regular.add((cell.pk, month))
            quarter = (month - 1) // 3
            if month in thematic_months and (cell.pk, quarter) not in has_thematic:
                thematic = Meeting(
                    cell=cell,
                    kind=MeetingKind.THEMATIC,
                    scheduled_at=local_moment(day, at) + dt.timedelta(minutes=rule_set.min_minutes_regular),
                    place=place,
                    rule_set=rule_set,
                )
                if regular is not None:
                    thematic_after[len(regulars) - 1].append(thematic)
                else:
                    thematics_alone.append(thematic)
                has_thematic.add((cell.pk, quarter))
    created = Meeting.objects.bulk_create(regulars, batch_size=1000)
    thematics = list(thematics_alone)
    for index, items in thematic_after.items():
        for thematic in items:
            # bulk_create returns primary keys on PostgreSQL and SQLite ≥ 3.35.
            thematic.shares_session_with = created[index] if created[index].pk else None
            thematics.append(thematic)
    created += Meeting.objects.bulk_create(thematics, batch_size=1000)
    path_of = {c.pk: c.path for c in cells}
    audit_bulk(((Action.CREATE, m, path_of[m.cell_id], None) for m in created), user=by)
    return created
