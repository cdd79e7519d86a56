import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import AbsenceReport, Meeting, MeetingKind, MeetingStatus
from chibo.meetings.selectors import member_meetings
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create, meeting_reschedule
from chibo.members.models import Member
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


@pytest.fixture
def meeting(cast):
    return meeting_create(
        cell=cast.cell,
        kind=MeetingKind.REGULAR,
        scheduled_at=at(2026, 4, 3),
        place="Nhà văn hóa tổ 1",
        by=SYSTEM,
    )


@pytest.fixture
def emails(cast):
    Member.objects.filter(pk=cast.secretary.pk).update(email="binh@example.vn")
    Member.objects.filter(pk=cast.member.pk).update(email="an@example.vn")
    cast.supervisor.email = "phutrach@example.vn"
    cast.supervisor.save()


def pdf(name="tai-lieu.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def test_the_notice_goes_to_every_member_with_an_email_and_the_supervisor_with_an_ics(cast, meeting, emails):
    make_member(cast.cell, full_name="Phạm Văn Không Thư")  # no e-mail: nothing to send
    sent = prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.vn", "binh@example.vn", "phutrach@example.vn"]
    message = mail.outbox[0]
    assert "19:30 03/04/2026" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(content)
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == at(2026, 4, 3)
    assert start.astimezone(timezone.get_current_timezone()).hour == 19
    assert event.decoded("dtend") - start == dt.timedelta(minutes=90)
    assert str(event["location"]) == "Nhà văn hóa tổ 1"
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is not None and meeting.supervisor_notified_at is not None


def test_sending_twice_sends_once_unless_the_meeting_was_rescheduled(cast, meeting, emails):
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    assert prep.meeting_send_notice(meeting=meeting, by=SYSTEM) == 0
    assert len(mail.outbox) == 3
    meeting_reschedule(meeting=meeting, scheduled_at=at(2026, 4, 6), reason="Trùng lịch", by=SYSTEM)
    assert prep.meeting_send_notice(meeting=meeting, by=SYSTEM) == 3
    latest = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert latest.decoded("dtstart") == at(2026, 4, 6)
    assert int(latest["sequence"]) > 0


def test_supervisors_are_those_assigned_above_the_cell(cast):
    assert list(prep.supervisors_of(cast.cell, dt.date(2026, 4, 3))) == [cast.supervisor]
    assert list(prep.supervisors_of(cast.other_cell, dt.date(2026, 4, 3))) == []


def test_the_drafter_must_be_a_member_of_the_cell(cast, meeting):
    prep.meeting_prepare(meeting=meeting, drafter=cast.secretary, prep_meeting_on=dt.date(2026, 3, 30), by=SYSTEM)
    meeting.refresh_from_db()
    assert meeting.drafter == cast.secretary and meeting.prep_meeting_on == dt.date(2026, 3, 30)
    stranger = make_member(cast.other_cell)
    with pytest.raises(ValidationError) as err:
        prep.meeting_prepare(meeting=meeting, drafter=stranger, prep_meeting_on=None, by=SYSTEM)
    assert "drafter" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        prep.meeting_prepare(meeting=meeting, drafter=None, prep_meeting_on=dt.date(2026, 4, 5), by=SYSTEM)
    assert "prep_meeting_on" in err.value.error_dict


def test_the_meeting_keeps_the_earliest_publication_time(cast, meeting):
    first = prep.material_add(meeting=meeting, title="Dự thảo nghị quyết", file=pdf(), by=SYSTEM)
    assert Meeting.objects.get(pk=meeting.pk).materials_published_at is None
    prep.meeting_material_publish(material=first, by=SYSTEM)
    published = Meeting.objects.get(pk=meeting.pk).materials_published_at
    assert published == first.published_at
    second = prep.material_add(meeting=meeting, title="Báo cáo tháng", file=pdf("bao-cao.pdf"), publish=True, by=SYSTEM)
    assert second.published_at >= published
    assert Meeting.objects.get(pk=meeting.pk).materials_published_at == published
    prep.meeting_material_publish(material=first, by=SYSTEM)  # twice: no change
    assert Meeting.objects.get(pk=meeting.pk).materials_published_at == published


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("virus.exe", 10, "chỉ nhận tài liệu PDF, DOCX"),
        ("to.pdf", prep.MATERIAL_MAX_BYTES + 1, "tối đa 20 MB"),
    ],
)
def test_materials_are_pdf_docx_or_images_within_the_size_limit(meeting, name, size, message):
    upload = SimpleUploadedFile(name, b"x")
    upload.size = size
    with pytest.raises(ValidationError) as err:
        prep.material_add(meeting=meeting, title="Tệp", file=upload, by=SYSTEM)
    assert message in err.value.message_dict["file"][0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("trang.pdf", b"<html><script>alert(1)</script></html>", "Tệp: nội dung không phải tệp PDF."),
        ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "ảnh PNG hợp lệ"),
        ("van-ban.docx", b"PK\x03\x04 not a document", "nội dung không phải tệp Word (DOCX)"),
    ],
)
def test_a_material_is_checked_by_its_content_not_its_name(meeting, name, data, message):
    with pytest.raises(ValidationError) as err:
        prep.material_add(meeting=meeting, title="Tệp", file=SimpleUploadedFile(name, data), by=SYSTEM)
    assert message in err.value.message_dict["file"][0]
    assert not meeting.materials.exists()


def test_real_files_of_each_type_are_accepted(meeting):
    from tests.files import PDF, PNG, docx

    for name, data in [("a.pdf", PDF), ("b.png", PNG), ("c.docx", docx())]:
        prep.material_add(meeting=meeting, title=name, file=SimpleUploadedFile(name, data), by=SYSTEM)
    assert meeting.materials.count() == 3


def test_a_member_reports_an_absence_and_edits_it_until_the_meeting_opens(cast, meeting):
    prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Đi khám bệnh", by=SYSTEM)
    prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Đi khám bệnh ở Bạch Mai", by=SYSTEM)
    assert AbsenceReport.objects.get(meeting=meeting, member=cast.member).reason == "Đi khám bệnh ở Bạch Mai"
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.OPEN)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        prep.absence_report_submit(meeting=meeting, member=cast.member, reason="Khác", by=SYSTEM)


def test_an_absence_for_a_meeting_of_another_cell_is_refused(cast):
    other = meeting_create(
        cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM
    )
    with pytest.raises(ValidationError, match="không thuộc danh sách"):
        prep.absence_report_submit(meeting=other, member=cast.member, reason="Bận", by=SYSTEM)
    with pytest.raises(ValidationError) as err:
        prep.absence_report_submit(meeting=other, member=cast.member, reason="", by=SYSTEM)
    assert "reason" in err.value.error_dict


def test_a_temporary_member_sees_the_host_cells_meetings_not_the_home_cells(cast):
    from chibo.members.services import membership_open

    membership_open(
        member=cast.member,
        cell=cast.other_cell,
        kind="temporary",
        valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2026, 9, 1),
        by=SYSTEM,
    )
    home = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)
    host = meeting_create(
        cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 4), by=SYSTEM
    )
    home_later = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 9, 3), by=SYSTEM
    )
    seen = set(member_meetings(cast.member))
    assert host in seen and home_later in seen and home not in seen
    prep.absence_report_submit(meeting=host, member=cast.member, reason="Ốm", by=SYSTEM)


def test_without_an_assigned_supervisor_the_checklist_keeps_the_gap(cast):
    meeting = meeting_create(
        cell=cast.other_cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM
    )
    prep.meeting_send_notice(meeting=meeting, by=SYSTEM)
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is not None and meeting.supervisor_notified_at is None
