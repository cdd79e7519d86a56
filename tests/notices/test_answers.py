"""An answer to a member's question and a supervisor's recommendation reach their people by the notices."""

import datetime as dt

import pytest

from chibo.common.access import SYSTEM
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.notices.models import Delivery, NoticeKind
from chibo.portal import services as portal
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401
from tests.resolutions.conftest import hold_meeting, local, task_rules  # noqa: F401
from tests.supervision.conftest import assignment, record_visit  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_member_hears_the_answer_to_their_question(cast, rule_set):  # noqa: F811
    meeting = make_meeting(cast.cell, rule_set)
    question = portal.question_ask(meeting=meeting, member=cast.member, text="Tài liệu trang 3 nghĩa là gì?", by=SYSTEM)
    portal.question_answer(question=question, answer="Là kế hoạch quý II.", by=cast.leader_user)
    delivery = Delivery.objects.get(notice__kind=NoticeKind.ANSWER)
    assert delivery.member == cast.member
    assert "Tài liệu trang 3" in delivery.notice.body and "Là kế hoạch quý II." in delivery.notice.body


def test_the_cell_s_secretary_hears_a_recommendation_and_the_sibling_cell_does_not(
    cast, task_rules, assignment  # noqa: F811
):
    position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2020, 1, 1), by=SYSTEM
    )
    held = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    record_visit(held, assignment, recs=[{"text": "Tăng thời lượng thảo luận", "due_on": dt.date(2025, 4, 5)}])
    delivery = Delivery.objects.get(notice__kind=NoticeKind.RECOMMENDATION)
    assert delivery.member == cast.secretary
    assert "Tăng thời lượng thảo luận" in delivery.notice.body and "05/04/2025" in delivery.notice.subject
