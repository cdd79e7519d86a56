"""Members' questions on the materials of their own meeting, before it: asked by those on the meeting's
roster, read by them and the cell's leaders, answered by the leaders; nobody else sees them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingStatus
from chibo.orgs.models import RoleKind
from chibo.portal import services
from chibo.portal.models import MeetingQuestion
from tests.factories import make_member, make_user
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401
from tests.portal.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast, rule_set):  # noqa: F811
    return make_meeting(cast.cell, rule_set)


def test_a_member_on_the_roster_asks_and_the_leader_answers(client, cast, meeting):
    client.force_login(cast.member_user)
    response = client.post(url("questions", meeting.pk), {"text": "Tài liệu trang 3 nói về chỉ tiêu nào?"})
    assert response.status_code == 302 and response["Location"].endswith("#cau-hoi")
    question = MeetingQuestion.objects.get()
    assert (
        question.member == cast.member and AuditEntry.objects.filter(model="portal.meetingquestion").exists()
    )
    client.force_login(cast.leader_user)
    html = client.get(url("questions", meeting.pk)).content.decode()
    assert "Tài liệu trang 3" in html and "Lê Văn An" in html and "Ghi câu trả lời" in html
    client.post(url("answer", question.pk), {"answer": "Chỉ tiêu T2: tài liệu đến đảng viên trước một ngày."})
    question.refresh_from_db()
    assert question.answer.startswith("Chỉ tiêu T2") and question.answered_by == cast.leader_user
    client.force_login(cast.member_user)
    assert "Chỉ tiêu T2" in client.get(url("questions", meeting.pk)).content.decode()


def test_an_empty_question_is_refused_with_a_message(client, cast, meeting):
    client.force_login(cast.member_user)
    response = client.post(url("questions", meeting.pk), {"text": "  "})
    assert "Câu hỏi về tài liệu: không được để trống." in response.content.decode()
    assert not MeetingQuestion.objects.exists()


def test_a_member_not_on_the_meetings_roster_cannot_ask_or_read(client, cast, meeting):
    # Joined the cell after the meeting's day: a member of the cell, not of that meeting.
    newcomer = make_member(cast.cell, full_name="Hoàng Văn Mới", joined_on=dt.date(2025, 6, 1))
    user = make_user("moi", role=RoleKind.MEMBER, org=cast.cell, member=newcomer)
    client.force_login(user)
    assert client.post(url("questions", meeting.pk), {"text": "Cho tôi hỏi"}).status_code == 404
    assert client.get(url("questions", meeting.pk)).status_code == 404
    with pytest.raises(ValidationError, match="danh sách sinh hoạt"):
        services.question_ask(meeting=meeting, member=newcomer, text="Cho tôi hỏi", by=SYSTEM)
    assert not MeetingQuestion.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_a_sibling_gets_404(client, cast, meeting, who):
    services.question_ask(meeting=meeting, member=cast.member, text="Câu hỏi riêng của chi bộ", by=SYSTEM)
    question = MeetingQuestion.objects.get()
    client.force_login(getattr(cast, who))
    assert client.get(url("questions", meeting.pk)).status_code == 404
    assert client.post(url("questions", meeting.pk), {"text": "x"}).status_code == 404
    assert client.post(url("answer", question.pk), {"answer": "x"}).status_code == 404
    question.refresh_from_db()
    assert question.answer == ""


def test_an_ordinary_member_cannot_answer(client, cast, meeting):
    question = services.question_ask(meeting=meeting, member=cast.member, text="Hỏi", by=SYSTEM)
    client.force_login(cast.member_user)
    assert client.post(url("answer", question.pk), {"answer": "Tự trả lời"}).status_code == 403


def test_no_questions_once_the_meeting_is_held(cast, meeting):
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.question_ask(meeting=meeting, member=cast.member, text="Muộn rồi", by=SYSTEM)


def test_the_meeting_page_partial_shows_the_form_to_roster_members_only(cast, meeting):
    services.question_ask(meeting=meeting, member=cast.member, text="Câu hỏi đã gửi", by=SYSTEM)
    template = Template('{% include "portal/_meeting_questions.html" %}')
    request = RequestFactory().get("/")

    def render(user):
        request.user = user
        return template.render(Context({"meeting": meeting, "user": user, "request": request}))

    assert "Câu hỏi đã gửi" in render(cast.member_user) and "Gửi câu hỏi" in render(cast.member_user)
    staff_view = render(cast.staff)
    assert "Câu hỏi đã gửi" in staff_view and "Gửi câu hỏi" not in staff_view
    assert render(cast.outsider).strip() == ""
