"""On a 360 px phone: a visitor, without logging in, reads an article of the ward's portal and sends a
comment with the captcha; it waits for moderation; the ward's staff approve it; the visitor reloads and
sees it (without the phone number)."""

import pytest

from chibo.portal import rules
from chibo.portal.models import Comment, CommentStatus
from tests.portal.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_visitor_posts_a_comment_that_appears_after_moderation(live_server, phone, browser, cast):
    article = make_article(
        cast.ward,
        title="Nâng cao chất lượng sinh hoạt chi bộ trong tình hình mới",
        body="Đề án số 11-ĐA/TU xác định rõ mục tiêu, yêu cầu, phạm vi và nguyên tắc thực hiện.",
        by=cast.staff,
    )
    page = phone
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_selector("h1:has-text('Nâng cao chất lượng sinh hoạt chi bộ')")
    assert "1 lượt xem" in page.inner_text("main") and fits(page)
    # The captcha image is drawn by this site.
    assert page.evaluate("document.getElementById('anh-ma-xac-nhan').naturalWidth") > 0

    page.fill("#id_name", "Nguyễn Thị Bạn Đọc")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_title", "Mong có thêm tài liệu")
    page.fill("#id_content", "Đề nghị Đảng ủy gửi tài liệu sinh hoạt sớm hơn.")
    # The test hook: the digits in the image follow from the form's token.
    token = page.get_attribute("input[name=captcha_token]", "value")
    page.fill("#id_captcha", rules.captcha_answer(rules.captcha_key(token)))
    page.click("button:has-text('Gửi bình luận')")
    page.wait_for_selector("text=đang chờ duyệt")
    assert "Mong có thêm tài liệu" not in page.inner_text("#binh-luan") and fits(page)
    assert Comment.objects.get().status == CommentStatus.PENDING

    # The ward's staff approve it from the moderation queue, on a phone too.
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    staff = context.new_page()
    staff.goto(f"{live_server.url}/dang-nhap/?next=/cong-thong-tin/duyet/")
    staff.fill("#id_username", "canbo")
    staff.fill("#id_password", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_selector("h1:has-text('Duyệt bình luận')")
    assert "Duyệt bình luận (1)" in staff.text_content("header")
    item = staff.locator("li.line", has_text="Mong có thêm tài liệu")
    assert "0912 345 678" in item.inner_text() and fits(staff)
    item.locator("button:has-text('Duyệt')").first.click()
    staff.wait_for_selector("text=Đã duyệt bình luận")
    assert "Duyệt bình luận (0)" in staff.text_content("header")
    context.close()

    page.reload()
    comments = page.inner_text("#binh-luan")
    assert "Mong có thêm tài liệu" in comments and "Nguyễn Thị Bạn Đọc" in comments
    assert "0912 345 678" not in page.content() and fits(page)
