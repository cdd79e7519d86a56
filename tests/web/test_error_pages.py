"""The 400, 403, 404 and 500 pages are Chibo's own, in Vietnamese, standalone; the 500 page reads nothing
from the database (issue 15 §4). DEBUG is off in tests, as in production."""

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import server_error

pytestmark = pytest.mark.urls("tests.web.error_urls")


def page(response) -> str:
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="vi">' in text
    # Django's English defaults would say so.
    assert "Not Found" not in text and "Server Error" not in text and "Forbidden" not in text
    return text


def test_404_is_in_vietnamese(cast, client, settings):
    assert settings.DEBUG is False
    client.force_login(cast.member_user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page(response)


def test_500_is_in_vietnamese(db):
    response = Client(raise_request_exception=False).get("/__thu/500/")
    assert response.status_code == 500
    text = page(response)
    assert "Đã có lỗi ở máy chủ" in text and "lỗi thử" not in text


def test_the_500_page_reads_nothing_from_the_database(db):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500 and "Đã có lỗi ở máy chủ" in response.content.decode()
    assert len(queries) == 0


def test_403_is_in_vietnamese_and_says_why(db):
    response = Client().get("/__thu/403/")
    assert response.status_code == 403
    assert "Chỉ cấp ủy chi bộ mới sửa được biên bản." in page(response)


def test_400_is_in_vietnamese(db):
    response = Client().get("/__thu/400/")
    assert response.status_code == 400
    text = page(response)
    assert "Yêu cầu không hợp lệ" in text and "đầu vào lạ" not in text


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page(db):
    response = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in page(response)
