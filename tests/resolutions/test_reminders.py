import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.members.models import Member, PositionKind
from chibo.members.services import position_assign
from chibo.notices.models import Attempt, AttemptStatus, Channel, Delivery, NoticeKind
from chibo.notices.services import send_pending
from chibo.resolutions import services
from chibo.resolutions.models import ReminderKind, Task, TaskReminder, TaskStatus
from chibo.resolutions.reminders import send_task_reminders
from chibo.resolutions.tasks import task_reminders_task
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.resolutions.conftest import hold_meeting, local

pytestmark = pytest.mark.django_db

AN, BINH = "an@example.vn", "binh@example.vn"
SITE = "https://chibo.example.vn"
TEXT = "Vận động các hộ gia đình phân loại rác tại nguồn"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def people(cast):
    """Lê Văn An and the secretary Trần Thị Bình have e-mail addresses; Bình holds the secretary's post."""
    Member.objects.filter(pk=cast.member.pk).update(email=AN)
    Member.objects.filter(pk=cast.secretary.pk).update(email=BINH)
    position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1), by=SYSTEM
    )
    cast.member.refresh_from_db()
    cast.secretary.refresh_from_db()
    return cast


def assign(cast, meeting, member, due_on, text=TEXT) -> Task:
    return services.task_assign(
        meeting=meeting, members=[member], text=text, due_on=due_on, by=cast.leader_user
    )[0]


def raw_task(meeting, member, due_on, text=TEXT) -> Task:
    """For members who joined after the meeting's roll call (the service would refuse them)."""
    return Task.objects.create(cell=meeting.cell, meeting=meeting, member=member, text=text, due_on=due_on)


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_task_due_in_three_days_sends_the_member_one_reminder(people, held):
    task = assign(people, held, people.member, dt.date(2025, 3, 20))
    summary = send_task_reminders(dt.date(2025, 3, 17))
    assert (summary.due_soon, summary.overdue, summary.secretary) == (1, 0, 0)
    [message] = mail.outbox
    assert message.to == [AN]
    assert message.subject == "Nhiệm vụ sắp đến hạn 20/03/2025 (còn 3 ngày)"
    assert "Kính gửi đồng chí Lê Văn An" in message.body
    assert TEXT in message.body and "Hạn hoàn thành: 20/03/2025" in message.body
    assert f"{SITE}/nhiem-vu/{task.pk}/" in message.body
    reminder = TaskReminder.objects.get()
    assert (reminder.kind, reminder.task, reminder.due_on, reminder.recipient) == (
        ReminderKind.DUE_SOON,
        task,
        dt.date(2025, 3, 20),
        AN,
    )
    # The days up to the deadline remind nothing more.
    for day in (18, 19, 20):
        send_task_reminders(dt.date(2025, 3, day))
    assert len(mail.outbox) == 1


def test_a_task_due_in_four_days_sends_nothing(people, held):
    assign(people, held, people.member, dt.date(2025, 3, 21))
    summary = send_task_reminders(dt.date(2025, 3, 17))
    assert summary.sent == 0 and mail.outbox == [] and not TaskReminder.objects.exists()


def test_an_overdue_task_tells_the_member_and_the_secretary_once(people, held):
    task = assign(people, held, people.member, dt.date(2025, 3, 20))
    mail.outbox.clear()
    summary = send_task_reminders(dt.date(2025, 3, 21))
    assert (summary.due_soon, summary.overdue, summary.secretary) == (0, 1, 1)
    [member_mail] = to(AN)
    assert member_mail.subject == "Nhiệm vụ đã quá hạn 20/03/2025"
    assert "quá hạn 1 ngày" in member_mail.body and f"{SITE}/nhiem-vu/{task.pk}/" in member_mail.body
    [digest] = to(BINH)
    assert digest.subject == "Chi bộ Tổ dân phố số 1: 1 nhiệm vụ quá hạn ngày 21/03/2025"
    assert "Kính gửi đồng chí Trần Thị Bình" in digest.body
    assert f"1. Đồng chí Lê Văn An: {TEXT}" in digest.body and "Hạn 20/03/2025 (quá 1 ngày)" in digest.body
    # A second run the same day sends nothing.
    again = send_task_reminders(dt.date(2025, 3, 21))
    assert again.sent == 0 and len(mail.outbox) == 2
    # Nor does the next day: the task was already noticed, and nothing new is overdue.
    later = send_task_reminders(dt.date(2025, 3, 22))
    assert later.sent == 0 and len(mail.outbox) == 2
    assert TaskReminder.objects.filter(kind=ReminderKind.SECRETARY).count() == 1


def test_the_digest_lists_every_overdue_task_of_the_cell_on_a_day_one_is_new(people, held):
    assign(people, held, people.member, dt.date(2025, 3, 20), text="Việc thứ nhất")
    send_task_reminders(dt.date(2025, 3, 21))
    assign(people, held, people.secretary, dt.date(2025, 3, 24), text="Việc thứ hai")
    mail.outbox.clear()
    summary = send_task_reminders(dt.date(2025, 3, 25))
    assert (summary.overdue, summary.secretary) == (1, 1)
    [digest] = [m for m in to(BINH) if "quá hạn ngày" in m.subject]
    assert "2 nhiệm vụ quá hạn" in digest.subject
    assert "Lê Văn An: Việc thứ nhất" in digest.body and "Trần Thị Bình: Việc thứ hai" in digest.body
    assert to(AN) == []  # An's task was already reminded on the 21st


def test_a_new_deadline_reminds_again(people, held):
    task = assign(people, held, people.member, dt.date(2025, 3, 20))
    send_task_reminders(dt.date(2025, 3, 18))
    services.task_update(task=task, by=people.leader_user, due_on=dt.date(2025, 3, 28))
    mail.outbox.clear()
    send_task_reminders(dt.date(2025, 3, 25))
    assert [m.subject for m in to(AN)] == ["Nhiệm vụ sắp đến hạn 28/03/2025 (còn 3 ngày)"]


def test_done_and_evaluated_tasks_send_nothing(people, held, task_rules):
    done = assign(people, held, people.member, dt.date(2025, 3, 20), text="Đã làm xong")
    services.task_report(task=done, by=people.member_user, mark_done=True)
    evaluated = assign(people, held, people.member, dt.date(2025, 3, 20), text="Chi bộ đã đánh giá")
    review = hold_meeting(people, task_rules, local(2025, 3, 19, 19, 30))
    services.task_evaluate(task=evaluated, meeting=review, outcome=TaskStatus.NOT_DONE, by=people.leader_user)
    mail.outbox.clear()
    for day in (dt.date(2025, 3, 18), dt.date(2025, 3, 25)):
        assert send_task_reminders(day).sent == 0
    assert mail.outbox == [] and not TaskReminder.objects.exists()


def test_a_member_no_channel_reaches_is_recorded_as_not_reached_and_named_to_the_secretary(people, held):
    quiet = make_member(people.cell, full_name="Phạm Thị Hoa")  # no account, phone or e-mail
    raw_task(held, quiet, dt.date(2025, 3, 20))
    assert send_task_reminders(dt.date(2025, 3, 18)).sent == 0  # due soon: nobody to write to, nothing kept
    assert not TaskReminder.objects.exists()
    summary = send_task_reminders(dt.date(2025, 3, 21))
    assert (summary.overdue, summary.unreachable, summary.secretary) == (0, ["Phạm Thị Hoa"], 1)
    assert [m.to for m in mail.outbox] == [[BINH]]
    assert "không báo được cho các đồng chí sau" in mail.outbox[0].body and "Phạm Thị Hoa." in mail.outbox[0].body
    assert TaskReminder.objects.get(kind=ReminderKind.OVERDUE).recipient == ""
    # Never silently unsent: her overdue notice is on record, reached by nothing.
    delivery = Delivery.objects.get(member=quiet, notice__kind=NoticeKind.TASK_OVERDUE)
    assert delivery.reached_at is None and not delivery.attempts.exists()
    assert delivery.notice.kind == NoticeKind.TASK_OVERDUE
    assert send_task_reminders(dt.date(2025, 3, 21)).sent == 0 and len(mail.outbox) == 1


def test_a_member_with_an_account_and_no_e_mail_gets_the_reminder_in_the_inbox(people, held):
    Member.objects.filter(pk=people.member.pk).update(email="")
    people.member_user.email = ""
    people.member_user.save()
    assign(people, held, people.member, dt.date(2025, 3, 20))
    summary = send_task_reminders(dt.date(2025, 3, 19))
    assert summary.due_soon == 1 and to(AN) == []
    delivery = Delivery.objects.get(member=people.member, notice__kind=NoticeKind.TASK_DUE)
    assert delivery.notice.subject.startswith("Nhiệm vụ sắp đến hạn 20/03/2025")
    assert [a.channel for a in delivery.attempts.all()] == [Channel.INBOX] and delivery.reached_at is None


def test_the_account_address_is_used_when_the_member_record_has_none(people, held):
    Member.objects.filter(pk=people.member.pk).update(email="")
    people.member_user.email = "an.taikhoan@example.vn"
    people.member_user.save()
    assign(people, held, people.member, dt.date(2025, 3, 20))
    send_task_reminders(dt.date(2025, 3, 19))
    assert [m.to for m in mail.outbox] == [["an.taikhoan@example.vn"]]


def test_the_deputy_is_told_when_the_cell_has_no_secretary(cast, held):
    deputy = make_member(cast.cell, full_name="Đỗ Văn Phó", email="pho@example.vn")
    position_assign(member=deputy, cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=dt.date(2020, 1, 1), by=SYSTEM)
    assign(cast, held, cast.member, dt.date(2025, 3, 20))
    summary = send_task_reminders(dt.date(2025, 3, 21))
    assert summary.secretary == 1 and [m.to for m in mail.outbox] == [["pho@example.vn"]]


def test_a_cell_without_a_secretary_is_reported(cast, held):
    assign(cast, held, cast.member, dt.date(2025, 3, 20))
    summary = send_task_reminders(dt.date(2025, 3, 21))
    assert summary.secretary == 0 and summary.cells_without_secretary == ["BD-01"]


@pytest.fixture
def sibling(cast, task_rules):
    """The sibling cell HK-09: its secretary Hồ Thị Chín and a member with a task overdue on 21/03/2025."""
    chin = make_member(cast.other_cell, full_name="Hồ Thị Chín", email="chin@example.vn")
    position_assign(
        member=chin, cell=cast.other_cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1), by=SYSTEM
    )
    tam = make_member(cast.other_cell, full_name="Võ Văn Tám", email="tam@example.vn")
    meeting = make_meeting(cast.other_cell, task_rules, when=local(2025, 3, 6, 19, 30))
    return raw_task(meeting, tam, dt.date(2025, 3, 23), text="Việc của chi bộ số 9")


def test_each_cell_s_secretary_hears_about_their_own_cell_only(people, held, sibling):
    assign(people, held, people.member, dt.date(2025, 3, 20))
    send_task_reminders(dt.date(2025, 3, 21))
    # Only our cell's task is overdue: the sibling cell's secretary hears nothing; Tám is reminded (due soon).
    assert to("chin@example.vn") == []
    assert [m.subject for m in to("tam@example.vn")] == ["Nhiệm vụ sắp đến hạn 23/03/2025 (còn 2 ngày)"]
    assert "Việc của chi bộ số 9" not in to(BINH)[0].body
    mail.outbox.clear()
    send_task_reminders(dt.date(2025, 3, 24))
    # Now the sibling's task is overdue: only its secretary and its member are told, about it alone.
    assert sorted(m.to[0] for m in mail.outbox) == ["chin@example.vn", "tam@example.vn"]
    [digest] = to("chin@example.vn")
    assert "Việc của chi bộ số 9" in digest.body and "Lê Văn An" not in digest.body


def test_a_reminder_claimed_by_another_run_is_not_sent_again(people, held):
    task = assign(people, held, people.member, dt.date(2025, 3, 20))
    # Another run inserted the row first (the unique constraint guards concurrent runs).
    TaskReminder.objects.create(
        kind=ReminderKind.DUE_SOON, task=task, due_on=task.due_on, sent_on=dt.date(2025, 3, 18), recipient=AN
    )
    assert send_task_reminders(dt.date(2025, 3, 18)).sent == 0 and mail.outbox == []


def test_a_failed_e_mail_is_kept_on_the_record_and_sent_by_the_retry(people, held, monkeypatch):
    assign(people, held, people.member, dt.date(2025, 3, 20))

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mất kết nối")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    summary = send_task_reminders(dt.date(2025, 3, 18))
    assert summary.failed == 1 and TaskReminder.objects.count() == 1
    attempt = Attempt.objects.get(channel=Channel.EMAIL, delivery__notice__kind=NoticeKind.TASK_DUE)
    assert attempt.status == AttemptStatus.PENDING and "mất kết nối" in attempt.reason
    assert attempt.delivery.reached_at is None
    monkeypatch.undo()
    assert send_task_reminders(dt.date(2025, 3, 18)).sent == 0  # claimed: the retry is the notices' job
    send_pending(now=timezone.now() + dt.timedelta(minutes=2))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SENT
    assert [m.subject for m in to(AN) if "sắp đến hạn" in m.subject] == ["Nhiệm vụ sắp đến hạn 20/03/2025 (còn 2 ngày)"]
    assert attempt.delivery.reached_at is not None


def test_a_run_reads_a_bounded_number_of_queries(people, held):
    members = [make_member(people.cell, email=f"dv{i}@example.vn") for i in range(6)]
    for m in members[:2]:
        raw_task(held, m, dt.date(2025, 3, 20))
    send_task_reminders(dt.date(2025, 3, 21))
    with CaptureQueriesContext(connection) as few:
        send_task_reminders(dt.date(2025, 3, 21))
    for m in members[2:]:
        raw_task(held, m, dt.date(2025, 3, 20))
    send_task_reminders(dt.date(2025, 3, 21))
    with CaptureQueriesContext(connection) as many:
        send_task_reminders(dt.date(2025, 3, 21))
    # Nothing left to send: the same reads whatever the number of tasks.
    assert len(many) == len(few) <= 6


def test_the_command_prints_the_counts_in_vietnamese(people, held, capsys):
    assign(people, held, people.member, dt.date(2025, 3, 20))
    call_command("task_reminders", "--date", "2025-03-21")
    out = capsys.readouterr().out
    assert "Nhắc nhiệm vụ ngày 21/03/2025:" in out
    assert "- Nhắc nhiệm vụ quá hạn: 1" in out and "- Báo bí thư chi bộ: 1" in out
    assert "- Nhắc nhiệm vụ sắp đến hạn: 0" in out


def test_the_command_refuses_a_malformed_date(cast):
    with pytest.raises(CommandError) as error:
        call_command("task_reminders", "--date", "21-03-2025x")
    assert str(error.value) == "Ngày «21-03-2025x» không hợp lệ: hãy nhập dạng YYYY-MM-DD, ví dụ 2025-03-05."


def test_the_background_task_runs_the_job_for_today(people, held, monkeypatch):
    assign(people, held, people.member, dt.date(2025, 3, 20))
    monkeypatch.setattr("chibo.resolutions.tasks.today", lambda: dt.date(2025, 3, 19))
    result = task_reminders_task.enqueue()
    assert result.return_value["due_soon"] == 1 and result.return_value["day"] == "2025-03-19"
    assert [m.to for m in mail.outbox] == [[AN]]


def test_the_command_also_takes_a_vietnamese_date(people, held, capsys):
    assign(people, held, people.member, dt.date(2025, 3, 20))
    call_command("task_reminders", "--date", "18/03/2025")
    assert "- Nhắc nhiệm vụ sắp đến hạn: 1" in capsys.readouterr().out


def test_the_command_reports_an_unreachable_mail_server(people, held, monkeypatch):
    assign(people, held, people.member, dt.date(2025, 3, 20))

    def refuse(self):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.open", refuse)
    with pytest.raises(CommandError, match="Không kết nối được máy chủ thư"):
        call_command("task_reminders", "--date", "2025-03-18")
    assert not TaskReminder.objects.exists()
