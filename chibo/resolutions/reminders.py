"""The daily reminder job: notices about tasks due soon and overdue, and the secretary's overdue digest,
by every channel the member has (chibo.notices: inbox, SMS, e-mail).

Each reminder is claimed first by inserting its TaskReminder row (unique per task and deadline, or per
cell and day) and its notice is recorded inside the same transaction: a second or concurrent run finds
the row and sends nothing. An e-mail or SMS that fails stays on the notice's record and is retried.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction

from chibo.common.access import SYSTEM
from chibo.common.dates import fmt
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Position, PositionKind
from chibo.notices.models import Attempt, AttemptStatus, Channel, ChannelChoice, NoticeKind
from chibo.notices.rules import channels_for
from chibo.notices.services import notify
from chibo.resolutions.models import ACTIVE_STATUSES, ReminderKind, Task, TaskReminder
from chibo.resolutions.rules import DUE_SOON_DAYS

log = logging.getLogger(__name__)

FOOTER = "Thư tự động từ hệ thống Chibo, xin đừng trả lời thư này."


@dataclass
class Summary:
    day: dt.date
    due_soon: int = 0  # e-mails sent
    overdue: int = 0
    secretary: int = 0
    unreachable: list[str] = field(default_factory=list)  # overdue tasks' members no channel reaches
    cells_without_secretary: list[str] = field(default_factory=list)
    failed: int = 0  # e-mails that failed; retried by `chibo send-notices`

    @property
    def sent(self) -> int:
        return self.due_soon + self.overdue + self.secretary

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "secretary": self.secretary,
            "unreachable": self.unreachable,
            "cells_without_secretary": self.cells_without_secretary,
            "failed": self.failed,
        }


def site_url() -> str:
    """The address in e-mailed links: settings.SITE_URL, else the first trusted origin, else the first host."""
    url = getattr(settings, "SITE_URL", "") or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
    if not url:
        hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
        url = f"http://{hosts[0]}" if hosts else ""
    return url.rstrip("/")


def member_email(member) -> str:
    return member.email or (member.user.email if member.user_id and member.user else "")


def _task_lines(task: Task) -> list[str]:
    return [
        f"- Nội dung: {task.text.strip()}",
        f"- Hạn hoàn thành: {fmt(task.due_on)}",
        f"- Giao tại buổi sinh hoạt ngày {fmt(meeting_date(task.meeting))} của {task.cell.name}",
        f"- Tiến độ hiện tại: {task.progress}% ({task.get_status_display().lower()})",
    ]


def _member_mail(task: Task, kind: str, day: dt.date, to: str) -> EmailMessage:
    days = (task.due_on - day).days
    if kind == ReminderKind.DUE_SOON:
        when = "hôm nay" if days == 0 else f"còn {days} ngày"
        subject = f"Nhiệm vụ sắp đến hạn {fmt(task.due_on)} ({when})"
        intro = f"Nhiệm vụ chi bộ giao cho đồng chí sắp đến hạn hoàn thành ({when}):"
        ask = "Đồng chí cập nhật tiến độ hoặc báo hoàn thành tại:"
    else:
        subject = f"Nhiệm vụ đã quá hạn {fmt(task.due_on)}"
        intro = f"Nhiệm vụ chi bộ giao cho đồng chí đã quá hạn {-days} ngày mà chưa báo hoàn thành:"
        ask = "Đồng chí báo tiến độ, kết quả hoặc khó khăn để chi bộ nắm tại:"
    body = [
        f"Kính gửi đồng chí {task.member.full_name},",
        "",
        intro,
        *_task_lines(task),
        "",
        ask,
        f"{site_url()}{task.get_absolute_url()}",
        "",
        FOOTER,
    ]
    return EmailMessage(subject, "\n".join(body), settings.DEFAULT_FROM_EMAIL, [to])


def _digest_mail(cell, secretary, tasks: list[Task], day: dt.date, to: str, unreached=()) -> EmailMessage:
    subject = f"{cell.name}: {len(tasks)} nhiệm vụ quá hạn ngày {fmt(day)}"
    body = [
        f"Kính gửi đồng chí {secretary.full_name},",
        "",
        f"Đến ngày {fmt(day)}, {cell.name} có {len(tasks)} nhiệm vụ đã quá hạn mà chưa hoàn thành:",
        "",
    ]
    for i, task in enumerate(tasks, 1):
        late = (day - task.due_on).days
        body += [
            f"{i}. Đồng chí {task.member.full_name}: {task.text.strip()}",
            f"   Hạn {fmt(task.due_on)} (quá {late} ngày); tiến độ {task.progress}%; "
            f"giao tại buổi sinh hoạt ngày {fmt(meeting_date(task.meeting))}.",
            f"   {site_url()}{task.get_absolute_url()}",
        ]
    if unreached:
        body += [
            "",
            "Chibo không báo được cho các đồng chí sau (không có tài khoản, số điện thoại hay thư điện tử); "
            "đề nghị chi ủy báo trực tiếp: " + ", ".join(dict.fromkeys(unreached)) + ".",
        ]
    body += ["", "Chi ủy nhắc nhở, đôn đốc và đánh giá các nhiệm vụ này tại buổi sinh hoạt tới.", "", FOOTER]
    return EmailMessage(subject, "\n".join(body), settings.DEFAULT_FROM_EMAIL, [to])


def _task_notice(task: Task, kind: str, day: dt.date) -> dict:
    mail = _member_mail(task, kind, day, "")
    days = (task.due_on - day).days
    if kind == ReminderKind.DUE_SOON:
        sms = f"Nhiệm vụ chi bộ giao sắp đến hạn {fmt(task.due_on)}: {task.text.strip()[:60]}. Báo tiến độ trên Chibo."
    else:
        sms = f"Nhiệm vụ chi bộ giao đã quá hạn {-days} ngày ({fmt(task.due_on)}): {task.text.strip()[:60]}."
    return {
        "key": f"task:{task.pk}:{kind}:{task.due_on.isoformat()}",
        "kind": NoticeKind.TASK_DUE if kind == ReminderKind.DUE_SOON else NoticeKind.TASK_OVERDUE,
        "subject": mail.subject,
        "body": mail.body,
        "sms_text": sms,
        "link": task.get_absolute_url(),
        "cell": task.cell,
        "email_factory": lambda member, address: _member_mail(task, kind, day, address),
    }


def _claim_and_notify(reminder: TaskReminder, notice: dict, members, connection, summary: Summary) -> bool:
    """Insert the claim row, then the notice (inbox, SMS queued, e-mail sent) in one transaction.
    False when another run claimed it. A failed e-mail stays on the notice's record and is retried by
    `chibo send-notices`, like any other channel."""
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
            made = notify(**notice, members=members, by=SYSTEM, connection=connection)
    except IntegrityError:
        return False
    failed = Attempt.objects.filter(delivery__notice=made, status__in=[AttemptStatus.PENDING, AttemptStatus.FAILED])
    summary.failed += failed.filter(channel=Channel.EMAIL, tries__gt=0).count()
    return True


def _secretaries(cell_ids, day: dt.date) -> dict:
    """cell id → the member holding the secretary position that day, else the deputy."""
    positions = (
        Position.objects.valid_on(day)
        .filter(cell_id__in=cell_ids, kind__in=[PositionKind.SECRETARY, PositionKind.DEPUTY])
        .select_related("member__user")
        .order_by("-valid_from", "pk")
    )
    found: dict[int, tuple[int, object]] = {}
    for p in positions:
        rank = 0 if p.kind == PositionKind.SECRETARY else 1
        if p.cell_id not in found or rank < found[p.cell_id][0]:
            found[p.cell_id] = (rank, p.member)
    return {cell_id: member for cell_id, (_, member) in found.items()}


def send_task_reminders(day: dt.date) -> Summary:
    summary = Summary(day=day)
    horizon = day + dt.timedelta(days=DUE_SOON_DAYS)
    # Every running task due by the horizon: the due-soon ones and every overdue one, in a few queries.
    tasks = list(
        Task.objects.filter(status__in=ACTIVE_STATUSES, evaluated_at__isnull=True, due_on__lte=horizon)
        .select_related("member__user", "cell", "meeting")
        .order_by("cell_id", "due_on", "pk")
    )
    ids = [t.pk for t in tasks]
    claimed = set(
        TaskReminder.objects.filter(
            task_id__in=ids, kind__in=[ReminderKind.DUE_SOON, ReminderKind.OVERDUE]
        ).values_list("task_id", "kind", "due_on")
    )
    members = [t.member for t in tasks]
    choices = {c.member_id: c for c in ChannelChoice.objects.filter(member__in=members)} if ids else {}
    connection = get_connection()
    connection.open()  # one SMTP session for the whole run
    try:
        for task in tasks:
            kind = ReminderKind.OVERDUE if task.due_on < day else ReminderKind.DUE_SOON
            if (task.pk, kind, task.due_on) in claimed:
                continue
            reachable = bool(
                channels_for(task.member, choices.get(task.member_id), has_account=task.member.user_id is not None)
            )
            if not reachable and kind == ReminderKind.DUE_SOON:
                continue  # nothing to record: a member who adds a channel before the deadline still hears
            to = member_email(task.member)
            reminder = TaskReminder(kind=kind, task=task, due_on=task.due_on, sent_on=day, recipient=to)
            if _claim_and_notify(reminder, _task_notice(task, kind, day), [task.member], connection, summary):
                if not reachable:
                    summary.unreachable.append(task.member.full_name)
                elif kind == ReminderKind.DUE_SOON:
                    summary.due_soon += 1
                else:
                    summary.overdue += 1
        _send_digests(day, tasks, connection, summary, choices)
    finally:
        connection.close()
    return summary


def _send_digests(day: dt.date, tasks: list[Task], connection, summary: Summary, choices: dict) -> None:
    """One notice per cell where a task was first noticed overdue today (by this run or an earlier one
    the same day), listing all the cell's overdue tasks and the members no channel reached, to its
    secretary (else deputy), by every channel the secretary has."""
    noticed = set(
        TaskReminder.objects.filter(kind=ReminderKind.OVERDUE, sent_on=day).values_list(
            "task__cell_id", flat=True
        )
    )
    if not noticed:
        return
    done = set(
        TaskReminder.objects.filter(kind=ReminderKind.SECRETARY, sent_on=day, cell_id__in=noticed).values_list(
            "cell_id", flat=True
        )
    )
    overdue: dict[int, list[Task]] = {}
    for task in tasks:
        if task.due_on < day and task.cell_id in noticed:
            overdue.setdefault(task.cell_id, []).append(task)
    secretaries = _secretaries(overdue.keys(), day)
    for cell_id, cell_tasks in overdue.items():
        cell = cell_tasks[0].cell
        secretary = secretaries.get(cell_id)
        if secretary is None or not channels_for(
            secretary, choices.get(secretary.pk), has_account=secretary.user_id is not None
        ):
            summary.cells_without_secretary.append(cell.code)
            continue
        if cell_id in done:
            continue
        unreached = [
            t.member.full_name
            for t in cell_tasks
            if not channels_for(t.member, choices.get(t.member_id), has_account=t.member.user_id is not None)
        ]
        mail = _digest_mail(cell, secretary, cell_tasks, day, "", unreached)
        notice = {
            "key": f"digest:{cell_id}:{day.isoformat()}",
            "kind": NoticeKind.DIGEST,
            "subject": mail.subject,
            "body": mail.body,
            "sms_text": f"{cell.name}: {len(cell_tasks)} nhiệm vụ quá hạn ngày {fmt(day)}. Xem trên Chibo.",
            "link": "",
            "cell": cell,
            "email_factory": lambda member, address, c=cell, s=secretary, ts=cell_tasks, u=unreached: _digest_mail(
                c, s, ts, day, address, u
            ),
        }
        reminder = TaskReminder(kind=ReminderKind.SECRETARY, cell=cell, sent_on=day, recipient=member_email(secretary))
        if _claim_and_notify(reminder, notice, [secretary], connection, summary):
            summary.secretary += 1
