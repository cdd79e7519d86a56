"""The daily reminder job: e-mails about tasks due soon and overdue, and the secretary's overdue digest.

Each e-mail is claimed first by inserting its TaskReminder row (unique per task and deadline, or per
cell, day and recipient) and sent inside the same transaction: a second or concurrent run finds the
row and sends nothing; a failed send rolls the row back so the next run tries again.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction

from chibo.common.dates import fmt
from chibo.meetings.services.minutes import meeting_date
from chibo.members.models import Position, PositionKind
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
    without_email: int = 0  # overdue notices recorded for members without an e-mail address
    cells_without_secretary: list[str] = field(default_factory=list)
    failed: int = 0  # sends that failed; retried on the next run

    @property
    def sent(self) -> int:
        return self.due_soon + self.overdue + self.secretary

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "secretary": self.secretary,
            "without_email": self.without_email,
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


def _digest_mail(cell, secretary, tasks: list[Task], day: dt.date, to: str) -> EmailMessage:
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
    body += ["", "Chi ủy nhắc nhở, đôn đốc và đánh giá các nhiệm vụ này tại buổi sinh hoạt tới.", "", FOOTER]
    return EmailMessage(subject, "\n".join(body), settings.DEFAULT_FROM_EMAIL, [to])


def _claim_and_send(reminder: TaskReminder, message: EmailMessage | None, summary: Summary) -> bool:
    """Insert the row, then send, in one transaction. False when already claimed or the send failed."""
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
            if message is not None:
                message.send()
    except IntegrityError:
        return False
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("Gửi thư nhắc nhiệm vụ tới %s không được: %s", reminder.recipient, exc)
        summary.failed += 1
        return False
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
    connection = get_connection()
    connection.open()  # one SMTP session for the whole run
    try:
        for task in tasks:
            kind = ReminderKind.OVERDUE if task.due_on < day else ReminderKind.DUE_SOON
            if (task.pk, kind, task.due_on) in claimed:
                continue
            to = member_email(task.member)
            if not to and kind == ReminderKind.DUE_SOON:
                continue  # nothing to record: a member who adds an address before the deadline still hears
            reminder = TaskReminder(kind=kind, task=task, due_on=task.due_on, sent_on=day, recipient=to)
            message = _member_mail(task, kind, day, to) if to else None
            if message is not None:
                message.connection = connection
            if _claim_and_send(reminder, message, summary):
                if message is None:
                    summary.without_email += 1
                elif kind == ReminderKind.DUE_SOON:
                    summary.due_soon += 1
                else:
                    summary.overdue += 1
        _send_digests(day, tasks, connection, summary)
    finally:
        connection.close()
    return summary


def _send_digests(day: dt.date, tasks: list[Task], connection, summary: Summary) -> None:
    """One e-mail per cell where a task was first noticed overdue today (by this run or an earlier one
    the same day), listing all the cell's overdue tasks, to its secretary (else deputy)."""
    noticed = set(
        TaskReminder.objects.filter(kind=ReminderKind.OVERDUE, sent_on=day).values_list(
            "task__cell_id", flat=True
        )
    )
    if not noticed:
        return
    done = set(
        TaskReminder.objects.filter(
            kind=ReminderKind.SECRETARY, sent_on=day, cell_id__in=noticed
        ).values_list("cell_id", "recipient")
    )
    overdue: dict[int, list[Task]] = {}
    for task in tasks:
        if task.due_on < day and task.cell_id in noticed:
            overdue.setdefault(task.cell_id, []).append(task)
    secretaries = _secretaries(overdue.keys(), day)
    for cell_id, cell_tasks in overdue.items():
        cell = cell_tasks[0].cell
        secretary = secretaries.get(cell_id)
        to = member_email(secretary) if secretary is not None else ""
        if not to:
            summary.cells_without_secretary.append(cell.code)
            continue
        if (cell_id, to) in done:
            continue
        message = _digest_mail(cell, secretary, cell_tasks, day, to)
        message.connection = connection
        reminder = TaskReminder(kind=ReminderKind.SECRETARY, cell=cell, sent_on=day, recipient=to)
        if _claim_and_send(reminder, message, summary):
            summary.secretary += 1
