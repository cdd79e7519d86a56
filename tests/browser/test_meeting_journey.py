"""Issue 3, "Done when": the whole meeting journey on a 360 px phone, only by tapping and typing.

A cell leader goes from their cell to its schedule, plans a meeting, prepares it (drafter, committee
meeting, notice with an .ics invitation, a published material), runs every step, takes the roll call,
records a vote, closes the meeting, builds and approves the minutes and downloads the DOCX and the PDF.
A member checks in on their own phone through the link beside the QR code while the meeting is open.
Screenshots of the key screens go to /tmp/journey-*.png.
"""

import datetime as dt
import io
import subprocess

import pytest
from django.core import mail
from django.utils import timezone
from docx import Document

from chibo.common.dates import today
from chibo.meetings.models import AttendanceStatus, Meeting, MeetingStatus, MinutesStatus
from chibo.members.models import Member
from tests.factories import make_member
from tests.meetings.running_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}

CHAIR = "Trần Thị Bình"  # the cell's secretary (the leader's own member record)
TAKER = "Nguyễn Thị Ánh Tuyết"
QR_MEMBER = "Lê Văn An"  # member_user: checks in with the QR link
ABSENT = "Phạm Quốc Hùng"
LATE_MARKED = "Đỗ Thị Hương"  # left unmarked, then "everyone else present"


def small_pdf() -> bytes:
    """A one-page PDF, built by hand (no library needed)."""
    stream = b"BT /F1 18 Tf 40 100 Td (Du thao nghi quyet) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


class Clock:
    """The server's clock (django.utils.timezone.now, also in the live server's thread) moved to a chosen
    local time of today and ticking from there: the journey runs the evening meeting in the evening,
    since a start or end ahead of the clock is refused. Only the time of day moves, never the date."""

    def __init__(self, monkeypatch):
        self.real = timezone.now
        self.offset = dt.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self.real() + self.offset)

    def set(self, hour: int, minute: int) -> None:
        day = timezone.localdate(self.real())
        self.offset = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))) - self.real()


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def screen(page, name):
    """Nothing on the screen is wider than the phone; keep a picture of it."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"/tmp/journey-{name}.png", full_page=True)
    assert width <= 360, f"{name}: the page is {width} px wide on a 360 px phone"


def test_leader_plans_prepares_runs_and_minutes_a_meeting_on_a_phone(
    live_server, phone, browser, cast, run_rules, tmp_path, monkeypatch
):
    clock = Clock(monkeypatch)
    clock.set(8, 0)  # planned and prepared in the morning for 19:30
    for name in (TAKER, ABSENT, LATE_MARKED):
        make_member(cast.cell, full_name=name)
    for i, member in enumerate(Member.objects.filter(memberships__cell=cast.cell).distinct()):
        Member.objects.filter(pk=member.pk).update(email=f"dangvien{i}@example.vn")
    day = today()
    mail.outbox.clear()
    page = phone

    # --- The leader logs in and lands on their first screen: no meeting planned yet. -------------
    page.goto(f"{live_server.url}/dang-nhap/")
    login(page, "bithu")
    page.wait_for_selector("section.next-meeting:has-text('Chưa có buổi sinh hoạt nào được lên lịch')")
    screen(page, "01-home")

    # --- Schedule → a new meeting. ---------------------------------------------------------------
    page.click("a.button:text-is('Lịch sinh hoạt')")
    page.wait_for_selector(f"h1:has-text('Lịch sinh hoạt năm {day.year}')")
    screen(page, "02-schedule")
    page.click("a:has-text('+ Thêm buổi')")
    page.wait_for_selector("h1:has-text('Thêm buổi sinh hoạt')")
    page.fill("#id_day", f"{day:%d/%m/%Y}")
    assert page.input_value("#id_time") == "19:30"
    page.fill("#id_place", "Nhà văn hóa tổ dân phố số 1")
    page.fill("#id_topic", "Sơ kết công tác tháng, triển khai nhiệm vụ tháng tới")
    screen(page, "03-create")
    page.click("button:has-text('Thêm')")
    page.wait_for_selector("text=Đã thêm buổi sinh hoạt.")
    screen(page, "04-detail-planned")
    meeting = Meeting.objects.get(cell=cast.cell)
    assert meeting.status == MeetingStatus.PLANNED and meeting.rule_set == run_rules

    # --- Preparation. -------------------------------------------------------------------------------
    page.click("a.button:has-text('Chuẩn bị')")
    page.wait_for_selector("h2:has-text('1. Dự thảo và họp chi ủy')")
    page.select_option("#id_drafter", label=TAKER)
    page.fill("#id_prep_meeting_on", f"{day:%d/%m/%Y}")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=Đã lưu công tác chuẩn bị.")

    page.click("button:has-text('Gửi thông báo')")
    page.wait_for_selector("text=Đã gửi thông báo")
    assert len(mail.outbox) >= 5
    invitation = mail.outbox[0]
    assert any(
        name.endswith(".ics") and "BEGIN:VCALENDAR" in str(body) for name, body, _ in invitation.attachments
    )

    page.click("a:has-text('+ Thêm tài liệu')")
    page.wait_for_selector("h1:has-text('Thêm tài liệu sinh hoạt')")
    page.fill("#id_title", "Dự thảo nghị quyết tháng")
    pdf = tmp_path / "du-thao-nghi-quyet.pdf"
    pdf.write_bytes(small_pdf())
    page.set_input_files("#id_file", str(pdf))
    screen(page, "05-material")
    page.click("button:has-text('Thêm')")
    page.wait_for_selector("text=Đã thêm tài liệu.")
    page.click("button:has-text('Gửi cho đảng viên')")
    page.wait_for_selector("text=Đã gửi tài liệu “Dự thảo nghị quyết tháng” cho đảng viên.")
    checklist = page.locator("ul.checklist li")
    assert checklist.count() == 5
    assert page.locator("ul.checklist .badge.ok").count() == 5, page.inner_text("ul.checklist")
    screen(page, "06-prepared")
    meeting.refresh_from_db()
    assert meeting.drafter.full_name == TAKER and meeting.prep_meeting_on == day
    assert meeting.notice_sent_at and meeting.materials_published_at

    # --- Open the meeting. -------------------------------------------------------------------------
    clock.set(19, 32)
    page.click("a.button:has-text('← Buổi sinh hoạt')")
    page.wait_for_selector("#meeting-pages")
    page.click("#meeting-pages >> text=Điều hành buổi sinh hoạt")
    page.wait_for_selector("h2:has-text('Bắt đầu buổi sinh hoạt')")
    assert page.input_value("#id_start") == "19:30"
    page.select_option("#id_chair", label=CHAIR)
    page.select_option("#id_minute_taker", label=TAKER)
    screen(page, "07-start")
    page.click("button:has-text('Bắt đầu buổi sinh hoạt')")
    page.wait_for_selector("text=Các bước sinh hoạt")

    # Every step, one tap each.
    steps = page.locator("ol.steps > li")
    assert steps.count() == len(STEPS)  # noqa: F405
    for order in range(1, len(STEPS) + 1):  # noqa: F405
        page.click(f"#buoc-{order} button:has-text('Xong bước này')")
        page.wait_for_selector(f"#buoc-{order}.done", state="attached")  # folded among the steps done
    # One speaker and the gist of what they said.
    page.select_option("#id_speaker", label=CHAIR)
    page.select_option("#id_step", label="Báo cáo kết quả tháng trước")
    page.fill("#id_gist", "Đồng chí Bí thư báo cáo kết quả tháng trước: hoàn thành 5/6 nhiệm vụ.")
    page.click("button:has-text('Ghi ý kiến')")
    page.wait_for_selector("text=Đã ghi ý kiến phát biểu.")
    assert "hoàn thành 5/6 nhiệm vụ" in page.inner_text("#phat-bieu")
    screen(page, "08-run")

    # --- A member checks in with the link beside the QR code, on their own phone. -------------------
    page.click("text=Hiện mã QR điểm danh")
    page.wait_for_selector(".qr-screen svg")
    assert page.locator(".qr svg").count() == 1
    screen(page, "09-qr")
    link = page.locator("a[href*='/co-mat/']").first.get_attribute("href")
    other = browser.new_context(**PHONE)
    try:
        member_page = other.new_page()
        member_page.goto(link)
        login(member_page, "dangvien")
        member_page.click("button:has-text('Tôi có mặt')")
        member_page.wait_for_selector("text=đã điểm danh có mặt")
        screen(member_page, "10-member-checked-in")
    finally:
        other.close()

    # --- Roll call: one absent with a reason, then everyone else present. ---------------------------
    page.click("text=← Quay lại các bước")
    page.click("nav.run-nav >> text=Điểm danh")
    page.wait_for_selector("#rate:has-text('Có mặt 3/5')")  # chair, minute-taker, the QR check-in
    absent = page.locator(f"li.line:has-text('{ABSENT}')")
    absent.locator("summary").click()
    absent.locator("input[name=reason]").fill("Đi công tác xa")
    absent.locator("input[name=accepted_by]").fill(CHAIR)
    absent.locator("button:has-text('Vắng có lý do')").click()
    page.wait_for_selector(f"li.line:has-text('{ABSENT}') >> text=Đi công tác xa")
    page.click("button:has-text('Có mặt tất cả người chưa điểm danh (1)')")
    page.wait_for_selector("text=Đã ghi có mặt cho 1 đảng viên chưa điểm danh.")
    assert "Có mặt 4/5" in page.inner_text("#rate") and "80%" in page.inner_text("#rate")
    screen(page, "11-roll-call")

    # --- A vote that passes. ------------------------------------------------------------------------
    page.click("nav.run-nav >> text=Biểu quyết")
    page.wait_for_selector("h2:has-text('Ghi biểu quyết')")
    page.fill("#id_motion", "Thông qua nghị quyết tháng")
    page.fill("#id_in_favour", "4")
    page.click("button:has-text('Ghi kết quả')")
    page.wait_for_selector("text=được thông qua")
    screen(page, "12-vote")

    # --- Close the meeting (the end proposed is 19:30 + 90 minutes; it ended at 21:10). -------------
    clock.set(21, 12)
    page.click("nav.run-nav >> text=Các bước")
    page.wait_for_selector("#ket-thuc")
    assert page.input_value("#ket_thuc_day") == f"{day:%d/%m/%Y}"
    assert page.input_value("#ket_thuc_end") == "21:00"
    page.fill("#ket_thuc_end", "21:10")
    page.click("button:has-text('Kết thúc buổi sinh hoạt')")
    page.wait_for_selector("text=Buổi sinh hoạt đã kết thúc.")
    assert "đủ thời lượng" in page.inner_text("main")
    screen(page, "13-closed")

    # --- Minutes: build, read, approve, download. ------------------------------------------------------
    page.click("nav.run-nav >> text=Biên bản")
    page.wait_for_selector("h1:has-text('Biên bản sinh hoạt')")
    page.click("button:has-text('Lập dự thảo biên bản')")
    page.wait_for_selector("h1:has-text('Sửa dự thảo biên bản')")
    screen(page, "14-minutes-edit")
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_selector("text=Đã lưu dự thảo biên bản.")
    doc_text = page.inner_text(".minutes-doc")
    for text in ("ĐẢNG CỘNG SẢN VIỆT NAM", CHAIR, TAKER, ABSENT, "Đi công tác xa", "hoàn thành 5/6 nhiệm vụ"):
        assert text in doc_text, text
    # Approving locks the minutes: without the box ticked the server refuses and asks for it.
    page.click("button:has-text('Thông qua biên bản')")
    page.wait_for_selector("text=hãy đánh dấu “Tôi xác nhận")
    assert Meeting.objects.get(pk=meeting.pk).minutes.status == MinutesStatus.DRAFT
    screen(page, "15-minutes-approve-confirm")
    page.check("#id_confirm")
    page.click("button:has-text('Thông qua biên bản')")
    page.wait_for_selector("text=biên bản đã được khóa")
    screen(page, "16-minutes-approved")

    with page.expect_download() as info:
        page.click("a:has-text('Tải DOCX')")
    docx_path = tmp_path / "bien-ban.docx"
    info.value.save_as(docx_path)
    assert info.value.suggested_filename.endswith(".docx")
    document = Document(str(docx_path))
    words = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in words and CHAIR in words and TAKER in words

    with page.expect_download() as info:
        page.click("a:has-text('Tải PDF')")
    pdf_path = tmp_path / "bien-ban.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for name in (CHAIR, TAKER, ABSENT, "ĐẢNG CỘNG SẢN VIỆT NAM", "CHI BỘ TỔ DÂN PHỐ SỐ 1", "Đi công tác xa"):
        assert name in " ".join(text.split()), name

    # --- What was recorded. ---------------------------------------------------------------------------
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.checkin_token == ""
    assert meeting.steps.filter(done=False).count() == 0
    lines = {a.member.full_name: a for a in meeting.attendances.select_related("member")}
    assert lines[QR_MEMBER].checked_in_at is not None
    assert lines[ABSENT].status == AttendanceStatus.EXCUSED and lines[ABSENT].accepted_by == CHAIR
    assert lines[LATE_MARKED].status == AttendanceStatus.PRESENT
    assert meeting.votes.get().passed
    assert meeting.minutes.status == MinutesStatus.APPROVED
