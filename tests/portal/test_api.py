"""/api/v1/portal: public reading without login (never a phone), staff writing and moderating, scoped."""

import pytest

from chibo.portal.models import Article, ArticleStatus, Comment, CommentStatus
from chibo.portal.services import comment_moderate
from tests.portal.conftest import make_article, post_comment

pytestmark = pytest.mark.django_db

API = "/api/v1/portal"


def test_articles_are_readable_without_login_and_drafts_are_not(client, cast):
    published = make_article(cast.ward, title="Bài công khai")
    draft = make_article(cast.ward, title="Bản nháp", publish=False)
    listing = client.get(f"{API}/articles")
    assert listing.status_code == 200
    assert [a["title"] for a in listing.json()["items"]] == ["Bài công khai"]
    detail = client.get(f"{API}/articles/{published.pk}")
    assert (
        detail.status_code == 200
        and detail.json()["body_html"] == "<p>Nội dung <strong>bài viết</strong>.</p>"
    )
    assert client.get(f"{API}/articles/{draft.pk}").status_code == 404


def test_public_detail_has_approved_comments_and_never_a_phone(client, cast, ward_article):
    post_comment(client, ward_article, title="Đã duyệt", phone="0911222333", address="198.51.100.1")
    post_comment(client, ward_article, title="Còn chờ", phone="0944555666", address="198.51.100.2")
    comment_moderate(comment=Comment.objects.get(title="Đã duyệt"), approve=True, by=cast.staff)
    body = client.get(f"{API}/articles/{ward_article.pk}").content.decode()
    data = client.get(f"{API}/articles/{ward_article.pk}").json()
    assert [c["title"] for c in data["comments"]] == ["Đã duyệt"]
    assert set(data["comments"][0]) == {"id", "name", "title", "content", "created_at"}
    assert "0911222333" not in body and "0944555666" not in body and "Còn chờ" not in body


def test_staff_create_and_publish_an_article(client, cast):
    client.force_login(cast.staff)
    created = client.post(
        f"{API}/articles",
        {"publisher_id": cast.ward.pk, "title": "Thông báo", "body": "Nội dung"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    published = client.post(f"{API}/articles/{pk}/publish", {}, content_type="application/json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    patched = client.patch(
        f"{API}/articles/{pk}", {"title": "Thông báo mới"}, content_type="application/json"
    )
    assert patched.json()["title"] == "Thông báo mới" and patched.json()["slug"] == "thong-bao-moi"


def test_an_empty_title_is_a_422_naming_the_field(client, cast):
    client.force_login(cast.staff)
    response = client.post(
        f"{API}/articles",
        {"publisher_id": cast.ward.pk, "title": "", "body": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"


@pytest.mark.parametrize("who", ["outsider", "sibling_leader", "member_user"])
def test_others_cannot_write_for_the_ward(client, cast, who):
    article = make_article(cast.ward)
    client.force_login(getattr(cast, who))
    refused = client.post(
        f"{API}/articles",
        {"publisher_id": cast.ward.pk, "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert (
        client.patch(
            f"{API}/articles/{article.pk}", {"title": "z"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/articles/{article.pk}/publish", {"published": False}, content_type="application/json"
        ).status_code
        == 404
    )
    assert Article.objects.get().status == ArticleStatus.PUBLISHED and Article.objects.count() == 1


def test_writing_needs_authentication(client, cast):
    response = client.post(
        f"{API}/articles",
        {"publisher_id": cast.ward.pk, "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert client.get(f"{API}/comments").status_code == 401


def test_the_moderation_queue_and_decisions_are_scoped(client, cast, ward_article):
    theirs = make_article(cast.ward2)
    post_comment(client, ward_article, title="Của Ba Đình", phone="0911000111", address="198.51.100.1")
    post_comment(client, theirs, title="Của Hoàn Kiếm", phone="0922000222", address="198.51.100.2")
    ours = Comment.objects.get(title="Của Ba Đình")
    client.force_login(cast.staff)
    queue = client.get(f"{API}/comments").json()["items"]
    assert [(c["title"], c["phone"]) for c in queue] == [("Của Ba Đình", "0911000111")]
    approved = client.post(
        f"{API}/comments/{ours.pk}/moderate", {"decision": "approve"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    client.force_login(cast.outsider)
    assert "0911000111" not in client.get(f"{API}/comments?status=approved").content.decode()
    denied = client.post(
        f"{API}/comments/{ours.pk}/moderate", {"decision": "reject"}, content_type="application/json"
    )
    assert denied.status_code == 404
    ours.refresh_from_db()
    assert ours.status == CommentStatus.APPROVED
