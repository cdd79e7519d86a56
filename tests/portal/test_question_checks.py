"""Members' questions: the services check their acting user (`by`) whoever calls them. A question is
asked from the member's own account only, and answered by the cell's writers; a sibling
organisation's user and `by=None` are refused and nothing is written; `SYSTEM` passes."""

import pytest
from django.core.exceptions import PermissionDenied

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings import access as meeting_access
from chibo.portal import access, services
from chibo.portal.models import MeetingQuestion
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401

pytestmark = pytest.mark.django_db

REFUSED = [
    pytest.param("sibling_leader", id="sibling-leader"),
    pytest.param("outsider", id="sibling-ward-staff"),
    pytest.param(None, id="by-None"),
]


def acting(cast, who):
    return getattr(cast, who) if who else None


@pytest.fixture
def meeting(cast, rule_set):  # noqa: F811
    return make_meeting(cast.cell, rule_set)


@pytest.mark.parametrize("who", [*REFUSED, pytest.param("leader_user", id="the-cells-leader")])
def test_a_question_is_asked_only_from_the_members_own_account(cast, meeting, who):
    with pytest.raises(PermissionDenied) as refused:
        services.question_ask(meeting=meeting, member=cast.member, text="Hỏi hộ", by=acting(cast, who))
    assert str(refused.value) == access.ASK_OWN_ONLY
    assert not MeetingQuestion.objects.exists()
    assert not AuditEntry.objects.filter(model="portal.meetingquestion").exists()


def test_leaving_by_out_is_a_type_error(cast, meeting):
    with pytest.raises(TypeError):
        services.question_ask(meeting=meeting, member=cast.member, text="Hỏi")
    question = services.question_ask(meeting=meeting, member=cast.member, text="Hỏi", by=SYSTEM)
    with pytest.raises(TypeError):
        services.question_answer(question=question, answer="Đáp")


@pytest.mark.parametrize("who", [*REFUSED, pytest.param("member_user", id="an-ordinary-member")])
def test_answers_come_only_from_the_cells_writers(cast, meeting, who):
    question = services.question_ask(meeting=meeting, member=cast.member, text="Hỏi", by=cast.member_user)
    with pytest.raises(PermissionDenied) as refused:
        services.question_answer(question=question, answer="Trả lời trộm", by=acting(cast, who))
    assert str(refused.value) == meeting_access.EDIT_DENIED
    question.refresh_from_db()
    assert question.answer == "" and question.answered_by is None


def test_the_member_asks_the_leader_and_system_answer(cast, meeting):
    question = services.question_ask(meeting=meeting, member=cast.member, text="Hỏi", by=cast.member_user)
    entry = AuditEntry.objects.get(model="portal.meetingquestion", object_id=str(question.pk))
    assert entry.user == cast.member_user
    answered = services.question_answer(question=question, answer="Đáp", by=cast.leader_user)
    assert answered.answered_by == cast.leader_user
    # SYSTEM (the demo) answers for nobody: no account is stored.
    again = services.question_answer(question=question, answer="Đáp lại", by=SYSTEM)
    assert again.answer == "Đáp lại" and again.answered_by is None
