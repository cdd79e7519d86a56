"""On a 360 px phone: a member reports progress on their task with a photo and marks it done; the cell's
secretary then evaluates it at the next meeting's "review tasks" step."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.resolutions import services
from chibo.resolutions.models import TaskNote, TaskStatus
from tests.browser.measure import open_menu
from tests.files import PNG  # a real (small) image: uploads are checked by content
from tests.resolutions.conftest import hold_meeting, local, open_meeting, task_rules  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_reports_a_task_on_a_phone_and_the_secretary_evaluates_it(
    live_server,
    phone,
    cast,
    task_rules,  # noqa: F811
):
    march = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    (task,) = services.task_assign(
        meeting=march,
        members=[cast.member],
        text="Vận động các hộ tổ 1 đóng quỹ khuyến học",
        due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    april = open_meeting(cast, task_rules, local(2025, 4, 2, 19, 30))
    page = phone

    # The member logs in and finds the task under "Nhiệm vụ của tôi".
    page.goto(f"{live_server.url}/dang-nhap/")
    login(page, "dangvien")
    open_menu(page)
    page.click("header >> text=Nhiệm vụ của tôi")
    page.wait_for_selector("h1:has-text('Nhiệm vụ của tôi')")
    assert fits(page)
    page.click("text=Vận động các hộ tổ 1 đóng quỹ khuyến học")
    page.wait_for_selector("h2:has-text('Báo cáo tiến độ')")
    assert "05/03/2025" in page.inner_text("main") and fits(page)

    # A progress note with a photo and a percentage.
    page.fill("#id_text", "Đã vận động 12/20 hộ, kèm ảnh sổ thu")
    page.fill("#id_progress", "60")
    page.set_input_files("#id_file", files=[{"name": "so-thu.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("button:has-text('Gửi báo cáo tiến độ')")
    page.wait_for_selector("text=Đã ghi nhận báo cáo tiến độ.")
    notes = page.inner_text("#ghi-nhan")
    assert "Đã vận động 12/20 hộ" in notes and "so-thu.png" in notes and "60%" in notes
    assert fits(page)

    # Then done, with one big button.
    page.click("button:has-text('Báo hoàn thành')")
    page.wait_for_selector("text=Đã báo hoàn thành nhiệm vụ")
    assert "chờ chi bộ đánh giá" in page.inner_text("#trang-thai")
    assert page.locator("#bao-cao").count() == 1 and fits(page)
    note = TaskNote.objects.get(task=task)
    assert note.progress == 60 and note.file.name.endswith("so-thu.png")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.DONE, 100)

    # The secretary opens the review step of April's meeting and evaluates the task as done.
    open_menu(page)
    page.click("button:has-text('Đăng xuất')")
    page.goto(live_server.url + reverse("resolutions:review", args=[april.pk]))
    login(page, "bithu")
    card = page.locator(f"#nv-{task.pk}")
    card.wait_for()
    text = card.inner_text()
    assert "Lê Văn An" in text and "Hoàn thành" in text and "Đã vận động 12/20 hộ" in text
    assert fits(page)
    card.get_by_label("Hoàn thành", exact=True).check()
    card.locator("textarea").fill("Hoàn thành tốt, vượt tiến độ")
    card.locator("button:has-text('Ghi đánh giá')").click()
    page.wait_for_selector("text=đã đánh giá nhiệm vụ")
    assert fits(page)

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.evaluated_in_id == april.pk
    assert task.evaluation == "Hoàn thành tốt, vượt tiến độ" and task.evaluated_by == cast.leader_user
