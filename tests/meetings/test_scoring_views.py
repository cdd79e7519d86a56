"""The score page of a meeting and the warnings page of an organisation, through real URLs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.meetings.models import AttendanceStatus, MeetingStatus, Score, ScoreItem
from chibo.meetings.services.scoring import field_name, score_propose
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.meetings.scoring_data import held_meeting, local, make_sheet, roll

pytestmark = pytest.mark.django_db

FULL = [5, 5, 10, 40, 5, 30, 5]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def sheet(rule_set):
    return make_sheet(rule_set)


@pytest.fixture
def meeting(cast, rule_set, sheet):
    meeting = held_meeting(cast.cell, rule_set, minutes=95)
    roll(meeting, cast.secretary)
    roll(meeting, cast.member, AttendanceStatus.EXCUSED, reason="Ốm")
    return meeting


def url(meeting):
    return reverse("meetings:score", args=[meeting.pk])


def form_data(sheet, values):
    return {field_name(c.pk): v for c, v in zip(sheet.criteria.order_by("order"), values, strict=True)}


def points(sheet, values):
    return {c.pk: v for c, v in zip(sheet.criteria.order_by("order"), values, strict=True)}


# --- the score page ------------------------------------------------------------------------------------


def test_the_leader_sees_the_facts_and_a_form_with_suggestions(cast, as_user, meeting, sheet):
    response = as_user(cast.leader_user).get(url(meeting))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 có mặt / 2 phải dự: 50%" in page and "dưới 90%" in page
    assert "95 phút" in page and "tối thiểu 90 phút" in page
    form = response.context["form"]
    time = sheet.criteria.get(code="time")
    assert form.initial[field_name(time.pk)] == 5
    assert "Gợi ý từ dữ liệu: 5 điểm" in form.fields[field_name(time.pk)].help_text


def test_the_leader_proposes_and_posting_twice_does_no_harm(cast, as_user, meeting, sheet):
    client = as_user(cast.leader_user)
    data = form_data(sheet, [5, 5, 10, 40, 5, 25, 5])
    assert client.post(url(meeting), data).status_code == 302
    assert client.post(url(meeting), data).status_code == 302
    score = Score.objects.get(meeting=meeting)
    assert (score.total, score.grade) == (95, "Tốt")
    assert ScoreItem.objects.filter(score=score).count() == 7
    page = client.get(url(meeting)).content.decode()
    assert "95 điểm · xếp loại Tốt" in page and "Chờ cấp trên xác nhận" in page


def test_out_of_range_points_get_an_error_naming_the_criterion(cast, as_user, meeting, sheet):
    response = as_user(cast.leader_user).post(url(meeting), form_data(sheet, [5, 5, 10, 41, 5, 30, "ba"]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    conduct, closing = sheet.criteria.get(code="conduct"), sheet.criteria.get(code="closing")
    assert errors[field_name(conduct.pk)] == [
        "Tổ chức sinh hoạt, điều hành của chủ trì: điểm phải từ 0 đến 40."
    ]
    assert errors[field_name(closing.pk)] == ["Kết thúc sinh hoạt: điểm phải là số nguyên."]
    assert not Score.objects.exists()


def test_a_meeting_not_held_shows_why_and_no_form(cast, as_user, rule_set, sheet):
    planned = make_meeting(cast.cell, rule_set, status=MeetingStatus.PLANNED)
    client = as_user(cast.leader_user)
    response = client.get(url(planned))
    assert response.status_code == 200 and response.context["form"] is None
    assert "Chỉ chấm điểm buổi sinh hoạt đã họp xong" in response.content.decode()
    assert client.post(url(planned), form_data(sheet, FULL)).status_code == 200
    assert not Score.objects.exists()


def test_a_plain_member_is_refused(cast, as_user, meeting, sheet):
    client = as_user(cast.member_user)
    assert client.get(url(meeting)).status_code == 403
    assert client.post(url(meeting), form_data(sheet, FULL)).status_code == 403


@pytest.mark.parametrize("who", ["sibling_leader", "outsider"])
def test_strangers_get_404(cast, as_user, meeting, sheet, who):
    client = as_user(getattr(cast, who))
    assert client.get(url(meeting)).status_code == 404
    assert client.post(url(meeting), form_data(sheet, FULL)).status_code == 404
    assert client.post(reverse("meetings:score_confirm", args=[meeting.pk])).status_code == 404


def test_the_supervisor_reads_but_does_not_propose(cast, as_user, meeting, sheet):
    client = as_user(cast.supervisor)
    response = client.get(url(meeting))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(url(meeting), form_data(sheet, FULL)).status_code == 403


def test_ward_staff_confirm_and_the_score_is_locked(cast, as_user, meeting, sheet):
    score_propose(meeting=meeting, points=points(sheet, FULL), by=cast.leader_user)
    client = as_user(cast.staff)
    assert client.get(url(meeting)).context["can_confirm"] is True
    confirm = reverse("meetings:score_confirm", args=[meeting.pk])
    assert client.post(confirm).status_code == 302
    assert client.post(confirm).status_code == 302  # posted twice: nothing changes
    score = Score.objects.get(meeting=meeting)
    assert score.confirmed_by == cast.staff
    leader = as_user(cast.leader_user)
    page = leader.get(url(meeting))
    assert page.context["form"] is None and "Đã xác nhận" in page.content.decode()
    response = leader.post(url(meeting), form_data(sheet, [0] * 7), follow=True)
    assert "không thể chấm lại" in response.content.decode()
    score.refresh_from_db()
    assert score.total == 100


def test_the_cells_leader_cannot_confirm_their_own_score(cast, as_user, meeting, sheet):
    score_propose(meeting=meeting, points=points(sheet, FULL), by=cast.leader_user)
    client = as_user(cast.leader_user)
    assert client.get(url(meeting)).context["can_confirm"] is False
    assert client.post(reverse("meetings:score_confirm", args=[meeting.pk])).status_code == 403
    assert Score.objects.get(meeting=meeting).confirmed_at is None


def test_confirming_is_post_only_and_needs_a_score(cast, as_user, meeting):
    client = as_user(cast.staff)
    confirm = reverse("meetings:score_confirm", args=[meeting.pk])
    assert client.get(confirm).status_code == 405
    response = client.post(confirm, follow=True)
    assert "chưa có điểm đề xuất" in response.content.decode()


# --- the warnings page ---------------------------------------------------------------------------------


@pytest.fixture
def absentee(cast, rule_set):
    """An unexcused absence in 3 months of 2025 and 4 excused absences in a row, both in cell."""
    member = make_member(cast.cell, full_name="Hoàng Văn Vắng")
    for month, status in zip(range(1, 8), "UUUEEEE", strict=True):
        meeting = held_meeting(cast.cell, rule_set, start=local(2025, month, 5, 19, 30))
        if status == "U":
            roll(meeting, member, AttendanceStatus.UNEXCUSED)
        else:
            roll(meeting, member, AttendanceStatus.EXCUSED, reason="Đi công tác")
    return member


def warnings_url(org, **params):
    query = "&".join(f"{k}={v}" for k, v in {"nam": 2025, **params}.items())
    return reverse("meetings:warnings", args=[org.pk]) + "?" + query


@pytest.mark.parametrize(("who", "org"), [("staff", "ward"), ("supervisor", "ward"), ("leader_user", "cell")])
def test_leaders_and_upper_levels_see_the_warnings(cast, as_user, absentee, who, org):
    client = as_user(getattr(cast, who))
    response = client.get(warnings_url(getattr(cast, org)))
    assert response.status_code == 200
    assert [c.member for c in response.context["page"]] == [absentee]
    assert "1, 2, 3" in response.content.decode()
    response = client.get(warnings_url(getattr(cast, org), loai="vang-lien-tiep"))
    assert [(s.member, s.length) for s in response.context["page"]] == [(absentee, 4)]


def test_another_year_shows_nothing(cast, as_user, absentee):
    response = as_user(cast.staff).get(warnings_url(cast.ward, nam=2024))
    assert list(response.context["page"]) == [] and "Không có đảng viên nào" in response.content.decode()


def test_a_bad_year_gets_a_vietnamese_error(cast, as_user):
    response = as_user(cast.staff).get(warnings_url(cast.ward, nam="abc"))
    assert response.status_code == 200
    assert response.context["form"].errors["nam"] == ["Năm: hãy nhập một số nguyên, ví dụ 2025."]


def test_a_plain_member_may_not_see_warnings(cast, as_user):
    assert as_user(cast.member_user).get(warnings_url(cast.cell)).status_code == 403


@pytest.mark.parametrize(
    ("who", "org"), [("sibling_leader", "cell"), ("outsider", "ward"), ("leader_user", "ward")]
)
def test_warnings_of_an_organisation_out_of_reach_are_404(cast, as_user, who, org):
    assert as_user(getattr(cast, who)).get(warnings_url(getattr(cast, org))).status_code == 404


def test_the_warnings_page_does_not_query_per_member(cast, as_user, rule_set):
    meetings = [held_meeting(cast.cell2, rule_set, start=local(2025, m, 5, 19, 30)) for m in (1, 2, 3)]
    client = as_user(cast.staff)

    def add(n):
        for _ in range(n):
            member = make_member(cast.cell2)
            for m in meetings:
                roll(m, member, AttendanceStatus.UNEXCUSED)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(warnings_url(cast.ward))
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["page"])

    add(1)
    few = count()
    add(4)
    many = count()
    assert few[1] == 1 and many[1] == 5
    assert many[0] == few[0]


def test_the_organisation_page_links_the_warnings_for_leaders_but_not_for_members(client, cast):
    from django.urls import reverse

    warnings_url = reverse("meetings:warnings", args=[cast.cell.pk])
    client.force_login(cast.leader_user)
    assert warnings_url in client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    client.force_login(cast.member_user)
    assert warnings_url not in client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()


@pytest.mark.parametrize("proposed_by_nobody", [False, True])
def test_a_score_confirmed_with_nobody_named_still_shows(cast, as_user, meeting, sheet, proposed_by_nobody):
    """A score confirmed by trusted code (an import, SYSTEM) names no account: the page says so, no 500."""
    from django.utils import timezone

    score_propose(meeting=meeting, points=points(sheet, FULL), by=cast.leader_user)
    Score.objects.filter(meeting=meeting).update(
        confirmed_by=None, confirmed_at=timezone.now(), **({"proposed_by": None} if proposed_by_nobody else {})
    )
    for user in (cast.leader_user, cast.staff):
        response = as_user(user).get(url(meeting))
        assert response.status_code == 200
        assert "Xác nhận bởi —" in response.content.decode()
