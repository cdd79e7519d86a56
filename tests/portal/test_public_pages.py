"""The public side: home with newest and older articles, the article page, its view count, its images."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.portal import rules, services
from chibo.portal.models import Article
from tests.portal.conftest import PNG, make_article, url

pytestmark = pytest.mark.django_db


def test_home_lists_the_newest_and_pages_the_older_articles_without_login(client, cast):
    now = timezone.now()
    for n in range(30):
        article = make_article(cast.city if n % 2 else cast.ward, title=f"Bài số {n:02d}")
        Article.objects.filter(pk=article.pk).update(published_at=now - dt.timedelta(days=n))
    make_article(cast.ward, title="Bản nháp chưa đăng", publish=False)
    response = client.get(url("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Các bài mới đăng" in html and "Các bài đã đăng" in html
    assert "Bài số 00" in html and "Bài số 04" in html and "Bản nháp chưa đăng" not in html
    assert "Trang 1/2" in html and "Bài số 24" in html and "Bài số 25" not in html
    second = client.get(url("home"), {"trang": 2}).content.decode()
    assert "Bài số 25" in second and "Bài số 29" in second
    only_ward = client.get(url("home"), {"cap-uy": cast.ward.pk}).content.decode()
    assert "Bài số 00" in only_ward and "Bài số 01" not in only_ward



def test_the_committee_filter_names_only_committees_that_have_published(client, cast):
    make_article(cast.ward, title="Bài của phường")
    make_article(cast.ward2, title="Bản nháp phường khác", publish=False)
    assert client.get(url("home"), {"cap-uy": cast.ward.pk}).status_code == 200
    # A unit with only a draft, a cell that never publishes, a number that is no unit: all the same 404,
    # and none of their names is on the page.
    for pk in (cast.ward2.pk, cast.cell.pk, 999999):
        response = client.get(url("home"), {"cap-uy": pk})
        assert response.status_code == 404
    assert cast.ward2.name not in client.get(url("home"), {"cap-uy": cast.ward2.pk}).content.decode()

def test_the_article_page_shows_title_summary_body_author_date_and_views(client, cast):
    article = make_article(cast.ward, title="Đề án 11 và sinh hoạt chi bộ", body="Đoạn một.\n\nĐoạn **hai**.")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đề án 11 và sinh hoạt chi bộ" in html and "Tóm tắt bài viết về Đề án 11." in html
    assert "<p>Đoạn <strong>hai</strong>.</p>" in html and "Thu Hằng" in html
    assert timezone.localtime(article.published_at).strftime("%d/%m/%Y") in html
    assert "1 lượt xem" in html
    # An address without the slug leads to the full one.
    short = client.get(url("article_short", article.pk))
    assert short.status_code == 301 and short["Location"] == article.get_absolute_url()


def test_the_view_count_goes_up_once_per_visitor(client, cast):
    article = make_article(cast.ward)
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 1
    from django.test import Client

    Client().get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 2


def test_the_view_count_is_one_update_query(cast, django_assert_num_queries):
    article = make_article(cast.ward)
    with django_assert_num_queries(1):
        services.article_viewed(article=article)
    article.refresh_from_db()
    assert article.view_count == 1


def test_the_body_is_sanitised_and_loads_nothing_from_another_host(cast):
    body = (
        "<script>alert(1)</script>\n\n[liên kết](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
        "![ngoài](https://example.com/a.png) ![của ta](/cong-thong-tin/anh/1/)\n\n<iframe src='//x'></iframe>"
    )
    html = rules.render_body(body)
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "iframe" not in html and "example.com" not in html
    assert 'src="/cong-thong-tin/anh/1/"' in html


def test_images_are_sniffed_served_locally_and_hidden_while_the_article_is_a_draft(client, cast):
    article = make_article(cast.ward, publish=False)
    image = services.article_image_add(
        article=article,
        file=SimpleUploadedFile("anh.jpeg", PNG),
        caption="Toàn cảnh buổi sinh hoạt",
        by=SYSTEM,
    )
    # The name said JPEG; Pillow saw a PNG, and the stored name follows the content.
    assert image.file.name.endswith(".png") and (image.width, image.height) == (4, 3)
    assert client.get(url("image", image.pk)).status_code == 404
    services.article_publish(article=article, by=SYSTEM)
    response = client.get(url("image", image.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(article.get_absolute_url()).content.decode()
    assert url("image", image.pk) in page and "Toàn cảnh buổi sinh hoạt" in page


def test_a_file_that_is_not_an_image_is_refused_with_a_message(cast):
    article = make_article(cast.ward)
    with pytest.raises(Exception) as refused:
        services.article_image_add(
            article=article, file=SimpleUploadedFile("anh.png", b"<html>not</html>"), by=SYSTEM
        )
    assert "Ảnh: không đọc được tệp ảnh" in str(refused.value)


def test_home_and_article_pages_run_a_fixed_number_of_queries(cast):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(path).status_code == 200
        return len(ctx.captured_queries)

    articles = [make_article(cast.ward, title=f"Bài đầu {n}") for n in range(7)]
    few = count(url("home")), count(articles[3].get_absolute_url())
    for n in range(25):
        make_article(cast.city if n % 2 else cast.ward, title=f"Bài {n}")
    assert (count(url("home")), count(articles[3].get_absolute_url())) == few


def test_an_image_whose_file_is_gone_is_a_404(client, cast):
    article = make_article(cast.ward, publish=False)
    image = services.article_image_add(
        article=article, file=SimpleUploadedFile("anh.png", PNG), caption="Ảnh", by=SYSTEM
    )
    services.article_publish(article=article, by=SYSTEM)
    image.file.storage.delete(image.file.name)
    assert client.get(url("image", image.pk)).status_code == 404
