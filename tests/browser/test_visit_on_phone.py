"""On a 360 px phone: the assigned supervisor opens the meeting page, records a visit with ratings and one
recommendation with a due date; the cell's secretary answers it; the supervisor closes it."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.supervision import services
from chibo.supervision.models import Recommendation, RecommendationStatus, Visit
from tests.browser.measure import open_menu
from tests.resolutions.conftest import hold_meeting, local, task_rules  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_supervisor_records_a_visit_with_a_recommendation_on_a_phone(
    live_server,
    phone,
    cast,
    task_rules,  # noqa: F811
):
    meeting = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell,
        valid_from=dt.date(2025, 1, 1),
        by=cast.staff,
    )
    page = phone

    # The supervisor opens the meeting page and finds the button.
    page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    login(page, "phutrach")
    page.click("a:has-text('Ghi nhận dự sinh hoạt')")
    page.wait_for_selector("h1:has-text('Ghi nhận dự sinh hoạt')")
    assert "05/03/2025" in page.inner_text("main") and fits(page)

    # Five ratings as radio buttons, a comment, what to fix, and one recommendation with a due date.
    for aspect, rating in (
        ("preparation", "Tốt"),
        ("procedure", "Khá"),
        ("attendance", "Tốt"),
        ("content", "Trung bình"),
        ("chairing", "Tốt"),
    ):
        page.locator(f"#muc-{aspect}").get_by_label(rating, exact=True).check()
    page.fill("#id_content_comment", "Nội dung còn chung chung")
    page.fill("#id_to_fix", "Thảo luận còn ít người phát biểu")
    page.fill("#id_rec_text", "Mỗi buổi có ít nhất 5 đồng chí phát biểu")
    page.fill("#id_rec_due_on", "05/04/2025")
    assert fits(page)
    page.click("button:has-text('Ghi nhận')")
    page.wait_for_selector("text=Đã ghi nhận dự sinh hoạt.")
    main = page.inner_text("main")
    assert "Trung bình" in main and "Nội dung còn chung chung" in main and "05/04/2025" in main
    assert fits(page)
    visit = Visit.objects.get()
    assert (visit.supervisor, visit.procedure, visit.content) == (cast.supervisor, "fair", "average")
    rec = Recommendation.objects.get()
    assert (rec.due_on, rec.status) == (dt.date(2025, 4, 5), RecommendationStatus.OPEN)

    # The cell's secretary sees it on the cell's page and answers.
    open_menu(page)
    page.click("button:has-text('Đăng xuất')")
    page.goto(live_server.url + reverse("orgs:detail", args=[cast.cell.pk]))
    login(page, "bithu")
    page.click("#giam-sat >> text=Mỗi buổi có ít nhất 5 đồng chí phát biểu")
    page.wait_for_selector("h2:has-text('Trả lời kiến nghị')")
    assert fits(page)
    page.fill("#id_answer", "Chi bộ đã phân công trước người phát biểu")
    page.click("button:has-text('Gửi trả lời')")
    page.wait_for_selector("text=Đã gửi trả lời kiến nghị.")
    assert "Chi bộ đã trả lời" in page.inner_text("#trang-thai") and fits(page)

    # The supervisor closes it.
    open_menu(page)
    page.click("button:has-text('Đăng xuất')")
    page.goto(live_server.url + reverse("supervision:recommendation", args=[rec.pk]))
    login(page, "phutrach")
    assert "Chi bộ đã phân công trước người phát biểu" in page.inner_text("#tra-loi")
    page.fill("#id_note", "Đạt yêu cầu")
    page.click("button:has-text('Kết thúc kiến nghị')")
    page.wait_for_selector("text=Đã kết thúc kiến nghị.")
    assert "Đã kết thúc" in page.inner_text("#trang-thai") and fits(page)
    rec.refresh_from_db()
    assert (rec.status, rec.closed_by, rec.answered_by) == (
        RecommendationStatus.CLOSED,
        cast.supervisor,
        cast.leader_user,
    )
