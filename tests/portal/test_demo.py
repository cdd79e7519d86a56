"""The demo's portal: articles of the city and the first ward, with approved and pending comments."""

import datetime as dt

import pytest

from chibo.demo import portal as demo_portal
from chibo.demo.accounts import create_demo_accounts
from chibo.demo.extras import demo_users
from chibo.demo.generator import SeedSpec, seed
from chibo.portal.models import Article, ArticleStatus, Comment, CommentStatus

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_articles_with_moderated_comments(client):
    result = seed(SeedSpec(cells=6, members_per_cell=8, months=2, seed=3, today=dt.date(2026, 3, 15)))
    create_demo_accounts(result)
    demo_portal.seed(result, demo_users())
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert published.filter(publisher_id=result.root_id).count() == 3
    assert published.filter(publisher_id=result.ward_ids[0]).count() == 2
    assert Article.objects.filter(status=ArticleStatus.DRAFT).count() == 1
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert statuses == {CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.REJECTED}
    home = client.get("/cong-thong-tin/").content.decode()
    assert "Đề án 11-ĐA/TU" in home
    client.login(username="canbo", password="canbo-chibo-2021")
    assert "Duyệt bình luận (1)" in client.get("/cong-thong-tin/duyet/").content.decode()
