"""Fixtures for supervision: cast.supervisor is assigned by the ward BD to follow cell BD-01 from
01/01/2025 (no end); `held` is BD-01's regular meeting of 05/03/2025, held."""

import datetime as dt

import pytest

from chibo.supervision import services
from tests.resolutions.conftest import hold_meeting, local, task_rules  # noqa: F401

OBSERVATION = {
    "preparation": "good",
    "procedure": "fair",
    "attendance": "good",
    "content": "average",
    "content_comment": "Nội dung còn chung chung",
    "chairing": "good",
    "went_well": "Chuẩn bị chu đáo",
    "to_fix": "Thảo luận còn ít",
}


@pytest.fixture
def assignment(cast):
    return services.assignment_create(
        committee=cast.ward,
        user=cast.supervisor,
        unit=cast.cell,
        valid_from=dt.date(2025, 1, 1),
        by=cast.staff,
    )


@pytest.fixture
def held(cast, task_rules):  # noqa: F811
    return hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))


def record_visit(meeting, assignment, *, recs=(), **observation):
    return services.visit_create(
        meeting=meeting,
        assignment=assignment,
        by=assignment.user,
        observation=OBSERVATION | observation,
        recommendations=list(recs),
    )


@pytest.fixture
def visit(held, assignment):
    return record_visit(
        held, assignment, recs=[{"text": "Tăng thời lượng thảo luận", "due_on": dt.date(2025, 4, 5)}]
    )
