"""Visit → recommendation → answer → close, and who is refused at each step."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.common.signals import cell_month_changed
from chibo.meetings.models import MeetingStatus
from chibo.supervision import services
from chibo.supervision.models import Recommendation, RecommendationStatus, Visit
from tests.factories import make_member, make_user
from tests.meetings.conftest import make_meeting
from tests.supervision.conftest import OBSERVATION, local, record_visit

pytestmark = pytest.mark.django_db

VISIT_POST = OBSERVATION | {"rec_text": "Bổ sung danh sách đảng viên vắng", "rec_due_on": "05/04/2025"}


def test_the_assigned_supervisor_records_a_visit_on_the_web(client, cast, held, assignment):
    client.force_login(cast.supervisor)
    meeting_page = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert "Ghi nhận dự sinh hoạt" in meeting_page
    url = reverse("supervision:visit_create", args=[held.pk])
    form = client.get(url).content.decode()
    assert 'type="radio"' in form and "Điều hành của đồng chí bí thư" in form
    response = client.post(url, VISIT_POST)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert (visit.visited_on, visit.content, visit.assignment) == (dt.date(2025, 3, 5), "average", assignment)
    (rec,) = visit.recommendations.all()
    assert (rec.text, rec.due_on, rec.status, rec.cell) == (
        "Bổ sung danh sách đảng viên vắng",
        dt.date(2025, 4, 5),
        RecommendationStatus.OPEN,
        cast.cell,
    )
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Trung bình" in page and "Nội dung còn chung chung" in page and "quá hạn" in page
    # Once recorded, the meeting page links the visit instead of offering the button again.
    meeting_page = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert visit.get_absolute_url() in meeting_page and "Ghi nhận dự sinh hoạt</a>" not in meeting_page


def test_a_missing_rating_is_named(client, cast, held, assignment):
    client.force_login(cast.supervisor)
    data = {k: v for k, v in VISIT_POST.items() if k != "chairing"}
    response = client.post(reverse("supervision:visit_create", args=[held.pk]), data)
    assert response.status_code == 200
    assert (
        "Điều hành của đồng chí bí thư: hãy chọn Tốt, Khá, Trung bình hoặc Yếu." in response.content.decode()
    )
    assert not Visit.objects.exists()


def test_a_recommendation_due_before_the_meeting_is_refused(client, cast, held, assignment):
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("supervision:visit_create", args=[held.pk]), VISIT_POST | {"rec_due_on": "01/03/2025"}
    )
    assert "Hạn trả lời: không được trước ngày dự sinh hoạt 05/03/2025." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_ward_supervisor_without_assignment_is_refused_403(client, cast, held):
    # The supervisor role on the ward lets them read the cell; recording needs an assignment.
    client.force_login(cast.supervisor)
    assert client.get(reverse("supervision:visit_create", args=[held.pk])).status_code == 403
    assert client.post(reverse("supervision:visit_create", args=[held.pk]), VISIT_POST).status_code == 403
    assert (
        "Ghi nhận dự sinh hoạt" not in client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    )


def test_an_assignment_on_another_cell_or_another_period_does_not_cover_the_meeting(cast, held):
    other = services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell2,
        valid_from=dt.date(2025, 1, 1),
        by=cast.staff,
    )
    later = services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell,
        valid_from=dt.date(2025, 4, 1),
        by=cast.staff,
    )
    for a in (other, later):
        with pytest.raises(ValidationError):
            record_visit(held, a)


def test_an_assignment_on_the_ward_covers_its_cells(cast, held):
    # The city assigns one of its people (a member of the city's subtree) to follow the whole ward.
    user = make_user("uyvien", member=make_member(cast.cell2))
    a = services.assignment_create(
        committee=cast.city, user=user, unit=cast.ward, valid_from=dt.date(2025, 1, 1), by=SYSTEM
    )
    assert record_visit(held, a).cell == cast.cell


@pytest.mark.parametrize("who", ["staff", "leader_user"])
def test_users_who_see_the_meeting_but_are_not_assigned_get_403(client, cast, held, assignment, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("supervision:visit_create", args=[held.pk])).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_siblings_get_404_everywhere(client, cast, visit, who):
    rec = visit.recommendations.get()
    client.force_login(getattr(cast, who))
    for url in (
        reverse("supervision:visit_create", args=[visit.meeting_id]),
        reverse("supervision:visit", args=[visit.pk]),
        reverse("supervision:visit_edit", args=[visit.pk]),
        reverse("supervision:recommendation", args=[rec.pk]),
        reverse("supervision:org_recommendations", args=[cast.cell.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("supervision:answer", args=[rec.pk]),
        reverse("supervision:close", args=[rec.pk]),
        reverse("supervision:visit_delete", args=[visit.pk]),
        reverse("supervision:recommendation_add", args=[visit.pk]),
    ):
        assert client.post(url, {"answer": "x", "text": "x", "due_on": "01/05/2025"}).status_code == 404, url
    assert Recommendation.objects.get().status == RecommendationStatus.OPEN


def test_a_plain_member_does_not_see_visits(client, cast, visit):
    client.force_login(cast.member_user)
    assert client.get(reverse("supervision:visit", args=[visit.pk])).status_code == 404
    assert (
        "Kiến nghị của cấp ủy viên phụ trách"
        not in client.get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    )


def test_the_cell_leader_answers_and_the_supervisor_closes(client, cast, visit):
    rec = visit.recommendations.get()
    url = reverse("supervision:recommendation", args=[rec.pk])
    # The supervisor cannot answer for the cell; the leader cannot close.
    client.force_login(cast.supervisor)
    assert client.post(reverse("supervision:answer", args=[rec.pk]), {"answer": "x"}).status_code == 403
    client.force_login(cast.leader_user)
    assert "Trả lời kiến nghị" in client.get(url).content.decode()
    assert client.post(reverse("supervision:close", args=[rec.pk])).status_code == 403
    empty = client.post(reverse("supervision:answer", args=[rec.pk]), {"answer": "  "})
    assert empty.status_code == 422 and "Trả lời của chi bộ: không được để trống." in empty.content.decode()
    response = client.post(reverse("supervision:answer", args=[rec.pk]), {"answer": "Đã bổ sung danh sách"})
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.answer, rec.answered_by) == (
        RecommendationStatus.ANSWERED,
        "Đã bổ sung danh sách",
        cast.leader_user,
    )
    client.force_login(cast.supervisor)
    assert (
        client.post(reverse("supervision:close", args=[rec.pk]), {"note": "Đạt yêu cầu"}).status_code == 302
    )
    rec.refresh_from_db()
    assert (rec.status, rec.closed_by, rec.close_note) == (
        RecommendationStatus.CLOSED,
        cast.supervisor,
        "Đạt yêu cầu",
    )
    # Closed is locked: no more answers.
    client.force_login(cast.leader_user)
    response = client.post(reverse("supervision:answer", args=[rec.pk]), {"answer": "Bổ sung"}, follow=True)
    assert "Kiến nghị đã kết thúc; không sửa được nữa." in response.content.decode()
    rec.refresh_from_db()
    assert rec.answer == "Đã bổ sung danh sách"


def test_staff_of_the_ward_read_but_neither_answer_nor_close(client, cast, visit):
    rec = visit.recommendations.get()
    client.force_login(cast.staff)
    assert client.get(reverse("supervision:recommendation", args=[rec.pk])).status_code == 200
    assert client.post(reverse("supervision:answer", args=[rec.pk]), {"answer": "x"}).status_code == 403
    assert client.post(reverse("supervision:close", args=[rec.pk])).status_code == 403


def test_a_successor_assigned_to_the_cell_may_close(cast, visit):
    person = make_member(cast.cell2)
    user = make_user("nguoikhac", member=person)
    services.assignment_create(
        committee=cast.ward, user=user, unit=cast.cell, valid_from=dt.date(2025, 6, 1), by=cast.staff
    )
    from chibo.supervision.access import recommendation

    rec = recommendation.get_for_user(user, visit.recommendations.get().pk)
    recommendation.check_close(user, rec)
    assert services.recommendation_close(recommendation=rec, by=user).status == RecommendationStatus.CLOSED


def test_the_supervisor_adds_a_recommendation_later(client, cast, visit):
    client.force_login(cast.supervisor)
    url = reverse("supervision:recommendation_add", args=[visit.pk])
    bad = client.post(url, {"text": "", "due_on": "05/04/2025"})
    assert bad.status_code == 422 and "Nội dung kiến nghị: không được để trống." in bad.content.decode()
    assert client.post(url, {"text": "Lập sổ theo dõi nhiệm vụ", "due_on": "05/05/2025"}).status_code == 302
    assert visit.recommendations.count() == 2
    client.force_login(cast.leader_user)
    assert client.post(url, {"text": "x", "due_on": "05/05/2025"}).status_code == 403


def test_a_visit_at_a_planned_meeting_is_refused(cast, assignment, task_rules):
    planned = make_meeting(cast.cell, task_rules, when=local(2025, 6, 5, 19, 30))
    assert planned.status == MeetingStatus.PLANNED
    with pytest.raises(ValidationError):
        record_visit(planned, assignment)


def test_one_visit_per_supervisor_and_meeting(client, cast, visit):
    with pytest.raises(ValidationError):
        record_visit(visit.meeting, visit.assignment)
    client.force_login(cast.supervisor)
    response = client.get(reverse("supervision:visit_create", args=[visit.meeting_id]))
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()


def test_edit_and_delete_a_visit_tell_the_indicators(client, cast, held, assignment):
    seen = []

    def listener(sender, cell_ids, first_day, last_day, **kw):
        seen.append((set(cell_ids), first_day))

    cell_month_changed.connect(listener)
    try:
        visit = record_visit(held, assignment)
        client.force_login(cast.supervisor)
        edit = client.post(
            reverse("supervision:visit_edit", args=[visit.pk]), OBSERVATION | {"chairing": "weak"}
        )
        assert edit.status_code == 302
        visit.refresh_from_db()
        assert visit.chairing == "weak"
        assert client.post(reverse("supervision:visit_delete", args=[visit.pk])).status_code == 302
    finally:
        cell_month_changed.disconnect(listener)
    assert not Visit.objects.exists()
    assert seen == [({cast.cell.pk}, dt.date(2025, 3, 5)), ({cast.cell.pk}, dt.date(2025, 3, 5))]


def test_a_visit_with_an_answered_recommendation_cannot_be_deleted(cast, visit):
    rec = visit.recommendations.get()
    services.recommendation_answer(recommendation=rec, answer="Đã làm", by=cast.leader_user)
    with pytest.raises(ValidationError):
        services.visit_delete(visit=visit, by=cast.supervisor)
