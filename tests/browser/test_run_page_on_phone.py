"""Issue 16 on a 360 × 780 phone: the run page as a sequence (the current step on the first screen, the done
ones folded, the progress always in sight), the check-in QR code filling the screen, and the roll call with
an excused absence in two taps. No tap target under 44 × 44 px, no text under 16 px, nothing sideways at 200%."""

import pytest

from chibo.meetings.models import AttendanceStatus
from tests.browser.measure import fits, shot, small_targets
from tests.factories import make_member
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import opened, rule_set_with_steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"
SCREEN = 780

# The sixteen steps of an HD 42 regular meeting, as a ward's rule set lists them.
HD42 = [
    ("purpose", "open", "Nêu lý do, giới thiệu đại biểu", True),
    ("minute_taker", "open", "Cử thư ký ghi biên bản", True),
    ("roll_call", "open", "Điểm danh đảng viên", True),
    ("fees", "open", "Báo cáo tình hình thu nộp đảng phí", True),
    ("agenda", "open", "Thông qua chương trình sinh hoạt", True),
    ("report", "content", "Báo cáo kết quả thực hiện nghị quyết tháng trước", True),
    ("task_review", "content", "Kiểm điểm việc thực hiện nhiệm vụ của từng đảng viên", True),
    ("briefing", "content", "Thông tin thời sự, vấn đề mới", True),
    ("discussion", "content", "Thảo luận, tự phê bình và phê bình", True),
    ("praise", "content", "Biểu dương, nhắc nhở (nếu có)", False),
    ("sum_up", "close", "Chủ trì tổng hợp ý kiến", True),
    ("assign_tasks", "close", "Phân công nhiệm vụ, thời hạn", True),
    ("requests", "close", "Trả lời kiến nghị", False),
    ("vote", "close", "Biểu quyết thông qua nghị quyết", True),
    ("score", "close", "Chấm điểm chất lượng buổi sinh hoạt", True),
    ("minutes", "close", "Thông qua biên bản", True),
]

# Visible text in smaller than `minimum` px (the parent element's computed size), described for a message.
SMALL_TEXT_JS = """
(minimum) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.visually-hidden, svg, script')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minimum - 0.01) found.push(`${el.tagName.toLowerCase()} "${node.textContent.trim().slice(0, 30)}" ${size}px`);
  }
  return found;
}
"""


def small_text(page, minimum=16):
    return page.evaluate(SMALL_TEXT_JS, minimum)


def login(page, base, username):
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def box(page, selector):
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def on_first_screen(page, selector) -> bool:
    b = box(page, selector)
    return b["y"] >= 0 and b["y"] + b["height"] <= SCREEN


@pytest.fixture
def meeting(cast):
    rules = rule_set_with_steps(
        cast.ward,
        code="HD42-P",
        name="Quy định phường (HD 42)",
        number="42-HD/BTCTW",
        steps=HD42,
        thematic={"code": "topic", "title": "Trình bày chuyên đề"},
    )
    for name in ("Nguyễn Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Đỗ Thị Gấm"):
        make_member(cast.cell, full_name=name)
    return opened(cast, rules, place="Nhà văn hóa tổ 1")


def test_the_run_page_is_a_sequence_with_the_current_step_on_the_first_screen(live_server, phone, meeting):
    page = phone
    login(page, live_server.url, "bithu")
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/dieu-hanh/")
    shot(page, "run-step-1")
    progress = page.locator("#tien-do")
    assert "Bước 1/16" in progress.inner_text() and "Nêu lý do" in progress.inner_text()
    assert on_first_screen(page, "#tien-do") and on_first_screen(page, "a:has-text('Hiện mã QR điểm danh')")
    assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)

    # Each tap marks the current step done and the next one becomes current, on the same screen (htmx).
    page.evaluate("window.__same_page = true")
    for order in range(1, 12):
        page.click("li.step.current button:has-text('Xong bước này')")
        page.wait_for_selector(f"li.step.current#buoc-{order + 1}")
        assert f"Bước {order + 1}/16" in progress.inner_text()
        assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')"), order
    assert page.evaluate("window.__same_page === true")
    assert meeting.steps.filter(done=True).count() == 11
    assert page.evaluate("document.querySelector('#tien-do progress').value") == 11
    shot(page, "run-step-12")
    # The steps done are folded behind one line; opened, each is one line, and opens to its notes.
    assert not page.locator("#buoc-1").is_visible()
    page.click("summary:has-text('Đã xong 11 bước')")
    assert page.locator("#buoc-1 summary").is_visible()
    heights = page.evaluate(
        "[...document.querySelectorAll('.steps-done li.step')].map(li => li.offsetHeight)"
    )
    assert len(heights) == 11 and max(heights) <= 56  # one line of 16 px text in a 44 px row
    page.click("#buoc-3 summary")
    assert page.locator("#buoc-3 button:has-text('Bỏ đánh dấu đã xong')").is_visible()
    shot(page, "run-done-review")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)

    # Reloaded (a plain page load), the current step is still on the first screen; far down the page
    # the progress stays in sight and takes the secretary back to the current step.
    page.reload()
    assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')")
    page.locator("#ket-thuc").scroll_into_view_if_needed()
    assert on_first_screen(page, "#tien-do") and "Bước 12/16" in progress.inner_text()
    shot(page, "run-scrolled")
    page.click("#tien-do")
    assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)

    # A later step marked from far down the page: the sequence goes back to the current step, in view.
    page.locator("#buoc-14").scroll_into_view_if_needed()
    page.click("#buoc-14 summary")
    page.click("#buoc-14 button:has-text('Xong bước này')")
    page.wait_for_selector("#buoc-14.done")
    page.wait_for_selector("li.step.current .step-done:focus")  # run.js: the current step has the focus
    assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')")
    assert "Bước 12/16" in progress.inner_text()
    assert page.evaluate("document.querySelector('#tien-do progress').value") == 12

    # At 200% text size nothing overflows sideways.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert fits(page) and page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 32
    shot(page, "run-200")
    assert small_targets(page) == []


def test_the_qr_code_fills_the_phone_screen(live_server, phone, meeting):
    page = phone
    login(page, live_server.url, "bithu")
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/dieu-hanh/")
    page.click("a:has-text('Hiện mã QR điểm danh')")
    page.wait_for_selector(".qr-screen svg")
    shot(page, "qr-full")
    qr = box(page, ".qr-screen svg")
    assert qr["width"] >= 0.9 * 360 and qr["x"] >= 0 and qr["x"] + qr["width"] <= 360
    assert qr["y"] + qr["height"] <= SCREEN  # the whole code on the first screen
    assert "Chi bộ" in page.inner_text(".qr-screen") or meeting.cell.name in page.inner_text(".qr-screen")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert fits(page)
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.click("a:has-text('Quay lại các bước')")
    page.wait_for_selector("li.step.current")


def test_an_excused_absence_takes_two_taps_in_the_roll_call(live_server, phone, cast, meeting):
    page = phone
    login(page, live_server.url, "bithu")
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/diem-danh/")
    shot(page, "roll-call")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)
    line = meeting.attendances.get(member__full_name="Phạm Thị Dung")
    row = page.locator(f"#dd-{line.pk}")
    row.locator("button:has-text('Vắng có lý do')").click()  # tap 1
    row.locator("button:has-text('Ốm đau')").wait_for()
    shot(page, "roll-call-reasons")
    assert small_targets(page) == [] and small_text(page) == [] and fits(page)
    row.locator("button:has-text('Ốm đau')").click()  # tap 2
    page.wait_for_selector(f"#dd-{line.pk} >> text=Vắng có lý do · Ốm đau")
    line.refresh_from_db()
    assert line.status == AttendanceStatus.EXCUSED and line.reason == "Ốm đau"
    # Present and absent without a reason stay one tap.
    other = meeting.attendances.get(member__full_name="Hoàng Văn Em")
    page.click(f"#dd-{other.pk} button:has-text('Vắng không lý do')")
    page.wait_for_selector(f"#dd-{other.pk}.absent")
    other.refresh_from_db()
    assert other.status == AttendanceStatus.UNEXCUSED
    shot(page, "roll-call-marked")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert fits(page)
    shot(page, "roll-call-200")


def test_without_javascript_the_sequence_and_the_two_taps_work_by_plain_posts(
    live_server, browser, cast, meeting
):
    context = browser.new_context(
        viewport={"width": 360, "height": 780},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        java_script_enabled=False,
    )
    page = context.new_page()
    try:
        login(page, live_server.url, "bithu")
        page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/dieu-hanh/")
        page.click("li.step.current button:has-text('Xong bước này')")
        page.wait_for_selector("li.step.current#buoc-2")
        assert page.url.endswith("#buoc-2") and "Bước 2/16" in page.inner_text("#tien-do")
        assert on_first_screen(page, "li.step.current button:has-text('Xong bước này')")
        assert small_targets(page) == [] and fits(page)

        page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/diem-danh/")
        line = meeting.attendances.get(member__full_name="Đỗ Thị Gấm")
        page.click(f"#dd-{line.pk} button:has-text('Vắng có lý do')")  # tap 1: the roll call again, asking
        page.click(f"#dd-{line.pk} button:has-text('Tuổi cao, sức yếu')")  # tap 2
        page.wait_for_selector(f"#dd-{line.pk} >> text=Vắng có lý do · Tuổi cao, sức yếu")
        line.refresh_from_db()
        assert line.status == AttendanceStatus.EXCUSED and line.reason == "Tuổi cao, sức yếu"
    finally:
        context.close()
