"""The training policies (chibo/training/access.py): who sees and changes a course and a participant,
who organises and enrols; a sibling ward's staff is refused everywhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.common.access import SYSTEM
from chibo.training import access, services

pytestmark = pytest.mark.django_db


def test_the_course_policy_allows_the_organiser_and_refuses_the_sibling(cast, scene, make_course):
    course = make_course()
    assert access.course.can_view(cast.staff, course) and access.course.can_edit(cast.staff, course)
    # The cell's leader sees the ward's course (organised above their role) but does not edit it.
    assert access.course.can_view(cast.leader_user, course)
    assert not access.course.can_edit(cast.leader_user, course)
    with pytest.raises(PermissionDenied):
        access.course.get_for_user(cast.leader_user, course.pk, write=True)
    assert not access.course.can_view(cast.outsider, course)
    assert not access.course.visible_qs(cast.outsider).exists()
    with pytest.raises(Http404):
        access.course.get_for_user(cast.outsider, course.pk)


def test_the_participation_policy_follows_the_cell(cast, scene, make_course):
    course = make_course()
    (p,), _ = services.participations_enrol(course=course, people=[(scene.deputy, cast.cell)], by=SYSTEM)
    assert access.participation.can_edit(cast.leader_user, p)
    assert list(access.participation.visible_qs(cast.leader_user)) == [p]
    assert not access.participation.visible_qs(cast.outsider).exists()
    with pytest.raises(Http404):
        access.participation.get_for_user(cast.outsider, p.pk, write=True)


def test_organising_and_enrolling_are_checked_in_the_services(cast, scene, make_course):
    assert access.can_organise(cast.staff, cast.ward) and not access.can_organise(cast.outsider, cast.ward)
    assert not access.can_organise(cast.member_user)
    with pytest.raises(PermissionDenied):
        services.course_create(
            by=cast.outsider,
            title="Lớp",
            organiser=cast.ward,
            starts_on=scene.secretary.admitted_on,
            ends_on=scene.secretary.admitted_on,
        )
    course = make_course()
    with pytest.raises(PermissionDenied):
        services.participations_enrol(course=course, people=[(scene.deputy, cast.cell)], by=cast.outsider)
    with pytest.raises(PermissionDenied):
        services.course_update(course=course, by=cast.outsider, place="Khác")
