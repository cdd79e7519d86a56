"""The committee's pages: write, publish, moderate; scoped to the committee's subtree."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.audit.models import AuditEntry
from chibo.portal.models import Article, ArticleStatus, Comment, CommentStatus
from tests.portal.conftest import PNG, make_article, post_comment, url

pytestmark = pytest.mark.django_db


def test_ward_staff_write_a_draft_add_an_image_and_publish_it(client, cast):
    client.force_login(cast.staff)
    response = client.post(
        url("new"),
        {
            "publisher": cast.ward.pk,
            "title": "Hướng dẫn sinh hoạt chi bộ tháng 5",
            "summary": "Nội dung định hướng.",
            "body": "Các chi bộ **tập trung** kiểm điểm nghị quyết.",
            "author_name": "Văn phòng Đảng ủy",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == url("edit", article.pk)
    assert article.status == ArticleStatus.DRAFT and article.slug == "huong-dan-sinh-hoat-chi-bo-thang-5"
    assert client.get(article.get_absolute_url()).status_code == 404  # a draft is not public yet
    client.post(url("image_add", article.pk), {"file": SimpleUploadedFile("a.png", PNG), "caption": "Ảnh"})
    assert article.images.count() == 1
    client.post(url("publish", article.pk), {"action": "publish"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None
    entry = AuditEntry.objects.filter(model="portal.article").order_by("-pk").first()
    assert (
        entry.user == cast.staff
        and entry.before["status"] == "draft"
        and entry.after["status"] == "published"
    )
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_rejected_image_gets_a_clear_message(client, cast):
    article = make_article(cast.ward)
    client.force_login(cast.staff)
    response = client.post(
        url("image_add", article.pk), {"file": SimpleUploadedFile("a.png", b"%PDF-1.4 nope")}, follow=True
    )
    assert "Ảnh: không đọc được tệp ảnh" in response.content.decode() and not article.images.exists()


def test_a_refused_image_keeps_the_caption_typed(client, cast):
    article = make_article(cast.ward)
    client.force_login(cast.staff)
    caption = "Toàn cảnh buổi sinh hoạt chi bộ tháng 5"
    response = client.post(
        url("image_add", article.pk), {"file": SimpleUploadedFile("a.png", b"%PDF-1.4 nope"), "caption": caption}
    )
    # The edit page again, not a redirect to an empty form: the caption is still in its box.
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index(f'action="{url("image_add", article.pk)}"') :]
    form = form[: form.index("</form>")]
    assert f'name="caption" value="{caption}"' in form
    assert "Ảnh: không đọc được tệp ảnh" in form and "hãy chọn lại tệp ảnh" in form
    assert f'value="{article.title}"' in html  # the article's own form is the saved article
    without = client.post(url("image_add", article.pk), {"caption": caption}).content.decode()
    assert "Ảnh: không được để trống." in without and f'value="{caption}"' in without
    assert not article.images.exists()


def test_staff_cannot_publish_for_a_sibling_committee(client, cast):
    client.force_login(cast.outsider)
    response = client.post(url("new"), {"publisher": cast.ward.pk, "title": "x", "body": "y"})
    assert response.status_code == 200 and "lựa chọn không hợp lệ" in response.content.decode()
    assert not Article.objects.exists()


def test_a_cell_leader_or_member_has_no_committee_to_write_for(client, cast):
    client.force_login(cast.leader_user)
    assert client.get(url("new")).status_code == 404
    assert "Chỉ cán bộ cấp ủy" in client.get(url("manage")).content.decode()


@pytest.mark.parametrize("who", ["outsider", "sibling_leader", "leader_user", "member_user", "supervisor"])
def test_others_get_404_on_the_committees_article_pages(client, cast, who):
    article = make_article(cast.ward)
    client.force_login(getattr(cast, who))
    assert client.get(url("edit", article.pk)).status_code == 404
    assert client.post(url("publish", article.pk), {"action": "unpublish"}).status_code == 404
    assert client.post(url("image_add", article.pk), {}).status_code == 404
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_the_city_staff_manage_the_wards_articles_too(client, cast):
    from tests.factories import RoleKind, make_user

    city_staff = make_user("canbo_tp", role=RoleKind.STAFF, org=cast.city)
    article = make_article(cast.ward)
    client.force_login(city_staff)
    assert client.get(url("edit", article.pk)).status_code == 200


def test_the_moderation_queue_is_scoped_and_shows_the_phone_only_to_the_committee(client, cast):
    ours = make_article(cast.ward, title="Bài của Ba Đình")
    theirs = make_article(cast.ward2, title="Bài của Hoàn Kiếm")
    post_comment(client, ours, title="Hỏi Ba Đình", phone="0911000111", address="198.51.100.1")
    post_comment(client, theirs, title="Hỏi Hoàn Kiếm", phone="0922000222", address="198.51.100.2")
    client.force_login(cast.staff)
    html = client.get(url("moderation")).content.decode()
    assert "Hỏi Ba Đình" in html and "0911000111" in html
    assert "Hỏi Hoàn Kiếm" not in html and "0922000222" not in html
    client.force_login(cast.outsider)
    html = client.get(url("moderation")).content.decode()
    assert "Hỏi Hoàn Kiếm" in html and "0911000111" not in html and "Hỏi Ba Đình" not in html


def test_staff_approve_and_reject_with_an_audit_entry(client, cast, ward_article):
    post_comment(client, ward_article, title="Một", address="198.51.100.1")
    post_comment(client, ward_article, title="Hai", address="198.51.100.2")
    one, two = Comment.objects.order_by("pk")
    client.force_login(cast.staff)
    client.post(url("moderate", one.pk), {"decision": "approve"})
    client.post(url("moderate", two.pk), {"decision": "reject"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == CommentStatus.APPROVED and one.moderated_by == cast.staff
    assert two.status == CommentStatus.REJECTED and two.moderated_at is not None
    entries = AuditEntry.objects.filter(model="portal.comment", user=cast.staff)
    assert {e.after["status"] for e in entries} == {"approved", "rejected"}
    html = client.get(url("moderation"), {"trang-thai": "da-duyet"}).content.decode()
    assert "Một" in html


@pytest.mark.parametrize("who", ["outsider", "sibling_leader", "leader_user", "supervisor"])
def test_others_cannot_moderate_the_wards_comments(client, cast, ward_article, who):
    post_comment(client, ward_article)
    comment = Comment.objects.get()
    client.force_login(getattr(cast, who))
    assert client.post(url("moderate", comment.pk), {"decision": "approve"}).status_code == 404
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_the_menu_shows_the_portal_and_the_pending_count_to_moderators(client, cast, ward_article):
    post_comment(client, ward_article)
    client.force_login(cast.staff)
    html = client.get(url("manage")).content.decode()
    assert "Cổng thông tin" in html and "Duyệt bình luận (1)" in html
    client.force_login(cast.outsider)
    assert "Duyệt bình luận (0)" in client.get(url("manage")).content.decode()
    client.force_login(cast.member_user)
    html = client.get(url("manage")).content.decode()
    assert "Cổng thông tin" in html and "Duyệt bình luận" not in html


def test_the_organisation_page_lists_the_committees_latest_articles(client, cast, ward_article):
    client.force_login(cast.staff)
    html = client.get(cast.ward.get_absolute_url()).content.decode()
    assert "Bài viết trên cổng thông tin" in html and ward_article.title in html and "Viết bài" in html


def test_staff_edit_an_article_and_the_slug_and_body_follow(client, cast, ward_article):
    client.force_login(cast.staff)
    assert client.get(url("edit", ward_article.pk)).status_code == 200
    response = client.post(
        url("edit", ward_article.pk),
        {"title": "Tiêu đề đã sửa", "summary": "", "body": "Đoạn *mới*.", "author_name": "Thu Hằng"},
    )
    assert response.status_code == 302
    ward_article.refresh_from_db()
    assert ward_article.slug == "tieu-de-da-sua" and ward_article.body_html == "<p>Đoạn <em>mới</em>.</p>"
    empty = client.post(url("edit", ward_article.pk), {"title": "", "body": ""})
    assert "Tiêu đề: không được để trống." in empty.content.decode()
