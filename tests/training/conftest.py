"""The training scenario on the shared cast, dated relative to today (services refuse to complete a course
that has not started, so dates cannot be fixed in the past or the future).

ward BD ─┬─ cell  (BD-01): secretary Trần Thị Bình trained 12 months ago; deputy Phạm Văn Cường trained
         │                  31 months ago (out of the window)
         └─ cell2 (BD-02): secretary Hoàng Thị Dung never trained; former deputy Vũ Văn Em (position
                            ended yesterday: not listed)
ward HK ─── other_cell (HK-09): secretary Đỗ Văn Giang never trained (sibling branch)
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from chibo.common.access import SYSTEM
from chibo.common.dates import add_months, today
from chibo.members.models import PositionKind, TrainingKind
from chibo.members.services import position_assign, training_record_create
from chibo.training import services
from tests.factories import make_member

START = dt.date(2024, 1, 1)


@dataclass
class Scene:
    secretary: object
    deputy: object
    secretary2: object
    former: object
    hk_secretary: object


def _trained(member, months_ago: int):
    done = add_months(today(), -months_ago)
    training_record_create(
        member=member,
        course_title="Lớp bồi dưỡng cũ",
        kind=TrainingKind.PARTY_WORK,
        started_on=done - dt.timedelta(days=3),
        ended_on=done,
        completed=True,
        by=SYSTEM,
    )


@pytest.fixture
def scene(cast):
    deputy = make_member(cast.cell, full_name="Phạm Văn Cường", card_number="01000002")
    secretary2 = make_member(cast.cell2, full_name="Hoàng Thị Dung", card_number="01000003")
    former = make_member(cast.cell2, full_name="Vũ Văn Em", card_number="01000004")
    hk_secretary = make_member(cast.other_cell, full_name="Đỗ Văn Giang", card_number="01000005")
    position_assign(member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=START, by=SYSTEM)
    position_assign(member=deputy, cell=cast.cell, kind=PositionKind.DEPUTY, valid_from=START, by=SYSTEM)
    position_assign(member=secretary2, cell=cast.cell2, kind=PositionKind.SECRETARY, valid_from=START, by=SYSTEM)
    position_assign(
        member=former,
        cell=cast.cell2,
        kind=PositionKind.DEPUTY,
        valid_from=START,
        valid_until=today() - dt.timedelta(days=1),
        by=SYSTEM,
    )
    position_assign(member=hk_secretary, cell=cast.other_cell, kind=PositionKind.SECRETARY, valid_from=START, by=SYSTEM)
    _trained(cast.secretary, 12)
    _trained(deputy, 31)
    return Scene(cast.secretary, deputy, secretary2, former, hk_secretary)


@pytest.fixture
def make_course(cast):
    """make_course(days_from_now=..., length=...) → a party-work course organised by ward BD."""

    def make(starts_in: int = 10, length: int = 3, organiser=None, **kw):
        start = today() + dt.timedelta(days=starts_in)
        return services.course_create(
            by=SYSTEM,
            title=kw.pop("title", f"Bồi dưỡng nghiệp vụ công tác Đảng {start:%d/%m/%Y}"),
            kind=kw.pop("kind", TrainingKind.PARTY_WORK),
            organiser=organiser or cast.ward,
            starts_on=start,
            ends_on=start + dt.timedelta(days=length),
            place=kw.pop("place", "Hội trường Đảng ủy phường"),
            hours=kw.pop("hours", 16),
            **kw,
        )

    return make
