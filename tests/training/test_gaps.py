"""The leaders' gap list: the T6 rule per person (trained 12 months ago = trained, 31 months ago = not,
never = not, an ended position = not listed), the same numbers as reporting, and enrolling the missing
ones idempotently."""

import datetime as dt

import pytest
from django.test import override_settings

from chibo.common.access import SYSTEM
from chibo.common.dates import month_end, today
from chibo.reporting import engine, periods
from chibo.training import selectors, services
from chibo.training.models import Participation

pytestmark = pytest.mark.django_db


def people(org, day):
    out = {}
    for g in selectors.cell_gaps(selectors.gap_summary(org, day).cell_ids, day):
        for x in g.leaders:
            out[x.member.full_name] = (g.cell.code, x.trained)
    return out


def test_the_rule_per_person(cast, scene):
    listed = people(cast.ward, today())
    assert listed == {
        "Trần Thị Bình": ("BD-01", True),  # 12 months ago
        "Phạm Văn Cường": ("BD-01", False),  # 31 months ago: out of the 30-month window
        "Hoàng Thị Dung": ("BD-02", False),  # never trained
    }  # Vũ Văn Em's position ended yesterday; Đỗ Văn Giang is in the sibling ward
    summary = selectors.gap_summary(cast.ward, today())
    assert (summary.leaders, summary.trained, summary.untrained) == (3, 1, 2)


def test_on_an_earlier_day_the_ended_position_is_listed(cast, scene):
    listed = people(cast.cell2, today() - dt.timedelta(days=2))
    assert listed["Vũ Văn Em"] == ("BD-02", False)


@override_settings(CHIBO_TRAINING_VALID_MONTHS=36)
def test_the_window_comes_from_the_settings(cast, scene):
    assert people(cast.ward, today())["Phạm Văn Cường"] == ("BD-01", True)


def test_the_gap_list_agrees_with_t6_of_reporting(cast, scene):
    day = month_end(today().year, today().month)
    for org in (cast.city, cast.ward, cast.cell, cast.cell2, cast.ward2):
        summary = selectors.gap_summary(org, day)
        ind = engine.compute(org, periods.month(day.year, day.month))["leader_training_rate"]
        assert (summary.trained, summary.leaders) == (ind.numerator, ind.denominator), org.code


def test_enrol_the_missing_is_idempotent(cast, scene, make_course):
    course = make_course()
    created, skipped, outside = services.enrol_missing(by=SYSTEM, course=course, org=cast.ward, day=today())
    assert {p.member.full_name for p in created} == {"Phạm Văn Cường", "Hoàng Thị Dung"}
    assert (skipped, outside) == (0, 0)
    created, skipped, outside = services.enrol_missing(by=SYSTEM, course=course, org=cast.ward, day=today())
    assert (created, skipped) == ([], 2)
    assert Participation.objects.filter(course=course).count() == 2


def test_enrol_only_the_selected(cast, scene, make_course):
    course = make_course()
    created, _, _ = services.enrol_missing(
        by=SYSTEM,
        course=course,
        org=cast.ward,
        day=today(),
        member_ids=[scene.secretary2.pk, scene.secretary.pk],
    )
    # The trained secretary is not missing, so only Hoàng Thị Dung is enrolled.
    assert [p.member for p in created] == [scene.secretary2]


def test_cells_outside_the_course_scope_are_left_out(cast, scene, make_course):
    course = make_course(organiser=cast.ward)
    created, _, outside = services.enrol_missing(by=SYSTEM, course=course, org=cast.city, day=today())
    assert len(created) == 2 and outside == 1  # Đỗ Văn Giang of HK-09
