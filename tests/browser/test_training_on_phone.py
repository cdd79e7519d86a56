"""On a 360 px phone: ward staff open the leaders' gap list, enrol the missing ones in an upcoming course,
then record one participant's completion on the course page; no page scrolls sideways."""

import pytest
from django.urls import reverse

from chibo.training.models import Participation, ParticipationStatus
from tests.training.conftest import make_course, scene  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-123"


def login(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_enrol_the_missing_and_record_a_completion_on_a_phone(
    live_server,
    phone,
    cast,
    scene,  # noqa: F811
    make_course,  # noqa: F811
):
    course = make_course(starts_in=-1, length=3)
    page = phone
    page.goto(live_server.url + reverse("training:gaps", args=[cast.ward.pk]))
    login(page, "canbo")
    page.wait_for_selector("text=Hoàng Thị Dung")
    assert page.locator("#so-chua").inner_text() == "2"
    assert fits(page)
    page.select_option("#id_course", str(course.pk))
    page.click("text=Ghi danh vào khóa >> nth=-1")
    page.wait_for_selector("text=Đã ghi danh 2 người")
    assert Participation.objects.filter(course=course).count() == 2

    page.goto(live_server.url + course.get_absolute_url())
    assert fits(page)
    p = Participation.objects.get(course=course, member=scene.secretary2)
    page.select_option(f"#id_p{p.pk}-status", "completed")
    page.fill(f"#id_p{p.pk}-certificate_number", "88/CC-ĐU")
    page.click(f"form[action$='/hoc-vien/{p.pk}/trang-thai/'] button")
    page.wait_for_selector("text=Đã cập nhật Hoàng Thị Dung")
    assert fits(page)
    p.refresh_from_db()
    assert p.status == ParticipationStatus.COMPLETED and p.record is not None
