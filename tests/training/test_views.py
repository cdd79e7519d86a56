"""The pages: each works for the legitimate user and answers 404 to the sibling branch."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.dataio.models import ImportJob
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.training import services
from chibo.training.models import Course, Participation, ParticipationStatus
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(make_course):
    return make_course(starts_in=-2, length=5)


def login(client, user):
    client.force_login(user)
    return client


def test_nav_link_and_course_list(client, cast, course, make_course):
    other = services.course_create(
        by=SYSTEM, title="Lớp của phường Hoàn Kiếm", organiser=cast.ward2, starts_on=today(), ends_on=today()
    )
    city = services.course_create(
        by=SYSTEM, title="Lớp của Thành ủy", organiser=cast.city, starts_on=today(), ends_on=today()
    )
    html = login(client, cast.leader_user).get(reverse("training:courses")).content.decode()
    assert 'href="/boi-duong/"' in html and "Bồi dưỡng" in html
    assert course.title in html and city.title in html  # own ward's and the city's, above
    assert other.title not in html  # the sibling ward's
    html = login(client, cast.outsider).get(reverse("training:courses")).content.decode()
    assert course.title not in html and other.title in html and city.title in html


def test_course_page_for_the_ward_and_404_for_the_sibling(client, cast, course):
    assert login(client, cast.staff).get(course.get_absolute_url()).status_code == 200
    assert login(client, cast.outsider).get(course.get_absolute_url()).status_code == 404
    assert login(client, cast.sibling_leader).get(course.get_absolute_url()).status_code == 404


def test_city_course_shows_each_branch_only_its_own_participants(client, cast, scene):
    course = services.course_create(
        by=SYSTEM,
        title="Lớp của Thành ủy",
        organiser=cast.city,
        starts_on=today(),
        ends_on=today() + dt.timedelta(days=1),
    )
    services.participations_enrol(
        by=SYSTEM,
        course=course,
        people=[(scene.secretary2, cast.cell2), (scene.hk_secretary, cast.other_cell)],
    )
    html = login(client, cast.outsider).get(course.get_absolute_url()).content.decode()
    assert "Đỗ Văn Giang" in html and "Hoàng Thị Dung" not in html
    html = login(client, cast.staff).get(course.get_absolute_url()).content.decode()
    assert "Hoàng Thị Dung" in html and "Đỗ Văn Giang" not in html


def test_create_and_edit_a_course(client, cast):
    login(client, cast.staff)
    response = client.post(
        reverse("training:course_create"),
        {
            "title": "Cập nhật kiến thức mới quý IV",
            "kind": "new_knowledge",
            "organiser": cast.ward.pk,
            "starts_on": "01/12/2026",
            "ends_on": "02/12/2026",
            "place": "",
            "online": "on",
            "hours": "8",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert course.online and course.starts_on == dt.date(2026, 12, 1)
    response = client.post(
        reverse("training:course_edit", args=[course.pk]),
        {
            "title": "Cập nhật kiến thức mới quý IV/2026",
            "kind": "new_knowledge",
            "organiser": cast.ward.pk,
            "starts_on": "01/12/2026",
            "ends_on": "30/11/2026",
            "hours": "8",
        },
    )
    assert response.status_code == 200
    assert "Đến ngày" in response.content.decode()  # the error names the field
    assert (
        login(client, cast.outsider).get(reverse("training:course_edit", args=[course.pk])).status_code == 404
    )
    assert (
        login(client, cast.leader_user).get(reverse("training:course_edit", args=[course.pk])).status_code
        == 403
    )


def test_the_sibling_cannot_create_in_our_ward(client, cast):
    response = login(client, cast.outsider).post(
        reverse("training:course_create"),
        {
            "title": "X",
            "kind": "party_work",
            "organiser": cast.ward.pk,
            "starts_on": "01/12/2026",
            "ends_on": "01/12/2026",
        },
    )
    assert response.status_code == 200 and not Course.objects.exists()


def test_enrol_by_card_number_and_record_completion(client, cast, scene, course):
    login(client, cast.leader_user)
    client.post(reverse("training:course_enrol", args=[course.pk]), {"card_numbers": "01000002"})
    p = Participation.objects.get(course=course)
    assert p.member == scene.deputy and p.cell == cast.cell
    response = client.post(
        reverse("training:participation_status", args=[p.pk]),
        {f"p{p.pk}-status": "completed", f"p{p.pk}-certificate_number": "77/CC", f"p{p.pk}-completed_on": ""},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ParticipationStatus.COMPLETED and p.record is not None
    # A card of the sibling ward is refused with a message naming it.
    response = client.post(reverse("training:course_enrol", args=[course.pk]), {"card_numbers": "01000005"})
    assert response.status_code == 200 and "Số thẻ 01000005" in response.content.decode()
    assert Participation.objects.filter(course=course).count() == 1


def _form_of(html: str, action: str) -> str:
    start = html.index(f'action="{action}"')
    return html[start : html.index("</form>", start)]


def test_a_refused_enrolment_keeps_the_card_numbers_typed(client, cast, scene, course):
    url = reverse("training:course_enrol", args=[course.pk])
    typed = "01000002\n01000005\n0999"
    response = login(client, cast.leader_user).post(url, {"card_numbers": typed})
    # The page again with the list as typed, each wrong number named: nobody is enrolled until it is fixed.
    assert response.status_code == 200
    form = _form_of(response.content.decode(), url)
    assert "01000002\n01000005\n0999</textarea>" in form
    assert "Số thẻ 01000005: không có đảng viên này" in form and "Số thẻ 0999: không có đảng viên này" in form
    assert "Số thẻ 01000002" not in form.split("</textarea>")[1]
    assert not Participation.objects.exists()
    empty = _form_of(client.post(url, {"card_numbers": "  "}).content.decode(), url)
    assert "Số thẻ đảng viên: không được để trống." in empty


def test_a_refused_status_keeps_the_rows_choice_and_typed_values(client, cast, scene, make_course):
    later = make_course(starts_in=5)  # not started: completion cannot be recorded yet
    (p,), _ = services.participations_enrol(by=SYSTEM, course=later, people=[(scene.deputy, cast.cell)])
    url = reverse("training:participation_status", args=[p.pk])
    data = {f"p{p.pk}-status": "completed", f"p{p.pk}-certificate_number": "77/CC", f"p{p.pk}-completed_on": ""}
    response = login(client, cast.leader_user).post(url, data)
    assert response.status_code == 200
    form = _form_of(response.content.decode(), url)
    assert "Lớp chưa khai giảng, chưa thể ghi hoàn thành." in form
    assert '<option value="completed" selected>' in form and 'value="77/CC"' in form
    bad_day = client.post(url, {**data, f"p{p.pk}-completed_on": "31/02/2026"})
    form = _form_of(bad_day.content.decode(), url)
    assert "Ngày hoàn thành: ngày không hợp lệ" in form and 'value="31/02/2026"' in form
    p.refresh_from_db()
    assert p.status == ParticipationStatus.ENROLLED and p.certificate_number == ""


def test_status_change_is_404_for_the_sibling(client, cast, scene, course):
    (p,), _ = services.participations_enrol(by=SYSTEM, course=course, people=[(scene.deputy, cast.cell)])
    url = reverse("training:participation_status", args=[p.pk])
    for user in (cast.outsider, cast.sibling_leader):
        assert login(client, user).post(url, {f"p{p.pk}-status": "attended"}).status_code == 404
    assert login(client, cast.supervisor).post(url, {f"p{p.pk}-status": "attended"}).status_code == 403
    assert (
        login(client, cast.outsider).post(reverse("training:course_enrol", args=[course.pk]), {}).status_code
        == 404
    )


def test_gap_page_lists_names_and_enrols_the_missing(client, cast, scene, make_course):
    course = make_course()
    url = reverse("training:gaps", args=[cast.ward.pk])
    html = login(client, cast.staff).get(url).content.decode()
    assert "Phạm Văn Cường" in html and "Hoàng Thị Dung" in html and "Vũ Văn Em" not in html
    assert "Ghi danh vào khóa" in html and course.title in html
    response = client.post(
        reverse("training:gap_enrol", args=[cast.ward.pk]), {"course": course.pk, "scope": "all"}
    )
    assert response.status_code == 302
    assert set(Participation.objects.values_list("member__full_name", flat=True)) == {
        "Phạm Văn Cường",
        "Hoàng Thị Dung",
    }
    client.post(reverse("training:gap_enrol", args=[cast.ward.pk]), {"course": course.pk, "scope": "all"})
    assert Participation.objects.count() == 2  # idempotent


def test_gap_page_selected_only(client, cast, scene, make_course):
    course = make_course()
    login(client, cast.staff).post(
        reverse("training:gap_enrol", args=[cast.ward.pk]),
        {"course": course.pk, "scope": "selected", "member": [scene.secretary2.pk]},
    )
    assert list(Participation.objects.values_list("member", flat=True)) == [scene.secretary2.pk]


def test_a_refused_gap_enrolment_keeps_the_course_scope_and_ticks(client, cast, scene, make_course):
    course = make_course()
    url = reverse("training:gap_enrol", args=[cast.ward.pk])
    login(client, cast.staff)
    nobody = client.post(url, {"course": course.pk, "scope": "selected"})
    assert nobody.status_code == 200
    form = _form_of(nobody.content.decode(), url)
    assert "Hãy đánh dấu ít nhất một người" in form
    assert f'<option value="{course.pk}" selected>' in form
    assert re.search(r'<input type="radio" name="scope" value="selected"[^>]* checked>', form)
    no_course = client.post(url, {"course": "", "scope": "selected", "member": [scene.secretary2.pk]})
    form = _form_of(no_course.content.decode(), url)
    assert "Khóa bồi dưỡng: không được để trống." in form
    assert re.search(rf'value="{scene.secretary2.pk}"[^>]* checked>', form)
    assert not re.search(rf'value="{scene.deputy.pk}"[^>]* checked>', form)
    assert not Participation.objects.exists()


def test_gap_page_and_enrol_are_404_for_the_sibling(client, cast, scene, make_course):
    course = make_course()
    for user in (cast.outsider, cast.sibling_leader):
        login(client, user)
        assert client.get(reverse("training:gaps", args=[cast.ward.pk])).status_code == 404
        response = client.post(reverse("training:gap_enrol", args=[cast.ward.pk]), {"course": course.pk})
        assert response.status_code == 404
    assert not Participation.objects.exists()


def test_gap_page_on_a_given_day(client, cast, scene):
    day = today() - dt.timedelta(days=2)
    url = reverse("training:gaps", args=[cast.cell2.pk]) + f"?ngay={day:%d/%m/%Y}"
    assert "Vũ Văn Em" in login(client, cast.staff).get(url).content.decode()


def test_org_panel_counts(client, cast, scene):
    html = login(client, cast.staff).get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    assert "Bồi dưỡng cấp ủy chi bộ" in html
    assert "<strong>1</strong>/3" in html
    assert reverse("training:gaps", args=[cast.ward.pk]) in html
    html = login(client, cast.member_user).get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    assert "Bồi dưỡng cấp ủy chi bộ" not in html  # an ordinary member does not read the others' records


def _course_file() -> io.BytesIO:
    book = Workbook()
    book.active.append(["Mã cấp ủy tổ chức", "Tên lớp", "Từ ngày", "Đến ngày", "Số thẻ đảng viên"])
    book.active.append(["BD", "Lớp nhập từ trang web", "01/12/2026", "03/12/2026", "01000003"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "lop.xlsx"
    return data


def test_import_page(client, cast, scene):
    # The courses import is a kind of the data import pages: checked first, written on confirm.
    login(client, cast.staff)
    html = client.get(reverse("training:courses")).content.decode()
    assert reverse("dataio:index") in html
    page = client.post(reverse("dataio:index"), {"kind": "courses", "file": _course_file()}, follow=True)
    assert "Ghi dữ liệu" in page.content.decode() and not Course.objects.exists()
    job = ImportJob.objects.get()
    page = client.post(reverse("dataio:confirm", args=[job.pk]), follow=True)
    assert "Đã ghi xong" in page.content.decode() and Participation.objects.get().member == scene.secretary2
    assert login(client, cast.member_user).get(reverse("dataio:index")).status_code == 403


def test_import_page_errors_name_row_and_column(client, cast, scene):
    book = Workbook()
    book.active.append(["Mã cấp ủy tổ chức", "Tên lớp", "Từ ngày", "Đến ngày", "Số thẻ đảng viên"])
    book.active.append(["BD", "Lớp", "1/13/2026", "03/12/2026", "01000003"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "lop.xlsx"
    page = login(client, cast.staff).post(
        reverse("dataio:index"), {"kind": "courses", "file": data}, follow=True
    )
    job = ImportJob.objects.get()
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "Từ ngày")}
    assert "Từ ngày" in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_pages_query_counts_do_not_grow_with_rows(client, cast, scene, course):
    login(client, cast.staff)
    urls = [
        reverse("training:gaps", args=[cast.ward.pk]),
        course.get_absolute_url(),
        reverse("training:courses"),
        reverse("orgs:detail", args=[cast.ward.pk]),
    ]
    services.participations_enrol(by=SYSTEM, course=course, people=[(scene.deputy, cast.cell)])
    before = [_queries(client, url) for url in urls]
    for n in range(3):
        cell = make_org(f"Chi bộ thêm {n}", parent=cast.ward)
        leader = make_member(cell)
        position_assign(member=leader, cell=cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 1, 1), by=SYSTEM)
        services.participations_enrol(by=SYSTEM, course=course, people=[(leader, cell)])
        services.course_create(
            by=SYSTEM, title=f"Lớp thêm {n}", organiser=cast.ward, starts_on=today(), ends_on=today()
        )
    assert [_queries(client, url) for url in urls] == before
