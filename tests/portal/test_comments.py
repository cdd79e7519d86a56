"""A reader's comment: captcha, moderation, rate limits, and the phone number that never goes public."""

import pytest
from django.test import override_settings

from chibo.audit.models import AuditEntry
from chibo.portal import rules
from chibo.portal.models import Comment, CommentStatus
from chibo.portal.services import comment_moderate
from tests.portal.conftest import comment_data, post_comment, url

pytestmark = pytest.mark.django_db


def test_a_visitor_without_login_sends_a_comment_that_waits_for_moderation(client, ward_article):
    response = post_comment(client, ward_article)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "đang chờ duyệt" in page
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING and comment.phone == "0912345678"
    # Pending comments are not on the page.
    assert "Ý kiến bạn đọc" not in page and "Nguyễn Văn Đọc" not in page
    # The address is kept as a keyed hash, not as the IP.
    assert (
        comment.address_hash == rules.address_hash("203.0.113.5")
        and "203.0.113.5" not in comment.address_hash
    )
    entry = AuditEntry.objects.get(model="portal.comment")
    assert entry.org_path == ward_article.publisher.path and entry.user is None


def test_a_missing_captcha_is_refused_with_a_message(client, ward_article):
    response = post_comment(client, ward_article, captcha="")
    assert response.status_code == 200
    assert "Mã xác nhận: không được để trống." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_wrong_captcha_is_refused_and_the_typed_text_is_kept(client, ward_article):
    data = comment_data(client, ward_article)
    data["captcha"] = "00000" if data["captcha"] != "00000" else "11111"
    response = client.post(ward_article.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Mã xác nhận không đúng" in html
    assert "Bài viết rất bổ ích." in html  # the reader does not type it all again
    assert not Comment.objects.exists()


def test_a_forged_or_missing_captcha_token_is_refused(client, ward_article):
    data = comment_data(client, ward_article)
    data["captcha_token"] = "gia-mao"
    response = client.post(ward_article.get_absolute_url(), data)
    assert "Mã xác nhận đã hết hạn" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_captcha_is_used_once(client, ward_article):
    data = comment_data(client, ward_article)
    assert client.post(ward_article.get_absolute_url(), data).status_code == 302
    again = client.post(ward_article.get_absolute_url(), data)
    assert "Mã xác nhận này đã được dùng" in again.content.decode()
    assert Comment.objects.count() == 1


def test_one_captcha_takes_a_few_wrong_answers_then_must_be_replaced(client, ward_article):
    """A script cannot guess with one image: after CAPTCHA_MAX_WRONG wrong answers even the right one is
    refused, and the page offers a new image each time."""
    data = comment_data(client, ward_article)
    right = data["captcha"]
    wrong = [f"{n:05d}" for n in range(10) if f"{n:05d}" != right]
    for guess in wrong[: rules.CAPTCHA_MAX_WRONG]:
        page = client.post(ward_article.get_absolute_url(), {**data, "captcha": guess}).content.decode()
        assert "Mã xác nhận không đúng" in page
    refused = client.post(ward_article.get_absolute_url(), data).content.decode()
    assert "đã bị nhập sai nhiều lần" in refused
    assert not Comment.objects.exists()
    # A fresh image is accepted as before.
    assert client.post(ward_article.get_absolute_url(), comment_data(client, ward_article)).status_code == 302


def test_a_wrong_answer_below_the_limit_does_not_spend_the_captcha(client, ward_article):
    data = comment_data(client, ward_article)
    wrong = "00000" if data["captcha"] != "00000" else "11111"
    client.post(ward_article.get_absolute_url(), {**data, "captcha": wrong})
    assert client.post(ward_article.get_absolute_url(), data).status_code == 302


def test_the_captcha_image_is_drawn_locally_as_a_png(client, ward_article):
    data = comment_data(client, ward_article)
    response = client.get(url("captcha", data["captcha_token"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert client.get(url("captcha", "gia-mao")).status_code == 404


def test_missing_fields_are_named_in_vietnamese(client, ward_article):
    response = post_comment(client, ward_article, name="", title="", content="", phone="abc")
    html = response.content.decode()
    assert "Họ tên: không được để trống." in html
    assert "Tiêu đề: không được để trống." in html
    assert "Nội dung: không được để trống." in html
    assert "Số điện thoại: không hợp lệ" in html
    assert not Comment.objects.exists()


def test_approved_comments_appear_pending_and_rejected_do_not(client, cast, ward_article):
    for title in ("Được duyệt", "Chờ duyệt mãi", "Bị từ chối"):
        post_comment(client, ward_article, title=title, address=f"198.51.100.{len(title)}")
    comments = {c.title: c for c in Comment.objects.all()}
    comment_moderate(comment=comments["Được duyệt"], approve=True, by=cast.staff)
    comment_moderate(comment=comments["Bị từ chối"], approve=False, by=cast.staff)
    html = client.get(ward_article.get_absolute_url()).content.decode()
    assert "Được duyệt" in html and "Nguyễn Văn Đọc" in html
    assert "Chờ duyệt mãi" not in html and "Bị từ chối" not in html


def test_the_phone_number_is_never_on_the_public_page(client, cast, ward_article):
    post_comment(client, ward_article, phone="0987654321")
    comment_moderate(comment=Comment.objects.get(), approve=True, by=cast.staff)
    html = client.get(ward_article.get_absolute_url()).content.decode()
    assert "Ý kiến bạn đọc" in html
    assert "0987654321" not in html and "987654321" not in html


def test_the_fourth_comment_within_ten_minutes_from_one_address_gets_429(client, ward_article):
    for n in range(3):
        assert post_comment(client, ward_article, title=f"Lần {n}").status_code == 302
    response = post_comment(client, ward_article, title="Lần thứ tư")
    assert response.status_code == 429
    assert "quá nhiều bình luận" in response.content.decode()
    assert Comment.objects.count() == 3
    # Another address is not affected.
    assert post_comment(client, ward_article, address="192.0.2.77").status_code == 302


def test_the_daily_limit_counts_older_comments_of_the_day(client, ward_article):
    from django.utils import timezone

    for n in range(20):
        Comment.objects.create(
            article=ward_article,
            name="A",
            title=f"{n}",
            content="x",
            address_hash=rules.address_hash("203.0.113.5"),
        )
    Comment.objects.update(created_at=timezone.now() - timezone.timedelta(hours=2))
    assert post_comment(client, ward_article).status_code == 429


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, ward_article):
    for n in range(3):
        post_comment(client, ward_article, title=f"{n}")
    data = comment_data(client, ward_article)
    spoofed = client.post(
        ward_article.get_absolute_url(), data, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert spoofed.status_code == 429  # a client cannot escape the limit by sending the header
    with override_settings(CHIBO_TRUSTED_PROXY=True):
        data = comment_data(client, ward_article)
        behind_proxy = client.post(
            ward_article.get_absolute_url(), data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
    assert behind_proxy.status_code == 302
    assert Comment.objects.filter(address_hash=rules.address_hash("192.0.2.1")).exists()


def test_a_draft_takes_no_comments_and_is_not_public(client, cast):
    from tests.portal.conftest import make_article

    draft = make_article(cast.ward, publish=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(draft.get_absolute_url(), {"name": "x"}).status_code == 404
